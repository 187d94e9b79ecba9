import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, type ScriptedReply, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { EXAMPLE, SEED_RUN_WRITE, seedScript } from '../../fakes/seed-scenario.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

/** Scripted behaviour keyed by agent; tests override per case. */
let script: (req: ModelRequest) => ScriptedReply | Promise<ScriptedReply>;
const model = new ScriptedModel((req) => script(req));

/** The seed example: a two-task plan, one stand-in tool call and an answer per agent. */
const exampleScript = seedScript;

describe('ChatOrchestrator through the app (scripted model, stand-in tools)', () => {
  let t: TestApp;
  let tools: ReturnType<typeof standInTools>;
  beforeAll(async () => {
    tools = standInTools();
    // Give the order agent the cancel tool too, and let GeneralSupport hand off to HumanTransfer.
    t = await createTestApp({ models: model, tools: tools.registry });
    await t.app.services.agents.update('OrderManagementAgent', {
      tools: ['store.get_order_details', 'store.cancel_pending_order'],
    });
    await t.app.services.agents.update('ProductExpertAgent', { tools: ['store.search_products'] });
    await t.app.services.agents.update('GeneralSupportAgent', { tools: [], handoffs: ['HumanTransferAgent'] });
    await t.app.services.agents.update('HumanTransferAgent', { tools: ['store.create_ticket'] });
  });
  afterAll(() => t.close());

  async function turn(
    text: string,
    conversationId?: string,
  ): Promise<{ events: BatonEvent[]; conversationId: string }> {
    const id = conversationId ?? (await t.app.services.conversations.start({})).conversation.id;
    const r = await t.gql<{ sendMessage: { id: string; status: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id status } }',
      { id, text },
    );
    expect(r.errors).toBeUndefined();
    await waitForRun(t.app, r.data!.sendMessage.id);
    return { events: await t.app.services.eventStore.list({ runId: r.data!.sendMessage.id }), conversationId: id };
  }

  it('runs the seed example: two tasks, status messages, a tool call each, attributed messages, one reply', async () => {
    script = exampleScript;
    const { events } = await turn(EXAMPLE);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('MESSAGE');
    expect(types).toContain('RUN_STARTED');
    const plan = events.find((e) => e.type === 'PLAN');
    expect(plan?.type === 'PLAN' && plan.data.plan.tasks.map((x) => x.agent)).toEqual([
      'OrderManagementAgent',
      'ProductExpertAgent',
    ]);
    expect(plan?.type === 'PLAN' && plan.data.source).toBe('planner');

    const started = events.filter((e) => e.type === 'TASK_STARTED');
    expect(started.map((e) => e.type === 'TASK_STARTED' && e.data.statusMessage)).toEqual([
      'Checking on the status of your order #W123...',
      'Looking for red sneakers in size 9...',
    ]);
    const toolCalls = events.filter((e) => e.type === 'TOOL_CALL');
    expect(toolCalls.map((e) => [e.agentName, e.type === 'TOOL_CALL' && e.data.tool])).toEqual(
      expect.arrayContaining([
        ['OrderManagementAgent', 'store.get_order_details'],
        ['ProductExpertAgent', 'store.search_products'],
      ]),
    );
    const messages = events.filter((e) => e.type === 'MESSAGE' && e.data.role === 'assistant');
    expect(messages.map((e) => [e.agentName, e.type === 'MESSAGE' && (e.data.final ?? false)])).toEqual([
      ['OrderManagementAgent', false],
      ['ProductExpertAgent', false],
      [null, true],
    ]);
    const done = events.at(-1);
    expect(done?.type).toBe('RUN_COMPLETED');
    const reply = done?.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply).toContain('TRACK123');
    expect(reply).toContain('$99.50');
    expect(reply.indexOf('TRACK123')).toBeLessThan(reply.indexOf('$99.50'));
    const run = await t.app.services.conversations.getRun(events[0]!.runId!);
    expect(run.status).toBe('COMPLETED');
    expect(run.completedTaskIds.sort()).toEqual(['t1', 't2']);
  });

  it('stores a turn in few writes: with an instant model, everything after the claim in one', async () => {
    script = exampleScript;
    const store = t.app.services.runRepository;
    const batches: string[][] = [];
    const append = store.append.bind(store);
    store.append = (batch, ...rest) => {
      if (batch.some((e) => e.type !== 'MESSAGE_DELTA')) batches.push(batch.map((e) => e.type));
      return append(batch, ...rest);
    };
    try {
      const { events } = await turn(EXAMPLE);
      expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
    } finally {
      store.append = append;
    }
    // sendMessage and the claim (which stores RUN_STARTED) are single statements of their own. The
    // first write after them starts a turn of the event loop after the PLAN; an instant model has
    // finished the whole run by then (answers do not wait for their tool calls' records).
    expect(batches).toEqual([[...SEED_RUN_WRITE]]);
  });

  it('stores a tool call before the answer that follows it, in append order, when they share a write', async () => {
    script = exampleScript;
    const { events } = await turn(EXAMPLE);
    for (const agent of ['OrderManagementAgent', 'ProductExpertAgent']) {
      const call = events.find((e) => e.type === 'TOOL_CALL' && e.agentName === agent);
      const answer = events.find((e) => e.type === 'MESSAGE' && e.agentName === agent);
      expect(call!.id!).toBeLessThan(answer!.id!);
    }
  });

  it('a tool call whose record fails to store fails the run: the answer after it is never stored', async () => {
    script = async (req) => {
      // The answers come a little later, so the tool calls' records are in a write of their own.
      if (req.agentName !== 'PlannerAgent' && toolResultsSoFar(req) > 0) await new Promise((r) => setTimeout(r, 30));
      return exampleScript(req);
    };
    const store = t.app.services.runRepository;
    const append = store.append.bind(store);
    store.append = (batch, ...rest) =>
      batch.some((e) => e.type === 'TOOL_CALL') ? Promise.reject(new Error('disk full')) : append(batch, ...rest);
    let events: BatonEvent[];
    try {
      ({ events } = await turn(EXAMPLE));
    } finally {
      store.append = append;
    }
    expect(events.at(-1)?.type).toBe('RUN_FAILED');
    expect(events.filter((e) => e.type === 'TOOL_CALL' || e.type === 'TASK_COMPLETED')).toEqual([]);
    expect(events.filter((e) => e.type === 'MESSAGE' && e.data.role === 'assistant' && !e.data.final)).toEqual([]);
  });

  it('delivers outputs in plan order even when the second task finishes first', async () => {
    script = async (req) => {
      if (req.agentName === 'OrderManagementAgent' && toolResultsSoFar(req) > 0)
        await new Promise((r) => setTimeout(r, 150));
      return exampleScript(req);
    };
    const { events } = await turn(EXAMPLE);
    const completed = events.filter((e) => e.type === 'TASK_COMPLETED').map((e) => e.taskId);
    expect(completed).toEqual(['t1', 't2']);
    const toolOrder = events.filter((e) => e.type === 'TOOL_CALL').map((e) => e.agentName);
    expect(toolOrder).toHaveLength(2);
  });

  it('retries a malformed plan once, then falls back to the default agent and records why', async () => {
    let plannerCalls = 0;
    script = (req) => {
      if (req.agentName === 'PlannerAgent') {
        plannerCalls++;
        return {
          content:
            plannerCalls === 1
              ? '{"tasks": [oops'
              : '{"refuse":false,"tasks":[{"id":"t1","agent":"NoSuchAgent","instruction":"x","statusMessage":"y","dependsOn":[]}]}',
        };
      }
      return { content: `Answer from ${req.agentName}` };
    };
    const { events } = await turn('Tell me about your store');
    expect(plannerCalls).toBe(2);
    const retryRequest = model.requests.filter((r) => r.agentName === 'PlannerAgent').at(-1)!;
    expect(JSON.stringify(retryRequest.messages.at(-1))).toContain('not valid JSON');
    const plan = events.find((e) => e.type === 'PLAN');
    expect(plan?.type === 'PLAN' && plan.data).toMatchObject({ source: 'fallback', attempts: 2 });
    expect(plan?.type === 'PLAN' && plan.data.fallbackReason).toContain('NoSuchAgent');
    expect(plan?.type === 'PLAN' && plan.data.plan.tasks[0]?.agent).toBe('GeneralSupportAgent');
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('answers an off-topic message with the refusal message', async () => {
    script = (req) =>
      req.agentName === 'PlannerAgent' ? { content: '{"refuse":true,"tasks":[]}' } : { content: 'should not run' };
    const { events } = await turn('Write me a poem about the sea');
    const refusal = (await t.app.services.settings.get()).refusalMessage;
    expect(events.filter((e) => e.type === 'TASK_STARTED')).toHaveLength(0);
    const done = events.at(-1);
    expect(done?.type === 'RUN_COMPLETED' && done.data.reply).toBe(refusal);
  });

  it('refuses a tool the card does not allow, in code, and records it', async () => {
    tools.calls.length = 0;
    script = (req) => {
      if (req.agentName === 'PlannerAgent')
        return {
          content: JSON.stringify({
            refuse: false,
            tasks: [
              {
                id: 't1',
                agent: 'ProductExpertAgent',
                instruction: 'cancel order #W9',
                statusMessage: '...',
                dependsOn: [],
              },
            ],
          }),
        };
      return toolResultsSoFar(req) > 0
        ? { content: 'I cannot do that.' }
        : {
            toolCalls: [
              {
                id: 'x1',
                name: 'store__cancel_pending_order',
                arguments: '{"order_id":"#W9","reason":"no longer needed"}',
              },
            ],
          };
    };
    const { events } = await turn('cancel order #W9');
    const call = events.find((e) => e.type === 'TOOL_CALL');
    expect(call?.type === 'TOOL_CALL' && call.data).toMatchObject({
      tool: 'store.cancel_pending_order',
      refused: true,
    });
    expect(call?.type === 'TOOL_CALL' && call.data.error).toContain('not allowed for ProductExpertAgent');
    expect(tools.calls.filter((c) => c.name === 'store.cancel_pending_order')).toHaveLength(0);
    // The model was told, and the run still completed.
    const followUp = model.requests.at(-1)!;
    expect(JSON.stringify(followUp.messages.at(-1))).toContain('not allowed');
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('records a hand-off and the target agent answers with the same ChatState', async () => {
    script = (req) => {
      if (req.agentName === 'PlannerAgent')
        return {
          content: JSON.stringify({
            refuse: false,
            tasks: [
              {
                id: 't1',
                agent: 'GeneralSupportAgent',
                instruction: 'The shopper wants a person',
                statusMessage: 'Getting you a colleague...',
                dependsOn: [],
              },
            ],
          }),
        };
      if (req.agentName === 'GeneralSupportAgent')
        return {
          toolCalls: [
            { id: 'h1', name: 'handoff_to_HumanTransferAgent', arguments: '{"reason":"asked for a person"}' },
          ],
        };
      if (req.agentName === 'HumanTransferAgent')
        return toolResultsSoFar(req) > 0
          ? { content: 'I opened ticket T-1; a colleague will contact you.' }
          : { toolCalls: [{ id: 'k1', name: 'store__create_ticket', arguments: '{"summary":"wants a person"}' }] };
      return { content: '?' };
    };
    const { events, conversationId } = await turn('I want to talk to a real person');
    // The stand-in store's ticket ("T-1") is none of the desk's: the hand-off opens with a ticket of the desk's own,
    // and the run goes on (it failed on the id before).
    const owner = await t.app.services.desk.ownership(conversationId);
    expect(owner.state).toBe('WAITING_FOR_HUMAN');
    expect(owner.ticketId).toMatch(/^[0-9a-f-]{36}$/);
    const handoff = events.find((e) => e.type === 'HANDOFF');
    expect(handoff?.type === 'HANDOFF' && handoff.data).toEqual({
      from: 'GeneralSupportAgent',
      to: 'HumanTransferAgent',
      reason: 'asked for a person',
    });
    const message = events.find((e) => e.type === 'MESSAGE' && e.data.role === 'assistant' && !e.data.final);
    expect(message?.agentName).toBe('HumanTransferAgent');
    expect(events.find((e) => e.type === 'TASK_COMPLETED')?.agentName).toBe('HumanTransferAgent');
    const targetRequest = model.requests.filter((r) => r.agentName === 'HumanTransferAgent')[0]!;
    expect(targetRequest.messages[0]?.role === 'system' && targetRequest.messages[0].content).toContain(
      'When to transfer to a person',
    );
  });

  it('shows the who-said-what note to the next agent', async () => {
    script = exampleScript;
    const { conversationId } = await turn(EXAMPLE);
    script = (req) => {
      if (req.agentName === 'PlannerAgent')
        return {
          content: JSON.stringify({
            refuse: false,
            tasks: [
              {
                id: 't1',
                agent: 'ProductExpertAgent',
                instruction: 'Are the shoes in stock?',
                statusMessage: '...',
                dependsOn: [],
              },
            ],
          }),
        };
      return { content: 'Yes.' };
    };
    model.requests.length = 0;
    await turn('Are those shoes in stock?', conversationId);
    const req = model.requests.find((r) => r.agentName === 'ProductExpertAgent')!;
    const rendered = req.messages.map((m) => `${m.role}:${'content' in m ? m.content : ''}`);
    const orderIdx = rendered.findIndex((m) => m.includes('TRACK123') && m.startsWith('assistant'));
    expect(orderIdx).toBeGreaterThan(0);
    expect(rendered[orderIdx + 1]).toBe(
      'system:[System Note] The assistant message above was authored by OrderManagementAgent.',
    );
    // Its own earlier message carries no note.
    const ownIdx = rendered.findIndex((m) => m.includes('$99.50') && m.startsWith('assistant'));
    expect(rendered[ownIdx + 1]).not.toContain('[System Note] The assistant message above');
    // Earlier agents' tool results are included too.
    expect(rendered.some((m) => m.startsWith('tool:') && m.includes('TRACK123'))).toBe(true);
  });

  it('fails the run with a readable reason when the model errors, and keeps serving', async () => {
    const { ModelError } = await import('../../../server/src/errors.js');
    script = (req) => {
      if (req.agentName === 'PlannerAgent')
        throw new ModelError('Model call timed out after 100 ms', { retryable: true });
      return { content: 'x' };
    };
    const { events } = await turn('hello?');
    const failed = events.at(-1);
    expect(failed?.type).toBe('RUN_FAILED');
    const apology = (await t.app.services.settings.get()).apologyMessage;
    expect(failed?.type === 'RUN_FAILED' && failed.data).toMatchObject({ code: 'MODEL_ERROR', message: apology });
    expect(failed?.type === 'RUN_FAILED' && failed.data.reason).toContain('timed out');
    script = exampleScript;
    const again = await turn(EXAMPLE);
    expect(again.events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('cancels a run in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    script = async (req) => {
      if (req.agentName === 'PlannerAgent') return exampleScript(req);
      await Promise.race([gate, new Promise((r) => req.signal?.addEventListener('abort', r))]);
      return exampleScript(req);
    };
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, EXAMPLE, 'AUTO');
    await new Promise((r) => setTimeout(r, 100));
    const cancelled = await t.gql<{ cancelRun: { status: string } }>(
      'mutation($id: ID!) { cancelRun(id: $id) { status } }',
      { id: run.id },
    );
    release();
    expect(cancelled.data?.cancelRun.status).toBe('CANCELLED');
    const events = await t.app.services.eventStore.list({ runId: run.id });
    expect(events.at(-1)?.type).toBe('RUN_CANCELLED');
    expect(events.some((e) => e.type === 'RUN_COMPLETED')).toBe(false);
  });
});
