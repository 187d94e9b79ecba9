import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseAgent } from '../../../server/src/agents/base-agent.js';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import type { AgentTurn } from '../../../server/src/agents/next-step.js';
import { MAX_HANDOFFS_PER_TASK, runTaskLoop } from '../../../server/src/agents/task-loop.js';
import { ChatState } from '../../../server/src/chat/chat-state.js';
import type { RunContext } from '../../../server/src/chat/run-context.js';
import type { AgentCard } from '../../../server/src/domain/agent-card.js';
import type { BatonEvent, NewEvent } from '../../../server/src/domain/events.js';
import { defaultSettings } from '../../../server/src/domain/workspace-settings.js';
import { HandoffLimitError, isModelError } from '../../../server/src/errors.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, type ScriptedReply, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

let script: (req: ModelRequest) => ScriptedReply | Promise<ScriptedReply>;
const model = new ScriptedModel((req) => script(req));

const task = (id: string, agent: string) => ({
  id,
  agent,
  instruction: `Handle ${id}`,
  statusMessage: `Working on ${id}...`,
  dependsOn: [],
});
const plan = (...tasks: ReturnType<typeof task>[]): ScriptedReply => ({
  content: JSON.stringify({ refuse: false, tasks }),
});
const handoffTo = (to: string): ScriptedReply => ({
  toolCalls: [{ id: `h-${to}`, name: `handoff_to_${to}`, arguments: JSON.stringify({ reason: `over to ${to}` }) }],
});
const call = (id: string, fn: string, args: unknown): ScriptedReply => ({
  toolCalls: [{ id, name: fn, arguments: JSON.stringify(args) }],
});

describe('the task loop: hand-offs are step results it acts on', () => {
  let t: TestApp;
  let tools: ReturnType<typeof standInTools>;
  beforeAll(async () => {
    tools = standInTools();
    t = await createTestApp({ models: model, tools: tools.registry });
  });
  afterAll(() => t.close());

  async function cards(patches: Record<string, { tools?: string[]; handoffs?: string[] }>) {
    for (const [name, patch] of Object.entries(patches)) await t.app.services.agents.update(name, patch);
  }

  async function turn(text: string): Promise<{ runId: string; events: BatonEvent[] }> {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    await waitForRun(t.app, run.id);
    return { runId: run.id, events: await t.app.services.eventStore.list({ runId: run.id }) };
  }

  it('chains A → B → C on one task: HANDOFF events as before, one task cursor, C answers with A and B in view', async () => {
    await cards({
      GeneralSupportAgent: { tools: [], handoffs: ['ProductExpertAgent'] },
      ProductExpertAgent: { tools: ['store.search_products'], handoffs: ['OrderManagementAgent'] },
      OrderManagementAgent: { tools: ['store.get_order_details'], handoffs: [] },
    });
    tools.calls.length = 0;
    script = (req) => {
      const done = toolResultsSoFar(req) > 0;
      if (req.agentName === 'PlannerAgent') return plan(task('t1', 'GeneralSupportAgent'));
      if (req.agentName === 'GeneralSupportAgent') return handoffTo('ProductExpertAgent');
      if (req.agentName === 'ProductExpertAgent')
        return done ? handoffTo('OrderManagementAgent') : call('p1', 'store__search_products', { query: 'shoes' });
      return done
        ? { content: 'Order #W1 was delivered.' }
        : call('o1', 'store__get_order_details', { order_id: '#W1' });
    };
    model.requests.length = 0;
    const { runId, events } = await turn('Where is order #W1?');

    const handoffs = events.filter((e) => e.type === 'HANDOFF');
    expect(handoffs.map((e) => [e.taskId, e.agentName, e.data])).toEqual([
      [
        't1',
        'GeneralSupportAgent',
        { from: 'GeneralSupportAgent', to: 'ProductExpertAgent', reason: 'over to ProductExpertAgent' },
      ],
      [
        't1',
        'ProductExpertAgent',
        { from: 'ProductExpertAgent', to: 'OrderManagementAgent', reason: 'over to OrderManagementAgent' },
      ],
    ]);
    const answer = events.find((e) => e.type === 'MESSAGE' && e.data.role === 'assistant' && !e.data.final);
    expect([answer?.taskId, answer?.agentName]).toEqual(['t1', 'OrderManagementAgent']);
    expect(events.find((e) => e.type === 'TASK_COMPLETED')?.agentName).toBe('OrderManagementAgent');
    const done = events.at(-1);
    expect(done?.type === 'RUN_COMPLETED' && done.data.reply).toContain('Order #W1 was delivered.');

    // B's tool call is stored before its HANDOFF, and the task's call count runs on across agents.
    const searched = events.find((e) => e.type === 'TOOL_CALL' && e.agentName === 'ProductExpertAgent')!;
    expect(searched.id!).toBeLessThan(handoffs[1]!.id!);
    expect(tools.calls.map((c) => [c.name, c.context.agentName, c.context.idempotencyKey])).toEqual([
      ['store.search_products', 'ProductExpertAgent', `${runId}:t1:0`],
      ['store.get_order_details', 'OrderManagementAgent', `${runId}:t1:1`],
    ]);
    // C's history shows B's tool call, attributed to B, and who handed the task over and why, before the task.
    const first = model.requests.find((r) => r.agentName === 'OrderManagementAgent')!;
    const contents = first.messages.map((m) => ('content' in m ? m.content : null));
    expect(contents).toContain('[System Note] The tool calls above were made by ProductExpertAgent.');
    expect(contents.at(-2)).toBe(
      '[System Note] ProductExpertAgent handed this task to you: over to OrderManagementAgent',
    );
    expect(first.messages.at(-1)?.role).toBe('user');
    // The agent the task was planned for is told of no hand-off.
    const planned = model.requests.find((r) => r.agentName === 'GeneralSupportAgent')!;
    expect(planned.messages.some((m) => 'content' in m && /handed this task to you/.test(String(m.content)))).toBe(
      false,
    );
  });

  it(`fails the task with HandoffLimitError after ${MAX_HANDOFFS_PER_TASK} hand-offs, and the run with the apology`, async () => {
    await cards({
      GeneralSupportAgent: { tools: [], handoffs: ['HumanTransferAgent'] },
      HumanTransferAgent: { tools: [], handoffs: ['GeneralSupportAgent'] },
    });
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return plan(task('t1', 'GeneralSupportAgent'));
      return handoffTo(req.agentName === 'GeneralSupportAgent' ? 'HumanTransferAgent' : 'GeneralSupportAgent');
    };
    model.requests.length = 0;
    const { events } = await turn('Can someone help me?');

    expect(events.filter((e) => e.type === 'HANDOFF').map((e) => e.type === 'HANDOFF' && e.data.to)).toEqual([
      'HumanTransferAgent',
      'GeneralSupportAgent',
      'HumanTransferAgent',
    ]);
    expect(model.requests.filter((r) => r.agentName !== 'PlannerAgent')).toHaveLength(MAX_HANDOFFS_PER_TASK + 1);
    const failed = events.find((e) => e.type === 'TASK_FAILED');
    expect(failed?.type === 'TASK_FAILED' && failed.data).toEqual({
      code: 'MODEL_ERROR',
      error:
        'Task t1 was handed off more than 3 times (GeneralSupportAgent → HumanTransferAgent → GeneralSupportAgent → HumanTransferAgent → GeneralSupportAgent)',
    });
    const end = events.at(-1);
    const apology = (await t.app.services.settings.get()).apologyMessage;
    expect(end?.type === 'RUN_FAILED' && end.data).toMatchObject({ code: 'MODEL_ERROR', message: apology });
  });

  it('gives each of two concurrent tasks its own task id in tool-call meta, deltas and events', async () => {
    await cards({
      OrderManagementAgent: { tools: ['store.get_order_details'], handoffs: [] },
      GeneralSupportAgent: { tools: [], handoffs: ['HumanTransferAgent'] },
      HumanTransferAgent: { tools: ['store.create_ticket'], handoffs: [] },
    });
    tools.calls.length = 0;
    // Both tasks' first model calls wait for each other: the test only passes if they overlap.
    const arrived = new Set<string>();
    let meet!: () => void;
    const together = new Promise<void>((resolve) => (meet = resolve));
    const bothRunning = async (agent: string) => {
      arrived.add(agent);
      if (arrived.size === 2) meet();
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the two tasks did not run at the same time')), 5_000).unref(),
      );
      await Promise.race([together, timeout]);
    };
    script = async (req) => {
      const done = toolResultsSoFar(req) > 0;
      if (req.agentName === 'PlannerAgent')
        return plan(task('t1', 'OrderManagementAgent'), task('t2', 'GeneralSupportAgent'));
      if (req.agentName === 'OrderManagementAgent') {
        if (done) return { content: 'Order #W7 is on its way.' };
        await bothRunning(req.agentName);
        req.onDelta?.('Looking up your order');
        return call('o1', 'store__get_order_details', { order_id: '#W7' });
      }
      if (req.agentName === 'GeneralSupportAgent') {
        await bothRunning(req.agentName);
        req.onDelta?.('Finding a colleague');
        return handoffTo('HumanTransferAgent');
      }
      if (done) return { content: 'A colleague will write to you.' };
      req.onDelta?.('Opening a ticket');
      return call('k1', 'store__create_ticket', { summary: 'wants a person' });
    };
    const published: BatonEvent[] = [];
    const unsubscribe = t.app.services.bus.subscribe((e) => published.push(e));
    let runId: string;
    let events: BatonEvent[];
    try {
      ({ runId, events } = await turn('Where is #W7? And I want to talk to a person.'));
    } finally {
      unsubscribe();
    }

    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
    expect(tools.calls.map((c) => c.context)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ taskId: 't1', agentName: 'OrderManagementAgent', idempotencyKey: `${runId}:t1:0` }),
        expect.objectContaining({ taskId: 't2', agentName: 'HumanTransferAgent', idempotencyKey: `${runId}:t2:0` }),
      ]),
    );
    expect(tools.calls).toHaveLength(2);
    const deltas = published.filter((e) => e.type === 'MESSAGE_DELTA' && e.runId === runId);
    expect(deltas.map((e) => [e.taskId, e.agentName, e.type === 'MESSAGE_DELTA' && e.data.delta]).sort()).toEqual([
      ['t1', 'OrderManagementAgent', 'Looking up your order'],
      ['t2', 'GeneralSupportAgent', 'Finding a colleague'],
      ['t2', 'HumanTransferAgent', 'Opening a ticket'],
    ]);
    const byTask = (type: string) =>
      events
        .filter((e) => e.type === type)
        .map((e) => [e.taskId, e.agentName])
        .sort();
    expect(byTask('TOOL_CALL')).toEqual([
      ['t1', 'OrderManagementAgent'],
      ['t2', 'HumanTransferAgent'],
    ]);
    expect(byTask('HANDOFF')).toEqual([['t2', 'GeneralSupportAgent']]);
    expect(byTask('TASK_COMPLETED')).toEqual([
      ['t1', 'OrderManagementAgent'],
      ['t2', 'HumanTransferAgent'],
    ]);
  });
});

describe('runTaskLoop on its own', () => {
  const card = (name: string, handoffs: string[]): AgentCard => ({
    ...builtinCards[0]!,
    name,
    handoffs,
    id: name,
    builtin: false,
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const a = card('AgentA', ['AgentB']);
  const b = card('AgentB', ['AgentA']);

  /** An agent whose every turn hands the task to the other one. */
  class Bouncer extends BaseAgent {
    override async run(): Promise<AgentTurn> {
      const to = this.card.name === 'AgentA' ? b : a;
      return {
        agentName: this.name,
        nextStep: { type: 'next_step_handoff', to, reason: 'yours' },
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      };
    }
  }

  it('rejects the hand-off past its bound with a typed error naming the task and the agents', async () => {
    const appended: NewEvent[] = [];
    const state = ChatState.fromHistory({
      conversationId: 'c1',
      runId: 'r1',
      settings: defaultSettings,
      agents: [a, b],
      history: [],
    });
    const ctx = {
      state,
      append: async (batch: NewEvent[]) => {
        appended.push(...batch);
        return [];
      },
    } as Partial<RunContext> as RunContext;
    const factory = { create: (c: AgentCard) => new Bouncer(c) };

    const error = await runTaskLoop({ factory, card: a, task: task('t9', 'AgentA'), ctx, maxHandoffs: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HandoffLimitError);
    expect(isModelError(error)).toBe(true);
    expect((error as HandoffLimitError).details).toEqual({
      taskId: 't9',
      limit: 2,
      agents: ['AgentA', 'AgentB', 'AgentA', 'AgentB'],
    });
    // Only the two hand-offs within the bound were recorded.
    expect(appended.map((e) => e.type === 'HANDOFF' && [e.taskId, e.data.from, e.data.to])).toEqual([
      ['t9', 'AgentA', 'AgentB'],
      ['t9', 'AgentB', 'AgentA'],
    ]);
  });
});
