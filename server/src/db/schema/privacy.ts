import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per eraseCustomer: who asked, when, and how many rows each table lost. It holds no personal
 * data, not even the customer id; the id returned by the mutation is what an operator files with the
 * request it answered.
 */
export const erasureAudit = pgTable('erasure_audit', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The principal that erased, as `describePrincipal` words it (a key's name, never a secret). */
  requestedBy: text('requested_by').notNull(),
  /** Rows deleted per table. */
  counts: jsonb('counts').$type<Record<string, number>>().notNull(),
  erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().default(sql`now()`),
});
export type ErasureAuditRow = typeof erasureAudit.$inferSelect;
