import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** First result of every store write, by idempotency key (`run:task:callIndex`). */
export const storeIdempotency = pgTable('store_idempotency', {
  key: text('key').primaryKey(),
  tool: text('tool').notNull(),
  /** Customer scope of the first call; a replay under another scope is refused. */
  customerId: text('customer_id'),
  result: jsonb('result').$type<unknown>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type StoreIdempotencyRow = typeof storeIdempotency.$inferSelect;
