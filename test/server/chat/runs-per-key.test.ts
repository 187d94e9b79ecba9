import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelProvider } from '../../../server/src/models/model-provider.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * A backend sends many shoppers' messages through one API key. With a limit of its own (`baton keys create
 * --runs-at-once`) their turns wait on the model side by side, as different shoppers' turns would; a key without one
 * keeps RUNS_PER_PRINCIPAL (1), so its sixth shopper waits for five whole turns.
 */
describe("one key's conversations", () => {
  let t: TestApp;
  const real = createOfflineModelProvider();
  let inFlight = 0;
  let most = 0;
  /** Which shopper each model call was for, in the order the calls started. */
  const calls: string[] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => {
    release = r;
  });
  /** The stand-in, held at each call until the test lets calls through: a model that takes its time. */
  const models: ModelProvider = {
    name: real.name,
    ruleBased: real.ruleBased,
    complete: async (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      calls.push(/shopper (\d+)/.exec(JSON.stringify(request.messages))?.[1] ?? '?');
      try {
        await gate;
        return await real.complete(request);
      } finally {
        inFlight--;
      }
    },
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true', AUTH_MODE: 'keys' }, models });
  });
  afterAll(() => t.close());

  /** Starts `n` shoppers' conversations through `key`, each sending one message; returns their runs. */
  async function shoppers(key: string, n: number): Promise<string[]> {
    const runs: string[] = [];
    for (let i = 0; i < n; i++) {
      const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(
        'mutation { startConversation(input: {}) { conversation { id } } }',
        {},
        key,
      );
      const r = await t.gql<{ sendMessage: { id: string } }>(
        'mutation($c: ID!, $text: String!) { sendMessage(conversationId: $c, text: $text) { id } }',
        { c: started.data!.startConversation.conversation.id, text: `Do you sell running shoes? (shopper ${i})` },
        key,
      );
      expect(r.errors).toBeUndefined();
      runs.push(r.data!.sendMessage.id);
    }
    return runs;
  }

  async function inFlightReaches(n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (inFlight < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(inFlight).toBe(n);
  }

  /** Lets every call through, waits for the runs to complete, and returns the calls' shoppers in order. */
  async function finish(runs: string[]): Promise<string[]> {
    release();
    gate = Promise.resolve();
    await t.app.services.runs.idle();
    for (const id of runs) expect((await t.app.services.conversations.getRun(id)).status).toBe('COMPLETED');
    const order = calls.splice(0);
    most = 0;
    gate = new Promise<void>((r) => {
      release = r;
    });
    return order;
  }

  it('with a limit of its own, six shoppers are all waiting on the model at once', async () => {
    const { key } = await t.app.services.apiKeys.create('storefront-backend', 'integrator', undefined, {
      runsAtOnce: 6,
    });
    const runs = await shoppers(key, 6);
    await inFlightReaches(6);
    expect(most).toBe(6);
    await finish(runs);
  });

  it('without one, its turns go one at a time; `keys set` raises it for the next requests', async () => {
    const { id, key } = await t.app.services.apiKeys.create('plain-backend', 'integrator');
    const runs = await shoppers(key, 3);
    await inFlightReaches(1);
    const order = await finish(runs);
    // One at a time: each shopper's model calls all come before the next shopper's first.
    expect(order.length).toBeGreaterThanOrEqual(3);
    expect(order.filter((c, i) => i === 0 || c !== order[i - 1])).toEqual(['0', '1', '2']);

    await t.app.services.apiKeys.setRunsAtOnce(id, 3);
    const raised = await shoppers(key, 3);
    await inFlightReaches(3);
    await finish(raised);
  });

  it('refuses a limit out of range, naming the field', async () => {
    await expect(
      t.app.services.apiKeys.create('too-many', 'integrator', undefined, { runsAtOnce: 0 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'runsAtOnce' });
    const { id } = await t.app.services.apiKeys.create('in-range', 'integrator');
    await expect(t.app.services.apiKeys.setRunsAtOnce(id, 1.5)).rejects.toMatchObject({ field: 'runsAtOnce' });
  });
});
