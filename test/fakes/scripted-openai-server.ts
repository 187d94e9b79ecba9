import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible server for tests and benchmarks: a real HTTP server on
 * 127.0.0.1 that the real `openai` client talks to (`baseURL: fake.url`). It answers
 * `POST /v1/chat/completions` (plain or streamed as SSE) from scripted replies, and
 * `GET /v1/models`. Nothing it receives can crash it; anything unexpected gets a 500
 * with a clear message, also kept in `fake.errors`.
 */

export interface ScriptedToolCall {
  name: string;
  /** An object is JSON-encoded; a string is sent verbatim (so it can be malformed on purpose). */
  arguments: unknown | string;
  id?: string;
}

export interface ScriptedUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface ScriptedReply {
  content?: string;
  /** Structured output: sent as `content = JSON.stringify(json)`. */
  json?: unknown;
  toolCalls?: ScriptedToolCall[];
  /** Wait before answering; never blocks other requests. */
  delayMs?: number;
  /** An error status (429, 500, 400...) sent with an OpenAI-style error body. */
  status?: number;
  /** Error message for `status`. */
  message?: string;
  /** Seconds, sent as the `Retry-After` header. */
  retryAfter?: number;
  /** Sent verbatim (status 200 unless `status` is set), e.g. malformed JSON or malformed SSE. */
  rawBody?: string;
  /** Defaults to a rough count from the text (4 characters a token). */
  usage?: ScriptedUsage;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  /** Hang up half-way through the body (mid-stream for streamed requests). */
  disconnect?: boolean;
  /**
   * Streamed requests: the content in these pieces, each sent `atMs` after the request arrived (a
   * planner writing its plan), instead of `content` in even chunks.
   */
  contentAt?: { atMs: number; text: string }[];
}

export interface RecordedRequest {
  /** Order of arrival, from 0. */
  index: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; undefined when absent or not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields the client sent.
  body: any;
  rawBody: string;
  /** Agent named by the first system message (`You are <AgentName>`), if any. */
  agentName?: string;
  stream: boolean;
  /** When the request arrived and when its reply started: milliseconds since the epoch, with a fraction. */
  receivedAt: number;
  respondedAt?: number;
  /** When the reply's last byte was written (milliseconds since the epoch). */
  finishedAt?: number;
}

export type ReplyHandler = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedOpenAIServer {
  /** Base URL ending in `/v1`, for `new OpenAI({ baseURL })`. */
  url: string;
  requests: RecordedRequest[];
  /** Loud failures: unexpected requests, empty queues, handler errors. */
  errors: string[];
  /** Queues replies, served first-in first-out (when no handler is set). */
  enqueue(...replies: ScriptedReply[]): void;
  /** Answers every chat completion with `handler` (for concurrent scenarios). */
  respondWith(handler: ReplyHandler): void;
  /** Routes by the system prompt's agent name to per-agent FIFO queues; queues are appended to. */
  route(queues: Record<string, ScriptedReply[]>): void;
  /** Replies queued but not yet served (FIFO plus routed queues). */
  pendingReplies(): number;
  close(): Promise<void>;
}

export interface ScriptedOpenAIServerOptions {
  /** Model ids listed by `GET /v1/models`. */
  models?: string[];
  /** Characters per streamed content delta (default 8). */
  chunkSize?: number;
}

/** Reads `You are <AgentName>` from the first system message of a chat completion body. */
export function agentNameOf(body: unknown): string | undefined {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  const system = messages.find((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'system') as
    | { content?: unknown }
    | undefined;
  const content = typeof system?.content === 'string' ? system.content : undefined;
  return content?.match(/^\s*You are (\w+)/)?.[1];
}

class ScriptFailure extends Error {}

export async function startScriptedOpenAIServer(
  options: ScriptedOpenAIServerOptions = {},
): Promise<ScriptedOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const errors: string[] = [];
  const fifo: ScriptedReply[] = [];
  const routed = new Map<string, ScriptedReply[]>();
  const timers = new Set<NodeJS.Timeout>();
  let handler: ReplyHandler | undefined;
  const chunkSize = Math.max(1, options.chunkSize ?? 8);
  const models = options.models ?? ['scripted-model'];

  /**
   * Resolves at `deadline` (performance.now() clock), early if the client hangs up. A timer alone
   * fires up to a few milliseconds late, which a latency benchmark would count against the client:
   * it sleeps until about 1.5 ms before and yields through the event loop for the rest.
   */
  const waitUntil = (deadline: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (res.destroyed || performance.now() >= deadline) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (timer) timers.delete(timer);
        res.off('close', done);
        resolve();
      };
      const finish = () => {
        timer = undefined;
        if (res.destroyed || performance.now() >= deadline) done();
        else setImmediate(finish);
      };
      res.once('close', done);
      const early = deadline - performance.now() - 1.5;
      if (early <= 0) return setImmediate(finish);
      timer = setTimeout(() => {
        if (timer) timers.delete(timer);
        finish();
      }, early);
      timers.add(timer);
    });
  const wait = (ms: number, res: ServerResponse) => waitUntil(performance.now() + ms, res);

  const fail = (res: ServerResponse, request: RecordedRequest | undefined, message: string) => {
    errors.push(request ? `request #${request.index} (${request.method} ${request.path}): ${message}` : message);
    sendJson(res, 500, { error: { message: `Scripted OpenAI server: ${message}`, type: 'server_error', code: null } });
  };

  const nextReply = async (request: RecordedRequest): Promise<ScriptedReply> => {
    if (handler) return handler(request);
    const reply = fifo.shift();
    if (!reply) throw new ScriptFailure('no scripted reply left in the queue');
    return reply;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // A reply's delay counts from the request's arrival, as a model server's latency does.
    const arrived = performance.now();
    const rawBody = await readBody(req);
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const request: RecordedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      rawBody,
      agentName: agentNameOf(body),
      stream: (body as { stream?: unknown } | undefined)?.stream === true,
      receivedAt: performance.timeOrigin + arrived,
    };
    requests.push(request);

    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'baton-tests' })),
      });
      return;
    }
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      return fail(res, request, `unexpected request ${request.method} ${path}`);
    }
    if (!body || typeof body !== 'object' || !Array.isArray((body as { messages?: unknown }).messages)) {
      return fail(res, request, 'the body is not a chat completion request (JSON with `messages`)');
    }

    let reply: ScriptedReply;
    try {
      reply = await nextReply(request);
    } catch (error) {
      return fail(res, request, error instanceof Error ? error.message : String(error));
    }
    // Built before the wait, so that building it takes none of the scripted delay's place.
    const send = prepareReply(reply, request, body, arrived);
    await waitUntil(arrived + (reply.delayMs ?? 0), res);
    if (res.destroyed) return;
    request.respondedAt = performance.timeOrigin + performance.now();
    await send(res);
    request.finishedAt = performance.timeOrigin + performance.now();
  };

  /** What answers `request` with `reply`, serialised in advance: a function that writes it. */
  const prepareReply = (
    reply: ScriptedReply,
    request: RecordedRequest,
    body: object,
    arrived: number,
  ): ((res: ServerResponse) => void | Promise<void>) => {
    const model = String((body as { model?: unknown }).model ?? models[0]);
    if (reply.rawBody !== undefined) {
      const rawBody = reply.rawBody;
      return (res) => {
        res.writeHead(reply.status ?? 200, {
          'content-type': request.stream ? 'text/event-stream' : 'application/json',
        });
        res.end(rawBody);
      };
    }
    if (reply.status !== undefined && reply.status >= 400) {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      const error = errorBody(reply.status, reply.message);
      const status = reply.status;
      return (res) => sendJson(res, status, error, headers);
    }

    const timed = reply.contentAt;
    const completion = buildCompletion(
      timed ? { ...reply, content: timed.map((p) => p.text).join('') } : reply,
      model,
      body,
    );
    if (request.stream && timed) {
      const includeUsage = (body as { stream_options?: { include_usage?: unknown } }).stream_options?.include_usage;
      // The opening chunk, then the timed pieces, then the finish (and usage) chunks.
      const [opening, ...closing] = streamEvents({ ...completion, content: null }, includeUsage === true, chunkSize);
      const frame = (event: unknown) => `data: ${JSON.stringify(event)}\n\n`;
      const pieces = timed.map((p) => ({ at: p.atMs, frame: frame(contentChunk(completion, p.text)) }));
      return async (res) => {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        res.write(frame(opening));
        for (const piece of pieces) {
          await waitUntil(arrived + piece.at, res);
          if (res.destroyed) return;
          res.write(piece.frame);
        }
        for (const event of closing) res.write(frame(event));
        res.end('data: [DONE]\n\n');
      };
    }
    if (request.stream) {
      const includeUsage = (body as { stream_options?: { include_usage?: unknown } }).stream_options?.include_usage;
      const events = streamEvents(completion, includeUsage === true, chunkSize);
      const cutAt = reply.disconnect ? Math.max(1, Math.floor(events.length / 2)) : events.length;
      const frames = events.slice(0, cutAt).map((event) => `data: ${JSON.stringify(event)}\n\n`);
      return async (res) => {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        for (let i = 0; i < frames.length; i++) {
          if (res.destroyed) return;
          if (i > 0) await wait(reply.chunkDelayMs ?? 0, res);
          res.write(frames[i]);
        }
        if (reply.disconnect) {
          res.destroy();
          return;
        }
        res.end('data: [DONE]\n\n');
      };
    }
    const text = JSON.stringify(completion.full);
    if (reply.disconnect) {
      return (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
      };
    }
    return (res) => sendText(res, 200, text);
  };

  const server = createServer((req, res) => {
    res.on('error', () => {});
    handle(req, res).catch((error) => {
      if (!res.headersSent && !res.destroyed) fail(res, undefined, `internal error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    errors,
    enqueue: (...replies) => {
      fifo.push(...replies);
    },
    respondWith: (h) => {
      handler = h;
    },
    route: (queues) => {
      for (const [agent, replies] of Object.entries(queues)) {
        routed.set(agent, [...(routed.get(agent) ?? []), ...replies]);
      }
      handler = (request) => {
        const agent = request.agentName;
        if (!agent) throw new ScriptFailure('cannot route: no system message starting with "You are <AgentName>"');
        const reply = routed.get(agent)?.shift();
        if (!reply) throw new ScriptFailure(`no scripted reply left for ${agent}`);
        return reply;
      };
    },
    pendingReplies: () => fifo.length + [...routed.values()].reduce((n, q) => n + q.length, 0),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function errorBody(status: number, message?: string) {
  const [type, code] =
    status === 429
      ? ['requests', 'rate_limit_exceeded']
      : status >= 500
        ? ['server_error', null]
        : status === 401
          ? ['invalid_request_error', 'invalid_api_key']
          : ['invalid_request_error', null];
  return { error: { message: message ?? `Scripted error ${status}`, type, param: null, code } };
}

interface BuiltCompletion {
  id: string;
  created: number;
  model: string;
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  full: unknown;
}

function buildCompletion(reply: ScriptedReply, model: string, body: unknown): BuiltCompletion {
  const content = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.content ?? null);
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? `call_${randomBytes(6).toString('hex')}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const promptTokens = reply.usage?.promptTokens ?? Math.ceil(JSON.stringify(body ?? '').length / 4);
  const completionTokens =
    reply.usage?.completionTokens ??
    Math.ceil(((content ?? '').length + toolCalls.reduce((n, c) => n + c.name.length + c.arguments.length, 0)) / 4);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: reply.usage?.totalTokens ?? promptTokens + completionTokens,
  };
  const id = `chatcmpl-${randomBytes(8).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const full = {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(toolCalls.length > 0 && {
            tool_calls: toolCalls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            })),
          }),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  };
  return { id, created, model, content, toolCalls, finishReason, usage, full };
}

/** One streamed chunk carrying a piece of content. */
function contentChunk(c: BuiltCompletion, content: string): unknown {
  return {
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
  };
}

/** The chunks OpenAI streams for a completion, without the closing `[DONE]`. */
function streamEvents(c: BuiltCompletion, includeUsage: boolean, chunkSize: number): unknown[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage && { usage: null }),
  });
  const events: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of split(c.content ?? '', chunkSize)) events.push(chunk({ content: piece }));
  c.toolCalls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    // Arguments arrive in small fragments, as they do from OpenAI.
    for (const piece of split(call.arguments, Math.max(1, Math.ceil(chunkSize / 2)))) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, c.finishReason));
  if (includeUsage) {
    events.push({
      id: c.id,
      object: 'chat.completion.chunk',
      created: c.created,
      model: c.model,
      system_fingerprint: null,
      choices: [],
      usage: c.usage,
    });
  }
  return events;
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
