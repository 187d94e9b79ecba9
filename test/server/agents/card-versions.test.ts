import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

interface Version {
  version: number;
  author: string;
  note: string | null;
  instructions: string;
}

describe('agent card versions: every save is a version; diff, rollback, conflicts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const save = (instructions: string, expectedVersion: number, note?: string) =>
    t.gql<{ updateAgent: { version: number } }>(
      'mutation($i: String!, $v: Int, $note: String) { updateAgent(name: "ReturnsAgent", input: { instructions: $i }, expectedVersion: $v, note: $note) { version } }',
      { i: instructions, v: expectedVersion, note },
    );
  const versions = async () =>
    (
      await t.gql<{ agent: { version: number; versions: Version[] } }>(
        '{ agent(name: "ReturnsAgent") { version versions { version author note instructions } } }',
      )
    ).data!.agent;

  it('records the seed and each save with its author; diffs fields and the prompt; rolls back as a new version', async () => {
    const start = await versions();
    expect(start.versions.map((v) => [v.version, v.author])).toEqual([[1, 'seed']]);
    const seeded = start.versions[0]!.instructions;

    expect((await save('Always apologise first.', 1, 'tone')).data!.updateAgent.version).toBe(2);
    expect((await save('Always apologise first.\nOffer a refund.', 2)).data!.updateAgent.version).toBe(3);
    expect((await save('Offer a refund.', 3)).data!.updateAgent.version).toBe(4);
    const after = await versions();
    expect(after.versions.map((v) => [v.version, v.author, v.note])).toEqual([
      [4, 'studio (no auth)', null],
      [3, 'studio (no auth)', null],
      [2, 'studio (no auth)', 'tone'],
      [1, 'seed', null],
    ]);

    const diff = await t.gql<{ agent: { versionDiff: { field: string; before: string; after: string }[] } }>(
      '{ agent(name: "ReturnsAgent") { versionDiff(from: 2, to: 3) { field before after } } }',
    );
    expect(diff.errors).toBeUndefined();
    const fields = diff.data!.agent.versionDiff;
    expect(fields.map((f) => f.field)).toEqual(['instructions', 'systemPrompt']);
    expect(fields[0]).toEqual({
      field: 'instructions',
      before: 'Always apologise first.',
      after: 'Always apologise first.\nOffer a refund.',
    });
    expect(fields[1]!.after).toContain('Offer a refund.');
    expect(fields[1]!.before).not.toContain('Offer a refund.');

    // A stale editor is refused, and told which version is current.
    const stale = await save('Something else', 2);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.extensions!.currentVersion).toBe(4);

    const rolled = await t.gql<{ rollbackAgent: { version: number; instructions: string } }>(
      'mutation { rollbackAgent(name: "ReturnsAgent", version: 1, expectedVersion: 4) { version instructions } }',
    );
    expect(rolled.errors).toBeUndefined();
    expect(rolled.data!.rollbackAgent).toEqual({ version: 5, instructions: seeded });
    expect((await versions()).versions[0]).toMatchObject({ version: 5, note: 'rolled back to v1' });
    const missing = await t.gql('mutation { rollbackAgent(name: "ReturnsAgent", version: 99) { version } }');
    expect(missing.errors![0]!.extensions!.field).toBe('version');
  });

  it('names the cards that hand off to a card, whose deletion removes those hand-offs', async () => {
    const from = await t.gql<{ agents: { name: string; handoffs: string[]; handoffFrom: string[] }[] }>(
      '{ agents { name handoffs handoffFrom } }',
    );
    const cards = from.data!.agents;
    for (const card of cards)
      expect(card.handoffFrom.sort()).toEqual(
        cards
          .filter((c) => c.handoffs.includes(card.name))
          .map((c) => c.name)
          .sort(),
      );
    expect(cards.some((c) => c.handoffFrom.length > 0)).toBe(true);
  });
});
