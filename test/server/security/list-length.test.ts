import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_ARGUMENT_ITEMS } from '../../../server/src/security/list-length-guard.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * A list argument holds at most MAX_LIST_ARGUMENT_ITEMS items. An integrator key once sent `runs(status: $s)` with
 * 90,000 statuses (under 1 MB): the statement built from it held the server's thread for seconds and the database
 * refused it (more than 65,535 parameters), an unexpected error.
 */
describe('list arguments are bounded', () => {
  let t: TestApp;
  let base = '';
  let url = '';
  let integrator = '';
  let support = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    base = (await t.app.start(0, '127.0.0.1')).url;
    url = `${base}/graphql`;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    support = (await t.app.services.apiKeys.create('Dana', 'support')).key;
  }, 60_000);
  afterAll(() => t.close());

  const post = async (key: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Answer;
  };
  const refusal = (r: Answer) => r.errors?.[0]?.extensions;

  const RUNS = 'query($s: [RunStatus!]) { runs(status: $s, first: 1) { id } }';

  it('runs(status:) with 90,000 statuses: VALIDATION_FAILED naming status, not an unexpected error', async () => {
    const r = await post(integrator, RUNS, { s: Array(90_000).fill('RUNNING') });
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'status' });
    expect(r.errors![0]!.message).toBe(`status: at most ${MAX_LIST_ARGUMENT_ITEMS} items`);
  });

  it('the limit itself is allowed, one more is not, as a variable or a literal', async () => {
    const ok = await post(integrator, RUNS, { s: Array(MAX_LIST_ARGUMENT_ITEMS).fill('FAILED') });
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ runs: [] });
    const over = await post(integrator, RUNS, { s: Array(MAX_LIST_ARGUMENT_ITEMS + 1).fill('FAILED') });
    expect(refusal(over)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'status' });
    const literal = `{ runs(status: [${Array(MAX_LIST_ARGUMENT_ITEMS + 1)
      .fill('FAILED')
      .join(' ')}], first: 1) { id } }`;
    expect(refusal(await post(integrator, literal))).toMatchObject({ code: 'VALIDATION_FAILED', field: 'status' });
  });

  it("the desk's queue (a support key): deskQueue(states:)", async () => {
    const r = await post(support, 'query($s: [OwnershipState!]) { deskQueue(states: $s) { conversationId } }', {
      s: Array(90_000).fill('HUMAN'),
    });
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'states' });
  });

  it('a list inside an input object is named by its path: editPlan(add: [{ dependsOn }])', async () => {
    const r = await post(
      integrator,
      'mutation($add: [PlanTaskAddInput!]) { editPlan(runId: "00000000-0000-4000-8000-000000000000", add: $add) { id } }',
      {
        add: [
          { agent: 'GeneralSupportAgent', instruction: 'x', statusMessage: 'x', dependsOn: Array(5_000).fill('t1') },
        ],
      },
    );
    expect(refusal(r)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'add[0].dependsOn' });
  });

  it('a subscription over a WebSocket is refused alone: eventFeed(types:)', async () => {
    const feed = subscribe(
      'ws',
      base,
      'subscription($t: [EventType!]) { eventFeed(types: $t) { id } }',
      { t: Array(90_000).fill('MESSAGE') },
      (d) => d,
      integrator,
    );
    await expect(feed.waitFor(1)).rejects.toEqual([
      expect.objectContaining({
        message: `types: at most ${MAX_LIST_ARGUMENT_ITEMS} items`,
        extensions: expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'types' }),
      }),
    ]);
    feed.stop();
  });
});
