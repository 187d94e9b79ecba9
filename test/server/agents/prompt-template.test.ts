import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

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
