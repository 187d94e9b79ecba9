import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../server/src/domain/events.js';
import { CircuitBreaker } from '../../server/src/models/circuit-breaker.js';
import type { ModelProvider } from '../../server/src/models/model-provider.js';
import { OpenAIProvider } from '../../server/src/models/openai-provider.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fakes/scripted-openai-server.js';
import { standInTools } from '../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../helpers/test-app.js';

const oneTaskPlan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Check orders #W1 and #W2',
      statusMessage: 'Checking your orders...',
      dependsOn: [],
    },
  ],
};

/** Each specialist request answers by how many tool results it already has: two lookups, then the answer. */
function specialistReply(body: { messages: { role: string }[] }) {
  const lastUser = body.messages.map((m) => m.role).lastIndexOf('user');
  const results = body.messages.slice(lastUser + 1).filter((m) => m.role === 'tool').length;
  if (results < 2)
    return { toolCalls: [{ name: 'store__get_order_details', arguments: { order_id: `#W${results + 1}` } }] };
  return { content: 'Both orders were delivered.' };
}

const chatRequests = (fake: ScriptedOpenAIServer) => fake.requests.filter((r) => r.path === '/v1/chat/completions');

describe('model faults: the per-run retry budget, a dead provider, the circuit breaker', () => {
  // A fresh fake per test: no pooled keep-alive socket from an earlier test can fail a first attempt.
  let fake: ScriptedOpenAIServer;
  beforeEach(async () => {
    fake = await startScriptedOpenAIServer();
  });
  afterEach(() => fake.close());

  // One app for the file; each test plugs in its own provider. MODEL_MAX_RETRIES=1: a budget of 3 retries per run.
  let t: TestApp;
  let provider: ModelProvider;
  beforeAll(async () => {
    const models: ModelProvider = { name: 'openai', ruleBased: false, complete: (r) => provider.complete(r) };
    t = await createTestApp({ models, tools: standInTools().registry, env: { MODEL_MAX_RETRIES: '1' } });
    await t.app.services.agents.update('OrderManagementAgent', { tools: ['store.get_order_details'] });
  });
  afterAll(() => t.close());

  async function send(text: string): Promise<{ status: string; events: BatonEvent[] }> {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    const done = await waitForRun(t.app, run.id, 10_000);
    return { status: done.status, events: await t.app.services.eventStore.list({ runId: run.id }) };
  }

  it('a run stops retrying when its retry budget is spent, though each call alone could retry; the next run has its own', async () => {
    // Every call fails once with a 500, then succeeds: each costs one retry.
    let healthy = false;
    fake.respondWith((request) => {
      if (!healthy && chatRequests(fake).indexOf(request) % 2 === 0) return { status: 500, message: 'flaky' };
      return request.agentName === 'PlannerAgent' ? { json: oneTaskPlan } : specialistReply(request.body);
    });
    provider = new OpenAIProvider({
      baseURL: fake.url,
      defaultModel: 'test-model',
      timeoutMs: 2_000,
      maxRetries: 2,
      retry: { baseDelayMs: 5, maxDelayMs: 10 },
    });
    // The run makes 4 calls (plan, two lookups, answer), each needing one retry: one more than its budget.
    const before = chatRequests(fake).length;
    const failed = await send('Where are my orders #W1 and #W2?');
    expect(failed.status).toBe('FAILED');
    const apology = (await t.app.services.settings.get()).apologyMessage;
    const last = failed.events.at(-1);
    expect(last?.type).toBe('RUN_FAILED');
    expect(last?.type === 'RUN_FAILED' && last.data).toMatchObject({ code: 'MODEL_ERROR', message: apology });
    expect(last?.type === 'RUN_FAILED' && last.data.reason).toContain('retry budget for this run is spent');
    expect(failed.events.filter((e) => e.type === 'MESSAGE' && e.data.final).map((e) => e.data)).toEqual([
      { role: 'assistant', text: apology, final: true },
    ]);
    // Three calls took one retry each (6 requests); the fourth failed and was not retried.
    expect(chatRequests(fake).length - before).toBe(7);
    expect(failed.events.filter((e) => e.type === 'TOOL_CALL' && e.agentName === 'OrderManagementAgent')).toHaveLength(
      2,
    );

    healthy = true;
    const next = await send('Where are my orders #W1 and #W2?');
    expect(next.status).toBe('COMPLETED');
    expect(next.events.at(-1)?.type === 'RUN_COMPLETED' && next.events.at(-1)!.data).toMatchObject({
      reply: 'Both orders were delivered.',
    });
  });

  it('a provider answering 500 forever fails runs quickly with the apology, and the breaker stops calling it', async () => {
    fake.respondWith(() => ({ status: 500, message: 'the model server is down' }));
    provider = new OpenAIProvider({
      baseURL: fake.url,
      defaultModel: 'test-model',
      timeoutMs: 2_000,
      maxRetries: 2,
      retry: { baseDelayMs: 5, maxDelayMs: 10 },
      breaker: new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 }),
    });
    const apology = (await t.app.services.settings.get()).apologyMessage;
    const base = chatRequests(fake).length;
    const counts: number[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, events } = await send(`Where is my order #W${i}?`);
      expect(status).toBe('FAILED');
      const last = events.at(-1);
      expect(last?.type === 'RUN_FAILED' && last.data.message).toBe(apology);
      reasons.push(last?.type === 'RUN_FAILED' ? last.data.reason : '');
      counts.push(chatRequests(fake).length - base);
    }
    // Run 1: the planner's call and its two retries. Run 2: two more failures open the circuit.
    // Run 3: the circuit is open, so the dead server is not called at all.
    expect(counts).toEqual([3, 5, 5]);
    expect(reasons[0]).toContain('answered 500');
    expect(reasons[2]).toContain('calls are paused');
  });

  it('a provider that never answers fails the run at its timeout instead of hanging it', async () => {
    fake.respondWith(() => ({ delayMs: 60_000, content: 'too late' }));
    provider = new OpenAIProvider({
      baseURL: fake.url,
      defaultModel: 'test-model',
      timeoutMs: 200,
      maxRetries: 1,
      retry: { baseDelayMs: 5, maxDelayMs: 10 },
    });
    const { status, events } = await send('Where is my order #W1?');
    expect(status).toBe('FAILED');
    const last = events.at(-1);
    expect(last?.type === 'RUN_FAILED' && last.data.reason).toContain('timed out after 200 ms');
  });
});
