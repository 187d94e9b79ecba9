import { replayThenLive } from '../../chat/event-stream.js';
import { type BatonEvent, eventTypes } from '../../chat/events.js';
import { redactJson } from '../../privacy/redact.js';
import { builder } from '../builder.js';

export const EventTypeEnum = builder.enumType('EventType', { values: eventTypes });

export const EventRef = builder.objectRef<BatonEvent>('Event').implement({
  description:
    'One entry of the event log. Stored events have a global, increasing id; MESSAGE_DELTA is streamed only and has none.',
  fields: (t) => ({
    id: t.id({ nullable: true, resolve: (e) => (e.id === null ? null : String(e.id)) }),
    conversationId: t.exposeID('conversationId'),
    runId: t.id({ nullable: true, resolve: (e) => e.runId ?? null }),
    taskId: t.string({ nullable: true, resolve: (e) => e.taskId ?? null }),
    agentName: t.string({ nullable: true, resolve: (e) => e.agentName ?? null }),
    type: t.field({ type: EventTypeEnum, resolve: (e) => e.type }),
    data: t.field({
      type: 'JSON',
      description:
        'Redacted (emails, phones, addresses, payment methods, tokens) for integrator keys without the full-data grant.',
      resolve: (e, _a, ctx) => (ctx.auth.fullData ? e.data : redactJson(e.data)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** Parses an event cursor (`ID`) into a number; anything else is a field error. */
export function parseCursor(after: string | null | undefined): number | undefined {
  if (after === null || after === undefined || after === '') return undefined;
  if (!/^\d{1,15}$/.test(after)) throw new Error('after must be an event id');
  return Number(after);
}

builder.subscriptionFields((t) => ({
  conversationEvents: t.field({
    type: EventRef,
    description: 'Replays the conversation’s stored events after `after`, then streams new ones (with MESSAGE_DELTA).',
    args: { conversationId: t.arg.id({ required: true }), after: t.arg.id() },
    authScopes: (_root, args) => ({ conversation: String(args.conversationId) }),
    subscribe: async (_root, args, ctx) => {
      const conversationId = String(args.conversationId);
      await ctx.services.conversations.get(conversationId);
      return replayThenLive({
        store: ctx.services.eventStore,
        bus: ctx.services.bus,
        query: { conversationId, after: parseCursor(args.after) },
        includeTransient: true,
        signal: ctx.signal,
      });
    },
    resolve: (event) => event,
  }),
  eventFeed: t.field({
    type: EventRef,
    description: 'Every conversation’s events, optionally filtered by type and agent: for integrators.',
    args: {
      types: t.arg({ type: [EventTypeEnum] }),
      agentNames: t.arg.stringList(),
      after: t.arg.id(),
    },
    authScopes: { reader: true },
    subscribe: async (_root, args, ctx) =>
      replayThenLive({
        store: ctx.services.eventStore,
        bus: ctx.services.bus,
        query: {
          types: args.types ?? undefined,
          agentNames: args.agentNames ?? undefined,
          // Without a cursor the feed starts live rather than replaying all history.
          after: parseCursor(args.after) ?? (await ctx.services.eventStore.maxId()),
        },
        includeTransient: (args.types ?? []).includes('MESSAGE_DELTA'),
        signal: ctx.signal,
      }),
    resolve: (event) => event,
  }),
}));
