import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';

/** Who answers a conversation. A conversation without a row is BOT's. */
export const ownershipStates = ['BOT', 'WAITING_FOR_HUMAN', 'HUMAN', 'RESOLVED'] as const;
export type OwnershipState = (typeof ownershipStates)[number];

/**
 * The owner of a conversation, written by DeskService together with the hand-off event that changes it
 * (HUMAN_REQUESTED, HUMAN_JOINED, HANDED_BACK, RESOLVED). Transitions are compare-and-set on `state`,
 * so two colleagues claiming at once cannot both win.
 */
export const conversationOwners = pgTable(
  'conversation_owners',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ownershipStates }).notNull().default('BOT'),
    /** The colleague who owns it (HUMAN), or who last did. */
    human: text('human'),
    /** Which credential claimed it (`key:<id>`, or `name:<name>` without keys): only they reply as its owner. */
    humanId: text('human_id'),
    /** The open hand-off's ticket. */
    ticketId: uuid('ticket_id'),
    requestedBy: text('requested_by'),
    reason: text('reason'),
    requestedAt: timestamp('requested_at', { withTimezone: true }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** The shopper has been told where they stand during this wait (once per hand-off). */
    waitNoticeSent: boolean('wait_notice_sent').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    // deskQueue: open hand-offs by state, oldest request first.
    index('conversation_owners_queue_idx').on(t.state, t.requestedAt),
  ],
);
export type ConversationOwnerRow = typeof conversationOwners.$inferSelect;
