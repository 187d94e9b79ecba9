import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelProvider } from '../../../server/src/models/model-provider.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * A backend sends many shoppers' messages through one API key, with RUNS_PER_PRINCIPAL raised as the README says:
 * their turns wait on the model side by side, as different shoppers' turns would (with one run per key at a time,
 * the sixth shopper waits for five whole turns).
 */
describe("one key's conversations", () => {
  let t: TestApp;
  let key: string;
  const real = createOfflineModelProvider();
  let inFlight = 0;
  let most = 0;
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
      try {
        await gate;
        return await real.complete(request);
      } finally {
        inFlight--;
      }
    },
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true', AUTH_MODE: 'keys', RUNS_PER_PRINCIPAL: '16' }, models });
    key = (await t.app.services.apiKeys.create('storefront-backend', 'integrator')).key;
  });
  afterAll(() => t.close());

  it('run side by side: six shoppers are all waiting on the model at once', async () => {
    const conversations: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await t.gql<{ startConversation: { conversation: { id: string } } }>(
        'mutation { startConversation(input: {}) { conversation { id } } }',
        {},
        key,
      );
      conversations.push(r.data!.startConversation.conversation.id);
    }
    const runs: string[] = [];
    for (const c of conversations) {
      const r = await t.gql<{ sendMessage: { id: string } }>(
        'mutation($c: ID!) { sendMessage(conversationId: $c, text: "Do you sell running shoes?") { id } }',
        { c },
        key,
      );
      expect(r.errors).toBeUndefined();
      runs.push(r.data!.sendMessage.id);
    }
    const deadline = Date.now() + 10_000;
    while (inFlight < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(most).toBe(6);
    release();
    gate = Promise.resolve();
    await t.app.services.runs.idle();
    for (const id of runs) expect((await t.app.services.conversations.getRun(id)).status).toBe('COMPLETED');
  });
});
