import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';

export const verificationMethods = ['customer_token', 'email_code'] as const;
export type VerificationMethod = (typeof verificationMethods)[number];

/**
 * A conversation's verified customer and until when: a storefront token's `exp`, renewed by passing a
 * newer token. Once `verified_until` has passed, the conversation acts for nobody.
 */
export const customerSessions = pgTable(
  'customer_sessions',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    method: text('method', { enum: verificationMethods }).notNull(),
    verifiedUntil: timestamp('verified_until', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // eraseCustomer and exportCustomerData: a customer's sessions.
  (t) => [index('customer_sessions_customer_idx').on(t.customerId)],
);
export type CustomerSessionRow = typeof customerSessions.$inferSelect;
