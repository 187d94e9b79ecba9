import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { ModelError } from '../../../server/src/errors.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, type ScriptedReply, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { EXAMPLE, ORDER_REPLY, PRODUCT_REPLY, seedPlan, seedScript } from '../../fakes/seed-scenario.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

let script: (req: ModelRequest) => ScriptedReply | Promise<ScriptedReply>;
const model = new ScriptedModel((req) => script(req));

const [T1, T2] = seedPlan.tasks as [(typeof seedPlan.tasks)[0], (typeof seedPlan.tasks)[0]];
const planText = (tasks: unknown[], refuse = false) => JSON.stringify({ refuse, tasks });
/** The plan's JSON in pieces: the opening, then each task object (closed) after its wait, then the close. */
function streamed(tasks: unknown[], waits: number[], endWait = 0): ScriptedReply {
  return {
    stream: [
      { text: '{"refuse":false,"tasks":[' },
      ...tasks.map((t, i) => ({ text: `${i ? ',' : ''}${JSON.stringify(t)}`, delayMs: waits[i] ?? 0 })),
      { text: ']}', delayMs: endWait },
    ],
  };
}
const specialists = (req: ModelRequest) => seedScript(req);

describe('pipelined planning (scripted model, stand-in tools)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ models: model, tools: standInTools().registry });
    await t.app.services.agents.update('OrderManagementAgent', { tools: ['store.get_order_details'] });
    await t.app.services.agents.update('ProductExpertAgent', { tools: ['store.search_products'] });
  });
  afterAll(() => t.close());

  async function turn(text = EXAMPLE): Promise<{ events: BatonEvent[]; runId: string }> {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    await waitForRun(t.app, run.id);
    return { events: await t.app.services.eventStore.list({ runId: run.id }), runId: run.id };
  }
  const ofType = <T extends BatonEvent['type']>(events: BatonEvent[], type: T) =>
    events.filter((e): e is Extract<BatonEvent, { type: T }> => e.type === type);

  it('starts the first task while the planner is still writing the second', async () => {
    let planEnded = 0;
    let firstTaskCall = 0;
    script = async (req) => {
      if (req.agentName === 'PlannerAgent') {
        const reply = streamed([T1, T2], [0, 200]);
        setTimeout(() => {
          planEnded = performance.now();
        }, 200);
        return reply;
      }
      if (req.agentName === 'OrderManagementAgent') firstTaskCall ||= performance.now();
      return specialists(req);
    };
    const { events } = await turn();
    expect(firstTaskCall).toBeGreaterThan(0);
    expect(firstTaskCall).toBeLessThan(planEnded);
    const plan = ofType(events, 'PLAN')[0]!;
    expect(plan.data.streamedTaskIds).toEqual(['t1', 't2']);
    expect(ofType(events, 'PLAN')).toHaveLength(1);
    // t1's TASK_STARTED was stored before the plan was complete.
    expect(ofType(events, 'TASK_STARTED')[0]!.id!).toBeLessThan(plan.id!);
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('a failed task leaves the other one: its answer, one apology, COMPLETED with the failure recorded', async () => {
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return { content: planText(seedPlan.tasks) };
      if (req.agentName === 'OrderManagementAgent')
        throw new ModelError('Model call timed out after 100 ms', { retryable: false });
      return specialists(req);
    };
    const { events, runId } = await turn();
    expect(ofType(events, 'RUN_FAILED')).toEqual([]);
    const done = events.at(-1)!;
    expect(done.type).toBe('RUN_COMPLETED');
    const reply = done.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply).toContain(PRODUCT_REPLY);
    expect(reply.match(/sorry/gi)).toHaveLength(1);
    expect(reply).toMatch(/couldn't check the status of order #W123 just now; please ask me again/);
    expect(done.type === 'RUN_COMPLETED' && done.data.failedTaskIds).toEqual(['t1']);
    expect(ofType(events, 'TASK_FAILED').map((e) => [e.taskId, e.data.error])).toEqual([
      ['t1', 'Model call timed out after 100 ms'],
    ]);
    expect(ofType(events, 'MESSAGE').filter((e) => e.data.final)).toHaveLength(1);
    expect((await t.app.services.conversations.getRun(runId)).status).toBe('COMPLETED');
  });

  it('a task that needs a failed one does not run, and is marked; an independent one still answers', async () => {
    const t2 = { ...T2, dependsOn: ['t1'] };
    const t3 = {
      ...T2,
      id: 't3',
      agent: 'GeneralSupportAgent',
      instruction: 'Say hello',
      statusMessage: 'One moment...',
    };
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return { content: planText([T1, t2, t3]) };
      if (req.agentName === 'OrderManagementAgent') throw new ModelError('boom', { retryable: false });
      if (req.agentName === 'GeneralSupportAgent') return { content: 'Hello from support.' };
      return specialists(req);
    };
    const before = model.requests.length;
    const { events } = await turn();
    expect(model.requests.slice(before).some((r) => r.agentName === 'ProductExpertAgent')).toBe(false);
    expect(ofType(events, 'TASK_FAILED').map((e) => [e.taskId, e.data.code])).toEqual([
      ['t1', 'MODEL_ERROR'],
      ['t2', 'DEPENDENCY_FAILED'],
    ]);
    const done = events.at(-1)!;
    expect(done.type === 'RUN_COMPLETED' && done.data.failedTaskIds).toEqual(['t1', 't2']);
    const reply = done.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply).toContain('Hello from support.');
    expect(reply).toMatch(/couldn't check the status of order #W123, or find red sneakers/);
  });

  it('fails the run (apology once) only when no task answered', async () => {
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return { content: planText(seedPlan.tasks) };
      throw new ModelError('The model server answered 500', { retryable: false });
    };
    const { events } = await turn();
    expect(events.at(-1)?.type).toBe('RUN_FAILED');
    expect(ofType(events, 'TASK_FAILED')).toHaveLength(2);
    expect(ofType(events, 'MESSAGE').filter((e) => e.data.final)).toHaveLength(1);
  });

  it('runs a dependent-first plan [a dependsOn b, b] in dependency order: a sees b’s answer', async () => {
    const a = { ...T1, id: 'a', dependsOn: ['b'], instruction: 'Check order #W123 and compare with the shoes found' };
    const b = { ...T2, id: 'b' };
    const seen: string[] = [];
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return streamed([a, b], [0, 30]);
      if (req.agentName === 'OrderManagementAgent') {
        seen.push(JSON.stringify(req.messages));
        return toolResultsSoFar(req) ? { content: 'Order answer that saw the shoes' } : specialists(req);
      }
      return specialists(req);
    };
    const { events } = await turn();
    expect(seen.length).toBeGreaterThan(0);
    for (const messages of seen) expect(messages).toContain(PRODUCT_REPLY);
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['b', 'a']);
    expect(ofType(events, 'TASK_COMPLETED').map((e) => e.taskId)).toEqual(['b', 'a']);
    const plan = ofType(events, 'PLAN')[0]!;
    expect(plan.data.plan.tasks.map((x) => x.id)).toEqual(['a', 'b']);
    const done = events.at(-1)!;
    const reply = done.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply.indexOf(PRODUCT_REPLY)).toBeLessThan(reply.indexOf('Order answer that saw the shoes'));
  });

  it('an invalid plan after a task started: the retry plans the rest, and no task runs twice', async () => {
    const broken = { ...T2, dependsOn: ['t9'] };
    let plannerCalls = 0;
    const retryPrompts: string[] = [];
    script = (req) => {
      if (req.agentName === 'PlannerAgent') {
        plannerCalls++;
        if (plannerCalls === 1) return streamed([T1, broken], [0, 0], 40);
        retryPrompts.push(String(req.messages.at(-1)?.content));
        return { content: planText([T1, T2]) };
      }
      return specialists(req);
    };
    const before = model.requests.length;
    const { events } = await turn();
    const calls = model.requests.slice(before).filter((r) => r.agentName === 'OrderManagementAgent');
    expect(calls).toHaveLength(2); // its tool call and its answer, once
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1', 't2']);
    expect(retryPrompts[0]).toMatch(/unknown dependency "t9".*Tasks t1 have already started/);
    const plan = ofType(events, 'PLAN')[0]!.data;
    expect(plan).toMatchObject({ source: 'planner', attempts: 2, streamedTaskIds: ['t1', 't2'] });
    expect(plan.plan.tasks.map((x) => x.id)).toEqual(['t1', 't2']);
    const done = events.at(-1)!;
    expect(done.type === 'RUN_COMPLETED' && done.data.reply).toContain(ORDER_REPLY);
  });

  it('twice invalid after a task started: the default agent takes the rest, beside the started task', async () => {
    script = (req) => {
      if (req.agentName === 'PlannerAgent') return streamed([T1, { ...T2, agent: 'Ghost' }], [0, 0]);
      if (req.agentName === 'GeneralSupportAgent') return { content: 'The rest, answered.' };
      return specialists(req);
    };
    const { events } = await turn();
    const plan = ofType(events, 'PLAN')[0]!.data;
    expect(plan.source).toBe('fallback');
    expect(plan.fallbackReason).toContain('tasks t1 had already started');
    expect(plan.plan.tasks.map((x) => [x.id, x.agent])).toEqual([
      ['t1', 'OrderManagementAgent'],
      ['rest', 'GeneralSupportAgent'],
    ]);
    expect(ofType(events, 'TASK_STARTED').filter((e) => e.taskId === 't1')).toHaveLength(1);
    const done = events.at(-1)!;
    const reply = done.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply).toContain(ORDER_REPLY);
    expect(reply).toContain('The rest, answered.');
  });

  it('cancels a run while its plan streams: nothing more starts, nothing after RUN_CANCELLED', async () => {
    script = (req) => (req.agentName === 'PlannerAgent' ? streamed([T1, T2], [0, 5_000]) : specialists(req));
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, EXAMPLE, 'AUTO');
    for (let i = 0; i < 500; i++) {
      const log = await t.app.services.eventStore.list({ runId: run.id });
      if (log.some((e) => e.type === 'TASK_STARTED')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const started = performance.now();
    await t.app.services.runs.cancel(run.id);
    expect(performance.now() - started).toBeLessThan(2_000);
    const events = await t.app.services.eventStore.list({ runId: run.id });
    expect(events.at(-1)?.type).toBe('RUN_CANCELLED');
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1']);
    expect(ofType(events, 'PLAN')).toEqual([]);
    expect((await t.app.services.conversations.getRun(run.id)).status).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 100));
    expect((await t.app.services.eventStore.list({ runId: run.id })).at(-1)?.type).toBe('RUN_CANCELLED');
  });

  it('a planner stream that breaks after its first task is asked for again; that task does not run twice', async () => {
    let plannerCalls = 0;
    script = async (req) => {
      if (req.agentName === 'PlannerAgent') {
        plannerCalls++;
        if (plannerCalls === 1) {
          req.onDelta?.(`{"refuse":false,"tasks":[${JSON.stringify(T1)},{"id":"t2","ag`);
          throw new ModelError('The connection to the model server broke (after part of the reply was streamed)', {
            retryable: false,
            details: { partialOutput: true },
          });
        }
        return { content: planText([T1, T2]) };
      }
      return specialists(req);
    };
    const { events } = await turn();
    expect(plannerCalls).toBe(2);
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1', 't2']);
    const plan = ofType(events, 'PLAN')[0]!.data;
    expect(plan.attempts).toBe(2);
    expect(plan.errors?.[0]).toMatch(/stream broke/);
    expect(events.at(-1)?.type).toBe('RUN_COMPLETED');
  });

  it('a planner that fails after a task started fails the run: the started task settles, nothing more starts', async () => {
    const t2 = { ...T2, dependsOn: ['t1'] };
    script = async (req) => {
      if (req.agentName === 'PlannerAgent') {
        req.onDelta?.(`{"refuse":false,"tasks":[${JSON.stringify(T1)},${JSON.stringify(t2)}`);
        await new Promise((r) => setTimeout(r, 20));
        throw new ModelError('The model server answered 500', { retryable: false });
      }
      if (req.agentName === 'OrderManagementAgent') await new Promise((r) => setTimeout(r, 60));
      return specialists(req);
    };
    const { events } = await turn();
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1']);
    expect(events.at(-1)?.type).toBe('RUN_FAILED');
    expect(ofType(events, 'MESSAGE').filter((e) => e.data.final)).toHaveLength(1);
  });

  it('step mode: a streamed plan starts nothing before the pause; a step runs one task, the next waits', async () => {
    script = (req) => (req.agentName === 'PlannerAgent' ? streamed([T1, T2], [0, 20]) : specialists(req));
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, EXAMPLE, 'STEP');
    expect((await waitForRun(t.app, run.id)).status).toBe('PAUSED');
    let events = await t.app.services.eventStore.list({ runId: run.id });
    expect(ofType(events, 'TASK_STARTED')).toEqual([]);
    expect(ofType(events, 'RUN_PAUSED').map((e) => e.data)).toEqual([{ nextTaskIds: ['t1'], reason: 'planned' }]);
    await t.app.services.runs.step(run.id);
    expect((await waitForRun(t.app, run.id)).status).toBe('PAUSED');
    events = await t.app.services.eventStore.list({ runId: run.id });
    expect(ofType(events, 'TASK_COMPLETED').map((e) => e.taskId)).toEqual(['t1']);
    expect(ofType(events, 'RUN_PAUSED').at(-1)?.data).toEqual({ nextTaskIds: ['t2'], reason: 'before_task' });
    await t.app.services.runs.continue(run.id);
    expect((await waitForRun(t.app, run.id)).status).toBe('COMPLETED');
    events = await t.app.services.eventStore.list({ runId: run.id });
    expect(ofType(events, 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1', 't2']);
    expect(ofType(events, 'PLAN')).toHaveLength(1);
  });
});
