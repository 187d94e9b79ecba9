import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { createTwoReplicas, type TwoReplicas } from '../../helpers/two-replicas.js';

const SEND = `mutation($id: ID!, $text: String!, $review: Boolean) {
  sendMessage(conversationId: $id, text: $text, reviewPlan: $review) { id } }`;
const EVENTS = 'query($id: ID!) { conversation(id: $id) { events { type runId data: dataJson } } }';

type Ev = { type: string; runId: string | null; data: Record<string, unknown> };

const plan = {
  refuse: false,
  tasks: [{ id: 't1', agent: 'ProductExpertAgent', instruction: 'Answer', statusMessage: 'Looking...', dependsOn: [] }],
};
const model = () =>
  new ScriptedModel((req: ModelRequest) =>
    req.agentName === 'PlannerAgent' ? { content: JSON.stringify(plan) } : { content: `Answer from ${req.agentName}` },
  );

/** Timers that never fire during a test: the sweep is called by the test, when it means to. */
const NO_SWEEP = { RUN_SWEEP_MS: '3600000' };

async function send(t: TestApp, conversationId: string, text: string, review = false): Promise<string> {
  const r = await t.gql<{ sendMessage: { id: string } }>(SEND, { id: conversationId, text, review });
  expect(r.errors).toBeUndefined();
  return r.data!.sendMessage.id;
}

/** A conversation whose first message's run paused for plan review; with `waiting`, a second message queued behind. */
async function pausedConversation(t: TestApp, waiting: boolean) {
  const { conversation, token } = await t.app.services.conversations.start({});
  const paused = await send(t, conversation.id, 'do you have running shoes?', true);
  expect((await waitForRun(t.app, paused)).status).toBe('PAUSED');
  const queued = waiting ? await send(t, conversation.id, 'hello? anyone there?') : undefined;
  if (queued) expect((await t.app.services.conversations.getRun(queued)).status).toBe('PENDING');
  return { conversationId: conversation.id, token, paused, queued };
}

/** Moves a paused run's pause back in time: the deadline counts from it (the database's clock decides). */
async function pausedAgo(t: TestApp, runId: string, interval: string) {
  const rows = await t.db.database.query(
    `update runs set paused_at = now() - $2::interval where id = $1::uuid and status = 'PAUSED' returning id`,
    [runId, interval],
  );
  expect(rows).toHaveLength(1);
}

const cancellations = async (t: TestApp, runId: string) =>
  (await t.app.services.eventStore.list({ runId })).filter((e) => e.type === 'RUN_CANCELLED').map((e) => e.data);

describe('a paused run past its deadline is cancelled, and what waited behind it runs', () => {
  let t: TestApp;
  const models = model();
  beforeAll(async () => {
    t = await createTestApp({ models, tools: standInTools().registry, env: NO_SWEEP });
  });
  afterAll(() => t.close());

  it('blocking a newer message past PAUSED_RUN_TIMEOUT_SECONDS (15 minutes): cancelled with the reason, and the shopper is answered', async () => {
    const c = await pausedConversation(t, true);
    await pausedAgo(t, c.paused, '16 minutes');

    const ended = await t.app.services.runs.expirePausedRuns();
    expect(ended.map((r) => r.id)).toEqual([c.paused]);
    const reason = 'paused too long: over 15 minutes while a newer message waited';
    const run = await t.app.services.conversations.getRun(c.paused);
    expect(run).toMatchObject({ status: 'CANCELLED', error: reason });
    expect(await cancellations(t, c.paused)).toEqual([{ reason }]);

    // The queued message runs to its reply, planned with the question the cancelled run never answered.
    expect((await waitForRun(t.app, c.queued!)).status).toBe('COMPLETED');
    const planned = models.requests.filter((r) => r.agentName === 'PlannerAgent').at(-1)!;
    const said = JSON.stringify(planned.messages);
    expect(said).toContain('do you have running shoes?');
    expect(said).toContain('hello? anyone there?');

    // The shopper's own read of the conversation: the paused run ends with its reason, then the reply comes.
    const read = await t.gql<{ conversation: { events: Ev[] } }>(EVENTS, { id: c.conversationId }, c.token);
    expect(read.errors).toBeUndefined();
    const events = read.data!.conversation.events;
    const cancelledAt = events.findIndex((e) => e.type === 'RUN_CANCELLED' && e.runId === c.paused);
    expect(events[cancelledAt]!.data).toEqual({ reason });
    const reply = events.findIndex((e) => e.type === 'MESSAGE' && e.runId === c.queued && e.data.final === true);
    expect(reply).toBeGreaterThan(cancelledAt);
    expect(events[reply]!.data).toMatchObject({ role: 'assistant', text: expect.stringContaining('Answer from') });

    // The reviewer who comes back finds the run ended.
    const late = await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: c.paused });
    expect(errorCode(late)).toBe('CONFLICT');

    // Ended once: a later sweep finds nothing more to do.
    expect(await t.app.services.runs.expirePausedRuns()).toEqual([]);
    expect(await cancellations(t, c.paused)).toHaveLength(1);
  });

  it('within its deadline a paused run is left alone, and so is its queued message', async () => {
    const blocking = await pausedConversation(t, true);
    await pausedAgo(t, blocking.paused, '14 minutes');
    const alone = await pausedConversation(t, false);
    await pausedAgo(t, alone.paused, '23 hours');

    expect(await t.app.services.runs.expirePausedRuns()).toEqual([]);
    expect((await t.app.services.conversations.getRun(blocking.paused)).status).toBe('PAUSED');
    expect((await t.app.services.conversations.getRun(blocking.queued!)).status).toBe('PENDING');
    expect((await t.app.services.conversations.getRun(alone.paused)).status).toBe('PAUSED');
    expect(await cancellations(t, blocking.paused)).toEqual([]);

    // Continued, the run is no longer paused: its old pause no longer counts.
    const cont = await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: blocking.paused });
    expect(cont.errors).toBeUndefined();
    expect((await waitForRun(t.app, blocking.paused)).status).toBe('COMPLETED');
    expect((await waitForRun(t.app, blocking.queued!)).status).toBe('COMPLETED');
  });

  it('with nothing waiting behind it, a paused run lasts until PAUSED_RUN_MAX_SECONDS (24 hours)', async () => {
    const alone = await pausedConversation(t, false);
    await pausedAgo(t, alone.paused, '25 hours');
    const ended = await t.app.services.runs.expirePausedRuns();
    expect(ended.map((r) => r.id)).toContain(alone.paused);
    expect(await cancellations(t, alone.paused)).toEqual([{ reason: 'paused too long: over 24 hours' }]);
  });

  it('a run paused by a replica of an earlier release (no paused_at) counts from its last change', async () => {
    const c = await pausedConversation(t, true);
    await t.db.database.query(
      `update runs set paused_at = null, updated_at = now() - interval '16 minutes' where id = $1::uuid`,
      [c.paused],
    );
    expect((await t.app.services.runs.expirePausedRuns()).map((r) => r.id)).toEqual([c.paused]);
    expect((await waitForRun(t.app, c.queued!)).status).toBe('COMPLETED');
  });

  it('a designer who continues the run first wins over the deadline', async () => {
    const c = await pausedConversation(t, true);
    await pausedAgo(t, c.paused, '16 minutes');
    const cont = await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: c.paused });
    expect(cont.errors).toBeUndefined();
    expect(await t.app.services.runs.expirePausedRuns()).toEqual([]);
    expect((await waitForRun(t.app, c.paused)).status).toBe('COMPLETED');
    expect(await cancellations(t, c.paused)).toEqual([]);
  });
});

describe('under the reject policy, a message is not refused because of a run paused past the deadline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ models: model(), tools: standInTools().registry, env: NO_SWEEP });
    await t.app.services.settings.update({ doubleTexting: 'reject' });
  });
  afterAll(() => t.close());

  it('within the deadline the message is refused and the run stays paused; past it the run ends and the message is answered', async () => {
    const c = await pausedConversation(t, false);
    await pausedAgo(t, c.paused, '14 minutes');
    const refused = await t.gql(SEND, { id: c.conversationId, text: 'hello?' });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect((await t.app.services.conversations.getRun(c.paused)).status).toBe('PAUSED');

    await pausedAgo(t, c.paused, '16 minutes');
    const next = await send(t, c.conversationId, 'hello? anyone there?');
    expect(await cancellations(t, c.paused)).toEqual([
      { reason: 'paused too long: over 15 minutes while a newer message waited' },
    ]);
    expect((await waitForRun(t.app, next)).status).toBe('COMPLETED');
  });
});

describe('the deadline is configurable and enforced by the run sweep', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      models: model(),
      tools: standInTools().registry,
      env: { RUN_SWEEP_MS: '100', PAUSED_RUN_TIMEOUT_SECONDS: '120', PAUSED_RUN_MAX_SECONDS: '0' },
    });
  });
  afterAll(() => t.close());

  it('the sweep cancels a run paused past PAUSED_RUN_TIMEOUT_SECONDS and answers the queued message; PAUSED_RUN_MAX_SECONDS=0 keeps a run nothing waits behind', async () => {
    const alone = await pausedConversation(t, false);
    await pausedAgo(t, alone.paused, '30 days');
    const c = await pausedConversation(t, true);
    await pausedAgo(t, c.paused, '3 minutes');

    expect((await waitForRun(t.app, c.queued!)).status).toBe('COMPLETED');
    expect(await cancellations(t, c.paused)).toEqual([
      { reason: 'paused too long: over 2 minutes while a newer message waited' },
    ]);
    expect((await t.app.services.conversations.getRun(alone.paused)).status).toBe('PAUSED');
  });
});

describe('two replicas sweeping at once', () => {
  let replicas: TwoReplicas;
  beforeAll(async () => {
    replicas = await createTwoReplicas({ env: NO_SWEEP });
  }, 120_000);
  afterAll(() => replicas?.close());

  it('each run past its deadline is cancelled by one of them, once, and its queued message answered', async () => {
    const { a, b } = replicas;
    const paused = [];
    for (const [i, at] of [a, b, a, b].entries()) {
      const c = await pausedConversation(at, true);
      await pausedAgo(at, c.paused, `${16 + i} minutes`);
      paused.push(c);
    }

    const [byA, byB] = await Promise.all([
      a.app.services.runs.expirePausedRuns(),
      b.app.services.runs.expirePausedRuns(),
    ]);
    const ended = [...byA, ...byB].map((r) => r.id);
    expect(ended.toSorted()).toEqual(paused.map((c) => c.paused).toSorted());
    for (const c of paused) {
      expect(await cancellations(a, c.paused)).toEqual([
        { reason: 'paused too long: over 15 minutes while a newer message waited' },
      ]);
      await expect.poll(async () => (await a.app.services.conversations.getRun(c.queued!)).status).toBe('COMPLETED');
    }
    expect([
      ...(await a.app.services.runs.expirePausedRuns()),
      ...(await b.app.services.runs.expirePausedRuns()),
    ]).toEqual([]);
  });
});

describe('PAUSED_RUN_TIMEOUT_SECONDS and PAUSED_RUN_MAX_SECONDS', () => {
  const issues = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      return (err as { details?: { issues?: { field: string }[] } }).details?.issues?.map((i) => i.field);
    }
    return [];
  };

  it('default to 15 minutes and 24 hours; 0 turns the second off', () => {
    expect(loadConfig({}).runs).toMatchObject({ pausedTimeoutMs: 900_000, pausedMaxMs: 86_400_000 });
    expect(loadConfig({ PAUSED_RUN_MAX_SECONDS: '0' }).runs.pausedMaxMs).toBe(0);
  });

  it('refuse, naming the setting, a timeout that is no whole number of seconds, 0, or a maximum below it', () => {
    expect(issues({ PAUSED_RUN_TIMEOUT_SECONDS: '0' })).toEqual(['PAUSED_RUN_TIMEOUT_SECONDS']);
    expect(issues({ PAUSED_RUN_TIMEOUT_SECONDS: '1.5' })).toEqual(['PAUSED_RUN_TIMEOUT_SECONDS']);
    expect(issues({ PAUSED_RUN_TIMEOUT_SECONDS: '3600', PAUSED_RUN_MAX_SECONDS: '600' })).toEqual([
      'PAUSED_RUN_MAX_SECONDS',
    ]);
  });
});
