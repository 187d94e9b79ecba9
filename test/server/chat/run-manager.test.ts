import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const plan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Check order #W123',
      statusMessage: 'Checking your order...',
      dependsOn: [],
    },
    {
      id: 't2',
      agent: 'ProductExpertAgent',
      instruction: 'Find red sneakers',
      statusMessage: 'Looking for sneakers...',
      dependsOn: [],
    },
  ],
};
const model = () =>
  new ScriptedModel((req: ModelRequest) => {
    if (req.agentName === 'PlannerAgent') return { content: JSON.stringify(plan) };
    if (req.agentName === 'OrderManagementAgent' && toolResultsSoFar(req) === 0)
      return { toolCalls: [{ id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W123"}' }] };
    return { content: `Answer from ${req.agentName}` };
  });

describe('RunManager: step mode, plan edits, restarts, double texting', () => {
  let db: TestDatabase;
  let t: TestApp;
  const tools = standInTools();
  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({ db, models: model(), tools: tools.registry });
  });
  afterAll(async () => {
    await t.close();
    await db.dispose();
  });

  const events = (runId: string) => t.app.services.eventStore.list({ runId });
  const types = (list: BatonEvent[]) => list.map((e) => e.type);

  it('pauses after planning and before each task; edits and steps; a paused run survives a restart', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const sent = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!) { sendMessage(conversationId: $id, text: "order #W123 and red sneakers", mode: STEP) { id } }',
      { id: conversation.id },
    );
    const runId = sent.data!.sendMessage.id;
    expect((await waitForRun(t.app, runId)).status).toBe('PAUSED');
    let log = await events(runId);
    expect(types(log).slice(-2)).toEqual(['PLAN', 'RUN_PAUSED']);
    expect(log.at(-1)?.type === 'RUN_PAUSED' && log.at(-1)!.data).toEqual({ nextTaskIds: ['t1'], reason: 'planned' });

    // Reassign the second task while paused.
    const edit = await t.gql<{ editPlan: { plan: typeof plan } }>(
      'mutation($id: ID!) { editPlan(runId: $id, edits: [{ taskId: "t2", agent: "GeneralSupportAgent", instruction: "Tell them about sneakers" }]) { plan } }',
      { id: runId },
    );
    expect(edit.errors).toBeUndefined();
    expect(edit.data?.editPlan.plan.tasks[1]).toMatchObject({
      agent: 'GeneralSupportAgent',
      instruction: 'Tell them about sneakers',
    });
    const bad = await t.gql(
      'mutation($id: ID!) { editPlan(runId: $id, edits: [{ taskId: "t2", agent: "Ghost" }]) { id } }',
      { id: runId },
    );
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toBe('edits.0.agent');

    // Step: one task runs, then it pauses before the next.
    await t.gql('mutation($id: ID!) { stepRun(id: $id) { id } }', { id: runId });
    expect((await waitForRun(t.app, runId)).status).toBe('PAUSED');
    log = await events(runId);
    expect(log.filter((e) => e.type === 'TASK_COMPLETED').map((e) => e.taskId)).toEqual(['t1']);
    expect(log.at(-1)?.type === 'RUN_PAUSED' && log.at(-1)!.data).toEqual({
      nextTaskIds: ['t2'],
      reason: 'before_task',
    });

    // Restart: a new app (new process state) on the same database picks the paused run up.
    await t.close();
    t = await createTestApp({ db, models: model(), tools: tools.registry });
    const stillPaused = await t.gql<{
      run: { status: string; tasks: { id: string; status: string; agent: string }[] };
    }>('query($id: ID!) { run(id: $id) { status tasks { id status agent } } }', { id: runId });
    expect(stillPaused.data?.run).toEqual({
      status: 'PAUSED',
      tasks: [
        { id: 't1', status: 'COMPLETED', agent: 'OrderManagementAgent' },
        { id: 't2', status: 'PENDING', agent: 'GeneralSupportAgent' },
      ],
    });
    await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: runId });
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
    log = await events(runId);
    const t2 = log.find((e) => e.type === 'TASK_COMPLETED' && e.taskId === 't2');
    expect(t2?.agentName).toBe('GeneralSupportAgent');
    // t1 ran exactly once across the restart.
    expect(log.filter((e) => e.type === 'TASK_STARTED' && e.taskId === 't1')).toHaveLength(1);
    const final = log.at(-1);
    expect(final?.type === 'RUN_COMPLETED' && final.data.reply).toBe(
      'Checking your order: Answer from OrderManagementAgent\n\n—\n\nLooking for sneakers: Answer from GeneralSupportAgent',
    );
    const planEvents = log.filter((e) => e.type === 'PLAN').map((e) => (e.type === 'PLAN' ? e.data.source : ''));
    expect(planEvents).toEqual(['planner', 'edit']);
  });

  it('refuses step and edits on a run that is not paused', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, 'order #W123', 'AUTO');
    await waitForRun(t.app, run.id);
    expect(errorCode(await t.gql('mutation($id: ID!) { stepRun(id: $id) { id } }', { id: run.id }))).toBe('CONFLICT');
    expect(
      errorCode(await t.gql('mutation($id: ID!) { editPlan(runId: $id, edits: []) { id } }', { id: run.id })),
    ).toBe('CONFLICT');
  });

  it('queues a message sent while a run is active and runs it after, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new ScriptedModel(async (req) => {
      if (req.agentName === 'PlannerAgent') {
        const text = JSON.stringify(req.messages.at(-1));
        if (text.includes('first')) await gate;
        return {
          content: JSON.stringify({
            refuse: false,
            tasks: [{ id: 't1', agent: 'GeneralSupportAgent', instruction: 'x', statusMessage: 'y', dependsOn: [] }],
          }),
        };
      }
      const last = [...req.messages].reverse().find((m) => m.role === 'user');
      return { content: `re: ${JSON.stringify(last).includes('first') ? 'first' : 'second'}` };
    });
    const q = await createTestApp({ models: slow, tools: standInTools().registry });
    try {
      const { conversation } = await q.app.services.conversations.start({});
      const first = await q.app.services.runs.submit(conversation.id, 'first message', 'AUTO');
      await new Promise((r) => setTimeout(r, 100));
      const second = await q.app.services.runs.submit(conversation.id, 'second message', 'AUTO');
      await new Promise((r) => setTimeout(r, 100));
      expect((await q.app.services.conversations.getRun(second.id)).status).toBe('PENDING');
      release();
      await waitForRun(q.app, first.id);
      const done = await waitForRun(q.app, second.id);
      expect(done.status).toBe('COMPLETED');
      const firstDone = (await q.app.services.eventStore.list({ runId: first.id, types: ['RUN_COMPLETED'] }))[0]!;
      const secondStart = (await q.app.services.eventStore.list({ runId: second.id, types: ['RUN_STARTED'] }))[0]!;
      expect(secondStart.id!).toBeGreaterThan(firstDone.id!);
      const reply = (await q.app.services.eventStore.list({ runId: second.id, types: ['RUN_COMPLETED'] }))[0];
      expect(reply?.type === 'RUN_COMPLETED' && reply.data.reply).toBe('re: second');
    } finally {
      await q.close();
    }
  });
});

describe('runs query', () => {
  it('filters the run history by status, agent and time', async () => {
    const t = await createTestApp({ models: model(), tools: standInTools().registry });
    try {
      const { conversation } = await t.app.services.conversations.start({});
      const done = await t.app.services.runs.submit(conversation.id, 'order #W123', 'AUTO');
      await waitForRun(t.app, done.id);
      const paused = await t.app.services.runs.submit(conversation.id, 'again', 'STEP');
      await waitForRun(t.app, paused.id);
      const q = (args: string) =>
        t
          .gql<{ runs: { id: string; status: string }[] }>(`{ runs${args} { id status } }`)
          .then((r) => r.data!.runs.map((x) => x.id));
      expect(await q('')).toEqual([paused.id, done.id]);
      expect(await q('(status: [COMPLETED])')).toEqual([done.id]);
      expect(await q('(agentName: "ProductExpertAgent")')).toEqual([paused.id, done.id]);
      expect(await q('(agentName: "ReturnsAgent")')).toEqual([]);
      expect(await q(`(since: "${new Date(Date.now() + 60_000).toISOString()}")`)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
