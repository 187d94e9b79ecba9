import type { EnumOf, OperationResult } from './graphql.js';
import type { ConversationEvents } from './operations.js';

/** Every event type the schema this client was built from knows. */
export type EventType = EnumOf<'EventType'>;

/** An event as the subscription delivers it (`data` is the schema's JSON scalar). */
export type RawEvent = OperationResult<typeof ConversationEvents>['conversationEvents'];

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface PlanTask {
  id: string;
  agent: string;
  instruction: string;
  statusMessage: string;
  dependsOn: string[];
}

/**
 * The `data` of each event type, as docs/api.md documents it. The schema types `data` as JSON, so these
 * shapes are the API guide's promise, not something the schema checks.
 */
export interface EventDataMap {
  RUN_STARTED: { mode: 'AUTO' | 'STEP' };
  PLAN: {
    plan: { refuse?: boolean; tasks: PlanTask[] };
    source: 'planner' | 'fallback' | 'refusal' | 'edit';
    attempts: number;
    fallbackReason?: string;
    errors?: string[];
    usage?: Usage;
  };
  TASK_STARTED: { statusMessage: string; instruction: string };
  MESSAGE_DELTA: { delta: string };
  MESSAGE: { role: 'user' | 'assistant' | 'human'; text: string; final?: boolean; usage?: Usage };
  TOOL_CALL: {
    tool: string;
    callId?: string;
    arguments: unknown;
    output?: unknown;
    error?: string;
    refused?: boolean;
    identifiedCustomerId?: string;
    durationMs: number;
  };
  HANDOFF: { from: string; to: string; reason: string };
  TASK_COMPLETED: { output: string; durationMs: number };
  TASK_FAILED: { error: string; code: string };
  RUN_PAUSED: { nextTaskIds: string[]; reason: 'planned' | 'before_task' };
  RUN_RESUMED: { owner: string; fromTaskIds: string[] };
  RUN_COMPLETED: { reply: string; durationMs: number };
  RUN_FAILED: { code: string; reason: string; message: string };
  RUN_CANCELLED: { reason: string };
}

interface EventBase {
  /** Opaque cursor of a stored event; null on MESSAGE_DELTA (streamed, never stored). */
  id: string | null;
  runId: string | null;
  taskId: string | null;
  agentName: string | null;
  createdAt: string;
}

/** A typed event: `switch (event.type)` narrows `data`. */
export type BatonEvent = {
  [T in keyof EventDataMap]: EventBase & { type: T; data: EventDataMap[T] };
}[keyof EventDataMap];

/**
 * An event of a schema type this client has no data shape for (e.g. a desk's hand-over events added to the schema
 * later): `data` is to be read defensively. A server newer than the client may also send types missing from the
 * schema it was built from; they arrive as such events too, so give every `switch (event.type)` a default branch.
 */
export type OtherEvent = EventBase & { type: Exclude<EventType, keyof EventDataMap>; data: unknown };

export type AnyEvent = BatonEvent | OtherEvent;

/** Terminal run events: after one of them the run emits nothing more. */
export const runEndTypes: ReadonlySet<string> = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED']);

/** Narrows an event to a known type. */
export function isEvent<T extends keyof EventDataMap>(
  event: AnyEvent,
  type: T,
): event is Extract<BatonEvent, { type: T }> {
  return event.type === type;
}

/** The delivered event as the typed union (the wire shape is the same; only the type is refined). */
export const asEvent = (raw: RawEvent): AnyEvent => raw as AnyEvent;
