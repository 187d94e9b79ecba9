/**
 * The article content earlier releases seeded and this one changed, as articleContentHash by slug. An
 * article seeded before `knowledge_articles.seeded` existed (migration 0017) has no record of what Baton
 * wrote: if its content is one of these, no one edited it, and the start upgrades it. Articles seeded since
 * carry that record, so later releases need not add to this list.
 */
export const formerArticleSeeds: Readonly<Record<string, readonly string[]>> = {
  'back-in-stock-and-newsletter': ['d6650ef628b905f2'],
  'order-tracking': ['0a7865cfcea806cc'],
  'price-adjustments': ['b8ce4342e24aec82'],
};
