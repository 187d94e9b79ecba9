import { MAX_EARLIER_MESSAGES, MAX_EARLIER_READ_CHARS, readable } from './read-limit.js';
import { offerTaken } from './request-cues.js';
import type { ChatMessage } from './wire.js';

/** One tool call and what came back. */
export interface ToolStep {
  callId: string;
  /** Function name as offered: `store__get_order_details`. */
  name: string;
  /** Tool name without its server: `get_order_details`. */
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  output?: unknown;
  error?: string;
  code?: string;
  /** Why Baton's store refused (ORDER_NOT_PENDING, …: server/src/store/store-refusals.ts); other servers give none. */
  reason?: string;
  /** The refusal's facts, as the store gives them: `{ order_id, status }`, `{ payment_method_id, balance, … }`. */
  details?: Record<string, unknown>;
}

export interface TaskTranscript {
  /** This task's own loop: calls made after the final user message, with their results. */
  steps: ToolStep[];
  /** Assistant turns in this task's loop (each one model call that asked for tools). */
  turns: number;
  /** Tool results earlier in this run (other tasks' work), oldest first: "it" may refer to them. */
  runSteps: ToolStep[];
  /** Earlier user messages of the conversation, oldest first (not the task message). */
  earlierUserTexts: string[];
  /** The colleague who handed this task over, when one did ("[System Note] X handed this task to you: …"). */
  handedOverBy?: string;
  /**
   * The last call the server held for the shopper's yes (CONFIRMATION_REQUIRED) before their latest message: what
   * that message may be agreeing to, made again exactly as it was.
   */
  held?: ToolStep;
  /** Shopper messages between that held call and their latest message: 0 when the latest answers it. */
  heldAgo?: number;
}

/** The code of a call the server holds until the shopper agrees to it: the call is the proposal. */
export const HELD_FOR_YES = 'CONFIRMATION_REQUIRED';

/** What a tool's description says when the server holds each call for the shopper's yes. */
const ASKS_SHOPPER_FIRST = /\bBaton asks the shopper before this runs\b/;
export const asksShopperFirst = (spec: { description?: string } | undefined) =>
  !!spec && ASKS_SHOPPER_FIRST.test(spec.description ?? '');

const HANDOVER_NOTE = /^\[System Note\] (\S+) handed this task to you\b/;

/** `store__get_order_details` → `get_order_details`; hand-off names stay as they are. */
export const toolPart = (functionName: string) => {
  const i = functionName.indexOf('__');
  return i < 0 ? functionName : functionName.slice(i + 2);
};

/**
 * Reads the messages the core sends for a task: system prompt, earlier conversation, the task's
 * user message, then this task's own assistant/tool turns.
 */
export function readTaskTranscript(messages: readonly ChatMessage[]): TaskTranscript {
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') {
      last = i;
      break;
    }
  let previousUser = -1;
  for (let i = last - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') {
      previousUser = i;
      break;
    }
  // "Sounds good" to "… I can email you when they're back: just ask" asked for that alert: read as the request it is.
  let answer: string | undefined;
  const earlierUserTexts = messages
    .slice(0, Math.max(last, 0))
    .flatMap((m) => {
      if (m.role === 'assistant' && typeof m.content === 'string') answer = m.content;
      if (m.role !== 'user') return [];
      const text = readable(m.content, MAX_EARLIER_READ_CHARS);
      const taken = offerTaken(text, answer);
      answer = undefined;
      return [taken ?? text];
    })
    .slice(-MAX_EARLIER_MESSAGES);
  const loop = last < 0 ? messages : messages.slice(last + 1);
  const note = messages
    .slice(previousUser + 1, Math.max(last, 0))
    .findLast((m) => m.role === 'system' && typeof m.content === 'string' && HANDOVER_NOTE.test(m.content));
  return {
    steps: collectSteps(loop),
    turns: loop.filter((m) => m.role === 'assistant').length,
    runSteps: previousUser < 0 ? [] : collectSteps(messages.slice(previousUser + 1, last)),
    earlierUserTexts,
    handedOverBy: note ? HANDOVER_NOTE.exec(note.content as string)?.[1] : undefined,
    ...heldCall(messages, previousUser),
  };
}

const TOOLS_NOTE = /^\[System Note\] The tool calls above were made by (.+)\.$/;

/**
 * The last call held for the shopper's yes before their latest message (at `latest`), how many shopper messages ago,
 * and the card that made it when the messages say (the note after another card's tool calls).
 */
export function heldCall(
  messages: readonly ChatMessage[],
  latest: number,
): Pick<TaskTranscript, 'held' | 'heldAgo'> & { heldBy?: string } {
  if (latest < 0) return {};
  const before = messages.slice(0, latest);
  // Only the held call's own messages are read: every other tool result of the history stays unparsed.
  const at = before.findLastIndex((m) => m.role === 'tool' && m.content.includes(`"code":"${HELD_FOR_YES}"`));
  const id = at < 0 ? undefined : (before[at] as { toolCallId: string }).toolCallId;
  const callAt = before.findLastIndex(
    (m, i) => i < at && m.role === 'assistant' && !!m.toolCalls?.some((c) => c.id === id),
  );
  const held = callAt < 0 ? undefined : collectSteps(before.slice(callAt, at + 1)).find((s) => s.callId === id);
  if (!held || held.code !== HELD_FOR_YES) return {};
  const after = before.slice(at + 1);
  const note = after.find((m) => m.role === 'system' && TOOLS_NOTE.test(m.content));
  const heldBy = note ? TOOLS_NOTE.exec(note.content as string)?.[1] : undefined;
  return { held, heldAgo: after.filter((m) => m.role === 'user').length, ...(heldBy ? { heldBy } : {}) };
}

/**
 * Every tool step of the conversation before the shopper's latest message (earlier runs' included, as the history
 * carries them), oldest first. Parsed only when asked: most tasks never read earlier runs' results.
 */
export function conversationSteps(messages: readonly ChatMessage[]): ToolStep[] {
  const last = messages.findLastIndex((m) => m.role === 'user');
  return collectSteps(last < 0 ? [] : messages.slice(0, last));
}

function collectSteps(messages: readonly ChatMessage[]): ToolStep[] {
  const calls = new Map<string, { name: string; arguments: string }>();
  const steps: ToolStep[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') for (const c of m.toolCalls ?? []) calls.set(c.id, c);
    if (m.role !== 'tool') continue;
    const call = calls.get(m.toolCallId);
    if (!call) continue;
    steps.push({
      callId: m.toolCallId,
      name: call.name,
      tool: toolPart(call.name),
      args: parseObject(call.arguments),
      ...readResult(m.content),
    });
  }
  return steps;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const FAILURE_KEYS: ReadonlySet<string> = new Set(['error', 'code', 'reason', 'details', 'change', 'preview']);

/**
 * Tool messages hold the output's JSON, or `{"error": "...", "code": "..."}` for a failure (a store refusal: and
 * `reason`, `details`; a held change: and `change`, `preview`).
 */
function readResult(content: string): Pick<ToolStep, 'ok' | 'output' | 'error' | 'code' | 'reason' | 'details'> {
  let value: unknown = content;
  try {
    value = JSON.parse(content);
  } catch {
    return { ok: true, output: content };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (typeof o.error === 'string' && keys.every((k) => FAILURE_KEYS.has(k)))
      return {
        ok: false,
        error: o.error,
        code: typeof o.code === 'string' ? o.code : undefined,
        ...(typeof o.reason === 'string' ? { reason: o.reason } : {}),
        ...(o.details && typeof o.details === 'object' && !Array.isArray(o.details)
          ? { details: o.details as Record<string, unknown> }
          : {}),
      };
  }
  return { ok: true, output: value };
}
