import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelToolCall } from '../../../server/src/models/model-provider.js';
import { OpenAIProvider } from '../../../server/src/models/openai-provider.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../fakes/scripted-openai-server.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const now = () => performance.timeOrigin + performance.now();
const twoCalls = [
  { id: 'call_a', name: 'store__slow_lookup', arguments: { order_id: '#W123', note: 'the first call, slow to run' } },
  { id: 'call_b', name: 'store__fast_lookup', arguments: { order_id: '#W124', note: 'the second call, quick' } },
];

/** Eager tool execution: a streamed turn's tool call starts once its own arguments are complete. */
describe('eager tool calls (openai provider, scripted server)', () => {
  let fake: ScriptedOpenAIServer;
  let models: OpenAIProvider;
  beforeAll(async () => {
    fake = await startScriptedOpenAIServer({ chunkSize: 4 });
    models = new OpenAIProvider({ baseURL: fake.url, defaultModel: 'm', timeoutMs: 5_000, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('the provider hands each call over, in call order, as soon as its arguments are a whole object', async () => {
    fake.enqueue({ toolCalls: twoCalls, chunkDelayMs: 15 });
    const handed: { call: ModelToolCall; at: number }[] = [];
    const response = await models.complete({
      agentName: 'OrderManagementAgent',
      messages: [{ role: 'user', content: 'two lookups' }],
      tools: [],
      onDelta: () => {},
      onToolCall: (call) => handed.push({ call, at: now() }),
    });
    const ended = now();
    expect(handed.map((h) => h.call)).toEqual(response.toolCalls);
    expect(handed.map((h) => h.call.id)).toEqual(['call_a', 'call_b']);
    // The first call's arguments closed while the second's were still streaming (about 15 fragments later).
    expect(ended - handed[0]!.at).toBeGreaterThan(100);
    expect(JSON.parse(handed[0]!.call.arguments)).toEqual(twoCalls[0]!.arguments);
  });

  describe('through a run', () => {
    let t: TestApp;
    const started: Record<string, number> = {};
    const keys: string[] = [];
    beforeAll(async () => {
      const tools = standInTools();
      for (const [name, ms] of [
        ['store.slow_lookup', 120],
        ['store.fast_lookup', 0],
      ] as const)
        tools.registry.add({
          name,
          description: 'Look an order up',
          inputSchema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
          readOnly: false,
          handler: async (args, context) => {
            started[name] = now();
            keys.push(context.idempotencyKey ?? '');
            await new Promise((r) => setTimeout(r, ms));
            return { ok: true, output: { order_id: (args as { order_id: string }).order_id, tool: name } };
          },
        });
      t = await createTestApp({ models, tools: tools.registry });
      await t.app.services.agents.update('OrderManagementAgent', { tools: ['store.slow_lookup', 'store.fast_lookup'] });
    });
    afterAll(() => t.close());

    it('starts the first tool before the turn ends; results stay in call order, keys unchanged', async () => {
      const before = fake.requests.length;
      fake.route({
        PlannerAgent: [
          {
            json: {
              refuse: false,
              tasks: [
                {
                  id: 't1',
                  agent: 'OrderManagementAgent',
                  instruction: 'Look up orders #W123 and #W124',
                  statusMessage: 'Looking up your orders...',
                  dependsOn: [],
                },
              ],
            },
          },
        ],
        OrderManagementAgent: [{ toolCalls: twoCalls, chunkDelayMs: 15 }, { content: 'Both found.' }],
      });
      const { conversation } = await t.app.services.conversations.start({});
      const run = await t.app.services.runs.submit(conversation.id, 'Where are #W123 and #W124?', 'AUTO');
      expect((await waitForRun(t.app, run.id)).status).toBe('COMPLETED');
      const turn = fake.requests.slice(before).find((r) => r.agentName === 'OrderManagementAgent')!;
      expect(started['store.slow_lookup']).toBeLessThan(turn.finishedAt!);
      expect(started['store.slow_lookup']).toBeLessThan(started['store.fast_lookup']!);
      const events = await t.app.services.eventStore.list({ runId: run.id });
      const calls = events.filter((e) => e.type === 'TOOL_CALL' && e.agentName === 'OrderManagementAgent');
      expect(calls.map((e) => e.type === 'TOOL_CALL' && [e.data.tool, e.data.callId])).toEqual([
        ['store.slow_lookup', 'call_a'],
        ['store.fast_lookup', 'call_b'],
      ]);
      expect(keys.slice(-2)).toEqual([`${run.id}:t1:0`, `${run.id}:t1:1`]);
      // The model's next request carries the results in call order.
      const next = fake.requests.slice(before).filter((r) => r.agentName === 'OrderManagementAgent')[1]!;
      const results = (next.body.messages as { role: string; tool_call_id?: string }[]).filter(
        (m) => m.role === 'tool',
      );
      expect(results.map((m) => m.tool_call_id)).toEqual(['call_a', 'call_b']);
    });
  });
});
