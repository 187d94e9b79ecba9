import { doublePrecision, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** Association rules antecedent → consequent between products, mined from co-purchases at seed time. */
export const storeProductAssociations = pgTable(
  'store_product_associations',
  {
    antecedentId: text('antecedent_id').notNull(),
    consequentId: text('consequent_id').notNull(),
    /** Orders holding both products. */
    pairCount: integer('pair_count').notNull(),
    antecedentCount: integer('antecedent_count').notNull(),
    consequentCount: integer('consequent_count').notNull(),
    orderCount: integer('order_count').notNull(),
    support: doublePrecision('support').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    lift: doublePrecision('lift').notNull(),
  },
  // recommend_related reads one antecedent's rules; the primary key's prefix serves it.
  (t) => [primaryKey({ columns: [t.antecedentId, t.consequentId] })],
);
export type StoreProductAssociationRow = typeof storeProductAssociations.$inferSelect;
