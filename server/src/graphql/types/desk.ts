import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ownershipStates } from '../../db/schema/desk.js';
import { deskActor } from '../../desk/desk-actor.js';
import { type DeskCustomer, type DeskOrder, loadDeskCustomer } from '../../desk/desk-customer.js';
import { DESK_AGENT, HAND_OFF_EVENTS, type Ownership } from '../../desk/desk-service.js';
import type { BatonEvent } from '../../domain/events.js';
import type { IdentityClaim } from '../../domain/identity.js';
import { ValidationError } from '../../errors.js';
import { tickets } from '../../store/schema/tickets.js';
import { rowId } from '../arg-validators.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { textFor } from '../redacted.js';
import { ConversationRef } from './conversations.js';
import { EventRef } from './events.js';
import { TicketPriority, TicketRef, TicketStatus } from './tickets.js';

export const OwnershipStateEnum = builder.enumType('OwnershipState', {
  description:
    'Who answers the conversation: the planner (BOT), nobody yet (WAITING_FOR_HUMAN), a colleague (HUMAN), or nobody because it is closed (RESOLVED; a new message goes to the planner).',
  values: ownershipStates,
});

const DeskOrderRef = builder.objectRef<DeskOrder>('DeskOrder').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.exposeString('status'),
    items: t.exposeStringList('items'),
    total: t.exposeFloat('total'),
  }),
});

const DeskCustomerRef = builder.objectRef<DeskCustomer>('DeskCustomer').implement({
  description: 'The shopper behind a conversation, for the colleague who helps them.',
  fields: (t) => ({
    customerId: t.exposeString('customerId'),
    identifiedBy: t.exposeString('identifiedBy', {
      description: 'verified (storefront token) or chat (an email, or name and zip, typed in the chat).',
    }),
    name: t.exposeString('name'),
    email: t.exposeString('email'),
    orders: t.field({ type: [DeskOrderRef], description: 'Latest first.', resolve: (c) => c.orders }),
  }),
});

export const OwnershipRef = builder.objectRef<Ownership>('Ownership').implement({
  description:
    'Who owns a conversation. Changed only by HUMAN_REQUESTED, HUMAN_JOINED, HANDED_BACK, RESOLVED and HUMAN_REQUEST_WITHDRAWN.',
  fields: (t) => ({
    conversationId: t.exposeID('conversationId'),
    state: t.field({ type: OwnershipStateEnum, resolve: (o) => o.state }),
    human: t.exposeString('human', { nullable: true, description: 'The colleague who owns it (or last did).' }),
    requestedBy: t.string({
      nullable: true,
      description:
        "Who asked for a person: `shopper`, an agent, or an API key's name (`integrator key \"…\"`). Null for a conversation token: a key's name is the workspace's own business.",
      resolve: (o, _a, ctx) => (ctx.auth.principal.kind === 'conversation' ? null : o.requestedBy),
    }),
    reason: t.string({
      nullable: true,
      description: 'Why a person was asked for: redacted for integrator keys without full data, as the event is.',
      resolve: (o, _a, ctx) => textFor(ctx, o.reason ?? null),
    }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', nullable: true }),
    claimedAt: t.expose('claimedAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    ticket: t.field({
      type: TicketRef,
      nullable: true,
      resolve: async (o, _a, ctx) => {
        if (!o.ticketId) return null;
        const [row] = await ctx.services.db.select().from(tickets).where(eq(tickets.id, o.ticketId));
        return row ?? null;
      },
    }),
    conversation: t.field({
      type: ConversationRef,
      resolve: (o, _a, ctx) => ctx.services.conversations.get(o.conversationId),
    }),
    customer: t.field({
      type: DeskCustomerRef,
      nullable: true,
      description: 'The identified shopper and their latest orders (support colleagues and admins only).',
      authScopes: { support: true },
      resolve: async (o, _a, ctx) =>
        loadDeskCustomer(
          ctx.services.db,
          ctx.services.eventStore,
          await ctx.services.conversations.get(o.conversationId),
        ),
    }),
    lastMessage: t.field({
      type: EventRef,
      nullable: true,
      description:
        "The conversation's latest message from the shopper, a colleague or the bot; the desk's automatic notices (the wait notice, a withdrawal's confirmation) are left out, so a shopper still waiting on a reply shows as the last to speak.",
      resolve: async (o, _a, ctx) =>
        (await ctx.services.eventStore.latestMessage(o.conversationId, DESK_AGENT)) ?? null,
    }),
  }),
});

builder.objectField(ConversationRef, 'ownership', (t) =>
  t.field({
    type: OwnershipRef,
    description: 'Who answers this conversation now: the planner or a colleague.',
    resolve: (c, _a, ctx) => ctx.services.desk.ownership(c.id),
  }),
);

const AS = { description: "The colleague's name as shoppers see it (default: the API key's name)." };

const note = z.string().max(2_000);

builder.queryFields((t) => ({
  deskQueue: t.field({
    type: [OwnershipRef],
    description:
      "Open hand-offs: waiting ones first, then the ones colleagues own; in each, by their ticket's priority (urgent first), then oldest request first.",
    authScopes: { support: true },
    args: { states: t.arg({ type: [OwnershipStateEnum] }) },
    resolve: (_r, args, ctx) => ctx.services.desk.queue(args.states?.length ? [...new Set(args.states)] : undefined),
  }),
}));

builder.mutationFields((t) => ({
  requestHuman: t.field({
    type: OwnershipRef,
    description:
      'Asks for a person: the conversation waits for a colleague and a ticket is opened. Nothing changes when it already waits for or belongs to one.',
    authScopes: (_r, args) => ({ conversation: String(args.conversationId) }),
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      reason: t.arg.string({ validate: note }),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.desk.requestHuman({
        conversationId: String(args.conversationId),
        by: ctx.auth.principal.kind === 'conversation' ? 'shopper' : ctx.auth.describe,
        reason: args.reason ?? '',
      }),
  }),
  withdrawHumanRequest: t.field({
    type: OwnershipRef,
    description:
      "Takes back a request for a person that no colleague has claimed yet: the bot answers again, the hand-off's ticket is closed with a note, the conversation leaves the desk queue, and the shopper is told (HUMAN_REQUEST_WITHDRAWN). Nothing changes when no request waits (a second withdrawal answers the current ownership). CONFLICT once a colleague has claimed it: the shopper writes to them instead.",
    authScopes: (_r, args) => ({ conversation: String(args.conversationId) }),
    args: { conversationId: t.arg.id({ required: true, validate: rowId('conversation') }) },
    resolve: async (_r, args, ctx) =>
      (
        await ctx.services.desk.withdrawRequest(
          String(args.conversationId),
          ctx.auth.principal.kind === 'conversation' ? 'shopper' : ctx.auth.describe,
        )
      ).ownership,
  }),
  claimConversation: t.field({
    type: OwnershipRef,
    description:
      'Takes the conversation over: no planner runs while you own it. A second claim gets CONFLICT, and so does a claim of a request the shopper withdrew (`extensions.reason: WITHDRAWN`, `extensions.withdrawalEventId`), unless it names that withdrawal in `afterWithdrawal`.',
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      afterWithdrawal: t.arg.id({
        description:
          'The HUMAN_REQUEST_WITHDRAWN event you saw: take the conversation over although the shopper withdrew their request (CONFLICT if they asked again and withdrew again since).',
      }),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) => {
      const afterWithdrawal = args.afterWithdrawal == null ? undefined : Number(args.afterWithdrawal);
      if (afterWithdrawal !== undefined && (!Number.isSafeInteger(afterWithdrawal) || afterWithdrawal <= 0))
        throw ValidationError.single('afterWithdrawal', 'an event id (a positive integer)');
      return ctx.services.desk.claim(String(args.conversationId), actor(ctx, args.as), { afterWithdrawal });
    },
  }),
  sendHumanMessage: t.field({
    type: EventRef,
    description: 'Replies as yourself (`role: human`) in a conversation you own.',
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      text: t.arg.string({ required: true }),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.desk.sendHumanMessage(String(args.conversationId), args.text, actor(ctx, args.as)),
  }),
  makeProposedChange: t.field({
    type: EventRef,
    description:
      "Makes a change an agent proposed in a conversation you own: a call held for the shopper's yes (a TOOL_CALL with the code CONFIRMATION_REQUIRED) or one of a SUGGESTION's `proposedToolCalls` (`index`). It runs as proposed, for the conversation's customer, at the identity level the tool needs, and is recorded as a TOOL_CALL with `madeBy`; the answer is that event (its `error` and `code` when the store refused). CONFLICT when you do not own the conversation, when the change was made already, or when the order changed since it was described (`extensions.change`: what it would do now).",
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      proposalEventId: t.arg.id({ required: true, description: 'The held TOOL_CALL or the SUGGESTION.' }),
      index: t.arg.int({ description: "Which of a suggestion's proposed calls (default 0)." }),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) => {
      const eventId = Number(args.proposalEventId);
      if (!Number.isSafeInteger(eventId) || eventId <= 0)
        throw ValidationError.single('proposalEventId', 'an event id (a positive integer)');
      if (args.index != null && args.index < 0) throw ValidationError.single('index', 'at least 0');
      return ctx.services.deskChanges.make(
        String(args.conversationId),
        { eventId, index: args.index ?? undefined },
        actor(ctx, args.as),
      );
    },
  }),
  sendVerificationCode: t.field({
    type: EventRef,
    description:
      "Verifies the shopper of a conversation you own as the chat does: their email (or first name, last name and zip code) is recorded as their claim, and a one-time code is emailed to the address on that account. The shopper types it into the chat, where it is checked in code; you never see it. The answer is your message telling the shopper, in the same words whether or not the claim matched an account. RATE_LIMITED under the chat's limits; CONFLICT when the shopper is verified already or you do not own the conversation.",
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      email: t.arg.string({ description: 'The email address the shopper gave; or firstName, lastName and zip.' }),
      firstName: t.arg.string(),
      lastName: t.arg.string(),
      zip: t.arg.string(),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.deskVerification.sendCode(String(args.conversationId), claimOf(args), actor(ctx, args.as)),
  }),
  handBackConversation: t.field({
    type: OwnershipRef,
    description: "Returns the conversation to the planner; the bot's next turn reads your messages.",
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      note: t.arg.string({ validate: note }),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.desk.handBack(String(args.conversationId), actor(ctx, args.as), args.note ?? ''),
  }),
  resolveConversation: t.field({
    type: OwnershipRef,
    description: 'Closes the hand-off and its ticket.',
    authScopes: { support: true },
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      note: t.arg.string({ validate: note }),
      as: t.arg.string(AS),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.desk.resolve(String(args.conversationId), actor(ctx, args.as), args.note ?? undefined),
  }),
  updateTicket: t.field({
    type: TicketRef,
    authScopes: { support: true },
    args: {
      id: t.arg.id({ required: true, validate: rowId('ticket') }),
      input: t.arg({
        required: true,
        type: builder.inputType('UpdateTicketInput', {
          fields: (f) => ({
            status: f.field({ type: TicketStatus }),
            priority: f.field({ type: TicketPriority }),
            assignee: f.string({ validate: z.string().max(200) }),
            internalNote: f.string({ validate: z.string().max(4_000) }),
          }),
        }),
      }),
    },
    resolve: (_r, { id, input }, ctx) =>
      ctx.services.desk.updateTicket(String(id), {
        status: input.status ?? undefined,
        priority: input.priority ?? undefined,
        assignee: input.assignee,
        internalNote: input.internalNote,
      }),
  }),
}));

const QUEUE_EVENTS: ReadonlySet<string> = new Set(HAND_OFF_EVENTS);

builder.subscriptionFields((t) => ({
  deskQueue: t.field({
    type: OwnershipRef,
    description:
      "The desk's queue, live: a conversation's ownership each time it changes, or when its shopper or colleague writes while it waits for or belongs to a colleague.",
    authScopes: { support: true },
    subscribe: (_r, _a, ctx) => queueChanges(ctx),
    resolve: (o) => o,
  }),
}));

async function* queueChanges(ctx: GraphQLContext): AsyncGenerator<Ownership> {
  const { desk, bus } = ctx.services;
  const pending: BatonEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = bus.subscribe((e) => {
    const relevant =
      QUEUE_EVENTS.has(e.type) ||
      // The card shows who spoke last: the colleague's reply as much as the shopper's message.
      (e.type === 'MESSAGE' && (e.data.role === 'user' || e.data.role === 'human') && desk.holds(e.conversationId));
    if (!relevant) return;
    pending.push(e);
    wake?.();
  });
  const onAbort = () => wake?.();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!ctx.signal?.aborted) {
      const next = pending.shift();
      if (!next) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      yield await desk.ownership(next.conversationId);
    }
  } finally {
    unsubscribe();
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}

/** An email, or a first name, last name and zip code; a typed error names the field that is missing or wrong. */
function claimOf(args: {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  zip?: string | null;
}): IdentityClaim {
  const named = (['firstName', 'lastName', 'zip'] as const).filter((f) => args[f] != null);
  if (args.email != null) {
    if (named.length) throw ValidationError.single(named[0]!, 'give an email, or a name and zip code, not both');
    const email = args.email.trim();
    if (email.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw ValidationError.single('email', 'an email address');
    return { email };
  }
  const parsed: Record<string, string> = {};
  for (const [field, max] of [
    ['firstName', 100],
    ['lastName', 100],
    ['zip', 20],
  ] as const) {
    const value = args[field]?.trim();
    if (!value)
      throw ValidationError.single(
        named.length ? field : 'email',
        named.length ? 'required with a name' : 'an email, or a first name, last name and zip code',
      );
    if (value.length > max) throw ValidationError.single(field, `at most ${max} characters`);
    parsed[field] = value;
  }
  return { firstName: parsed.firstName!, lastName: parsed.lastName!, zip: parsed.zip! };
}

function actor(ctx: GraphQLContext, as: string | null | undefined) {
  return deskActor(ctx.auth.principal, as);
}
