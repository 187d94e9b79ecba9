import type { EnumOf, OperationResult } from './graphql.js';
import type { ConversationEvents } from './operations.js';

/** Every event type the schema this client was built from knows. */
export type EventType = EnumOf<'EventType'>;

/** An event as the subscription delivers it: `data` is the schema's EventData union, with its `__typename`. */
export type RawEvent = OperationResult<typeof ConversationEvents>['conversationEvents'];

/** `RUN_STARTED` → `RunStarted`, as the schema names each event type's data (`RunStartedData`). */
type Stem<S extends string> = S extends `${infer Head}_${infer Rest}`
  ? `${Capitalize<Lowercase<Head>>}${Stem<Rest>}`
  : Capitalize<Lowercase<S>>;

/**
 * The `data` of each event type, from the schema's EventData union as ConversationEvents selects it.
 * Optional fields are `null` when unset. Fields that share a name but not a type across data types are
 * aliased, as GraphQL requires: RUN_PAUSED `pauseReason`, RESOLVED `resolveNote`, SUGGESTION
 * `answersMessageEventId`, TOOL_CALL `toolOutput`, `toolError` and `toolErrorCode` (CONFIRMATION_REQUIRED: a
 * change held until the shopper says yes).
 */
export type EventDataMap = {
  [T in EventType]: Extract<RawEvent['data'], { __typename: `${Stem<T>}Data` }>;
};

export type Usage = NonNullable<EventDataMap['MESSAGE']['usage']>;
export type PlanTask = EventDataMap['PLAN']['plan']['tasks'][number];

type EventBase = Omit<RawEvent, 'type' | 'data'>;

/** A typed event: `switch (event.type)` narrows `data`. */
export type BatonEvent = {
  [T in EventType]: EventBase & { type: T; data: EventDataMap[T] };
}[EventType];

/**
 * Any event the client delivers. Every event type of the schema the client was built from has its data
 * shape; a server newer than the client may still send a type added since (its `data` then holds only
 * `__typename`), so give every `switch (event.type)` a default branch.
 */
export type AnyEvent = BatonEvent;

/** Terminal run events: after one of them the run emits nothing more. */
export const runEndTypes: ReadonlySet<string> = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED']);

/** Narrows an event to a known type. */
export function isEvent<T extends EventType>(event: AnyEvent, type: T): event is Extract<BatonEvent, { type: T }> {
  return event.type === type;
}

/** The delivered event as the typed union: the server resolves `data` by the event's type, so they agree. */
export const asEvent = (raw: RawEvent): AnyEvent => raw as AnyEvent;
