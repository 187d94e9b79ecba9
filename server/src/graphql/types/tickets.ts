import { ForbiddenError } from '../../errors.js';
import { type TicketRow, ticketPriorities, ticketStatuses } from '../../store/schema/tickets.js';
import { listTickets, ticketReference } from '../../store/tickets.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { textFor } from '../redacted.js';

const personal = (ctx: GraphQLContext, value: string | null) =>
  value === null || ctx.auth.fullData ? value : '[redacted]';

import { PAGE_MAX, pageArg, pageSize } from '../page-size.js';

export const TicketStatus = builder.enumType('TicketStatus', { values: ticketStatuses });
export const TicketPriority = builder.enumType('TicketPriority', { values: ticketPriorities });

export const TicketRef = builder.objectRef<TicketRow>('Ticket').implement({
  description: 'A hand-over to a human colleague, created by create_ticket or transfer_to_human_agents.',
  fields: (t) => ({
    id: t.exposeID('id'),
    reference: t.string({
      description: 'What the shopper is told, e.g. "T-24F9B93E": find the ticket with `tickets(reference:)`.',
      resolve: (r) => ticketReference(r.id),
    }),
    summary: t.string({ resolve: (r, _a, ctx) => textFor(ctx, r.summary) }),
    priority: t.field({ type: TicketPriority, resolve: (r) => r.priority }),
    status: t.field({ type: TicketStatus, resolve: (r) => r.status }),
    customerId: t.exposeString('customerId', {
      nullable: true,
      description: 'The identified customer (store user id).',
    }),
    // Personal data whatever it looks like: withheld whole from callers without full-data access.
    customerName: t.string({ nullable: true, resolve: (r, _a, ctx) => personal(ctx, r.customerName) }),
    customerEmail: t.string({ nullable: true, resolve: (r, _a, ctx) => personal(ctx, r.customerEmail) }),
    customerPhone: t.string({ nullable: true, resolve: (r, _a, ctx) => personal(ctx, r.customerPhone) }),
    conversationId: t.exposeString('conversationId', { nullable: true }),
    agentName: t.exposeString('agentName', { nullable: true }),
    assignee: t.exposeString('assignee', { nullable: true, description: 'The colleague it is assigned to.' }),
    internalNote: t.string({
      nullable: true,
      description:
        "For colleagues only; never shown to the shopper: FORBIDDEN for a conversation's token (it reads its hand-off's ticket through `Conversation.ownership`).",
      resolve: (r, _a, ctx) => {
        if (!ctx.auth.isReader)
          throw new ForbiddenError(`A ticket's internal note is for colleagues; not for ${ctx.auth.describe}`, {
            details: { field: 'internalNote' },
          });
        return textFor(ctx, r.internalNote);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  tickets: t.field({
    type: [TicketRef],
    description:
      'Support tickets, newest first. `before` pages on createdAt. `reference`: the tickets a shopper’s reference names ("T-24F9B93E", any case, or a whole id; rarely more than one).',
    authScopes: { reader: true },
    args: {
      status: t.arg({ type: TicketStatus }),
      first: t.arg.int({ validate: pageArg(PAGE_MAX.tickets) }),
      before: t.arg({ type: 'DateTime' }),
      reference: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      listTickets(ctx.services.db, {
        status: args.status ?? undefined,
        limit: pageSize(args.first, 50, PAGE_MAX.tickets),
        before: args.before ?? undefined,
        reference: args.reference ?? undefined,
      }),
  }),
}));
