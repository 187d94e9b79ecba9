import { eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../server/src/db/client.js';
import { ValidationError } from '../../../server/src/errors.js';
import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  listKnowledgeArticles,
  updateKnowledgeArticle,
} from '../../../server/src/store/knowledge.js';
import { knowledgeArticleSeeds } from '../../../server/src/store/knowledge-articles.js';
import {
  applyKnowledgeUpdate,
  knowledgeUpdates,
  upgradeKnowledgeArticles,
} from '../../../server/src/store/knowledge-upgrade.js';
import { knowledgeArticles } from '../../../server/src/store/schema/index.js';
import { knowledgeArticleSeeds as firstReleaseArticles } from '../../fixtures/knowledge-articles-2026-11-23.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const seed = (slug: string) => {
  const { slug: _s, ...content } = knowledgeArticleSeeds.find((a) => a.slug === slug)!;
  return content;
};
/** What an earlier release seeded: the same article with a shorter body. */
const earlier = (slug: string) => ({ ...seed(slug), body: seed(slug).body.split('\n\n')[0]! });

describe('upgrading Baton: seeded knowledge articles the shop never edited get the new content', () => {
  const dbs: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((d) => d.dispose()));
  });

  /**
   * A knowledge base an earlier release seeded: shipping-times and warranty as it wrote them, warranty
   * then edited by the shop, privacy deleted, an article of the shop's own, and two articles from before
   * Baton remembered what it seeded (gift-cards as this release has it, sizing-guide older).
   */
  async function earlierInstall() {
    const t = await createTestDatabase({ seeded: true });
    dbs.push(t);
    const db = t.database.db;
    for (const slug of ['shipping-times', 'warranty']) {
      const old = earlier(slug);
      await db
        .update(knowledgeArticles)
        .set({ ...old, seeded: old })
        .where(eq(knowledgeArticles.slug, slug));
    }
    const bySlug = async (slug: string) => (await listKnowledgeArticles(db)).find((a) => a.slug === slug)!;
    await updateKnowledgeArticle(db, (await bySlug('warranty')).id, { body: 'Our own warranty terms.' });
    await deleteKnowledgeArticle(db, (await bySlug('privacy')).id);
    await createKnowledgeArticle(db, { slug: 'gift-wrap', title: 'Gift wrap', body: 'We wrap for $3.', tags: [] });
    await db
      .update(knowledgeArticles)
      .set({ seeded: null })
      .where(inArray(knowledgeArticles.slug, ['gift-cards', 'sizing-guide']));
    await db
      .update(knowledgeArticles)
      .set({ body: earlier('sizing-guide').body })
      .where(eq(knowledgeArticles.slug, 'sizing-guide'));
    return { t, bySlug };
  }

  it('upgrades the unedited article, leaves the edited, deleted and own ones, and offers the rest; once with two replicas', async () => {
    const { t, bySlug } = await earlierInstall();
    // A second connection pool on PostgreSQL, as a second replica has; PGlite has one connection.
    const other: Database = t.url ? await openDatabase({ databaseUrl: t.url, maxConnections: 2 }) : t.database;
    let results: Awaited<ReturnType<typeof upgradeKnowledgeArticles>>[];
    try {
      results = await Promise.all([upgradeKnowledgeArticles(t.database.db), upgradeKnowledgeArticles(other.db)]);
    } finally {
      if (other !== t.database) await other.close();
    }
    expect(results.flatMap((r) => r.upgraded)).toEqual(['shipping-times']);
    for (const r of results)
      expect(r.offered.map((o) => [o.slug, o.reason])).toEqual([
        ['sizing-guide', 'edited'],
        ['warranty', 'edited'],
        ['privacy', 'new'],
      ]);

    expect((await bySlug('shipping-times')).body).toBe(seed('shipping-times').body);
    expect((await bySlug('warranty')).body).toBe('Our own warranty terms.');
    expect((await bySlug('sizing-guide')).body).toBe(earlier('sizing-guide').body);
    expect(await bySlug('privacy')).toBeUndefined();
    expect((await bySlug('gift-wrap')).body).toBe('We wrap for $3.');
    const [giftCards] = await t.database.db
      .select({ seeded: knowledgeArticles.seeded })
      .from(knowledgeArticles)
      .where(eq(knowledgeArticles.slug, 'gift-cards'));
    expect(giftCards!.seeded).toEqual(seed('gift-cards'));

    // Every later start finds nothing to upgrade and offers the same.
    const again = await upgradeKnowledgeArticles(t.database.db);
    expect(again.upgraded).toEqual([]);
    expect(again.offered.map((o) => o.slug)).toEqual(['sizing-guide', 'warranty', 'privacy']);
  });

  it('applies an offer: the edited article gets the new content, a new one is added, then neither is offered', async () => {
    const { t, bySlug } = await earlierInstall();
    const db = t.database.db;
    await upgradeKnowledgeArticles(db);
    await applyKnowledgeUpdate(db, 'warranty');
    await applyKnowledgeUpdate(db, 'privacy');
    expect((await bySlug('warranty')).body).toBe(seed('warranty').body);
    expect((await bySlug('privacy')).title).toBe(seed('privacy').title);
    expect((await knowledgeUpdates(db)).map((u) => u.slug)).toEqual(['sizing-guide']);
    const refused = await applyKnowledgeUpdate(db, 'gift-wrap').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues[0]!.field).toBe('name');
  });

  it('upgrades the articles of an install from before the seeded column that still have what its release seeded', async () => {
    const t = await createTestDatabase({ seeded: true });
    dbs.push(t);
    const db = t.database.db;
    for (const { slug, ...old } of firstReleaseArticles)
      await db
        .update(knowledgeArticles)
        .set({ ...old, tagText: old.tags.join(' '), seeded: null })
        .where(eq(knowledgeArticles.slug, slug));
    await db
      .update(knowledgeArticles)
      .set({ body: 'Our own price rules.' })
      .where(eq(knowledgeArticles.slug, 'price-adjustments'));
    const result = await upgradeKnowledgeArticles(db);
    expect(result.upgraded).toEqual(['order-tracking', 'back-in-stock-and-newsletter']);
    expect(result.offered.map((o) => [o.slug, o.reason])).toEqual([['price-adjustments', 'edited']]);
    const rows = await db.select().from(knowledgeArticles);
    expect(rows.find((r) => r.slug === 'order-tracking')!.body).toBe(seed('order-tracking').body);
    // Every article the release seeded is now known as Baton's, so the next release can upgrade it.
    expect(rows.filter((r) => !r.seeded).map((r) => r.slug)).toEqual(['price-adjustments']);
  });
});
