import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A signing secret (`whsec_…`); a rotated-out one signs too until `expiresAt`. */
export interface WebhookSecret {
  secret: string;
  createdAt: string;
  expiresAt: string | null;
}

export const webhookDeliveryStatuses = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** Integrators' endpoints, registered by admins. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  description: text('description'),
  /** Event types this endpoint receives (empty: every type except staff-only ones). */
  eventTypes: jsonb('event_types').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  /** Newest first. */
  secrets: jsonb('secrets').$type<WebhookSecret[]>().notNull(),
  /**
   * Payloads carry events as they are. Without this grant they are redacted as the integrator feed is
   * for keys without `fullEventData` (no emails, phones, addresses, payment ids, tokens).
   */
  fullEventData: boolean('full_event_data').notNull().default(false),
  enabled: boolean('enabled').notNull().default(true),
  disabledReason: text('disabled_reason'),
  /** Failed attempts in a row, across deliveries; reset by any success. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** The outbox feeder has enqueued every matching event created before this instant (minus its look-back). */
  scannedUntil: timestamp('scanned_until', { withTimezone: true }).notNull().default(sql`now()`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/**
 * The outbox: one row per (endpoint, event), written before anything is sent and kept as the delivery
 * log. A conversation's rows go out one at a time in event order per endpoint.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    conversationId: uuid('conversation_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The webhook-id header: stable across retries, so receivers deduplicate on it. */
    messageId: text('message_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().default(sql`now()`),
    /** Set while a sender holds the row; a sender that died lets it lapse and another sends again. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    // The feeder enqueues each event once per endpoint (replicas race; the loser's insert does nothing).
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
    // The sender: due PENDING rows, and "is an older row of this conversation still pending?".
    index('webhook_deliveries_pending_idx')
      .on(t.endpointId, t.conversationId, t.eventId)
      .where(sql`status = 'PENDING'`),
    // webhookDeliveries(endpointId): the log, newest first.
    index('webhook_deliveries_log_idx').on(t.endpointId, t.createdAt),
  ],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
