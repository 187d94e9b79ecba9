import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  listKnowledgeArticles,
  searchKnowledge,
  updateKnowledgeArticle,
} from '../../../server/src/store/knowledge.js';
import { knowledgeArticleSeeds } from '../../../server/src/store/knowledge-articles.js';
import { createSeededStore, type SeededStore } from './store-test-kit.js';

describe('knowledge base', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('ships at least 12 articles covering the store policies', () => {
    expect(knowledgeArticleSeeds.length).toBeGreaterThanOrEqual(12);
    const slugs = knowledgeArticleSeeds.map((a) => a.slug);
    for (const topic of [
      'returns',
      'exchange',
      'cancel',
      'shipping',
      'payment',
      'gift',
      'sizing',
      'warranty',
      'hours',
      'privacy',
    ]) {
      expect(
        slugs.some((slug) => slug.includes(topic)),
        topic,
      ).toBe(true);
    }
  });

  it.each([
    ['How do I return something I bought?', 'returns-policy'],
    ['can I cancel my order', 'cancelling-an-order'],
    ['How long does shipping take?', 'shipping-times'],
    ['what is your warranty on a laptop', 'warranty'],
    ['when are you open on saturday', 'business-hours'],
    ['which size sneakers should I get, I am between sizes', 'sizing-guide'],
    ['do gift cards expire', 'gift-cards'],
    ['please delete my personal data', 'privacy'],
    // Words the articles do not use, found through their synonyms (knowledge-synonyms.ts).
    ['can I speak to a real person', 'business-hours'],
    ['what time do you open', 'business-hours'],
    ['do you take apple pay', 'payment-methods'],
    ['when will my parcel arrive', 'shipping-times'],
    ['can I get my money back', 'returns-policy'],
    // A word few articles use outweighs words many use more often ("code", "time", "first" in order tracking).
    ['do you have a discount code for first time customers', 'price-adjustments'],
  ])('finds the right article first for "%s"', async (question, slug) => {
    const hits = await searchKnowledge(s.db, question, 3);
    expect(hits[0]?.slug).toBe(slug);
    expect(hits[0]?.body.length).toBeGreaterThan(100);
  });

  it('returns nothing for an empty or unrelated question', async () => {
    expect(await searchKnowledge(s.db, '   ', 3)).toEqual([]);
    expect(await searchKnowledge(s.db, 'the of and', 3)).toEqual([]);
    // Words that name properties of every object are words, not synonym entries.
    expect(await searchKnowledge(s.db, 'constructor __proto__ toString hasOwnProperty', 3)).toEqual([]);
  });

  it('creates, updates and deletes articles, and search follows', async () => {
    const created = await createKnowledgeArticle(s.db, {
      slug: 'loyalty-programme',
      title: 'Loyalty programme',
      body: 'Members collect stars on every purchase and redeem them for discounts.',
      tags: ['loyalty', 'stars'],
    });
    expect((await searchKnowledge(s.db, 'how do loyalty stars work', 1))[0]?.id).toBe(created.id);
    await expect(
      createKnowledgeArticle(s.db, { slug: 'loyalty-programme', title: 'Again', body: 'Duplicate.' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createKnowledgeArticle(s.db, { slug: 'Bad Slug', title: 'x', body: 'y' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'input.slug',
    });

    const updated = await updateKnowledgeArticle(s.db, created.id, {
      body: 'Members earn sparkles on every purchase.',
      tags: ['sparkles'],
    });
    expect(updated.body).toContain('sparkles');
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect((await searchKnowledge(s.db, 'sparkles', 1))[0]?.id).toBe(created.id);
    expect(await searchKnowledge(s.db, 'stars redeem', 3)).not.toContainEqual(
      expect.objectContaining({ id: created.id }),
    );

    expect(await deleteKnowledgeArticle(s.db, created.id)).toBe(true);
    expect((await listKnowledgeArticles(s.db)).map((a) => a.id)).not.toContain(created.id);
    await expect(deleteKnowledgeArticle(s.db, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(updateKnowledgeArticle(s.db, created.id, { title: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
