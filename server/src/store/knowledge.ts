import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { ConflictError, issuesFromStandard, NotFoundError, ValidationError } from '../errors.js';
import { knowledgeSynonyms } from './knowledge-synonyms.js';
import { type KnowledgeArticleRow, knowledgeArticles } from './schema/index.js';
import { rowsOf } from './sql-rows.js';

export interface KnowledgeArticle {
  id: string;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface KnowledgeHit {
  id: string;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  score: number;
}

const toArticle = (r: KnowledgeArticleRow): KnowledgeArticle => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  body: r.body,
  tags: r.tags,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const MAX_QUERY_CHARS = 2_000;
const MAX_QUERY_WORDS = 32;

/**
 * Full-text search over the articles (title, then tags, then body), best first. Any word may
 * match (a shopper's question has many words an article won't contain), and so may a word's
 * synonyms (knowledge-synonyms.ts). Each word counts by how rare it is among the articles (its
 * inverse document frequency, as BM25 weighs it) times where and how often the article has it: in "do you have a
 * discount code for first-time customers" the one article that names discounts outranks those that
 * say "order", "time" and "code" more often, which plain cover density (ts_rank_cd) put first.
 * A word's count is taken from the articles it matches (found through the full-text index), so the
 * search costs about what the matching articles do: a round trip of about 1 ms over 16 articles,
 * 4.7 ms over 960 (bench/README, fourteenth session).
 */
export async function searchKnowledge(db: DbOrTx, query: string, limit = 3): Promise<KnowledgeHit[]> {
  // A long message asks the database no more than its first MAX_QUERY_WORDS distinct words.
  const words = [
    ...new Set(
      query
        .slice(0, MAX_QUERY_CHARS)
        .toLowerCase()
        .match(/[a-z0-9]+/g) ?? [],
    ),
  ].slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return [];
  for (const w of [...words])
    for (const s of Object.hasOwn(knowledgeSynonyms, w) ? knowledgeSynonyms[w]! : [])
      if (!words.includes(s)) words.push(s);
  const n = Math.min(Math.max(limit, 1), 20);
  // ts_rank's weights are {D, C, B, A}: D is unused, the body (C) 0.3, the tags (B) 0.6, the title (A) 1.
  const result = await db.execute<{
    id: string;
    slug: string;
    title: string;
    body: string;
    tags: string[];
    score: number;
  }>(sql`
    with terms as materialized (
      select distinct plainto_tsquery('english', w) as q from regexp_split_to_table(${words.join(' ')}, ' ') as w
    ),
    hits as materialized (
      select a.id, t.q, ts_rank('{0, 0.3, 0.6, 1}', a.search, t.q) as rank
      from terms t join knowledge_articles a on a.search @@ t.q
      where numnode(t.q) > 0
    ),
    total as (select count(*)::float8 as n from knowledge_articles),
    idf as (
      select q, ln(1 + (total.n - count(*) + 0.5) / (count(*) + 0.5)) as idf from hits, total group by q, total.n
    ),
    best as (
      select h.id, sum(idf.idf * h.rank)::float8 as score from hits h join idf using (q)
      group by h.id order by score desc limit ${n}
    )
    select a.id, a.slug, a.title, a.body, a.tags, best.score
    from best join knowledge_articles a using (id)
    order by best.score desc, a.title asc
  `);
  return rowsOf<KnowledgeHit>(result).map((r) => ({ ...r, score: Number(Number(r.score).toFixed(4)) }));
}

export const knowledgeArticleInputSchema = z.object({
  slug: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case words joined by hyphens'),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(20_000),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
});
export type KnowledgeArticleInput = z.input<typeof knowledgeArticleInputSchema>;

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesFromStandard(parsed.error.issues, 'input'));
  return parsed.data;
}

export async function listKnowledgeArticles(db: DbOrTx): Promise<KnowledgeArticle[]> {
  const rows = await db.select().from(knowledgeArticles).orderBy(asc(knowledgeArticles.title));
  return rows.map(toArticle);
}

export async function getKnowledgeArticle(db: DbOrTx, id: string): Promise<KnowledgeArticle> {
  const [row] = await db.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
  if (!row) throw new NotFoundError(`No knowledge article ${id}`);
  return toArticle(row);
}

async function assertSlugFree(db: DbOrTx, slug: string, exceptId?: string): Promise<void> {
  const [row] = await db
    .select({ id: knowledgeArticles.id })
    .from(knowledgeArticles)
    .where(eq(knowledgeArticles.slug, slug));
  if (row && row.id !== exceptId) throw new ConflictError(`A knowledge article with slug "${slug}" already exists`);
}

export async function createKnowledgeArticle(db: DbOrTx, input: KnowledgeArticleInput): Promise<KnowledgeArticle> {
  const data = parseInput(knowledgeArticleInputSchema, input);
  await assertSlugFree(db, data.slug);
  const [row] = await db
    .insert(knowledgeArticles)
    .values({ ...data, tagText: data.tags.join(' ') })
    .returning();
  return toArticle(row!);
}

export async function updateKnowledgeArticle(
  db: DbOrTx,
  id: string,
  patch: Partial<KnowledgeArticleInput>,
): Promise<KnowledgeArticle> {
  const current = await getKnowledgeArticle(db, id);
  const data = parseInput(knowledgeArticleInputSchema, { ...current, ...patch });
  if (data.slug !== current.slug) await assertSlugFree(db, data.slug, id);
  const [row] = await db
    .update(knowledgeArticles)
    .set({ ...data, tagText: data.tags.join(' '), updatedAt: new Date() })
    .where(eq(knowledgeArticles.id, id))
    .returning();
  return toArticle(row!);
}

export async function deleteKnowledgeArticle(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .delete(knowledgeArticles)
    .where(eq(knowledgeArticles.id, id))
    .returning({ id: knowledgeArticles.id });
  if (rows.length === 0) throw new NotFoundError(`No knowledge article ${id}`);
  return true;
}
