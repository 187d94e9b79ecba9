import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

describe('specialist prompts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  it("carry the workspace's refusal message to every agent, not only the planner", async () => {
    const refusal = 'Sorry, that is something our team cannot help with here.';
    const updated = await t.gql(
      'mutation($m: String) { updateSettings(input: { refusalMessage: $m }) { refusalMessage } }',
      {
        m: refusal,
      },
    );
    expect(updated.errors).toBeUndefined();
    const agents = await t.gql<{ agents: { name: string; enabled: boolean }[] }>('{ agents { name enabled } }');
    const names = agents.data!.agents.filter((a) => a.enabled).map((a) => a.name);
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) {
      const r = await t.gql<{ agentPrompt: { systemPrompt: string } }>(
        'query($n: String!) { agentPrompt(name: $n) { systemPrompt } }',
        { n: name },
      );
      expect(r.errors, name).toBeUndefined();
      expect(r.data!.agentPrompt.systemPrompt, name).toContain(refusal);
    }
  });
});

describe('specialist prompts in a real run', () => {
  it("give every specialist the workspace's refusal message, as the model receives it", async () => {
    const requests: ModelRequest[] = [];
    const offline = createOfflineModelProvider();
    const models = {
      ...offline,
      complete: (r: ModelRequest) => {
        requests.push(r);
        return offline.complete(r);
      },
    };
    const t = await createTestApp({ env: { SEED_DEMO_DATA: 'true' }, models });
    try {
      const refusal = 'We only help with orders and products here, sorry.';
      await t.app.services.settings.update({ refusalMessage: refusal });
      const { conversation } = await t.app.services.conversations.start({});
      const run = await t.app.services.runs.submit(
        conversation.id,
        'Do you sell running shoes? Also, what is your return policy?',
        'AUTO',
      );
      await waitForRun(t.app, run.id, 60_000);
      const specialists = requests.filter((r) => r.agentName !== 'PlannerAgent');
      expect(new Set(specialists.map((r) => r.agentName)).size).toBeGreaterThan(1);
      for (const r of specialists) expect(r.messages[0]!.content, r.agentName).toContain(refusal);
    } finally {
      await t.close();
    }
  });
});
