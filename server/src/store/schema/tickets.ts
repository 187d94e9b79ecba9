import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];
/** pending: a colleague handed the conversation back to the bot and the ticket awaits follow-up. */
export const ticketStatuses = ['open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Hand-overs to human colleagues, from create_ticket and transfer_to_human_agents. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    summary: text('summary').notNull(),
    priority: text('priority', { enum: ticketPriorities }).notNull(),
    status: text('status', { enum: ticketStatuses }).notNull().default('open'),
    /** The identified customer (store user id), when there was one. */
    customerId: text('customer_id'),
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    customerPhone: text('customer_phone'),
    conversationId: text('conversation_id'),
    agentName: text('agent_name'),
    /** The colleague the ticket is assigned to (updateTicket). */
    assignee: text('assignee'),
    /** A note for colleagues only; never shown to the shopper. */
    internalNote: text('internal_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // tickets query: newest first, optionally by status.
    index('tickets_status_created_idx').on(t.status, t.createdAt),
  ],
);
export type TicketRow = typeof tickets.$inferSelect;
