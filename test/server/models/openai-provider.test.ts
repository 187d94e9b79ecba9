import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isModelError, type ModelError } from '../../../server/src/errors.js';
import { CircuitBreaker } from '../../../server/src/models/circuit-breaker.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import {
  isStrictCompatible,
  OpenAIProvider,
  type OpenAIProviderOptions,
} from '../../../server/src/models/openai-provider.js';
import { RetryBudget } from '../../../server/src/models/retry-policy.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../fakes/scripted-openai-server.js';

let fake: ScriptedOpenAIServer;

beforeEach(async () => {
  fake = await startScriptedOpenAIServer();
});

afterEach(async () => {
  await fake.close();
});

function provider(options: Partial<OpenAIProviderOptions> = {}) {
  return new OpenAIProvider({
    baseURL: fake.url,
    defaultModel: 'gpt-test',
    timeoutMs: 5_000,
    maxRetries: 0,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    agentName: 'OrderManagementAgent',
    messages: [
      { role: 'system', content: 'You are OrderManagementAgent, who looks after orders.' },
      { role: 'user', content: text },
    ],
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isModelError(error)) throw new Error(`expected a ModelError, got ${String(error)}`);
  return error;
}

const lookupTools = [
  {
    name: 'store__get_order_details',
    description: 'Look up an order',
    parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  },
  {
    name: 'store__get_user_details',
    description: 'Look up a customer',
    parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
  },
];

describe('OpenAIProvider: replies', () => {
  it('returns plain text and sends the conversation in Chat Completions form', async () => {
    fake.enqueue({ content: 'Your order ships tomorrow.' });
    const response = await provider().complete(
      ask('Where is my order?', {
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'You are OrderManagementAgent.' },
          { role: 'user', content: 'Where is order #W123?' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 'call_1', name: 'store__get_order_details', arguments: '{"orderId":"#W123"}' }],
          },
          { role: 'tool', toolCallId: 'call_1', content: '{"status":"shipped"}' },
          { role: 'assistant', content: 'It has shipped.' },
          { role: 'user', content: 'When will it arrive?' },
        ],
      }),
    );

    expect(response).toMatchObject({
      content: 'Your order ships tomorrow.',
      toolCalls: [],
      finishReason: 'stop',
      model: 'gpt-test',
    });
    const body = fake.requests[0]!.body;
    expect(body.model).toBe('gpt-test');
    expect(body.temperature).toBe(0.2);
    expect(body.stream).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are OrderManagementAgent.' },
      { role: 'user', content: 'Where is order #W123?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'store__get_order_details', arguments: '{"orderId":"#W123"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'It has shipped.' },
      { role: 'user', content: 'When will it arrive?' },
    ]);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer not-needed');
  });

  it('returns parallel tool calls and offers tools as functions', async () => {
    fake.enqueue({
      toolCalls: [
        { id: 'call_a', name: 'store__get_order_details', arguments: { orderId: '#W1' } },
        { id: 'call_b', name: 'store__get_user_details', arguments: { email: 'ana@example.com' } },
      ],
    });
    const response = await provider().complete(ask('Check #W1 for ana@example.com', { tools: lookupTools }));

    expect(response.finishReason).toBe('tool_calls');
    expect(response.toolCalls).toEqual([
      { id: 'call_a', name: 'store__get_order_details', arguments: '{"orderId":"#W1"}' },
      { id: 'call_b', name: 'store__get_user_details', arguments: '{"email":"ana@example.com"}' },
    ]);
    expect(fake.requests[0]!.body.tools).toEqual(
      lookupTools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    );
  });

  it('sends per-agent model names and falls back to the default', async () => {
    fake.enqueue({ content: 'plan' }, { content: 'answer' });
    const models = provider();
    const planned = await models.complete(ask('hi', { agentName: 'PlannerAgent', model: 'gpt-planner' }));
    const answered = await models.complete(ask('hi'));
    expect(fake.requests.map((r) => r.body.model)).toEqual(['gpt-planner', 'gpt-test']);
    expect([planned.model, answered.model]).toEqual(['gpt-planner', 'gpt-test']);
  });

  it('records token usage', async () => {
    fake.enqueue({ content: 'ok', usage: { promptTokens: 120, completionTokens: 7 } });
    const response = await provider().complete(ask('hi'));
    expect(response.usage).toEqual({ promptTokens: 120, completionTokens: 7, totalTokens: 127 });
  });
});

describe('OpenAIProvider: structured output', () => {
  const planSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      tasks: {
        type: 'array',
        items: {
          type: 'object',
          properties: { agent: { type: 'string' }, instruction: { type: 'string' } },
          required: ['agent', 'instruction'],
          additionalProperties: false,
        },
      },
    },
    required: ['tasks'],
    additionalProperties: false,
  };

  it('asks for the JSON schema (strict when the schema allows it) and returns the JSON text', async () => {
    const plan = { tasks: [{ agent: 'OrderManagementAgent', instruction: 'Find order #W1' }] };
    fake.enqueue({ json: plan });
    const response = await provider().complete(
      ask('Where is #W1?', { agentName: 'PlannerAgent', responseFormat: { name: 'plan', schema: planSchema } }),
    );

    expect(JSON.parse(response.content!)).toEqual(plan);
    const { $schema: _dropped, ...sent } = planSchema;
    expect(fake.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'plan', schema: sent, strict: true },
    });
  });

  it('falls back to strict: false for schemas strict mode would reject', async () => {
    fake.enqueue({ json: { reply: 'hi' } });
    const optional = {
      type: 'object',
      properties: { reply: { type: 'string', minLength: 1 }, note: { type: 'string' } },
      required: ['reply'],
    };
    await provider().complete(ask('hi', { responseFormat: { name: 'agent reply!', schema: optional } }));
    expect(fake.requests[0]!.body.response_format.json_schema).toMatchObject({ name: 'agent_reply_', strict: false });
  });

  it('judges strict compatibility by the rules of strict mode', () => {
    expect(isStrictCompatible(planSchema)).toBe(true);
    expect(isStrictCompatible({ type: 'array', items: { type: 'string' } })).toBe(false);
    const open = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    expect(isStrictCompatible(open)).toBe(false);
    const nullable = {
      type: 'object',
      properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] }, b: { type: ['number', 'null'] } },
      required: ['a', 'b'],
      additionalProperties: false,
    };
    expect(isStrictCompatible(nullable)).toBe(true);
    expect(isStrictCompatible({ ...nullable, properties: { ...nullable.properties, c: { type: 'string' } } })).toBe(
      false,
    );
  });
});

describe('OpenAIProvider: streaming', () => {
  it('calls onDelta in order and returns the assembled text with usage', async () => {
    const text = 'Your order #W123 left our warehouse this morning and should arrive on Friday.';
    fake.enqueue({ content: text, usage: { promptTokens: 40, completionTokens: 18, totalTokens: 58 } });
    const deltas: string[] = [];
    const response = await provider().complete(ask('Where is it?', { onDelta: (d) => deltas.push(d) }));

    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(text);
    expect(response.content).toBe(text);
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({ promptTokens: 40, completionTokens: 18, totalTokens: 58 });
    expect(fake.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('assembles two parallel tool calls whose arguments arrive in fragments', async () => {
    const first = { orderId: '#W7654321', reason: 'The parcel arrived damaged and the box was open' };
    const second = { email: 'someone.with.a.long.address@example.com' };
    fake.enqueue({
      content: 'Let me check.',
      toolCalls: [
        { id: 'call_x', name: 'store__get_order_details', arguments: first },
        { id: 'call_y', name: 'store__get_user_details', arguments: second },
      ],
    });
    const deltas: string[] = [];
    const response = await provider().complete(ask('check', { tools: lookupTools, onDelta: (d) => deltas.push(d) }));

    expect(response.finishReason).toBe('tool_calls');
    expect(response.content).toBe('Let me check.');
    expect(deltas.join('')).toBe('Let me check.');
    expect(response.toolCalls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.arguments) }))).toEqual([
      { id: 'call_x', name: 'store__get_order_details', args: first },
      { id: 'call_y', name: 'store__get_user_details', args: second },
    ]);
    expect(response.usage?.totalTokens).toBeGreaterThan(0);
  });

  it('serves SSE the way OpenAI does (role delta, fragments, usage chunk, [DONE])', async () => {
    fake.enqueue({
      content: 'Hello there, friend',
      toolCalls: [{ id: 'c1', name: 'f', arguments: { a: 'long value' } }],
    });
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const contentDeltas = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(contentDeltas.length).toBeGreaterThan(1);
    const argFragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(argFragments[0]).toMatchObject({ index: 0, id: 'c1', type: 'function', function: { name: 'f' } });
    expect(argFragments.length).toBeGreaterThan(2);
    expect(argFragments.slice(1).every((f: { id?: string }) => f.id === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBeGreaterThan(0);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('tool_calls');
  });

  it('a stream that stalls after part of the reply is a timeout that is not retried (no duplicated text)', async () => {
    // Chunks every 400 ms: the first text arrives at 400 ms, the call times out at 600 ms.
    fake.enqueue({ content: 'This reply stalls half way through', chunkDelayMs: 400 }, { content: 'unused' });
    const deltas: string[] = [];
    const error = await failure(
      provider({ maxRetries: 2 }).complete(ask('hi', { timeoutMs: 600, onDelta: (d) => deltas.push(d) })),
    );
    expect(error.message).toMatch(/timed out after 600 ms.*part of the reply/);
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ kind: 'timeout', partialOutput: true });
    expect(deltas.length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a malformed SSE chunk into a ModelError', async () => {
    fake.enqueue({ rawBody: 'data: {"id": "x", "choices": [\n\n' });
    const error = await failure(provider().complete(ask('hi', { onDelta: () => {} })));
    expect(error.details.kind).toBe('malformed');
  });

  it('a stream cut off before any text is retried', async () => {
    fake.enqueue({ toolCalls: [{ name: 'f', arguments: { x: 'a fairly long argument value' } }], disconnect: true });
    fake.enqueue({ content: 'recovered' });
    const response = await provider({ maxRetries: 1 }).complete(ask('hi', { onDelta: () => {} }));
    expect(response.content).toBe('recovered');
    expect(fake.requests).toHaveLength(2);
  });
});

describe('OpenAIProvider: failures and retries', () => {
  it('retries a 429, waiting as long as Retry-After says', async () => {
    fake.enqueue({ status: 429, retryAfter: 1, message: 'Slow down' }, { content: 'ok' });
    const response = await provider({ maxRetries: 2 }).complete(ask('hi'));
    expect(response.content).toBe('ok');
    expect(fake.requests).toHaveLength(2);
    const gap = fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('does not wait for an unreasonable Retry-After', async () => {
    fake.enqueue({ status: 429, retryAfter: 3600, message: 'Quota exceeded' }, { content: 'unused' });
    const error = await failure(provider({ maxRetries: 2 }).complete(ask('hi')));
    expect(error.message).toMatch(/rate limiting us \(429\): Quota exceeded/);
    expect(error.details).toMatchObject({ status: 429, kind: 'rate_limited', retryAfterMs: 3_600_000 });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 5xx and gives up after maxRetries with the status', async () => {
    fake.enqueue({ status: 500 }, { status: 503 }, { content: 'ok' });
    await expect(provider({ maxRetries: 2 }).complete(ask('hi'))).resolves.toMatchObject({ content: 'ok' });
    expect(fake.requests).toHaveLength(3);

    fake.enqueue({ status: 502, message: 'Bad gateway' }, { status: 500, message: 'Still down' });
    const error = await failure(provider({ maxRetries: 1 }).complete(ask('hi')));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/answered 500: Still down/);
    expect(error.details).toMatchObject({ status: 500, kind: 'server', attempts: 2 });
    expect(fake.requests).toHaveLength(5);
  });

  it('never retries a 400', async () => {
    fake.enqueue({ status: 400, message: "Invalid schema for function 'x'" }, { content: 'unused' });
    const error = await failure(provider({ maxRetries: 3 }).complete(ask('hi')));
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 400, kind: 'client', agentName: 'OrderManagementAgent' });
    expect(error.message).toMatch(/Invalid schema/);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out with a clear, retryable error and keeps working afterwards', async () => {
    fake.enqueue({ content: 'too late', delayMs: 2_000 });
    const models = provider({ timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(models.complete(ask('hi')));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.message).toBe('Model call timed out after 150 ms');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ kind: 'timeout', timeoutMs: 150 });

    fake.enqueue({ content: 'on time' });
    await expect(models.complete(ask('again'))).resolves.toMatchObject({ content: 'on time' });
  });

  it('retries a timed-out call, and a per-request timeout overrides the default', async () => {
    fake.enqueue({ content: 'slow', delayMs: 1_000 }, { content: 'fast' });
    const response = await provider({ timeoutMs: 30_000, maxRetries: 1 }).complete(ask('hi', { timeoutMs: 100 }));
    expect(response.content).toBe('fast');
    expect(fake.requests).toHaveLength(2);
  });

  it('turns a malformed JSON body into a ModelError', async () => {
    fake.enqueue({ rawBody: '{"id": "chatcmpl-1", "choices": [' });
    const error = await failure(provider().complete(ask('hi')));
    expect(error.details.kind).toBe('malformed');
    expect(error.message).toMatch(/malformed reply/);

    fake.enqueue({ rawBody: '{"hello": "world"}' });
    const notACompletion = await failure(provider().complete(ask('hi')));
    expect(notACompletion.message).toMatch(/not a chat completion/);
  });

  it('retries a connection dropped half-way through the body', async () => {
    fake.enqueue({ content: 'cut short', disconnect: true }, { content: 'whole' });
    const response = await provider({ maxRetries: 1 }).complete(ask('hi'));
    expect(response.content).toBe('whole');
  });

  it('reports an unreachable server as a retryable connection error', async () => {
    const url = fake.url;
    await fake.close();
    const error = await failure(provider({ baseURL: url }).complete(ask('hi')));
    expect(error.retryable).toBe(true);
    expect(error.details.kind).toBe('connection');
    expect(error.message).toContain(url);
    fake = await startScriptedOpenAIServer();
  });

  it('aborts via the signal without retrying', async () => {
    fake.enqueue({ content: 'never seen', delayMs: 2_000 }, { content: 'unused' });
    const controller = new AbortController();
    const started = Date.now();
    const call = failure(provider({ maxRetries: 3 }).complete(ask('hi', { signal: controller.signal })));
    // Aborted once the server holds the request (a fixed 50 ms could come before it arrived on a busy machine).
    while (fake.requests.length < 1 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await call;
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.message).toBe('Model call was cancelled');
    expect(error.retryable).toBe(false);
    expect(fake.requests).toHaveLength(1);

    const aborted = AbortSignal.abort();
    await expect(provider().complete(ask('hi', { signal: aborted }))).rejects.toThrow('cancelled');
    expect(fake.requests).toHaveLength(1);
  });

  it('takes retries from a shared per-run budget', async () => {
    const budget = new RetryBudget(1);
    const models = provider({ maxRetries: 3 });
    fake.enqueue({ status: 500 }, { content: 'first' }, { status: 500 }, { content: 'unused' });
    await expect(models.complete(ask('one', { retryBudget: budget }))).resolves.toMatchObject({ content: 'first' });
    const error = await failure(models.complete(ask('two', { retryBudget: budget })));
    expect(error.details.retryBudgetExhausted).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it('reports each retry to onRetry', async () => {
    const seen: string[] = [];
    fake.enqueue({ status: 503 }, { content: 'ok' });
    await provider({
      maxRetries: 1,
      onRetry: (info) => seen.push(`${info.agentName}/${info.model}#${info.attempt}`),
    }).complete(ask('hi'));
    expect(seen).toEqual(['OrderManagementAgent/gpt-test#1']);
  });
});

describe('OpenAIProvider: circuit breaker', () => {
  it('opens after N failures, fails fast without calling the server, and closes after a good probe', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 10_000, now: () => now });
    const models = provider({ breaker });
    fake.enqueue({ status: 500 }, { status: 500 });
    await failure(models.complete(ask('one')));
    await failure(models.complete(ask('two')));

    const fast = await failure(models.complete(ask('three')));
    expect(fast.retryable).toBe(false);
    expect(fast.details.kind).toBe('circuit_open');
    expect(fast.message).toMatch(/failing \(2 consecutive failures\)/);
    expect(fake.requests).toHaveLength(2);

    now += 10_000;
    fake.enqueue({ content: 'back' });
    await expect(models.complete(ask('probe'))).resolves.toMatchObject({ content: 'back' });
    expect(breaker.state).toBe('closed');
    fake.enqueue({ content: 'normal' });
    await expect(models.complete(ask('after'))).resolves.toMatchObject({ content: 'normal' });
    expect(fake.requests).toHaveLength(4);
  });

  it('cuts a retry loop short once the circuit opens', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000 });
    fake.enqueue(...Array.from({ length: 6 }, () => ({ status: 500 })));
    const error = await failure(provider({ breaker, maxRetries: 5 }).complete(ask('hi')));
    expect(error.details.kind).toBe('circuit_open');
    expect(fake.requests).toHaveLength(3);
  });

  it('does not count client errors or cancellations as the server failing', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    fake.enqueue({ status: 400 }, { content: 'late', delayMs: 1_000 });
    await failure(provider({ breaker }).complete(ask('bad')));
    await failure(provider({ breaker }).complete(ask('cancel', { signal: AbortSignal.timeout(30) })));
    expect(breaker.state).toBe('closed');
  });
});

describe('scripted OpenAI server', () => {
  it('routes replies by agent name and serves concurrent requests without blocking', async () => {
    fake.route({
      PlannerAgent: [{ content: 'plan', delayMs: 200 }],
      OrderManagementAgent: [{ content: 'order', delayMs: 300 }],
      ReturnsAgent: [{ content: 'return', delayMs: 300 }],
    });
    const models = provider();
    const as = (agentName: string) =>
      models.complete({ agentName, messages: [{ role: 'system', content: `You are ${agentName}.` }] });
    expect((await as('PlannerAgent')).content).toBe('plan');
    const [order, ret] = await Promise.all([as('OrderManagementAgent'), as('ReturnsAgent')]);
    expect([order.content, ret.content]).toEqual(['order', 'return']);
    const [, a, b] = fake.requests;
    // The second task request arrived while the first was still being delayed.
    expect(b!.receivedAt).toBeLessThan(a!.respondedAt!);
    expect(fake.pendingReplies()).toBe(0);
    expect(fake.errors).toEqual([]);
  });

  it('fails loudly when a queue runs dry', async () => {
    fake.route({ PlannerAgent: [] });
    const error = await failure(
      provider().complete({
        agentName: 'PlannerAgent',
        messages: [{ role: 'system', content: 'You are PlannerAgent.' }],
      }),
    );
    expect(error.message).toMatch(/no scripted reply left for PlannerAgent/);
    expect(fake.errors).toHaveLength(1);

    const unrouted = await failure(
      provider().complete({ agentName: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(unrouted.message).toMatch(/cannot route/);
  });

  it('answers odd requests with a clear 500 and keeps serving', async () => {
    const garbage = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: 'not json' });
    expect(garbage.status).toBe(500);
    expect(((await garbage.json()) as { error: { message: string } }).error.message).toMatch(/not a chat completion/);
    const unknown = await fetch(`${fake.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(500);
    expect(fake.errors).toHaveLength(2);

    const client = new OpenAI({ apiKey: 'x', baseURL: fake.url, maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['scripted-model']);
    fake.respondWith((request) => ({ content: `echo ${request.body.messages.length}` }));
    await expect(provider().complete(ask('hi'))).resolves.toMatchObject({ content: 'echo 2' });
  });
});
