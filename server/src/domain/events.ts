import { z } from 'zod';
import { changeSummarySchema } from './change-summary.js';
import { identityEventSchema } from './identity.js';
import { planSchema } from './plan.js';

/** Every event type, in the order a run usually emits them. */
export const eventTypes = [
  'RUN_STARTED',
  'PLAN',
  'TASK_STARTED',
  'MESSAGE_DELTA',
  'MESSAGE',
  'TOOL_CALL',
  'HANDOFF',
  'TASK_COMPLETED',
  'TASK_FAILED',
  'RUN_PAUSED',
  'RUN_RESUMED',
  'RUN_COMPLETED',
  'RUN_FAILED',
  'RUN_CANCELLED',
  // Hand-off to people (server/src/desk/): who owns the conversation, and the person's drafts.
  'HUMAN_REQUESTED',
  'HUMAN_JOINED',
  'HANDED_BACK',
  'RESOLVED',
  'HUMAN_REQUEST_WITHDRAWN',
  'SUGGESTION',
  // The conversation's identity level changed, or a typed verification code was refused (server/src/identity/).
  'IDENTITY',
] as const;
export type EventType = (typeof eventTypes)[number];

/** Token usage reported by a model call. */
export const usageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  /**
   * The same tokens by the model that served them (the name the provider reported), so that analytics
   * can price them. Absent on events stored before models were recorded: their tokens have no price.
   */
  byModel: z
    .record(
      z.string(),
      z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
    )
    .optional(),
});
export type Usage = z.infer<typeof usageSchema>;

const jsonValue = z.unknown();

/** The `data` payload of each event type. One definition for the db column, GraphQL and the studio. */
export const eventDataSchemas = {
  RUN_STARTED: z.object({ mode: z.enum(['AUTO', 'STEP']), messageEventId: z.number().int().optional() }),
  PLAN: z.object({
    plan: planSchema,
    /** planner: the model's plan; fallback: the default agent after invalid plans; edit: a designer's edit. */
    source: z.enum(['planner', 'fallback', 'edit', 'refusal']),
    attempts: z.number().int().nonnegative(),
    fallbackReason: z.string().optional(),
    errors: z.array(z.string()).optional(),
    /** Tasks that started while the plan was still streaming, in the order they started. */
    streamedTaskIds: z.array(z.string()).optional(),
    edit: jsonValue.optional(),
    /** Who made an edit (an API key's name, or the studio without auth), and why. */
    editedBy: z.string().optional(),
    editReason: z.string().optional(),
    usage: usageSchema.optional(),
  }),
  TASK_STARTED: z.object({ statusMessage: z.string(), instruction: z.string() }),
  MESSAGE_DELTA: z.object({ delta: z.string() }),
  MESSAGE: z.object({
    /** human: a support colleague who owns the conversation (see `author`). */
    role: z.enum(['user', 'assistant', 'human']),
    text: z.string(),
    /** The colleague's name on a `human` message. */
    author: z.string().optional(),
    /** True on the run's unified final reply. */
    final: z.boolean().optional(),
    usage: usageSchema.optional(),
  }),
  TOOL_CALL: z.object({
    tool: z.string(),
    callId: z.string().optional(),
    arguments: jsonValue,
    output: jsonValue.optional(),
    error: z.string().optional(),
    /** The error's code (FORBIDDEN, IDENTITY_REQUIRED, CONFIRMATION_REQUIRED, VALIDATION_FAILED, a tool's own…). */
    code: z.string().optional(),
    /** Why the built-in store refused, from a closed set (server/src/store/store-refusals.ts: ORDER_NOT_PENDING, …). */
    reason: z.string().optional(),
    /** The store refusal's facts (`{ order_id, status }`, a validation error's `field`). */
    details: jsonValue.optional(),
    /** Set when the call was refused in code (tool not on the agent's card, identity check). */
    refused: z.boolean().optional(),
    /** Set when a call that needs the shopper's yes ran because they gave it (server/src/agents/consent-gate.ts). */
    consented: z.boolean().optional(),
    /** On a call held for the shopper's yes: what it would return, from a rehearsal that was rolled back (store writes). */
    preview: jsonValue.optional(),
    /**
     * On a call held for the shopper's yes: what it would change, in their words, written by the store from the
     * rehearsal. On a call a colleague made (`madeBy`): the description they made it from.
     */
    change: changeSummarySchema.optional(),
    /** Set when a support colleague made the call from the desk (the colleague's name); no run made it. */
    madeBy: z.string().optional(),
    /** On a call a colleague made: the event that proposed it (a held TOOL_CALL, or a SUGGESTION). */
    proposalEventId: z.number().int().optional(),
    /** Set when an identity tool identified the shopper; ChatState.userInfo follows it. */
    identifiedCustomerId: z.string().optional(),
    durationMs: z.number().nonnegative(),
    usage: usageSchema.optional(),
  }),
  HANDOFF: z.object({ from: z.string(), to: z.string(), reason: z.string() }),
  TASK_COMPLETED: z.object({ output: z.string(), durationMs: z.number().nonnegative() }),
  TASK_FAILED: z.object({ error: z.string(), code: z.string() }),
  RUN_PAUSED: z.object({ nextTaskIds: z.array(z.string()), reason: z.enum(['planned', 'before_task']) }),
  RUN_RESUMED: z.object({ owner: z.string(), fromTaskIds: z.array(z.string()) }),
  RUN_COMPLETED: z.object({
    reply: z.string(),
    durationMs: z.number().nonnegative(),
    /** Tasks that failed, or could not run because a task they needed failed; the reply says so. */
    failedTaskIds: z.array(z.string()).optional(),
  }),
  RUN_FAILED: z.object({ code: z.string(), reason: z.string(), message: z.string() }),
  RUN_CANCELLED: z.object({ reason: z.string() }),
  /** The conversation waits for a person. `by`: an agent name, `shopper`, or an API key's name. */
  HUMAN_REQUESTED: z.object({ by: z.string(), reason: z.string(), ticketId: z.string().nullable() }),
  HUMAN_JOINED: z.object({ human: z.string(), ticketId: z.string().nullable() }),
  HANDED_BACK: z.object({ human: z.string(), note: z.string() }),
  RESOLVED: z.object({ by: z.string(), note: z.string().optional(), ticketId: z.string().nullable() }),
  /**
   * The shopper took their request for a person back before a colleague claimed it: the bot answers again and the
   * hand-off's ticket is closed. `by`: `shopper`, or the API key's name that withdrew it for them; `via`: the
   * withdrawHumanRequest mutation (the widget's button) or a message that said so.
   */
  HUMAN_REQUEST_WITHDRAWN: z.object({
    by: z.string(),
    via: z.enum(['api', 'message']),
    ticketId: z.string().nullable(),
  }),
  /** Agent assist: a reply drafted for the person who owns the conversation. Never shown to the shopper. */
  SUGGESTION: z.object({
    /** The shopper MESSAGE it answers. */
    messageEventId: z.number().int(),
    text: z.string(),
    agents: z.array(z.string()),
    /**
     * Write tools the agents would have called: proposed, not executed. `change`: what the store says the call
     * would do (a change that needs the shopper's yes); the colleague may make it (`makeProposedChange`).
     */
    proposedToolCalls: z.array(
      z.object({ tool: z.string(), arguments: jsonValue, change: changeSummarySchema.optional() }),
    ),
  }),
  IDENTITY: identityEventSchema,
} satisfies Record<EventType, z.ZodType>;

export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** An event before it has been stored: no id or timestamp yet. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    conversationId: string;
    runId?: string | null;
    taskId?: string | null;
    agentName?: string | null;
    data: EventData<T>;
  };
}[EventType];

/**
 * A stored event. `seq` is its position in its conversation (1, 2, 3… with no gap). MESSAGE_DELTA is
 * published but never stored, so its `id` and `seq` are null.
 */
export type BatonEvent = NewEvent & { id: number | null; seq: number | null; createdAt: Date };

export type EventOf<T extends EventType> = Extract<BatonEvent, { type: T }>;

export const isEventType = (v: string): v is EventType => (eventTypes as readonly string[]).includes(v);

/** Events that are streamed but not persisted. */
export const transientEventTypes: ReadonlySet<EventType> = new Set(['MESSAGE_DELTA']);

/** Events for the support colleague only: shopper-facing streams and integrators never carry them. */
export const staffOnlyEventTypes: ReadonlySet<EventType> = new Set(['SUGGESTION']);
