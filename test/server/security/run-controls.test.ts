import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type GraphQLResult, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { Gate, twoTaskPlan as plan } from '../../helpers/two-task-plan.js';

const mutations = {
  pauseRun: 'mutation($id: ID!) { pauseRun(id: $id) { id } }',
  stepRun: 'mutation($id: ID!) { stepRun(id: $id) { id } }',
  continueRun: 'mutation($id: ID!) { continueRun(id: $id) { id } }',
  cancelRun: 'mutation($id: ID!) { cancelRun(id: $id) { id status } }',
} as const;
type Control = keyof typeof mutations;

/**
 * Who may hold, release and stop a run. An integrator key reads every conversation of the workspace (redacted), and a
 * support key every one the desk works: with the `reader` scope alone, either could pause or cancel any shopper's
 * live reply, and step or continue a run a designer is reviewing. Pausing, stepping and continuing are the designers'
 * (admin keys); stopping is the admins', the support colleagues' and the shopper's own (their conversation token). An
 * integrator key drives and stops the runs it started itself, and no others (run-started-by.test.ts).
 */
describe('run controls: who may pause, step, continue and cancel a run', () => {
  let t: TestApp;
  let admin = '';
  let support = '';
  let integrator = '';
  let gate = new Gate();
  const model = new ScriptedModel(async (req: ModelRequest) => {
    if (req.agentName === 'PlannerAgent') {
      await gate.opened;
      return { content: JSON.stringify(plan) };
    }
    return { content: `Answer from ${req.agentName}` };
  });

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys' },
      models: model,
      tools: standInTools().registry,
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    support = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  });
  afterAll(async () => {
    gate.release();
    await t.close();
  });

  /** A shopper's conversation, started by the storefront's integrator key: its id and the shopper's token. */
  const shopper = async () => {
    const r = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      undefined,
      integrator,
    );
    expect(r.errors).toBeUndefined();
    return { id: r.data!.startConversation.conversation.id, token: r.data!.startConversation.token };
  };
  const send = async (conversationId: string, credential: string, extra = '') => {
    const r = await t.gql<{ sendMessage: { id: string } }>(
      `mutation($id: ID!) { sendMessage(conversationId: $id, text: "where is order #W123, and sneakers?"${extra}) { id } }`,
      { id: conversationId },
      credential,
    );
    return r;
  };
  const control = (name: Control, runId: string, credential?: string) =>
    t.gql(mutations[name], { id: runId }, credential);
  const refusal = (r: GraphQLResult) => ({ code: errorCode(r), field: r.errors?.[0]?.extensions?.field });
  const eventTypes = async (runId: string) => (await t.app.services.eventStore.list({ runId })).map((e) => e.type);

  /** A step-mode run an admin started in a shopper's conversation, paused after planning. */
  const pausedRun = async () => {
    gate.release();
    const c = await shopper();
    const sent = await send(c.id, admin, ', mode: STEP');
    expect(sent.errors).toBeUndefined();
    const run = await waitForRun(t.app, sent.data!.sendMessage.id);
    expect(run.status).toBe('PAUSED');
    return { ...c, runId: run.id };
  };

  it("refuses an integrator key and a support key the pause and the cancel of a shopper's live run, which completes", async () => {
    gate = new Gate();
    const c = await shopper();
    const sent = await send(c.id, c.token);
    expect(sent.errors).toBeUndefined();
    const runId = sent.data!.sendMessage.id;
    // The run is live: it holds on its planner.
    expect((await t.app.services.conversations.getRun(runId)).status).toBe('RUNNING');

    for (const name of ['pauseRun', 'stepRun', 'continueRun', 'cancelRun'] as const) {
      const r = await control(name, runId, integrator);
      expect(refusal(r), `${name} by the integrator key`).toEqual({ code: 'FORBIDDEN', field: 'id' });
      expect(r.errors![0]!.message).toContain('integrator key "storefront"');
    }
    for (const name of ['pauseRun', 'stepRun', 'continueRun'] as const)
      expect(refusal(await control(name, runId, support)), `${name} by the support key`).toEqual({
        code: 'FORBIDDEN',
        field: 'id',
      });
    const live = await t.app.services.conversations.getRun(runId);
    expect(live.status).toBe('RUNNING');
    expect(live.pauseRequested).toBe(false);

    gate.release();
    const done = await waitForRun(t.app, runId);
    expect(done.status).toBe('COMPLETED');
    const types = await eventTypes(runId);
    expect(types).not.toContain('RUN_PAUSED');
    expect(types).not.toContain('RUN_CANCELLED');
    expect(types.filter((type) => type === 'TASK_COMPLETED')).toHaveLength(2);
  });

  it('lets only an admin key step, continue or pause a paused run; the others leave it paused', async () => {
    const { runId, token } = await pausedRun();
    for (const [who, credential] of [
      ['integrator', integrator],
      ['support', support],
      ["the conversation's token", token],
    ] as const)
      for (const name of ['stepRun', 'continueRun', 'pauseRun'] as const)
        expect(refusal(await control(name, runId, credential)), `${name} by ${who}`).toEqual({
          code: 'FORBIDDEN',
          field: 'id',
        });
    expect((await t.app.services.conversations.getRun(runId)).status).toBe('PAUSED');
    expect(await eventTypes(runId)).not.toContain('TASK_STARTED');

    // The designer's admin key steps one task, then continues to the end.
    expect((await control('stepRun', runId, admin)).errors).toBeUndefined();
    const stepped = await waitForRun(t.app, runId);
    expect(stepped.status).toBe('PAUSED');
    expect(stepped.completedTaskIds).toEqual(['t1']);
    expect((await control('continueRun', runId, admin)).errors).toBeUndefined();
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
  });

  it('lets an admin pause a live run', async () => {
    gate = new Gate();
    const c = await shopper();
    const runId = (await send(c.id, c.token)).data!.sendMessage.id;
    expect((await control('pauseRun', runId, admin)).errors).toBeUndefined();
    gate.release();
    expect((await waitForRun(t.app, runId)).status).toBe('PAUSED');
    expect((await control('continueRun', runId, admin)).errors).toBeUndefined();
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
  });

  it("lets an admin key, a support key and the conversation's own token cancel a run; not an integrator key", async () => {
    for (const [who, credentialOf] of [
      ['admin', () => admin],
      ['support', () => support],
      ["the conversation's token", (c: { token: string }) => c.token],
    ] as const) {
      const c = await pausedRun();
      const r = await control('cancelRun', c.runId, credentialOf(c));
      expect(r.errors, who).toBeUndefined();
      expect((await waitForRun(t.app, c.runId)).status, who).toBe('CANCELLED');
    }
    const c = await pausedRun();
    const refused = await control('cancelRun', c.runId, integrator);
    expect(refusal(refused)).toEqual({ code: 'FORBIDDEN', field: 'id' });
    expect(refused.errors![0]!.message).toContain('only the runs it started');
    expect((await t.app.services.conversations.getRun(c.runId)).status).toBe('PAUSED');
  });

  it("answers another conversation's token NOT_FOUND for each control, as an id of no run", async () => {
    const theirs = await pausedRun();
    const mine = await shopper();
    for (const name of Object.keys(mutations) as Control[]) {
      const noRun = crypto.randomUUID();
      const r = await control(name, theirs.runId, mine.token);
      const none = await control(name, noRun, mine.token);
      expect(errorCode(r), name).toBe('NOT_FOUND');
      expect(r.errors![0]!.message.replace(theirs.runId, '<id>')).toBe(none.errors![0]!.message.replace(noRun, '<id>'));
      expect(errorCode(await control(name, theirs.runId)), `${name} without credentials`).toBe('UNAUTHENTICATED');
    }
    expect((await t.app.services.conversations.getRun(theirs.runId)).status).toBe('PAUSED');
  });

  it("starts step mode and plan review for admin and integrator keys only: the shopper's token is refused and no run is stored", async () => {
    const c = await shopper();
    for (const [extra, field] of [
      [', mode: STEP', 'mode'],
      [', reviewPlan: true', 'reviewPlan'],
    ] as const) {
      const r = await send(c.id, c.token, extra);
      expect(refusal(r), extra).toEqual({ code: 'FORBIDDEN', field });
      expect(r.errors![0]!.message).toContain('admin or integrator key');
    }
    expect(await t.app.services.conversations.runsOf(c.id)).toEqual([]);
    gate.release();
    const sent = await send(c.id, admin, ', reviewPlan: true');
    expect(sent.errors).toBeUndefined();
    expect((await waitForRun(t.app, sent.data!.sendMessage.id)).status).toBe('PAUSED');
  });
});
