import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Plan } from '../../domain/plan.js';

export const runStatuses = ['PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const runModes = ['AUTO', 'STEP'] as const;
export type RunMode = (typeof runModes)[number];

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A verified storefront customer (user id in the store), when the conversation carries one. */
    customerId: text('customer_id'),
    title: text('title'),
    /** sha256 of the conversation token handed out by startConversation. */
    tokenHash: text('token_hash').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** The seq of the conversation's newest event. Bumping it takes the row lock that orders the conversation's writes. */
    lastSeq: integer('last_seq').notNull().default(0),
    /** Staff playground and experiments: the card drafts its runs use instead of the published cards (null: published). */
    drafts: jsonb('drafts').$type<string[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // conversations(first, after): newest first, keyset paging on (created_at, id).
    index('conversations_created_idx').on(t.createdAt, t.id),
    // The retention sweep: conversations with no activity since a cut-off, oldest first.
    index('conversations_updated_idx').on(t.updatedAt),
    // eraseCustomer and exportCustomerData: a customer's conversations.
    index('conversations_customer_idx').on(t.customerId),
  ],
);
export type ConversationRow = typeof conversations.$inferSelect;

export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    status: text('status', { enum: runStatuses }).notNull().default('PENDING'),
    mode: text('mode', { enum: runModes }).notNull().default('AUTO'),
    /** The user MESSAGE event that started this run. */
    messageEventId: integer('message_event_id'),
    plan: jsonb('plan').$type<Plan>(),
    completedTaskIds: jsonb('completed_task_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Step mode: how many tasks the designer has allowed past the next pause. */
    stepBudget: integer('step_budget').notNull().default(0),
    /** A designer asked this run to pause at its next task boundary (after planning, or before the next wave). */
    pauseRequested: boolean('pause_requested').notNull().default(false),
    /** The card drafts this run was started against (its conversation's, when it was sent; null: published). */
    drafts: jsonb('drafts').$type<string[]>(),
    /**
     * The API key whose sendMessage started the run (it may drive and stop it); null for a conversation token, no
     * credentials, or a run started by the server. No foreign key: keys are revoked, never deleted, and a key's row
     * stays unlocked by its runs' inserts.
     */
    startedBy: uuid('started_by'),
    error: text('error'),
    /**
     * When the run last paused (step mode, plan review, pauseRun); null once continued or stepped. Its deadline
     * (PAUSED_RUN_TIMEOUT_SECONDS, PAUSED_RUN_MAX_SECONDS) counts from here: editing the plan does not move it.
     */
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // conversation.runs and "is a run active in this conversation?"
    index('runs_conversation_idx').on(t.conversationId, t.createdAt),
    // lease sweeper: runs that are RUNNING/PENDING with an expired lease.
    index('runs_status_lease_idx').on(t.status, t.leaseExpiresAt),
    // The paused-run deadline sweep: paused runs, longest paused first.
    index('runs_paused_idx').on(t.pausedAt).where(sql`status = 'PAUSED'`),
    // One RUNNING run per conversation: two messages that claim their runs at the same moment cannot
    // both run (sendMessage's claim sees only committed runs; the loser queues its run instead).
    uniqueIndex('runs_one_running_per_conversation').on(t.conversationId).where(sql`status = 'RUNNING'`),
  ],
);
export type RunRow = typeof runs.$inferSelect;
