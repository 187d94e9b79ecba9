import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';

/** RunManager.cancel on a paused step-mode run (the studio's "Cancel run"). */
describe('RunManager: cancelling a paused run', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('records RUN_CANCELLED, frees the conversation, and then refuses Step with a conflict', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, 'where is my order #W2378156?', 'STEP');
    expect((await waitForRun(t.app, run.id)).status).toBe('PAUSED');

    const cancelled = await t.gql<{ cancelRun: { status: string } }>(
      'mutation($id: ID!) { cancelRun(id: $id) { status } }',
      { id: run.id },
    );
    expect(cancelled.data?.cancelRun.status).toBe('CANCELLED');
    const events = await t.app.services.eventStore.list({ runId: run.id });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['RUN_PAUSED', 'RUN_CANCELLED']);
    expect(events.at(-1)?.type === 'RUN_CANCELLED' && events.at(-1)!.data).toEqual({ reason: 'cancelled by request' });
    const row = await t.app.services.conversations.getRun(run.id);
    expect(row).toMatchObject({ status: 'CANCELLED', leaseOwner: null });
    expect(row.finishedAt).toBeInstanceOf(Date);

    // Cancelling again changes nothing and records nothing more.
    await t.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: run.id });
    expect(await t.app.services.eventStore.list({ runId: run.id })).toHaveLength(events.length);
    expect(errorCode(await t.gql('mutation($id: ID!) { stepRun(id: $id) { id } }', { id: run.id }))).toBe('CONFLICT');

    // The next message is not queued behind the cancelled run.
    const next = await t.app.services.runs.submit(conversation.id, 'where is my order #W2378156?', 'AUTO');
    expect((await waitForRun(t.app, next.id)).status).toBe('COMPLETED');
  });
});
