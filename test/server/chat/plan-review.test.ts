import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { Gate, twoTaskPlan as plan } from '../../helpers/two-task-plan.js';

describe('plan review: pause a running run, revise its plan, plan versions', () => {
  let t: TestApp;
  const gates = { planner: new Gate(), t1: new Gate() };
  const model = new ScriptedModel(async (req: ModelRequest) => {
    if (req.agentName === 'PlannerAgent') {
      await gates.planner.opened;
      return { content: JSON.stringify(plan) };
    }
    if (req.agentName === 'OrderManagementAgent') await gates.t1.opened;
    return { content: `Answer from ${req.agentName}` };
  });
  beforeAll(async () => {
    t = await createTestApp({ models: model, tools: standInTools().registry });
  });
  afterAll(async () => {
    await t.close();
  });

  const events = (runId: string) => t.app.services.eventStore.list({ runId });
  const send = async (text: string, extra = '') => {
    const { conversation } = await t.app.services.conversations.start({});
    const sent = await t.gql<{ sendMessage: { id: string } }>(
      `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text${extra}) { id } }`,
      { id: conversation.id, text },
    );
    expect(sent.errors).toBeUndefined();
    return sent.data!.sendMessage.id;
  };
  const pause = (id: string) =>
    t.gql<{ pauseRun: { status: string; pauseRequested: boolean } }>(
      'mutation($id: ID!) { pauseRun(id: $id) { status pauseRequested } }',
      { id },
    );
  const paused = (log: BatonEvent[]) => log.filter((e) => e.type === 'RUN_PAUSED').map((e) => e.data);

  it('pauses an AUTO run that is still planning right after its plan, and continues it to the end', async () => {
    gates.planner = new Gate();
    gates.t1 = new Gate();
    gates.t1.release();
    const runId = await send('order #W123 and then sneakers');
    const asked = await pause(runId);
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.pauseRun).toEqual({ status: 'RUNNING', pauseRequested: true });
    gates.planner.release();
    const run = await waitForRun(t.app, runId);
    expect(run.status).toBe('PAUSED');
    expect(run.mode).toBe('AUTO');
    expect(run.pauseRequested).toBe(false);
    expect(paused(await events(runId))).toEqual([{ nextTaskIds: ['t1'], reason: 'planned' }]);
    expect((await events(runId)).some((e) => e.type === 'TASK_STARTED')).toBe(false);

    await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: runId });
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
    const started = (await events(runId)).filter((e) => e.type === 'TASK_STARTED').map((e) => e.taskId);
    expect(started).toEqual(['t1', 't2']);
  });

  it('pauses a running AUTO run before its next task: the task in flight finishes, the next waits', async () => {
    gates.planner = new Gate();
    gates.planner.release();
    gates.t1 = new Gate();
    const runId = await send('order #W123 and then sneakers');
    // t1 is running (its TASK_STARTED is stored) and holds on its model call.
    await expect
      .poll(async () => (await events(runId)).some((e) => e.type === 'TASK_STARTED' && e.taskId === 't1'))
      .toBe(true);
    expect((await pause(runId)).data!.pauseRun.pauseRequested).toBe(true);
    gates.t1.release();
    const run = await waitForRun(t.app, runId);
    expect(run.status).toBe('PAUSED');
    expect(run.completedTaskIds).toEqual(['t1']);
    expect(paused(await events(runId))).toEqual([{ nextTaskIds: ['t2'], reason: 'before_task' }]);

    // Step runs t2 alone (an AUTO run paused on request steps like a step-mode run), and the run completes.
    await t.gql('mutation($id: ID!) { stepRun(id: $id) { id } }', { id: runId });
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');

    const again = await pause(runId);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.message).toContain('completed');
  });

  it('reviewPlan pauses once the plan is made; edits add, remove, re-wire and re-word tasks as versions', async () => {
    gates.planner = new Gate();
    gates.planner.release();
    gates.t1 = new Gate();
    gates.t1.release();
    const runId = await send('order #W123 and then sneakers', ', reviewPlan: true');
    expect((await waitForRun(t.app, runId)).status).toBe('PAUSED');
    expect(paused(await events(runId))).toEqual([{ nextTaskIds: ['t1'], reason: 'planned' }]);

    const edit = (vars: Record<string, unknown>) =>
      t.gql<{ editPlan: { plan: typeof plan } }>(
        'mutation($id: ID!, $edits: [PlanTaskEditInput!], $add: [PlanTaskAddInput!], $reason: String) { editPlan(runId: $id, edits: $edits, add: $add, reason: $reason) { plan } }',
        { id: runId, ...vars },
      );
    // A cycle is refused, naming the task.
    const cycle = await edit({ edits: [{ taskId: 't1', dependsOn: ['t2'] }] });
    expect(errorCode(cycle)).toBe('VALIDATION_FAILED');
    expect(cycle.errors![0]!.message).toContain('cycle');
    // Removing a task another depends on is refused until it is re-wired.
    const orphan = await edit({ edits: [{ taskId: 't1', remove: true }] });
    expect(orphan.errors![0]!.extensions!.field).toBe('edits.0.remove');
    const unknownDep = await edit({
      add: [{ agent: 'UpsellAgent', instruction: 'x', statusMessage: 'y', dependsOn: ['t9'] }],
    });
    expect(unknownDep.errors![0]!.extensions!.field).toBe('tasks.t3.dependsOn');
    const emptyStatus = await edit({ edits: [{ taskId: 't2', statusMessage: '  ' }] });
    expect(emptyStatus.errors![0]!.extensions!.field).toBe('edits.0.statusMessage');

    // Add t3 after t1, make t2 wait for t3 with a new status line.
    const ok = await edit({
      add: [
        { agent: 'UpsellAgent', instruction: 'Suggest socks', statusMessage: 'Finding a match...', dependsOn: ['t1'] },
      ],
      edits: [{ taskId: 't2', dependsOn: ['t3'], statusMessage: 'Looking for sneakers now...' }],
      reason: 'upsell before the product search',
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.editPlan.plan.tasks.map((x) => [x.id, x.dependsOn])).toEqual([
      ['t1', []],
      ['t2', ['t3']],
      ['t3', ['t1']],
    ]);
    // Then drop t3 again and re-wire t2 to t1, in one edit.
    const second = await edit({
      edits: [
        { taskId: 't2', dependsOn: ['t1'] },
        { taskId: 't3', remove: true },
      ],
    });
    expect(second.errors).toBeUndefined();
    const third = await edit({
      add: [{ id: 'socks', agent: 'UpsellAgent', instruction: 'Suggest socks', statusMessage: 'Finding a match...' }],
    });
    expect(third.errors).toBeUndefined();

    const versions = await t.gql<{
      run: {
        planVersions: { version: number; source: string; by: string; reason: string | null; tasks: { id: string }[] }[];
        planDiff: { kind: string; taskId: string; field: string | null; before: string | null; after: string | null }[];
        last: { kind: string; taskId: string }[];
      };
    }>(
      'query($id: ID!) { run(id: $id) { planVersions { version source by reason tasks { id } } planDiff(from: 1, to: 2) { kind taskId field before after } last: planDiff(from: 2) { kind taskId } } }',
      { id: runId },
    );
    expect(versions.errors).toBeUndefined();
    const run = versions.data!.run;
    expect(run.planVersions.map((v) => [v.version, v.source, v.by, v.reason])).toEqual([
      [1, 'planner', 'PlannerAgent', null],
      [2, 'edit', 'studio (no auth)', 'upsell before the product search'],
      [3, 'edit', 'studio (no auth)', null],
      [4, 'edit', 'studio (no auth)', null],
    ]);
    expect(run.planVersions[3]!.tasks.map((x) => x.id)).toEqual(['t1', 't2', 'socks']);
    expect(run.planDiff).toEqual([
      {
        kind: 'CHANGED',
        taskId: 't2',
        field: 'statusMessage',
        before: 'Working on t2...',
        after: 'Looking for sneakers now...',
      },
      { kind: 'CHANGED', taskId: 't2', field: 'dependsOn', before: 't1', after: 't3' },
      { kind: 'ADDED', taskId: 't3', field: null, before: null, after: 'UpsellAgent: Suggest socks' },
    ]);
    expect(run.last).toEqual([
      { kind: 'CHANGED', taskId: 't2' },
      { kind: 'ADDED', taskId: 'socks' },
      { kind: 'REMOVED', taskId: 't3' },
    ]);

    // The run goes on with the revised plan: the added task (no dependencies) starts with t1, t2 after t1,
    // each with its own status line.
    await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: runId });
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
    const started = (await events(runId)).filter((e) => e.type === 'TASK_STARTED');
    expect(started.map((e) => [e.taskId, e.agentName, e.type === 'TASK_STARTED' && e.data.statusMessage])).toEqual([
      ['t1', 'OrderManagementAgent', 'Working on t1...'],
      ['socks', 'UpsellAgent', 'Finding a match...'],
      ['t2', 'ProductExpertAgent', 'Looking for sneakers now...'],
    ]);
  });

  it('a pause asked for on another replica (the stored flag) is seen at the owner’s next lease renewal', async () => {
    const hold = new Gate();
    const slow = new ScriptedModel(async (req: ModelRequest) => {
      if (req.agentName === 'PlannerAgent') return { content: JSON.stringify(plan) };
      if (req.agentName === 'OrderManagementAgent') await hold.opened;
      return { content: `Answer from ${req.agentName}` };
    });
    const owner = await createTestApp({ models: slow, tools: standInTools().registry, env: { RUN_LEASE_MS: '600' } });
    try {
      const { conversation } = await owner.app.services.conversations.start({});
      const run = await owner.app.services.runs.submit(conversation.id, 'order and sneakers', 'AUTO');
      await expect
        .poll(async () =>
          (await owner.app.services.eventStore.list({ runId: run.id })).some((e) => e.type === 'TASK_STARTED'),
        )
        .toBe(true);
      // What pauseRun on another replica writes: the flag only; this process learns of it by renewing its lease.
      expect((await owner.app.services.runRepository.requestPause(run.id))?.pauseRequested).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      hold.release();
      const done = await waitForRun(owner.app, run.id);
      expect(done.status).toBe('PAUSED');
      expect(done.completedTaskIds).toEqual(['t1']);
    } finally {
      await owner.close();
    }
  });
});
