import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import {
  type BuiltinDecline,
  checkReviewedOffer,
  forgetDecline,
  recordDecline,
  standingDeclines,
} from '../agents/builtin-upgrade.js';
import type { Db, DbOrTx } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { formerArticleSeeds } from './former-article-seeds.js';
import { type KnowledgeArticleSeed, knowledgeArticleSeeds } from './knowledge-articles.js';
import { type KnowledgeArticleRow, knowledgeArticles, type SeededArticle } from './schema/index.js';

/** Serialises the article upgrade when several replicas start at once. */
const UPGRADE_LOCK = 0x0ba7_0005;

/**
 * A seeded article whose new content is offered, not written: `edited` (the shop changed it, or it predates
 * the `seeded` column and matches no content a release seeded), or `new` (this release adds it; a slug that is
 * missing may also be one the shop deleted, so it is never added unasked).
 */
export interface KnowledgeUpdate {
  slug: string;
  reason: 'edited' | 'new';
  /** The article as it is (null: `new`). */
  current: SeededArticle | null;
  seed: SeededArticle;
  /** Set when the shop declined this content (listed only on request). */
  declined?: BuiltinDecline;
}

export interface KnowledgeUpgradeResult {
  upgraded: string[];
  offered: KnowledgeUpdate[];
}

const contentOf = (a: SeededArticle): SeededArticle => ({ title: a.title, body: a.body, tags: a.tags });
const same = (a: SeededArticle, b: SeededArticle) =>
  a.title === b.title && a.body === b.body && JSON.stringify(a.tags) === JSON.stringify(b.tags);

/** An article's content as a short hash: how formerArticleSeeds names what a release seeded. */
export function articleContentHash(a: SeededArticle): string {
  return createHash('sha256')
    .update(JSON.stringify([a.title, a.body, a.tags]))
    .digest('hex')
    .slice(0, 16);
}

type Decision = { slug: string; seed: SeededArticle } & (
  | { action: 'none' | 'adopt' | 'upgrade'; row: KnowledgeArticleRow }
  | ({ action: 'offer' } & KnowledgeUpdate)
);

/** What this release's seed means for each article the shop has. */
async function decide(db: DbOrTx, seeds: KnowledgeArticleSeed[]): Promise<Decision[]> {
  const rows = new Map((await db.select().from(knowledgeArticles)).map((r) => [r.slug, r]));
  const declines = await articleDeclines(db, seeds);
  // Offer new articles only to a knowledge base Baton seeded (a shop with its own store has none of ours).
  const seededByBaton = [...rows.values()].some((r) => r.seeded || seeds.some((s) => s.slug === r.slug));
  const decisions: Decision[] = [];
  for (const { slug, ...seedContent } of seeds) {
    const seed = contentOf(seedContent);
    const row = rows.get(slug);
    if (!row) {
      if (seededByBaton)
        decisions.push({ slug, seed, action: 'offer', reason: 'new', current: null, ...declined(slug) });
      continue;
    }
    const current = contentOf(row);
    if (same(current, seed))
      decisions.push({ slug, seed, row, action: row.seeded && same(row.seeded, seed) ? 'none' : 'adopt' });
    else if (row.seeded ? same(current, row.seeded) : formerArticleSeeds[slug]?.includes(articleContentHash(current)))
      decisions.push({ slug, seed, row, action: 'upgrade' });
    else if (row.seeded && same(row.seeded, seed)) decisions.push({ slug, seed, row, action: 'none' });
    else decisions.push({ slug, seed, action: 'offer', reason: 'edited', current, ...declined(slug) });
  }
  return decisions;

  function declined(slug: string): { declined?: BuiltinDecline } {
    const decline = declines.get(slug);
    return decline ? { declined: decline } : {};
  }
}

/** The declines of seeded articles that still stand: made against this release's content. */
function articleDeclines(db: DbOrTx, seeds: KnowledgeArticleSeed[]) {
  return standingDeclines(db, 'article', (slug) => {
    const seed = seeds.find((s) => s.slug === slug);
    return seed && articleContentHash(contentOf(seed));
  });
}

const offerOf = (d: KnowledgeUpdate): KnowledgeUpdate => {
  const { slug, reason, current, seed, declined } = d;
  return declined ? { slug, reason, current, seed, declined } : { slug, reason, current, seed };
};

async function write(db: DbOrTx, id: string, seed: SeededArticle): Promise<void> {
  await db
    .update(knowledgeArticles)
    .set({ ...seed, tagText: seed.tags.join(' '), seeded: seed, updatedAt: new Date() })
    .where(eq(knowledgeArticles.id, id));
}

/**
 * Brings the seeded knowledge articles up to this release, on every start: an article the shop never
 * edited gets the new content; one it edited is left and its new content offered (knowledgeUpdates),
 * unless the shop declined that content (`offered` leaves it out).
 * Never deletes an article, and touches none the shop wrote itself.
 */
export async function upgradeKnowledgeArticles(
  db: Db,
  seeds: KnowledgeArticleSeed[] = knowledgeArticleSeeds,
): Promise<KnowledgeUpgradeResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${UPGRADE_LOCK})`);
    const upgraded: string[] = [];
    const offered: KnowledgeUpdate[] = [];
    for (const d of await decide(tx, seeds)) {
      if (d.action === 'offer' && !d.declined) offered.push(offerOf(d));
      else if (d.action === 'adopt')
        // Unchanged since a seed that predates the `seeded` column: remember it as Baton's.
        await tx.update(knowledgeArticles).set({ seeded: d.seed }).where(eq(knowledgeArticles.id, d.row.id));
      else if (d.action === 'upgrade') {
        await write(tx, d.row.id, d.seed);
        upgraded.push(d.slug);
      }
    }
    return { upgraded, offered };
  });
}

/**
 * The seeded articles whose new content is on offer: edited by the shop, or new in this release; with
 * `includeDeclined`, also those whose offer the shop declined (declineKnowledgeUpdate), marked `declined`.
 */
export async function knowledgeUpdates(
  db: DbOrTx,
  seeds: KnowledgeArticleSeed[] = knowledgeArticleSeeds,
  options: { includeDeclined?: boolean } = {},
): Promise<KnowledgeUpdate[]> {
  return (await decide(db, seeds)).flatMap((d) =>
    d.action === 'offer' && (options.includeDeclined || !d.declined) ? [offerOf(d)] : [],
  );
}

/** Writes an offered article's new content (or adds a new one), declined or not; the shop's edits to it are replaced. */
export async function applyKnowledgeUpdate(
  db: Db,
  slug: string,
  seeds: KnowledgeArticleSeed[] = knowledgeArticleSeeds,
  /** The `offer` the designer reviewed: another is a CONFLICT. */
  reviewed?: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${UPGRADE_LOCK})`);
    const offer = (await knowledgeUpdates(tx, seeds, { includeDeclined: true })).find((u) => u.slug === slug);
    if (!offer) throw ValidationError.single('name', `the article "${slug}" has no built-in update on offer`);
    checkReviewedOffer(reviewed, articleContentHash(offer.seed), slug);
    const [row] = await tx
      .select({ id: knowledgeArticles.id })
      .from(knowledgeArticles)
      .where(eq(knowledgeArticles.slug, slug));
    if (row) await write(tx, row.id, offer.seed);
    else
      await tx
        .insert(knowledgeArticles)
        .values({ slug, ...offer.seed, tagText: offer.seed.tags.join(' '), seeded: offer.seed });
    await forgetDecline(tx, 'article', slug);
  });
}

/**
 * Declines an offered article's new content ("Keep mine"): the article stays as the shop has it (or stays deleted),
 * and this release's content is no longer offered nor logged at start, on every replica. A later release that
 * changes the article again offers its content.
 */
export async function declineKnowledgeUpdate(
  db: Db,
  slug: string,
  author: string,
  seeds: KnowledgeArticleSeed[] = knowledgeArticleSeeds,
  /** The `offer` the designer reviewed: another is a CONFLICT. */
  reviewed?: string,
): Promise<BuiltinDecline> {
  if (!seeds.some((s) => s.slug === slug))
    throw new NotFoundError(`No seeded article "${slug}"`, { details: { field: 'name' } });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${UPGRADE_LOCK})`);
    const offer = (await knowledgeUpdates(tx, seeds, { includeDeclined: true })).find((u) => u.slug === slug);
    if (!offer) throw ValidationError.single('name', `the article "${slug}" has no built-in update on offer`);
    checkReviewedOffer(reviewed, articleContentHash(offer.seed), slug);
    return recordDecline(tx, 'article', slug, articleContentHash(offer.seed), author);
  });
}
