import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Built-in updates the shop declined ("Keep mine"): the card (`kind` 'card') or seeded article ('article') keeps
 * the shop's content against the built-in content whose hash is `content_hash` (builtinContentHash,
 * articleContentHash). That offer is no longer listed nor logged; a release whose content differs offers again.
 */
export const declinedBuiltinUpdates = pgTable(
  'declined_builtin_updates',
  {
    kind: text('kind').$type<'card' | 'article'>().notNull(),
    /** The card's name, or the article's slug. */
    name: text('name').notNull(),
    contentHash: text('content_hash').notNull(),
    declinedBy: text('declined_by').notNull(),
    declinedAt: timestamp('declined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.name] })],
);
export type DeclinedBuiltinUpdateRow = typeof declinedBuiltinUpdates.$inferSelect;
