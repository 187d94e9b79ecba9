import type { Usage } from '../domain/events.js';
import type { JsonSchema } from '../tools/tool-registry.js';
import type { RetryBudget } from './retry-policy.js';

/** A message in the OpenAI Chat Completions shape, which every provider speaks. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ModelToolCall {
  id: string;
  /** Function name as offered (see ModelToolSpec.name). */
  name: string;
  /** Raw JSON text of the arguments, exactly as the model produced it. */
  arguments: string;
}

export interface ModelToolSpec {
  /** Function-safe name (`^[A-Za-z0-9_-]+$`): `store__get_order_details`, `handoff_to_ReturnsAgent`. */
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ModelRequest {
  /** Agent making the call (`PlannerAgent` for plans). Used for logs, usage and per-agent models. */
  agentName: string;
  /** Model name; providers fall back to their default. */
  model?: string;
  temperature?: number;
  timeoutMs?: number;
  messages: ChatMessage[];
  tools?: ModelToolSpec[];
  /** Structured output: the reply must be JSON matching this schema. */
  responseFormat?: { name: string; schema: JsonSchema };
  /** When set, the provider streams and calls this with each text delta. */
  onDelta?: (delta: string) => void;
  /**
   * Streamed turns: called with each tool call, in call order, as soon as its arguments are complete
   * (before the turn ends), so that it can start at once. A provider that does not stream never calls it.
   */
  onToolCall?: (call: ModelToolCall) => void;
  signal?: AbortSignal;
  /** Retries shared by every call of one run, so a run cannot retry forever (providers that retry take from it). */
  retryBudget?: RetryBudget;
  /**
   * Whether the call goes after others' calls where calls queue in this process (the offline stand-in's thread):
   * its run's principal has several runs in progress. Read when the call is taken; remote providers ignore it.
   */
  givesWay?: () => boolean;
}

export interface ModelResponse {
  /** Assistant text (or the JSON text for structured output). */
  content: string | null;
  toolCalls: ModelToolCall[];
  usage?: Usage;
  finishReason: 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';
  /** Model name the provider actually used. */
  model: string;
}

/** One interface for every model backend. Implementations throw ModelError on failure. */
export interface ModelProvider {
  readonly name: string;
  /** True when this is a rule-based stand-in rather than a language model. */
  readonly ruleBased: boolean;
  complete(request: ModelRequest): Promise<ModelResponse>;
}
