import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const MESSAGE = 'My blender is broken and still under warranty, I want a repair under warranty';
const DATASET = [
  { kind: 'routing', utterance: MESSAGE, agents: ['WarrantyClaimAgent'] },
  { kind: 'scenario', name: 'warranty repair', turns: [{ user: MESSAGE, expectAgents: ['WarrantyClaimAgent'] }] },
]
  .map((c) => JSON.stringify(c))
  .join('\n');

interface Experiment {
  id: string;
  status: string;
  drafts: { name: string; revision: number }[];
  results: { passed: boolean; failures: string[]; actual: { conversationId?: string } }[];
}

describe('experiments against card drafts', () => {
  let t: TestApp;
  let datasetId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const created = await t.gql(
      `mutation { createAgentDraft(input: { name: "WarrantyClaimAgent",
        description: "Handles warranty claims for broken or defective products",
        skills: ["warranty claim", "broken or defective product under warranty", "repair or replacement under warranty"],
        tools: ["store.create_ticket"] }) { name } }`,
    );
    expect(created.errors).toBeUndefined();
    const imported = await t.gql<{ importDataset: { id: string } }>(
      'mutation($jsonl: String!) { importDataset(name: "warranty", jsonl: $jsonl) { id } }',
      { jsonl: DATASET },
    );
    expect(imported.errors).toBeUndefined();
    datasetId = imported.data!.importDataset.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const run = async (drafts: string) => {
    const started = await t.gql<{ startExperiment: { id: string } }>(
      `mutation($id: ID!) { startExperiment(datasetId: $id ${drafts}) { id } }`,
      { id: datasetId },
    );
    expect(started.errors).toBeUndefined();
    await t.app.services.experiments.idle();
    const done = await t.gql<{ experiment: Experiment }>(
      'query($id: ID!) { experiment(id: $id) { id status drafts { name revision } results { passed failures actual } } }',
      { id: started.data!.startExperiment.id },
    );
    return done.data!.experiment;
  };

  it('runs a dataset against the published cards or a set of drafts, and records which', async () => {
    const published = await run('');
    expect(published.status).toBe('COMPLETED');
    expect(published.drafts).toEqual([]);
    expect(published.results.map((r) => r.passed)).toEqual([false, false]);

    const drafted = await run('useDrafts: ["WarrantyClaimAgent"]');
    expect(drafted.status).toBe('COMPLETED');
    expect(drafted.drafts).toEqual([{ name: 'WarrantyClaimAgent', revision: 1 }]);
    expect(drafted.results.map((r) => r.failures)).toEqual([[], []]);
    // The scenario ran in a conversation against the draft, which its run recorded.
    const conversationId = drafted.results[1]!.actual.conversationId!;
    const conversation = await t.gql<{ conversation: { drafts: string[]; runs: { drafts: string[] }[] } }>(
      'query($id: ID!) { conversation(id: $id) { drafts runs { drafts } } }',
      { id: conversationId },
    );
    expect(conversation.data!.conversation).toEqual({
      drafts: ['WarrantyClaimAgent'],
      runs: [{ drafts: ['WarrantyClaimAgent'] }],
    });

    const unknown = await t.gql('mutation($id: ID!) { startExperiment(datasetId: $id, useDrafts: ["Nope"]) { id } }', {
      id: datasetId,
    });
    expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
    expect(unknown.errors![0]!.extensions!.field).toBe('useDrafts.0');
  });
});
