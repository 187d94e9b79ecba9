import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { OpenAIProvider } from '../../../server/src/models/openai-provider.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../fakes/scripted-openai-server.js';
import { ORDER_REPLY, PRODUCT_REPLY, seedPlan } from '../../fakes/seed-scenario.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const EXAMPLE = "Where's my order #W123, and by the way, do you have any red sneakers in men's size 9?";
const plan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Check order #W123',
      statusMessage: 'Checking on the status of your order #W123...',
      dependsOn: [],
    },
    {
      id: 't2',
      agent: 'ProductExpertAgent',
      instruction: "Red sneakers, men's size 9",
      statusMessage: 'Looking for red sneakers in size 9...',
      dependsOn: ['t1'],
    },
  ],
};

/** The whole turn through the real `openai` client and the scripted OpenAI-compatible server. */
describe('the openai provider path, end to end', () => {
  let fake: ScriptedOpenAIServer;
  let t: TestApp;
  beforeAll(async () => {
    fake = await startScriptedOpenAIServer();
    const models = new OpenAIProvider({
      baseURL: fake.url,
      defaultModel: 'test-model',
      timeoutMs: 2_000,
      maxRetries: 1,
    });
    t = await createTestApp({ models, tools: standInTools().registry });
    await t.app.services.agents.update('OrderManagementAgent', {
      tools: ['store.get_order_details'],
      model: { model: 'orders-model' },
    });
    await t.app.services.agents.update('ProductExpertAgent', { tools: ['store.search_products'] });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function send(text: string): Promise<BatonEvent[]> {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    await waitForRun(t.app, run.id);
    return t.app.services.eventStore.list({ runId: run.id });
  }

  it('plans with structured output, calls tools, streams, and shows the second agent who said what', async () => {
    fake.route({
      PlannerAgent: [{ json: plan, usage: { promptTokens: 120, completionTokens: 40, totalTokens: 160 } }],
      OrderManagementAgent: [
        { toolCalls: [{ name: 'store__get_order_details', arguments: { order_id: '#W123' } }] },
        { content: 'Your order #W123 was delivered; tracking TRACK123.' },
      ],
      ProductExpertAgent: [
        { toolCalls: [{ name: 'store__search_products', arguments: { query: 'red sneakers size 9' } }] },
        { content: 'We have Running Shoes in red, size 9, for $99.50.' },
      ],
    });
    const events = await send(EXAMPLE);
    expect(fake.errors).toEqual([]);
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');

    const planReq = fake.requests.find((r) => JSON.stringify(r.body.messages[0]).includes('You are PlannerAgent'))!;
    expect(planReq.body.response_format?.type).toBe('json_schema');
    const planEvent = events.find((e) => e.type === 'PLAN');
    expect(planEvent?.type === 'PLAN' && planEvent.data.usage?.totalTokens).toBe(160);
    // The tokens are recorded under the model that served them, so that analytics can price them.
    expect(planEvent?.type === 'PLAN' && planEvent.data.usage?.byModel).toEqual({
      [String(planReq.body.model)]: { promptTokens: 120, completionTokens: 40 },
    });

    expect(events.filter((e) => e.type === 'TASK_STARTED')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'TOOL_CALL').map((e) => e.agentName)).toEqual([
      'OrderManagementAgent',
      'ProductExpertAgent',
    ]);
    const messages = events.filter((e) => e.type === 'MESSAGE' && e.data.role === 'assistant');
    expect(messages.map((m) => m.agentName)).toEqual(['OrderManagementAgent', 'ProductExpertAgent', null]);

    // Per-agent model names reach the server; task calls stream.
    const orderReqs = fake.requests.filter((r) =>
      JSON.stringify(r.body.messages[0]).includes('You are OrderManagementAgent'),
    );
    expect(orderReqs.every((r) => r.body.model === 'orders-model')).toBe(true);
    expect(orderReqs.every((r) => r.stream)).toBe(true);

    // Who said what: the product agent's request carries the order agent's message and the note after it.
    const productReq = fake.requests.filter((r) =>
      JSON.stringify(r.body.messages[0]).includes('You are ProductExpertAgent'),
    )[0]!;
    const msgs = productReq.body.messages as { role: string; content: string | null }[];
    const i = msgs.findIndex((m) => m.role === 'assistant' && m.content?.includes('TRACK123'));
    expect(i).toBeGreaterThan(0);
    expect(msgs[i + 1]).toEqual({
      role: 'system',
      content: '[System Note] The assistant message above was authored by OrderManagementAgent.',
    });
    // Earlier agents' tool results are included too.
    expect(msgs.some((m) => m.role === 'tool' && m.content?.includes('TRACK123'))).toBe(true);

    const reply =
      events.at(-1)?.type === 'RUN_COMPLETED' ? (events.at(-1) as { data: { reply: string } }).data.reply : '';
    expect(reply).toContain('TRACK123');
    expect(reply).toContain('$99.50');
  });

  it('the seed example: two status lines go out before the planner’s stream ends, then one composed reply', async () => {
    const pieces = [{ atMs: 0, text: '{"refuse":false,"tasks":[' }];
    seedPlan.tasks.forEach((task, i) => {
      const json = JSON.stringify(task);
      pieces.push({ atMs: 40 + 60 * i, text: json.slice(0, 30) });
      pieces.push({ atMs: 80 + 60 * i, text: `${json.slice(30)}${i ? '' : ','}` });
    });
    pieces.push({ atMs: 700, text: ']}' });
    fake.route({
      PlannerAgent: [{ contentAt: pieces }],
      OrderManagementAgent: [
        { toolCalls: [{ name: 'store__get_order_details', arguments: { order_id: '#W123' } }] },
        { content: `Hi there! ${ORDER_REPLY} Let me know if there is anything else.` },
      ],
      ProductExpertAgent: [
        { toolCalls: [{ name: 'store__search_products', arguments: { query: 'red sneakers size 9' } }] },
        { content: `Hello! ${PRODUCT_REPLY} Happy shopping!` },
      ],
    });
    const published: { runId?: string | null; at: number }[] = [];
    const stop = t.app.services.bus.subscribe((e) => {
      if (e.type === 'TASK_STARTED') published.push({ runId: e.runId, at: performance.timeOrigin + performance.now() });
    });
    const before = fake.requests.length;
    let events: BatonEvent[];
    try {
      events = await send(EXAMPLE);
    } finally {
      stop();
    }
    expect(fake.errors).toEqual([]);
    const planner = fake.requests.slice(before).find((r) => r.agentName === 'PlannerAgent')!;
    expect(planner.stream).toBe(true);
    // This run's deliveries (on the PostgreSQL bus a listener may hear more than this run, or an event twice).
    const statusAt = published.filter((p) => p.runId === events[0]!.runId).map((p) => p.at);
    expect(new Set(events.filter((e) => e.type === 'TASK_STARTED').map((e) => e.id)).size).toBe(2);
    expect(statusAt.length).toBeGreaterThanOrEqual(2);
    for (const at of statusAt) expect(at).toBeLessThan(planner.finishedAt!);
    const finals = events.filter((e) => e.type === 'MESSAGE' && e.data.final);
    expect(finals).toHaveLength(1);
    const done = events.at(-1)!;
    expect(done.type).toBe('RUN_COMPLETED');
    expect(done.type === 'RUN_COMPLETED' && done.data.reply).toBe(
      `Hi there! Checking on the status of your order #W123: ${ORDER_REPLY}\n\n—\n\nLooking for red sneakers in size 9: ${PRODUCT_REPLY} Happy shopping!`,
    );
  });

  it('streams MESSAGE_DELTA tokens to subscribers, and they add up to the agent’s message', async () => {
    const { url } = await t.app.start(0, '127.0.0.1');
    const { conversation } = await t.app.services.conversations.start({});
    const sub = subscribe(
      'ws',
      url,
      'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type agentName taskId data: dataJson } }',
      { id: conversation.id },
      (d) =>
        d.conversationEvents as {
          id: string | null;
          type: string;
          agentName: string;
          data: { delta?: string; text?: string; final?: boolean };
        },
    );
    await new Promise((r) => setTimeout(r, 200));
    const text =
      'Your order is on its way and should arrive on Thursday, tracking number TRACK123, thanks for waiting.';
    fake.route({
      PlannerAgent: [{ json: { refuse: false, tasks: [plan.tasks[0]] } }],
      OrderManagementAgent: [{ content: text, chunkDelayMs: 40 }],
    });
    const run = await t.app.services.runs.submit(conversation.id, 'Where is #W123?', 'AUTO');
    await waitForRun(t.app, run.id);
    const all = await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    sub.stop();
    const deltas = sub.items.filter((e) => e.type === 'MESSAGE_DELTA');
    expect(all.length).toBeGreaterThan(0);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => d.id === null && d.agentName === 'OrderManagementAgent')).toBe(true);
    expect(deltas.map((d) => d.data.delta).join('')).toBe(text);
    // Deltas come before the stored message they add up to.
    const messageIdx = sub.items.findIndex((e) => e.type === 'MESSAGE' && e.agentName === 'OrderManagementAgent');
    expect(sub.items.findIndex((e) => e.type === 'MESSAGE_DELTA')).toBeLessThan(messageIdx);
  });

  it('retries a malformed plan once with the error, then falls back, all recorded', async () => {
    fake.route({
      PlannerAgent: [
        { content: 'Sure! Here is the plan: tasks...' },
        {
          json: {
            refuse: false,
            tasks: [{ id: 't1', agent: 'Ghost', instruction: 'x', statusMessage: 'y', dependsOn: [] }],
          },
        },
      ],
      GeneralSupportAgent: [{ content: 'Happy to help with that.' }],
    });
    const before = fake.requests.length;
    const events = await send('Can you help me?');
    const planReqs = fake.requests
      .slice(before)
      .filter((r) => JSON.stringify(r.body.messages[0]).includes('You are PlannerAgent'));
    expect(planReqs).toHaveLength(2);
    expect(JSON.stringify(planReqs[1]!.body.messages.at(-1))).toContain('not valid JSON');
    const planEvent = events.find((e) => e.type === 'PLAN');
    expect(planEvent?.type === 'PLAN' && planEvent.data).toMatchObject({ source: 'fallback', attempts: 2 });
    expect(planEvent?.type === 'PLAN' && planEvent.data.errors?.length).toBe(2);
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('a model timeout ends the run with RUN_FAILED and a reason the shopper can read; the server keeps serving', async () => {
    const before = fake.requests.length;
    fake.respondWith(() => ({ json: plan, delayMs: 5_000 }));
    const events = await send('Where is my order #W123?');
    // One call and one retry (MODEL_MAX_RETRIES=1), each cut at the 2 s timeout.
    expect(fake.requests.length - before).toBe(2);
    const failed = events.at(-1);
    expect(failed?.type).toBe('RUN_FAILED');
    expect(failed?.type === 'RUN_FAILED' && failed.data.reason).toMatch(/timed out/i);
    expect(failed?.type === 'RUN_FAILED' && failed.data.message).toBe(
      (await t.app.services.settings.get()).apologyMessage,
    );
    const health = await t.gql<{ agents: unknown[] }>('{ agents { name } }');
    expect(health.data?.agents.length).toBe(7);
  });
});
