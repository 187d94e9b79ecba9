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
  color: z
    .string()
    .optional()
    .describe('Exact colour: the "color" option or one ending in it ("dial color"), e.g. "red".'),
  size: z
    .string()
    .optional()
    .describe('Exact size: the "size" option or one ending in it ("screen size"), e.g. "9", "M", "XL".'),
  material: z
    .string()
    .optional()
    .describe('Exact material: the "material" option or one ending in it ("strap material"), e.g. "leather".'),
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
  /** Variants matching every word and filter. */
  exact_matches: number;
  /** Exact matches only, best first (in stock, then rank, then price). */
  results: ProductSearchHit[];
  /**
   * Near misses, best first: variants matching some of the words, or (when the filters match
   * nothing) the nearest variants with option filters relaxed to preferences.
   */
  alternatives?: ProductSearchHit[];
  note?: string;
}

interface Term {
  word: string;
  /** to_tsquery input: the word, or any of its synonym phrases. */
  tsquery: string;
}

// A decimal stays one word ("1.5 liters"), as PostgreSQL's parser reads it in the options.
const wordPattern = /\d+\.\d+|[a-z0-9]+(?:-[a-z0-9]+)*/g;

/** Splits a shopper's query into search words, with synonyms; filler words are dropped. */
export function parseSearchQuery(query: string): Term[] {
  const words = query.toLowerCase().replace(/'s\b/g, 's').match(wordPattern) ?? [];
  const terms: Term[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const pair = i + 1 < words.length ? `${word} ${words[i + 1]}` : undefined;
    // Own keys only: "constructor" or "toString" in a query are words, not members of the synonym table.
    const synonymsOf = (k: string) => (Object.hasOwn(productSynonyms, k) ? productSynonyms[k]! : undefined);
    const key = pair && synonymsOf(pair) ? pair : word;
    if (key === pair) i++;
    if (searchFillerWords.has(key) || seen.has(key)) continue;
    seen.add(key);
    const alternatives = [key, ...(synonymsOf(key) ?? [])].map((phrase) => `(${phrase.split(/[\s]+/).join(' <-> ')})`);
    terms.push({ word: key, tsquery: [...new Set(alternatives)].join(' | ') });
  }
  return terms;
}

/** A query word as PostgreSQL understood it: `q` is its tsquery (stemmed, synonyms included) as text. */
interface SearchTerm {
  /** Position among the words analysed together. */
  ord: number;
  word: string;
  q: string;
}

interface ProductMatch {
  id: string;
  name: string;
  words: string[];
}

/** `(values ...)` rows of (ord, word, to_tsquery input); a placeholder row keeps an empty list valid SQL. */
function termRows(terms: Term[]): SQL {
  const list = terms.length > 0 ? terms : [{ word: '', tsquery: '' }];
  return sql.join(
    list.map((t, i) => sql`(${i}::int, ${t.word}::text, to_tsquery('english', ${t.tsquery}))`),
    sql`, `,
  );
}

/**
 * One round trip: the query words that still hold lexemes after stemming and stop words (with
 * their tsqueries), and the products whose names match `productTerms`, with the words they match.
 */
async function analyzeQuery(
  db: DbOrTx,
  terms: Term[],
  productTerms: Term[],
): Promise<{ terms: SearchTerm[]; products: ProductMatch[] }> {
  if (terms.length === 0 && productTerms.length === 0) return { terms: [], products: [] };
  type Row = {
    kind: 'term' | 'product';
    ord: number | null;
    word: string | null;
    q: string | null;
    id: string | null;
    name: string | null;
    words: string[] | null;
  };
  const result = await db.execute<Row>(sql`
    with t as (select * from (values ${termRows(terms)}) as x(ord, word, q) where numnode(q) > 0),
    pt as (select * from (values ${termRows(productTerms)}) as x(ord, word, q) where numnode(q) > 0),
    p_any as (select coalesce(string_agg('(' || q::text || ')', ' | ')::tsquery, ''::tsquery) as q from pt)
    select 'term' as kind, t.ord, t.word, t.q::text as q, null::text as id, null::text as name, null::text[] as words
    from t
    union all
    select 'product', null, null, null, p.id, p.name, array(select pt.word from pt where p.search @@ pt.q order by pt.ord)
    from store_products p
    where p.search @@ (select q from p_any)
  `);
  const rows = rowsOf<Row>(result);
  return {
    terms: rows
      .filter((r) => r.kind === 'term')
      .sort((a, b) => Number(a.ord) - Number(b.ord))
      .map((r) => ({ ord: Number(r.ord), word: r.word!, q: r.q! })),
    products: rows.filter((r) => r.kind === 'product').map((r) => ({ id: r.id!, name: r.name!, words: r.words! })),
  };
}

/** The products naming the most query words: "electric toothbrush" picks Electric Toothbrush over Electric Kettle. */
function bestProductMatches(products: ProductMatch[]): { ids: string[]; names: string[] } {
  const best = Math.max(0, ...products.map((r) => r.words.length));
  const chosen = products
    .filter((r) => r.words.length === best && best > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ids: chosen.map((r) => r.id), names: chosen.map((r) => r.name) };
}

/** The filters named for an option kind (`color`, `size`, `material`) rather than for one option by its key. */
const NAMED_OPTIONS: ReadonlySet<string> = new Set(['color', 'size', 'material']);

function optionFilters(filters: ProductSearchFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters.options ?? {})) out[k.trim().toLowerCase()] = v.trim().toLowerCase();
  if (filters.color) out.color = filters.color.trim().toLowerCase();
  if (filters.size) out.size = filters.size.trim().toLowerCase();
  if (filters.material) out.material = filters.material.trim().toLowerCase();
  return out;
}

interface VariantQuery {
  terms: SearchTerm[];
  /** Words every candidate matches by its product name: counted without testing each row. */
  nameWords?: string[];
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
  total: number;
  /** Candidates matching every word (over all of them, not just the rows returned). */
  exact_total: number;
};

/**
 * Ranks variants: most query words matched, then in stock, then ts_rank (name matches weigh more
 * than option matches), then cheapest. The tsqueries are inlined as constants, so each row costs a
 * few `@@` tests and no subqueries.
 */
async function queryVariants(db: DbOrTx, query: VariantQuery): Promise<VariantRow[]> {
  const known = new Set(query.nameWords ?? []);
  const q = { ...query, terms: query.terms.filter((t) => !known.has(t.word)) };
  const anyQuery = q.terms.map((t) => `(${t.q})`).join(' | ');
  const where: SQL[] = [];
  if (q.productIds)
    where.push(
      sql`v.product_id in (${sql.join(
        q.productIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  else if (q.terms.length > 0) where.push(sql`v.search @@ ${anyQuery}::tsquery`);
  // An option given by name (filters.options) is that option; colour, size and material are also the options that
  // end in them: "strap material" is a watch's material, "screen size" a laptop's size, "dial color" a watch's colour.
  const exact = Object.fromEntries(Object.entries(q.options).filter(([k]) => !NAMED_OPTIONS.has(k)));
  if (Object.keys(exact).length > 0) where.push(sql`v.options_norm @> ${JSON.stringify(exact)}::jsonb`);
  for (const [k, value] of Object.entries(q.options).filter(([key]) => NAMED_OPTIONS.has(key)))
    where.push(
      sql`exists (select 1 from jsonb_each_text(v.options_norm) o where (o.key = ${k} or o.key like ${`% ${k}`}) and o.value = ${value})`,
    );
  if (q.filters.max_price !== undefined) where.push(sql`v.price_cents <= ${toCents(q.filters.max_price)}`);
  if (q.filters.min_price !== undefined) where.push(sql`v.price_cents >= ${toCents(q.filters.min_price)}`);
  if (q.filters.in_stock) where.push(sql`v.available`);
  const matched =
    q.terms.length > 0
      ? sql`array_remove(array[${sql.join(
          q.terms.map((t) => sql`case when v.search @@ ${t.q}::tsquery then ${t.word}::text end`),
          sql`, `,
        )}], null)`
      : sql`array[]::text[]`;
  const coverage =
    q.terms.length > 0
      ? sql.join(
          q.terms.map((t) => sql`(v.search @@ ${t.q}::tsquery)::int`),
          sql` + `,
        )
      : sql`0`;
  const keys =
    q.terms.length > 0
      ? sql`${coverage} as coverage, ts_rank(v.search, ${anyQuery}::tsquery) as rank`
      : sql`0 as coverage, 0::real as rank`;
  const filter = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  // Rank narrow rows first; only the top `limit` rows are joined back for their options and matches.
  const result = await db.execute<VariantRow>(sql`
    with ranked as (
      select v.item_id, ${keys}, v.available, v.price_cents, count(*) over () as total,
        count(*) filter (where ${coverage} = ${q.terms.length}) over () as exact_total
      from store_variants v
      ${filter}
      order by coverage desc, v.available desc, rank desc, v.price_cents asc, v.item_id
      limit ${q.limit}
    )
    select v.item_id, v.product_id, v.product_name, v.options, v.price_cents, v.available,
      ${matched} as matched, r.total::int as total, r.exact_total::int as exact_total
    from ranked r join store_variants v on v.item_id = r.item_id
    order by r.coverage desc, r.available desc, r.rank desc, r.price_cents asc, r.item_id
  `);
  const order = query.terms.map((t) => t.word);
  return rowsOf<VariantRow>(result).map((row) => ({
    ...row,
    matched: order.filter((word) => known.has(word) || row.matched.includes(word)),
  }));
}

function toHit(row: VariantRow, termCount: number, extraExact = true): ProductSearchHit {
  return {
    item_id: row.item_id,
    product_id: row.product_id,
    name: row.product_name,
    options: row.options,
    price: fromCents(row.price_cents),
    available: row.available,
    matched: row.matched,
    exact: extraExact && row.matched.length === termCount,
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
  const parsed = parseSearchQuery(input.query);
  const options = optionFilters(filters);
  // Option filters become preference words if they match nothing; analysed in the same round trip.
  const preferences = Object.values(options)
    .filter((value) => /^[a-z0-9]+(?:[ -][a-z0-9]+)*$/.test(value))
    .map((value) => ({ word: value, tsquery: `(${value.split(/\s+/).join(' <-> ')})` }));
  const typeFilter = filters.product_type?.trim();
  const byId = typeFilter !== undefined && /^\d+$/.test(typeFilter);
  const analysis = await analyzeQuery(
    db,
    [...parsed, ...preferences],
    typeFilter === undefined ? parsed : byId ? [] : parseSearchQuery(typeFilter),
  );
  const terms = analysis.terms.filter((t) => t.ord < parsed.length);
  const preferenceTerms = analysis.terms.filter((t) => t.ord >= parsed.length);
  const interpreted = { product_types: [] as string[], words: terms.map((t) => t.word), filters };

  let match = bestProductMatches(analysis.products);
  if (byId) {
    const rows = rowsOf<{ id: string; name: string }>(
      await db.execute(sql`select id, name from store_products where id = ${typeFilter}`),
    );
    match = { ids: rows.map((r) => r.id), names: rows.map((r) => r.name) };
  }
  if (typeFilter !== undefined && match.ids.length === 0) {
    return {
      query: input.query,
      interpreted,
      total: 0,
      exact_matches: 0,
      results: [],
      note: `No product type matches "${typeFilter}". list_all_product_types lists them.`,
    };
  }
  const productIds = match.ids.length > 0 ? match.ids : undefined;
  interpreted.product_types = match.names;
  // Words that every chosen product's name matches (the query named these products).
  const chosen = analysis.products.filter((p) => match.ids.includes(p.id));
  const nameWords =
    typeFilter === undefined && chosen.length > 0
      ? chosen.map((p) => p.words).reduce((common, words) => common.filter((w) => words.includes(w)))
      : [];

  const rows = await queryVariants(db, { terms, nameWords, productIds, options, filters, limit });
  const hits = rows.map((r) => toHit(r, terms.length));
  // Exact matches are the results; near misses (some words unmatched) are only alternatives.
  const results = hits.filter((h) => h.exact);
  const near = hits.filter((h) => !h.exact);
  const out: ProductSearchResult = {
    query: input.query,
    interpreted,
    total: rows[0]?.total ?? 0,
    exact_matches: rows[0]?.exact_total ?? 0,
    results,
    ...(near.length > 0 ? { alternatives: near } : {}),
  };
  if (hits.length === 0 && Object.keys(options).length > 0) {
    const relaxed = await queryVariants(db, {
      terms: [...terms, ...preferenceTerms],
      nameWords,
      productIds,
      options: {},
      filters,
      limit,
    });
    // Keep the variants that meet at least one of the relaxed filters.
    const preferred = new Set(preferenceTerms.map((p) => p.word));
    const close = relaxed.filter((r) => r.matched.some((w) => preferred.has(w)));
    out.alternatives = (close.length > 0 ? close : relaxed).map((r) => toHit(r, terms.length, false));
    out.note = `No variant matches every filter (${Object.entries(options)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}). The closest alternatives are listed, best first; say so to the shopper.`;
  } else if (hits.length === 0) {
    out.note =
      terms.length > 0
        ? 'Nothing in the catalogue matches these words and filters. Try fewer or different words.'
        : 'No variant matches these filters.';
  } else if (results.length === 0) {
    out.note = `No variant matches every word (${terms.map((t) => t.word).join(', ')}). The closest alternatives are listed, best first; say so to the shopper.`;
  }
  return out;
}
