import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type GraphQLResult, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { twoTaskPlan as plan } from '../../helpers/two-task-plan.js';

const controls = {
  pauseRun: 'mutation($id: ID!) { pauseRun(id: $id) { id status } }',
  stepRun: 'mutation($id: ID!) { stepRun(id: $id) { id status } }',
  continueRun: 'mutation($id: ID!) { continueRun(id: $id) { id status } }',
  cancelRun: 'mutation($id: ID!) { cancelRun(id: $id) { id status } }',
} as const;
type Control = keyof typeof controls;
const EDIT_PLAN =
  'mutation($id: ID!, $edits: [PlanTaskEditInput!], $reason: String) { editPlan(runId: $id, edits: $edits, reason: $reason) { id } }';

/**
 * An integrator key drives (step mode, plan review, pause, step, continue, plan edits) and stops the runs it started
 * (`runs.started_by`), and no other key's; admins keep every run, and a shopper's token does not read key names.
 */
describe('runs an integrator key started', () => {
  let t: TestApp;
  let admin = '';
  let keyA = { id: '', key: '' };
  let keyB = { id: '', key: '' };
  let designer = '';

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys' },
      models: new ScriptedModel(async (req: ModelRequest) =>
        req.agentName === 'PlannerAgent'
          ? { content: JSON.stringify(plan) }
          : { content: `Answer from ${req.agentName}` },
      ),
      tools: standInTools().registry,
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    keyA = await t.app.services.apiKeys.create('Acme storefront', 'integrator');
    keyB = await t.app.services.apiKeys.create('Other backend', 'integrator');
    designer = (await t.app.services.apiKeys.create('Designer Dana', 'admin')).key;
  });
  afterAll(async () => {
    await t.close();
  });

  /** A shopper's conversation started by key A: its id and the shopper's token. */
  const shopper = async () => {
    const r = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      undefined,
      keyA.key,
    );
    expect(r.errors).toBeUndefined();
    return { id: r.data!.startConversation.conversation.id, token: r.data!.startConversation.token };
  };
  /** A run `credential` started with `extra` arguments (`, mode: STEP`), once it paused; with its conversation. */
  const pausedRun = async (credential: string, extra: string) => {
    const c = await shopper();
    const r = await t.gql<{ sendMessage: { id: string } }>(
      `mutation($id: ID!) { sendMessage(conversationId: $id, text: "where is order #W123, and sneakers?"${extra}) { id } }`,
      { id: c.id },
      credential,
    );
    expect(r.errors).toBeUndefined();
    const run = await waitForRun(t.app, r.data!.sendMessage.id);
    expect(run.status).toBe('PAUSED');
    return { ...c, runId: run.id };
  };
  const control = (name: Control, runId: string, credential: string) =>
    t.gql(controls[name], { id: runId }, credential);
  const refusal = (r: GraphQLResult) => ({
    code: errorCode(r),
    field: r.errors?.[0]?.extensions?.field,
    runId: r.errors?.[0]?.extensions?.runId,
  });
  const startedBy = async (runId: string) =>
    (await t.db.database.query<{ started_by: string | null }>('select started_by from runs where id = $1', [runId]))[0]!
      .started_by;

  it('stores the key that started a run, and steps a step-mode run with that key to the end', async () => {
    const { runId } = await pausedRun(keyA.key, ', mode: STEP');
    expect(await startedBy(runId)).toBe(keyA.id);
    expect((await t.app.services.conversations.getRun(runId)).startedBy).toBe(keyA.id);

    let run = await waitForRun(t.app, runId);
    for (let steps = 0; run.status === 'PAUSED'; steps++) {
      expect(steps, 'steps before the run completes').toBeLessThan(3);
      expect((await control('stepRun', runId, keyA.key)).errors).toBeUndefined();
      run = await waitForRun(t.app, runId);
    }
    expect(run.status).toBe('COMPLETED');
    expect(run.completedTaskIds).toEqual(['t1', 't2']);

    // A shopper's own message (their token) starts a run no key started.
    const c = await shopper();
    const byToken = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!) { sendMessage(conversationId: $id, text: "hello") { id } }',
      { id: c.id },
      c.token,
    );
    expect(byToken.errors).toBeUndefined();
    await waitForRun(t.app, byToken.data!.sendMessage.id);
    expect(await startedBy(byToken.data!.sendMessage.id)).toBeNull();
  });

  it("refuses a second integrator key every control of the first key's run, naming the run; an admin key still drives it", async () => {
    const { runId, token } = await pausedRun(keyA.key, ', mode: STEP');
    // What each credential may do with the run, as the studio asks before offering the controls.
    for (const [who, credential, may] of [
      ['key A', keyA.key, { viewerDrives: true, viewerCancels: true }],
      ['key B', keyB.key, { viewerDrives: false, viewerCancels: false }],
      ['admin', admin, { viewerDrives: true, viewerCancels: true }],
      ["the conversation's token", token, { viewerDrives: false, viewerCancels: true }],
    ] as const) {
      const r = await t.gql<{ run: { viewerDrives: boolean; viewerCancels: boolean } }>(
        'query($id: ID!) { run(id: $id) { viewerDrives viewerCancels } }',
        { id: runId },
        credential,
      );
      expect(r.data?.run, who).toEqual(may);
    }
    for (const name of Object.keys(controls) as Control[]) {
      const r = await control(name, runId, keyB.key);
      expect(refusal(r), name).toEqual({ code: 'FORBIDDEN', field: 'id', runId });
      expect(r.errors![0]!.message, name).toContain(runId);
    }
    const edit = await t.gql(EDIT_PLAN, { id: runId, edits: [{ taskId: 't1', instruction: 'Find #W123' }] }, keyB.key);
    expect(refusal(edit)).toEqual({ code: 'FORBIDDEN', field: 'runId', runId });
    expect((await t.app.services.conversations.getRun(runId)).status).toBe('PAUSED');
    expect((await t.app.services.eventStore.list({ runId })).map((e) => e.type)).not.toContain('TASK_STARTED');

    // A's own run stays A's: the admin key steps it, then continues it to the end.
    expect((await control('stepRun', runId, admin)).errors).toBeUndefined();
    expect((await waitForRun(t.app, runId)).completedTaskIds).toEqual(['t1']);
    expect((await control('continueRun', runId, admin)).errors).toBeUndefined();
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
  });

  it('lets the key that started a run pause, edit and cancel it; the other key may not', async () => {
    const { runId } = await pausedRun(keyA.key, ', reviewPlan: true');
    expect(refusal(await control('cancelRun', runId, keyB.key))).toEqual({ code: 'FORBIDDEN', field: 'id', runId });
    const edited = await t.gql(
      EDIT_PLAN,
      { id: runId, edits: [{ taskId: 't1', instruction: 'Find order #W123' }], reason: 'clearer' },
      keyA.key,
    );
    expect(edited.errors).toBeUndefined();
    expect((await control('pauseRun', runId, keyA.key)).errors).toBeUndefined();
    const cancelled = await control('cancelRun', runId, keyA.key);
    expect(cancelled.errors).toBeUndefined();
    expect((await waitForRun(t.app, runId)).status).toBe('CANCELLED');
  });

  it("gives a shopper's token no key name in a plan version or a hand-off; keys read them as before", async () => {
    const { id, runId, token } = await pausedRun(designer, ', reviewPlan: true');
    const edited = await t.gql(
      EDIT_PLAN,
      { id: runId, edits: [{ taskId: 't2', instruction: 'Suggest sneakers' }], reason: 'shorter' },
      designer,
    );
    expect(edited.errors).toBeUndefined();
    const versions = async (credential: string) => {
      const r = await t.gql<{ run: { planVersions: { source: string; by: string }[] } }>(
        'query($id: ID!) { run(id: $id) { planVersions { source by } } }',
        { id: runId },
        credential,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.run.planVersions.map((v) => [v.source, v.by]);
    };
    expect(await versions(token)).toEqual([
      ['planner', 'PlannerAgent'],
      ['edit', 'staff'],
    ]);
    for (const credential of [keyA.key, admin])
      expect(await versions(credential)).toEqual([
        ['planner', 'PlannerAgent'],
        ['edit', 'Designer Dana'],
      ]);
    expect((await control('continueRun', runId, designer)).errors).toBeUndefined();
    await waitForRun(t.app, runId);

    const asked = await t.gql(
      'mutation($id: ID!) { requestHuman(conversationId: $id, reason: "refund") { state } }',
      { id },
      keyA.key,
    );
    expect(asked.errors).toBeUndefined();
    const requestedBy = async (credential: string) => {
      const r = await t.gql<{ conversation: { ownership: { state: string; requestedBy: string | null } } }>(
        'query($id: ID!) { conversation(id: $id) { ownership { state requestedBy } } }',
        { id },
        credential,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.conversation.ownership;
    };
    expect(await requestedBy(token)).toEqual({ state: 'WAITING_FOR_HUMAN', requestedBy: null });
    for (const credential of [keyA.key, admin])
      expect(await requestedBy(credential)).toEqual({
        state: 'WAITING_FOR_HUMAN',
        requestedBy: 'integrator key "Acme storefront"',
      });
  });

  it("gives a shopper's token no key name in the events either: a hand-off asked for and withdrawn, a plan edited", async () => {
    const { id, runId, token } = await pausedRun(designer, ', reviewPlan: true');
    const edited = await t.gql(EDIT_PLAN, { id: runId, edits: [{ taskId: 't1', instruction: 'Look' }] }, designer);
    expect(edited.errors).toBeUndefined();
    expect((await control('cancelRun', runId, designer)).errors).toBeUndefined();
    await waitForRun(t.app, runId);
    for (const mutation of [
      'requestHuman(conversationId: $id, reason: "refund")',
      'withdrawHumanRequest(conversationId: $id)',
    ]) {
      const r = await t.gql(`mutation($id: ID!) { ${mutation} { state } }`, { id }, keyA.key);
      expect(r.errors).toBeUndefined();
    }
    const events = async (credential: string) => {
      const r = await t.gql<{
        conversation: { events: { type: string; agentName: string | null; dataJson: Record<string, unknown> }[] };
      }>('query($id: ID!) { conversation(id: $id) { events { type agentName dataJson } } }', { id }, credential);
      expect(r.errors).toBeUndefined();
      const byType = (type: string) => r.data!.conversation.events.filter((e) => e.type === type);
      const [asked] = byType('HUMAN_REQUESTED');
      const [withdrawn] = byType('HUMAN_REQUEST_WITHDRAWN');
      const edit = byType('PLAN').find((e) => e.dataJson.source === 'edit');
      return {
        asked: [asked?.agentName, asked?.dataJson.by],
        withdrawn: [withdrawn?.agentName, withdrawn?.dataJson.by],
        editedBy: edit?.dataJson.editedBy,
        text: JSON.stringify(r.data),
      };
    };
    const shopper = await events(token);
    expect(shopper).toMatchObject({ asked: ['staff', 'staff'], withdrawn: ['staff', 'staff'], editedBy: 'staff' });
    expect(shopper.text).not.toContain('Acme storefront');
    expect(shopper.text).not.toContain('Designer Dana');
    for (const credential of [keyA.key, admin])
      expect(await events(credential)).toMatchObject({
        asked: ['integrator key "Acme storefront"', 'integrator key "Acme storefront"'],
        withdrawn: ['integrator key "Acme storefront"', 'integrator key "Acme storefront"'],
        editedBy: 'Designer Dana',
      });
  });
});
