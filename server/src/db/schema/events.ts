import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { EventType } from '../../domain/events.js';

/** PostgreSQL's 64-bit transaction id, as text (it can pass 2^53). */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

export const events = pgTable(
  'events',
  {
    /**
     * Unique, and increasing within a conversation (ids are drawn under the conversation's row lock),
     * but not in commit order across conversations: the integrator feed orders by (tx, id).
     */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id').notNull(),
    /** Position within the conversation: 1, 2, 3… with no gap, assigned under the conversation's row lock. */
    seq: integer('seq').notNull().default(0),
    /**
     * The writing transaction. The feed reads only below the oldest transaction still in flight that
     * may write here (FEED_HORIZON), so its (tx, id) order is final when read and needs no writer-side lock.
     */
    tx: xid8('tx').notNull().default(sql`pg_current_xact_id()`),
    runId: uuid('run_id'),
    taskId: text('task_id'),
    agentName: text('agent_name'),
    type: text('type').$type<EventType>().notNull(),
    data: jsonb('data').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // conversationEvents(conversationId, after): a conversation's events after a position; also keeps seq unique.
    uniqueIndex('events_conversation_seq_idx').on(t.conversationId, t.seq),
    // run(id).events and runEvents(runId).
    index('events_run_id_idx').on(t.runId, t.id),
    // eventFeed: the commit-ordered outbox read, (tx, id) after a cursor and below the oldest open transaction.
    index('events_tx_id_idx').on(t.tx, t.id),
    // Feeds and reports filtered by type.
    index('events_type_id_idx').on(t.type, t.id),
    // Analytics (agentAnalytics): the events of a time window.
    index('events_created_at_idx').on(t.createdAt),
  ],
);
export type EventRow = typeof events.$inferSelect;

/**
 * Where erased events sat in the integrator feed (eraseCustomer, RETENTION_DAYS): an integrator's cursor
 * may name one, and eventFeed(after:) resumes right after its position. Ids and positions only, no
 * personal data. Written in the erasure's own transaction; kept RETENTION_DAYS after the erasure.
 */
export const erasedEvents = pgTable(
  'erased_events',
  {
    /** The erased event's id: the cursor an integrator holds. */
    id: bigint('id', { mode: 'number' }).primaryKey(),
    /** The erased event's writing transaction: with the id, its feed position. */
    tx: xid8('tx').notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The retention sweeper's prune: positions erased more than RETENTION_DAYS ago.
    index('erased_events_erased_at_idx').on(t.erasedAt),
  ],
);
export type ErasedEventRow = typeof erasedEvents.$inferSelect;
