import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { fromCents, toCents } from './money.js';
import { productSynonyms, searchFillerWords } from './product-synonyms.js';
import { rowsOf } from './sql-rows.js';

export const productSearchFiltersSchema = z.object({
  product_type: z
    .string()
    .optional()
    .describe(
      'Product type, by name or id (e.g. "Running Shoes", "sneakers", "6938111410"). Only these products are searched.',
    ),
  color: z.string().optional().describe('Exact colour option, e.g. "red".'),
  size: z.string().optional().describe('Exact size option, e.g. "9", "M", "XL".'),
  material: z.string().optional().describe('Exact material option, e.g. "leather".'),
  options: z
    .record(z.string(), z.string())
    .optional()
    .describe('Any other exact option values by option name, e.g. {"sole": "rubber", "capacity": "1L"}.'),
  max_price: z.number().positive().optional().describe('Highest price in dollars.'),
  min_price: z.number().nonnegative().optional().describe('Lowest price in dollars.'),
  in_stock: z.boolean().optional().describe('true: only variants that can be ordered now.'),
});
export type ProductSearchFilters = z.infer<typeof productSearchFiltersSchema>;

export interface ProductSearchHit {
  item_id: string;
  product_id: string;
  name: string;
  options: Record<string, string>;
  price: number;
  available: boolean;
  /** The query words this variant matches (in its product name or option values). */
  matched: string[];
  /** Matches every query word and every filter. */
  exact: boolean;
}

export interface ProductSearchResult {
  query: string;
  interpreted: { product_types: string[]; words: string[]; filters: ProductSearchFilters };
  /** Variants satisfying the filters and matching at least one query word. */
  total: number;
  exact_matches: number;
  results: ProductSearchHit[];
  /** When the filters matched nothing: the nearest variants, with option filters relaxed to preferences. */
  alternatives?: ProductSearchHit[];
  note?: string;
}

interface Term {
  word: string;
  /** to_tsquery input: the word, or any of its synonym phrases. */
  tsquery: string;
}

const wordPattern = /[a-z0-9]+(?:-[a-z0-9]+)*/g;

/** Splits a shopper's query into search words, with synonyms; filler words are dropped. */
export function parseSearchQuery(query: string): Term[] {
  const words = query.toLowerCase().replace(/'s\b/g, 's').match(wordPattern) ?? [];
  const terms: Term[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const pair = i + 1 < words.length ? `${word} ${words[i + 1]}` : undefined;
    const key = pair && productSynonyms[pair] ? pair : word;
    if (key === pair) i++;
    if (searchFillerWords.has(key) || seen.has(key)) continue;
    seen.add(key);
    const alternatives = [key, ...(productSynonyms[key] ?? [])].map(
      (phrase) => `(${phrase.split(/[\s]+/).join(' <-> ')})`,
    );
    terms.push({ word: key, tsquery: [...new Set(alternatives)].join(' | ') });
  }
  return terms;
}

/**
 * `terms(word, q)`: the query words that still hold lexemes after stemming and stop words, and
 * `any_query(any_q)`: a tsquery matching any of them.
 */
function termsCte(terms: Term[]): SQL {
  const list = terms.length > 0 ? terms : [{ word: '', tsquery: '' }];
  const rows = list.map((t) => sql`(${t.word}::text, to_tsquery('english', ${t.tsquery}))`);
  return sql`terms as (select word, q from (values ${sql.join(rows, sql`, `)}) as x(word, q) where numnode(q) > 0),
    any_query as (select coalesce(string_agg('(' || q::text || ')', ' | ')::tsquery, ''::tsquery) as any_q from terms)`;
}

/** Drops the words that hold no lexemes once stemmed (stop words such as "in", "do", "the"). */
async function effectiveTerms(db: DbOrTx, terms: Term[]): Promise<Term[]> {
  if (terms.length === 0) return terms;
  const rows = terms.map((t, i) => sql`(${i}::int, ${t.tsquery}::text)`);
  const result = await db.execute<{ i: number }>(
    sql`select i from (values ${sql.join(rows, sql`, `)}) as x(i, q) where numnode(to_tsquery('english', q)) > 0`,
  );
  const keep = new Set(rowsOf<{ i: number }>(result).map((r) => Number(r.i)));
  return terms.filter((_, i) => keep.has(i));
}

/** Products whose names match the most query words (or the `product_type` filter). */
async function matchProductTypes(
  db: DbOrTx,
  terms: Term[],
): Promise<{ ids: string[]; names: string[]; words: string[] }> {
  if (terms.length === 0) return { ids: [], names: [], words: [] };
  const rows = await db.execute<{ id: string; name: string; words: string[] }>(sql`
    with ${termsCte(terms)}
    select p.id, p.name, array(select t.word from terms t where p.search @@ t.q) as words
    from store_products p
    where p.search @@ (select any_q from any_query)
  `);
  const list = rowsOf<{ id: string; name: string; words: string[] }>(rows);
  const best = Math.max(0, ...list.map((r) => r.words.length));
  const chosen = list.filter((r) => r.words.length === best && best > 0).sort((a, b) => a.name.localeCompare(b.name));
  return {
    ids: chosen.map((r) => r.id),
    names: chosen.map((r) => r.name),
    words: [...new Set(chosen.flatMap((r) => r.words))],
  };
}

function optionFilters(filters: ProductSearchFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters.options ?? {})) out[k.trim().toLowerCase()] = v.trim().toLowerCase();
  if (filters.color) out.color = filters.color.trim().toLowerCase();
  if (filters.size) out.size = filters.size.trim().toLowerCase();
  if (filters.material) out.material = filters.material.trim().toLowerCase();
  return out;
}

interface VariantQuery {
  terms: Term[];
  productIds?: string[];
  options: Record<string, string>;
  filters: ProductSearchFilters;
  limit: number;
}

type VariantRow = {
  item_id: string;
  product_id: string;
  product_name: string;
  options: Record<string, string>;
  price_cents: number;
  available: boolean;
  matched: string[];
  term_count: number;
  total: number;
};

async function queryVariants(db: DbOrTx, q: VariantQuery): Promise<VariantRow[]> {
  const where: SQL[] = [];
  if (q.productIds)
    where.push(
      sql`v.product_id in (${sql.join(
        q.productIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  else if (q.terms.length > 0) where.push(sql`v.search @@ (select any_q from any_query)`);
  if (Object.keys(q.options).length > 0) where.push(sql`v.options_norm @> ${JSON.stringify(q.options)}::jsonb`);
  if (q.filters.max_price !== undefined) where.push(sql`v.price_cents <= ${toCents(q.filters.max_price)}`);
  if (q.filters.min_price !== undefined) where.push(sql`v.price_cents >= ${toCents(q.filters.min_price)}`);
  if (q.filters.in_stock) where.push(sql`v.available`);
  const result = await db.execute<VariantRow>(sql`
    with ${termsCte(q.terms)}
    select v.item_id, v.product_id, v.product_name, v.options, v.price_cents, v.available, m.matched,
      (select count(*) from terms)::int as term_count,
      (count(*) over ())::int as total
    from store_variants v
    cross join lateral (select array(select t.word from terms t where v.search @@ t.q) as matched) m
    ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by cardinality(m.matched) desc,
      v.available desc,
      ts_rank(v.search, (select any_q from any_query)) desc,
      v.price_cents asc,
      v.item_id
    limit ${q.limit}
  `);
  return rowsOf<VariantRow>(result);
}

function toHit(row: VariantRow, extraExact = true): ProductSearchHit {
  return {
    item_id: row.item_id,
    product_id: row.product_id,
    name: row.product_name,
    options: row.options,
    price: fromCents(row.price_cents),
    available: row.available,
    matched: row.matched,
    exact: extraExact && row.matched.length === row.term_count,
  };
}

/**
 * search_products: PostgreSQL full-text search over product names and option values, ranked by how
 * many query words a variant matches, then availability, then ts_rank. When the query names
 * product types ("sneakers", "kettle"), only those products are searched; the remaining words
 * (colours, sizes, materials) rank their variants. Filters are exact and always applied.
 */
export async function searchProducts(
  db: DbOrTx,
  input: { query: string; filters?: ProductSearchFilters; limit?: number },
): Promise<ProductSearchResult> {
  const filters = input.filters ?? {};
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 50);
  const terms = await effectiveTerms(db, parseSearchQuery(input.query));
  const options = optionFilters(filters);
  const interpreted = { product_types: [] as string[], words: terms.map((t) => t.word), filters };

  let productIds: string[] | undefined;
  if (filters.product_type) {
    const typeTerms = parseSearchQuery(filters.product_type);
    const byId = await db.execute<{ id: string; name: string }>(
      sql`select id, name from store_products where id = ${filters.product_type.trim()}`,
    );
    const direct = rowsOf<{ id: string; name: string }>(byId);
    const match =
      direct.length > 0
        ? { ids: direct.map((r) => r.id), names: direct.map((r) => r.name) }
        : await matchProductTypes(db, typeTerms);
    if (match.ids.length === 0) {
      return {
        query: input.query,
        interpreted,
        total: 0,
        exact_matches: 0,
        results: [],
        note: `No product type matches "${filters.product_type}". list_all_product_types lists them.`,
      };
    }
    productIds = match.ids;
    interpreted.product_types = match.names;
  } else {
    const match = await matchProductTypes(db, terms);
    if (match.ids.length > 0) {
      productIds = match.ids;
      interpreted.product_types = match.names;
    }
  }

  const rows = await queryVariants(db, { terms, productIds, options, filters, limit });
  const results = rows.map((r) => toHit(r));
  const exactMatches = results.filter((r) => r.exact).length;
  const out: ProductSearchResult = {
    query: input.query,
    interpreted,
    total: rows[0]?.total ?? 0,
    exact_matches: exactMatches,
    results,
  };
  if (results.length === 0 && Object.keys(options).length > 0) {
    const preferenceTerms = Object.values(options).map((value) => ({
      word: value,
      tsquery: `(${value.split(/\s+/).join(' <-> ')})`,
    }));
    const relaxed = await queryVariants(db, {
      terms: [...terms, ...preferenceTerms.filter((p) => /^[a-z0-9 -]+$/.test(p.word))],
      productIds,
      options: {},
      filters,
      limit,
    });
    // Keep the variants that meet at least one of the relaxed filters.
    const preferred = new Set(preferenceTerms.map((p) => p.word));
    const close = relaxed.filter((r) => r.matched.some((w) => preferred.has(w)));
    out.alternatives = (close.length > 0 ? close : relaxed).map((r) => toHit(r, false));
    out.note = `No variant matches every filter (${Object.entries(options)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}). The closest alternatives are listed, best first; say so to the shopper.`;
  } else if (results.length === 0) {
    out.note =
      terms.length > 0
        ? 'Nothing in the catalogue matches these words and filters. Try fewer or different words.'
        : 'No variant matches these filters.';
  } else if (terms.length > 0 && exactMatches === 0) {
    out.note = `No variant matches every word (${terms.map((t) => t.word).join(', ')}); the closest matches come first. Say so to the shopper.`;
  }
  return out;
}
