import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { z } from 'zod';
import type { Usage } from '../domain/events.js';
import { isModelError, ModelError } from '../errors.js';
import type { JsonSchema } from '../tools/tool-registry.js';
import type { CallOutcome, CircuitBreaker } from './circuit-breaker.js';
import type { ChatMessage, ModelProvider, ModelRequest, ModelResponse, ModelToolCall } from './model-provider.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  type RetryInfo,
  RetryPolicy,
  type RetryPolicyOptions,
} from './retry-policy.js';

export interface OpenAIProviderOptions {
  /** Absent for local servers (Ollama, vLLM, llama.cpp) that need no key. */
  apiKey?: string;
  /** Any OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL?: string;
  defaultModel: string;
  timeoutMs: number;
  maxRetries: number;
  breaker?: CircuitBreaker;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Backoff tuning (tests use short delays). */
  retry?: Omit<RetryPolicyOptions, 'maxRetries' | 'isRetryable' | 'retryAfterMs'>;
  /** Observes every retry, for logs and metrics. */
  onRetry?: (info: RetryInfo & { agentName: string; model: string }) => void;
}

/** What went wrong, in `ModelError.details.kind`. */
export type ModelFailureKind =
  | 'timeout'
  | 'connection'
  | 'rate_limited'
  | 'server'
  | 'client'
  | 'malformed'
  | 'incomplete'
  | 'aborted'
  | 'unknown';

type ChatParams = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

type Sdk = typeof import('openai');
/** The SDK, loaded when the first provider is made: a replica on the offline stand-in never loads it (~2 MiB). */
let sdk: Sdk | undefined;
let loadingSdk: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (loadingSdk ??= import('openai').then((m) => (sdk = m)));

/**
 * The model provider for OpenAI and any Chat Completions-compatible server. Retries are ours, not
 * the SDK's (it gets `maxRetries: 0`), so they can be budgeted per run, observed and cut short by
 * the circuit breaker.
 */
export class OpenAIProvider implements ModelProvider {
  readonly name = 'openai';
  readonly ruleBased = false;
  readonly #client: Promise<OpenAI>;
  readonly #options: OpenAIProviderOptions;
  readonly #retry: RetryPolicy;

  constructor(options: OpenAIProviderOptions) {
    this.#options = options;
    this.#client = loadSdk().then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: options.apiKey || 'not-needed',
          baseURL: options.baseURL,
          maxRetries: 0,
          timeout: options.timeoutMs,
          ...(options.fetch && { fetch: options.fetch }),
        }),
    );
    // A failed load surfaces in the first call; it must not be an unhandled rejection before then.
    this.#client.catch(() => {});
    this.#retry = new RetryPolicy({ ...options.retry, maxRetries: options.maxRetries });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const model = request.model ?? this.#options.defaultModel;
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    const params = toChatParams(request, model);
    const attempt = () => this.#attemptOnce(params, request, timeoutMs);
    const breaker = this.#options.breaker;
    return this.#retry.execute(() => (breaker ? breaker.run(attempt, breakerOutcome) : attempt()), {
      signal: request.signal,
      budget: request.retryBudget,
      onRetry:
        this.#options.onRetry && ((info) => this.#options.onRetry?.({ ...info, agentName: request.agentName, model })),
    });
  }

  /** One HTTP call, bounded by its own timer (which, unlike the SDK's, also covers the body and stream). */
  async #attemptOnce(params: ChatParams, request: ModelRequest, timeoutMs: number): Promise<ModelResponse> {
    const client = await this.#client;
    const context = { agentName: request.agentName, model: params.model, timeoutMs, baseURL: client.baseURL };
    if (request.signal?.aborted) throw toModelError(request.signal.reason, { ...context, aborted: true });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const progress = { deltas: 0 };
    try {
      if (request.onDelta) return await this.#streamed(client, params, request, controller.signal, timeoutMs, progress);
      const completion = await client.chat.completions.create(params, {
        signal: controller.signal,
        timeout: timeoutMs,
      });
      return fromCompletion(completion, params.model);
    } catch (error) {
      const modelError = toModelError(error, { ...context, timedOut, aborted: request.signal?.aborted === true });
      if (progress.deltas > 0 && modelError.retryable) {
        // A retry would stream the same text to the user a second time.
        throw new ModelError(`${modelError.message} (after part of the reply was streamed)`, {
          cause: modelError,
          retryable: false,
          details: { ...modelError.details, partialOutput: true },
        });
      }
      throw modelError;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  async #streamed(
    client: OpenAI,
    params: ChatParams,
    { onDelta, onToolCall }: Pick<ModelRequest, 'onDelta' | 'onToolCall'>,
    signal: AbortSignal,
    timeoutMs: number,
    progress: { deltas: number },
  ): Promise<ModelResponse> {
    const stream = await client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal, timeout: timeoutMs },
    );
    let content = '';
    let sawContent = false;
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    let model: string | undefined;
    const calls = new Map<number, { id?: string; name: string; arguments: string }>();
    const finalId = new Map<number, string>();
    const callAt = (index: number): ModelToolCall => {
      const call = calls.get(index)!;
      if (!finalId.has(index)) finalId.set(index, call.id ?? syntheticCallId(index));
      return { id: finalId.get(index)!, name: call.name, arguments: call.arguments };
    };
    // Eager tool calls: a call is handed over, in call order, once its arguments are a whole JSON object
    // (or a later call began). A call handed over counts as streamed output: the attempt is not retried.
    let handedOver = 0;
    const handOver = (latest: number) => {
      const order = [...calls.keys()].sort((a, b) => a - b);
      for (const index of order) {
        if (index < handedOver) continue;
        const later = order.some((i) => i > index) || index < latest;
        if (!later && !isWholeObject(calls.get(index)!.arguments)) return;
        if (!calls.get(index)!.name) return;
        handedOver = index + 1;
        progress.deltas += 1;
        onToolCall?.(callAt(index));
      }
    };
    for await (const raw of stream) {
      const chunk = chunkSchema.safeParse(raw);
      if (!chunk.success) throw new MalformedReplyError('a streamed chunk is not a chat.completion.chunk', raw);
      model ??= chunk.data.model ?? undefined;
      usage = toUsage(chunk.data.usage) ?? usage;
      for (const choice of chunk.data.choices ?? []) {
        const delta = choice.delta;
        const text = delta?.content ?? delta?.refusal;
        if (text) {
          sawContent = true;
          content += text;
          progress.deltas += 1;
          onDelta?.(text);
        }
        delta?.tool_calls?.forEach((part, position) => {
          const index = part.index ?? position;
          const call = calls.get(index) ?? { name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name = part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(index, call);
          if (onToolCall) handOver(index);
        });
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
    // The SDK ends a stream quietly when it is aborted, so an aborted stream must not pass as complete.
    if (signal.aborted) throw new sdk!.APIUserAbortError();
    if (!finishReason) throw new IncompleteReplyError();
    if (onToolCall) handOver(Number.POSITIVE_INFINITY);
    const toolCalls = [...calls.keys()].sort((a, b) => a - b).map(callAt);
    return {
      content: sawContent ? content : null,
      toolCalls,
      usage,
      finishReason: toFinishReason(finishReason),
      model: model ?? params.model,
    };
  }
}

// ---- request mapping ----

function toChatParams(request: ModelRequest, model: string): ChatParams {
  const params: ChatParams = { model, messages: request.messages.map(toWireMessage) };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.responseFormat) {
    const { $schema: _ignored, ...schema } = request.responseFormat.schema;
    params.response_format = {
      type: 'json_schema',
      json_schema: {
        name: request.responseFormat.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'response',
        schema,
        strict: isStrictCompatible(schema),
      },
    };
  }
  return params;
}

function toWireMessage(message: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls &&
          message.toolCalls.length > 0 && {
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
      };
    default:
      return { role: message.role, content: message.content };
  }
}

const strictKeywords = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'description',
  'title',
  '$ref',
  '$defs',
  'definitions',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);

/**
 * Whether OpenAI's strict structured output accepts `schema` unchanged: an object root, every
 * object closed (`additionalProperties: false`) with all its properties required, and only
 * keywords strict mode supports. We never rewrite a schema to make it strict (that would change
 * what it means, e.g. optional → nullable); a schema that does not qualify is sent with
 * `strict: false`, and the caller's zod parse of the reply stays the real check.
 */
export function isStrictCompatible(schema: JsonSchema): boolean {
  if (schema.type !== 'object') return false;
  const { $schema: _dialect, ...root } = schema;
  const check = (node: unknown): boolean => {
    if (node === true || node === false) return false;
    if (!node || typeof node !== 'object' || Array.isArray(node)) return false;
    const s = node as Record<string, unknown>;
    if (Object.keys(s).some((key) => !strictKeywords.has(key))) return false;
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('object') || s.properties !== undefined) {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? s.required : [];
      if (s.additionalProperties !== false) return false;
      if (Object.keys(properties).some((key) => !required.includes(key))) return false;
      if (!Object.values(properties).every(check)) return false;
    }
    if (s.items !== undefined && !check(s.items)) return false;
    if (s.anyOf !== undefined && !(Array.isArray(s.anyOf) && s.anyOf.every(check))) return false;
    for (const defs of [s.$defs, s.definitions]) {
      if (defs !== undefined && !Object.values(defs as Record<string, unknown>).every(check)) return false;
    }
    return true;
  };
  return check(root);
}

// ---- response mapping ----

const wireUsage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().optional(),
});

const completionSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().nullish(),
                function: z.object({ name: z.string(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.unknown().nullish(),
});

const chunkSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.unknown().nullish(),
});

function fromCompletion(raw: unknown, requestedModel: string): ModelResponse {
  const parsed = completionSchema.safeParse(raw);
  if (!parsed.success) throw new MalformedReplyError('the reply is not a chat completion', raw);
  const choice = parsed.data.choices[0]!;
  const toolCalls: ModelToolCall[] = [];
  (choice.message.tool_calls ?? []).forEach((call, index) => {
    // Only function tools are offered, so any other kind of call is dropped.
    if (call.function) {
      toolCalls.push({
        id: call.id ?? syntheticCallId(index),
        name: call.function.name,
        arguments: call.function.arguments ?? '',
      });
    }
  });
  const content = choice.message.content ?? choice.message.refusal ?? null;
  return {
    content,
    toolCalls,
    usage: toUsage(parsed.data.usage),
    finishReason:
      choice.message.refusal && !choice.message.content
        ? 'content_filter'
        : toFinishReason(choice.finish_reason ?? undefined),
    model: parsed.data.model ?? requestedModel,
  };
}

function toUsage(raw: unknown): Usage | undefined {
  const usage = wireUsage.safeParse(raw);
  if (!usage.success) return undefined;
  const { prompt_tokens, completion_tokens, total_tokens } = usage.data;
  return {
    promptTokens: prompt_tokens,
    completionTokens: completion_tokens,
    totalTokens: total_tokens ?? prompt_tokens + completion_tokens,
  };
}

function toFinishReason(reason: string | undefined): ModelResponse['finishReason'] {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

/** Whether streamed tool arguments are complete: a whole JSON object (nothing valid may follow one). */
function isWholeObject(text: string): boolean {
  if (!text.trimEnd().endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

// Some local servers omit tool call ids; tool results must still reference one.
const syntheticCallId = (index: number) => `call_${index}_${Math.random().toString(36).slice(2, 10)}`;

// ---- errors ----

class MalformedReplyError extends Error {
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

class IncompleteReplyError extends Error {
  constructor() {
    super('the stream ended before the reply was complete');
  }
}

interface ErrorContext {
  agentName: string;
  model: string;
  timeoutMs: number;
  baseURL: string;
  timedOut?: boolean;
  aborted?: boolean;
}

/** Turns anything a call can throw into a ModelError that says whether a retry may help. */
function toModelError(error: unknown, context: ErrorContext): ModelError {
  if (isModelError(error)) return error;
  const base = { agentName: context.agentName, model: context.model };
  const make = (message: string, kind: ModelFailureKind, retryable: boolean, extra: Record<string, unknown> = {}) =>
    new ModelError(message, { cause: error, retryable, details: { ...base, kind, ...extra } });

  if (context.aborted) return make('Model call was cancelled', 'aborted', false);
  // The SDK's errors come from calls made after it loaded.
  const api = sdk;
  if (context.timedOut || (api && error instanceof api.APIConnectionTimeoutError)) {
    return make(`Model call timed out after ${context.timeoutMs} ms`, 'timeout', true, {
      timeoutMs: context.timeoutMs,
    });
  }
  if (api && error instanceof api.APIUserAbortError) return make('Model call was cancelled', 'aborted', false);
  if (api && error instanceof api.APIConnectionError) {
    return make(`Could not reach the model server at ${context.baseURL}: ${describe(error)}`, 'connection', true);
  }
  if (api && error instanceof api.APIError) {
    const status = error.status;
    const detail = serverMessage(error);
    if (status === undefined) return make(`The model server reported an error: ${detail}`, 'server', true);
    if (status === 429) {
      return make(`The model server is rate limiting us (429): ${detail}`, 'rate_limited', true, {
        status,
        retryAfterMs: parseRetryAfter(error.headers),
      });
    }
    const kind = status >= 500 ? 'server' : 'client';
    return make(`The model server answered ${status}: ${detail}`, kind, isRetryableStatus(status), { status });
  }
  if (error instanceof MalformedReplyError || error instanceof SyntaxError) {
    return make(`The model server sent a malformed reply: ${error.message}`, 'malformed', true);
  }
  if (error instanceof IncompleteReplyError) return make(`The model ${error.message}`, 'incomplete', true);
  // undici reports a connection dropped while reading the body as `TypeError: terminated`.
  if (error instanceof TypeError && /terminated|socket|ECONNRESET/i.test(describe(error))) {
    return make(`The connection to the model server broke: ${describe(error)}`, 'connection', true);
  }
  return make(`Model call failed: ${describe(error)}`, 'unknown', false);
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** How a failed attempt counts for the circuit breaker: only signs of an unhealthy server open it. */
export function breakerOutcome(error: unknown): CallOutcome {
  if (!isModelError(error)) return 'ignore';
  switch (error.details.kind as ModelFailureKind | undefined) {
    case 'timeout':
    case 'connection':
    case 'rate_limited':
    case 'server':
    case 'malformed':
    case 'incomplete':
      return 'failure';
    case 'client':
      // The server answered properly; the request itself was at fault.
      return 'success';
    default:
      // Cancelled by the caller, or a failure on our side (e.g. a throwing onDelta).
      return 'ignore';
  }
}
