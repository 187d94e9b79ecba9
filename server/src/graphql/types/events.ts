import { replayThenLive } from '../../chat/event-stream.js';
import { type BatonEvent, eventTypes, staffOnlyEventTypes } from '../../chat/events.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';

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
    data: t.field({ type: 'JSON', resolve: (e) => e.data }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** Parses an event cursor (`ID`) into a number; anything else is a field error. */
export function parseCursor(after: string | null | undefined): number | undefined {
  if (after === null || after === undefined || after === '') return undefined;
  if (!/^\d{1,15}$/.test(after)) throw new Error('after must be an event id');
  return Number(after);
}

/** Leaves out staff-only events (SUGGESTION) unless the caller works the desk: shoppers and integrators never see them. */
export function forCaller(ctx: GraphQLContext, events: BatonEvent[]): BatonEvent[] {
  return ctx.auth.isSupport ? events : events.filter((e) => !staffOnlyEventTypes.has(e.type));
}

async function* withoutStaffOnly(events: AsyncGenerator<BatonEvent>): AsyncGenerator<BatonEvent> {
  for await (const e of events) if (!staffOnlyEventTypes.has(e.type)) yield e;
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
      const events = replayThenLive({
        store: ctx.services.eventStore,
        bus: ctx.services.bus,
        query: { conversationId, after: parseCursor(args.after) },
        includeTransient: true,
        signal: ctx.signal,
      });
      return ctx.auth.isSupport ? events : withoutStaffOnly(events);
    },
    resolve: (event) => event,
  }),
  eventFeed: t.field({
    type: EventRef,
    description:
      'Every conversation’s events, optionally filtered by type and agent: for integrators. Staff-only events (SUGGESTION) are never on it.',
    args: {
      types: t.arg({ type: [EventTypeEnum] }),
      agentNames: t.arg.stringList(),
      after: t.arg.id(),
    },
    authScopes: { reader: true },
    subscribe: async (_root, args, ctx) =>
      withoutStaffOnly(
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
      ),
    resolve: (event) => event,
  }),
}));
