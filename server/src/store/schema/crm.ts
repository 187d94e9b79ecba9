import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/** Sales leads captured by create_lead. */
export const storeLeads = pgTable(
  'store_leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    interest: text('interest').notNull(),
    productId: text('product_id'),
    customerId: text('customer_id'),
    conversationId: text('conversation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // CRM lookups: a person's leads.
  (t) => [index('store_leads_email_idx').on(t.email)],
);
export type StoreLeadRow = typeof storeLeads.$inferSelect;

/** Back-in-stock alerts from subscribe_back_in_stock: one per email and item. */
export const storeBackInStock = pgTable(
  'store_back_in_stock',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    itemId: text('item_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('store_back_in_stock_email_item').on(t.email, t.itemId)],
);
export type StoreBackInStockRow = typeof storeBackInStock.$inferSelect;
