import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** support: the desk (claim, reply, hand back, resolve, tickets); never cards, settings or tools. */
export const apiKeyRoles = ['admin', 'integrator', 'support'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: text('role', { enum: apiKeyRoles }).notNull(),
  // unique: every request looks its key up by hash.
  keyHash: text('key_hash').notNull().unique(),
  /** First characters of the key, to tell keys apart in listings without revealing them. */
  prefix: text('prefix').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /**
   * Integrator keys read events redacted (no emails, phones, addresses, payment ids, tokens) unless
   * this grant says otherwise. Admin keys always read full data.
   */
  fullEventData: boolean('full_event_data').notNull().default(false),
  /**
   * How many of this key's runs execute at once on a replica; null: RUNS_PER_PRINCIPAL. A backend that sends many
   * shoppers' messages through one key sets it to about the shoppers it serves at once.
   */
  runsAtOnce: integer('runs_at_once'),
});
export type ApiKeyRow = typeof apiKeys.$inferSelect;
