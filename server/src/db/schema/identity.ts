import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';

/**
 * One-time codes emailed to an account's address (server/src/identity/verification-codes.ts). Only a
 * salted hash of the code is kept. A code is also stored when the claimed account does not exist (no
 * email goes out), so typing codes behaves the same whether or not it does.
 */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /**
     * The account the code is for; null when the claim matched no customer. Set on a code stored past the account's
     * budget too (never mailed, empty `codeHash`), so that the account's export and erasure find it.
     */
    customerId: text('customer_id'),
    /**
     * sha256 of the normalised claim (email, or name and zip). Sends are limited per claim, and per account
     * (`customerId`) across every claim that names it.
     */
    claimHash: text('claim_hash').notNull(),
    codeHash: text('code_hash').notNull(),
    salt: text('salt').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    /**
     * Set on the conversation's fifth wrong try in 10 minutes: no code is sent or accepted in that conversation until
     * then. Other conversations, for the same claim or account, are not locked.
     */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The conversation's latest codes (typed-code check, per-conversation rate limit).
    index('verification_codes_conversation_idx').on(t.conversationId, t.createdAt),
    // Per-claim rate limit and lock.
    index('verification_codes_claim_idx').on(t.claimHash, t.createdAt),
    // eraseCustomer and exportCustomerData: a customer's codes; the per-account send budget and lock.
    index('verification_codes_customer_idx').on(t.customerId),
  ],
);
export type VerificationCodeRow = typeof verificationCodes.$inferSelect;

/** Mails kept instead of sent when no SMTP_URL is configured (development): the studio shows them. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The studio's outbox, newest first.
  (t) => [index('email_outbox_created_idx').on(t.createdAt)],
);
export type EmailOutboxRow = typeof emailOutbox.$inferSelect;
