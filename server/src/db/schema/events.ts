import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EventType } from '../../chat/events.js';

export const events = pgTable(
  'events',
  {
    /** Global sequence. Inserts are serialised (advisory lock) so commit order equals id order. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id').notNull(),
    runId: uuid('run_id'),
    taskId: text('task_id'),
    agentName: text('agent_name'),
    type: text('type').$type<EventType>().notNull(),
    data: jsonb('data').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // conversationEvents(conversationId, after: N): a conversation's events after id N.
    index('events_conversation_id_idx').on(t.conversationId, t.id),
    // run(id).events and runEvents(runId).
    index('events_run_id_idx').on(t.runId, t.id),
    // eventFeed(after: N) uses the primary key; this one serves feeds filtered by type.
    index('events_type_id_idx').on(t.type, t.id),
  ],
);
export type EventRow = typeof events.$inferSelect;
