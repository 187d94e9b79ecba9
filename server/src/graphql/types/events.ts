import { describesStaffPrincipal } from '../../auth/principal.js';
import { conversationStream, feedStream } from '../../chat/event-stream.js';
import { feedCursor, parseFeedCursor } from '../../chat/feed-cursor.js';
import { committedPosition, type EventStore, FEED_START, type FeedPosition } from '../../db/event-store.js';
import { type BatonEvent, eventTypes, staffOnlyEventTypes } from '../../domain/events.js';
import { SubscriberTooSlowError, ValidationError } from '../../errors.js';
import type { Services } from '../../services.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { jsonFor } from '../redacted.js';
import { EventDataUnion } from './event-data.js';

export const EventTypeEnum = builder.enumType('EventType', { values: eventTypes });

export const EventRef = builder.objectRef<BatonEvent>('Event').implement({
  description:
    'One entry of the event log. A stored event has a unique id, the cursor to resume any subscription from, and a seq: its position in its conversation (1, 2, 3… with no gap). MESSAGE_DELTA is streamed only and has neither.',
  fields: (t) => ({
    id: t.id({ nullable: true, resolve: (e) => (e.id === null ? null : String(e.id)) }),
    seq: t.int({ nullable: true, resolve: (e) => e.seq }),
    conversationId: t.exposeID('conversationId'),
    runId: t.id({ nullable: true, resolve: (e) => e.runId ?? null }),
    taskId: t.string({ nullable: true, resolve: (e) => e.taskId ?? null }),
    agentName: t.string({ nullable: true, resolve: (e, _a, ctx) => shownTo(ctx, e).agentName ?? null }),
    type: t.field({ type: EventTypeEnum, resolve: (e) => e.type }),
    data: t.field({
      type: EventDataUnion,
      description:
        "The event's data, typed per event type. Strings are redacted (emails, phones, addresses, payment methods, tokens) for integrator keys without the full-data grant.",
      resolve: (e, _a, ctx) => {
        const shown = shownTo(ctx, e);
        return ctx.auth.fullData ? shown : ({ ...shown, data: jsonFor(ctx, shown.data) } as BatonEvent);
      },
    }),
    dataJson: t.field({
      type: 'JSON',
      description:
        'The same data as one JSON value, as webhooks deliver it: for storing or forwarding events whole. Redacted like `data`.',
      resolve: (e, _a, ctx) => jsonFor(ctx, shownTo(ctx, e).data),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/**
 * The event as this caller may read it: a colleague's hand-back and resolution notes are for the bot and colleagues,
 * so a caller who is not staff (the shopper's conversation token) gets HANDED_BACK with an empty note and RESOLVED
 * without one. API key names are the workspace's own business (`Acme storefront`, a colleague's name) too: a hand-off
 * asked for or withdrawn by a key, and a plan a key edited, say `staff` instead (as Ownership.requestedBy and
 * PlanVersion.by do). Every Event field resolves through it.
 */
function shownTo(ctx: GraphQLContext, e: BatonEvent): BatonEvent {
  if (ctx.auth.isReader) return e;
  if (e.type === 'HANDED_BACK' && e.data.note) return { ...e, data: { ...e.data, note: '' } };
  if (e.type === 'RESOLVED' && e.data.note !== undefined) {
    const { note: _note, ...data } = e.data;
    return { ...e, data };
  }
  if ((e.type === 'HUMAN_REQUESTED' || e.type === 'HUMAN_REQUEST_WITHDRAWN') && describesStaffPrincipal(e.data.by))
    return { ...e, agentName: 'staff', data: { ...e.data, by: 'staff' } } as BatonEvent;
  if (e.type === 'PLAN' && e.data.editedBy !== undefined) return { ...e, data: { ...e.data, editedBy: 'staff' } };
  return e;
}

/** The position after `after` (an event id of the conversation) in a conversation; 0 without a cursor. */
export async function conversationCursor(
  services: Pick<Services, 'eventStore'>,
  conversationId: string,
  after: string | null | undefined,
): Promise<number> {
  const id = parseCursor(after);
  if (id === undefined) return 0;
  const seq = await services.eventStore.seqOf(conversationId, id);
  if (seq === undefined) throw ValidationError.single('after', 'not an event of this conversation');
  return seq;
}

/** Parses an event cursor (`ID`) into a number; anything else is a field error. */
export function parseCursor(after: string | null | undefined): number | undefined {
  if (after === null || after === undefined || after === '') return undefined;
  if (!/^\d{1,15}$/.test(after)) throw ValidationError.single('after', 'an event id (a positive integer)');
  return Number(after);
}

/** Leaves out staff-only events (SUGGESTION) unless the caller works the desk: shoppers and integrators never see them. */
export function forCaller(ctx: GraphQLContext, events: BatonEvent[]): BatonEvent[] {
  return ctx.auth.isSupport ? events : events.filter((e) => !staffOnlyEventTypes.has(e.type));
}

/**
 * Where an eventFeed starts: live without `after`, before every event with `"0"`, after an event with its id, or at
 * the cursor a cut-off feed gave (feedCursor).
 */
async function feedStart(
  eventStore: Pick<EventStore, 'feedHead' | 'positionOf'>,
  after: string | null | undefined,
): Promise<FeedPosition> {
  if (after === null || after === undefined || after === '') return eventStore.feedHead();
  const cursor = parseFeedCursor(after);
  if (cursor) return cursor;
  if (!/^\d{1,15}$/.test(after)) throw ValidationError.single('after', 'an event id, or the cursor a feed gave');
  const position = Number(after) === 0 ? FEED_START : await eventStore.positionOf(Number(after));
  if (!position) throw ValidationError.single('after', 'no such event');
  return position;
}

/**
 * What a subscription passes on: its stream's events, less the staff-only ones when `staffOnly` is false. Ended with
 * SUBSCRIBER_TOO_SLOW, it says where to resume: `extensions.after`, the cursor after the last stored event passed on
 * (`cursorAfter`, by default its id), or the subscription's own `after` when none was (null: it had none either).
 */
export async function* delivered(
  events: AsyncGenerator<BatonEvent>,
  options: { staffOnly: boolean; after?: string | null; cursorAfter?: (event: BatonEvent) => string },
): AsyncGenerator<BatonEvent> {
  let last: BatonEvent | undefined;
  try {
    for await (const e of events) {
      if (!options.staffOnly && staffOnlyEventTypes.has(e.type)) continue;
      yield e;
      if (e.id !== null) last = e;
    }
  } catch (err) {
    if (!(err instanceof SubscriberTooSlowError)) throw err;
    const after = last ? (options.cursorAfter?.(last) ?? String(last.id)) : options.after || null;
    throw new SubscriberTooSlowError(err.message, { cause: err, details: { after } });
  }
}

builder.queryFields((t) => ({
  eventFeedCursor: t.id({
    description:
      'The live end of eventFeed, as a cursor: subscribe with it as `after` to get every event committed from now on, and with it again if the connection drops before the first event arrives. A feed started without `after` starts at the same place but has no cursor to give until it passes an event.',
    authScopes: { reader: true },
    resolve: async (_r, _a, ctx) => feedCursor(await ctx.services.eventStore.feedHead()),
  }),
}));

builder.subscriptionFields((t) => ({
  conversationEvents: t.field({
    type: EventRef,
    description:
      'Replays the conversation’s stored events after `after` (the id of the last event received), then streams new ones (with MESSAGE_DELTA), in seq order. Ends with NOT_FOUND (reason CONVERSATION_DELETED) when the conversation is erased or purged meanwhile, and with SUBSCRIBER_TOO_SLOW (`extensions.after`: the cursor to resubscribe with) when the client reads too slowly; MESSAGE_DELTAs it has no room for are dropped instead, the task’s MESSAGE carries the whole text.',
    args: { conversationId: t.arg.id({ required: true }), after: t.arg.id() },
    authScopes: (_root, args) => ({ conversation: String(args.conversationId) }),
    subscribe: async (_root, args, ctx) => {
      const conversationId = String(args.conversationId);
      // Opened before the conversation is looked up: a deletion after the lookup ends the stream.
      const gone = ctx.services.deletedConversations.open(conversationId);
      await ctx.services.conversations.get(conversationId);
      const events = conversationStream({
        store: ctx.services.eventStore,
        bus: ctx.services.bus,
        conversationId,
        afterSeq: await conversationCursor(ctx.services, conversationId, args.after),
        includeTransient: true,
        gone,
        signal: ctx.signal,
        buffers: ctx.services.feedBuffers.for(ctx.auth.principal),
      });
      return delivered(events, { staffOnly: ctx.auth.isSupport, after: args.after });
    },
    resolve: (event: BatonEvent) => event,
  }),
  eventFeed: t.field({
    type: EventRef,
    description:
      'Every conversation’s events in commit order, optionally filtered by type and agent: for integrators. Staff-only events (SUGGESTION) are never on it. Resume with `after`: the id of the last event received. Without it the feed starts live. Ends with SUBSCRIBER_TOO_SLOW (`extensions.after`: the cursor to resubscribe with, never null) when the client reads too slowly.',
    args: {
      types: t.arg({ type: [EventTypeEnum] }),
      agentNames: t.arg.stringList(),
      after: t.arg.id({
        description:
          'Where to resume: the id of the last event received ("0": the whole history), or the `extensions.after` of SUBSCRIBER_TOO_SLOW (an event id, or an opaque cursor that also keeps where a live feed started). Resubscribed with it and the same filters, the feed goes on with exactly the events the client had not got: each once, in order, none from before a live start. Without it the feed starts live.',
      }),
    },
    authScopes: { reader: true },
    subscribe: async (_root, args, ctx) => {
      const { eventStore } = ctx.services;
      const after = await feedStart(eventStore, args.after);
      return delivered(
        feedStream({
          store: eventStore,
          bus: ctx.services.bus,
          after,
          filter: { types: args.types ?? undefined, agentNames: args.agentNames ?? undefined },
          includeTransient: (args.types ?? []).includes('MESSAGE_DELTA'),
          signal: ctx.signal,
          buffers: ctx.services.feedBuffers.for(ctx.auth.principal),
        }),
        {
          staffOnly: false,
          // Cut off before it passed an event, the feed resumes from where it started: after a live start too.
          after: feedCursor(after),
          cursorAfter: (e) => {
            const at = committedPosition(e);
            return at ? feedCursor({ tx: at.tx, id: at.id, before: after.before }) : String(e.id);
          },
        },
      );
    },
    resolve: (event: BatonEvent) => event,
  }),
}));
