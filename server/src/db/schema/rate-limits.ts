import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per rate-limit bucket (e.g. `key:<id>:requests`, `conversation:<id>:messages`), shared by every
 * replica. A sliding window is approximated from the current and the previous fixed window's counts.
 * Migration 0003 makes the table UNLOGGED (drizzle cannot express that): no WAL flush per request.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    bucket: text('bucket').primaryKey(),
    /** Start of the current fixed window. */
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    /** Requests in the current window, refused ones included. */
    count: integer('count').notNull(),
    /** Requests in the window before it, weighted down as the current window advances. */
    previousCount: integer('previous_count').notNull().default(0),
  },
  // Serves the periodic prune of buckets nobody used for a while.
  (t) => [index('rate_limits_window_start_idx').on(t.windowStart)],
);
export type RateLimitRow = typeof rateLimits.$inferSelect;
