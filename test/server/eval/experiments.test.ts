import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvalPlanner } from '../../../server/src/eval/eval-planner.js';
import { evaluateRouting, parseRoutingCases } from '../../../server/src/eval/routing-eval.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const routingText = readFileSync(new URL('../../fixtures/routing.jsonl', import.meta.url), 'utf8');

interface Experiment {
  id: string;
  status: string;
  total: number;
  done: number;
  passed: number;
  passRate: number | null;
  provider: string;
  tokens: number;
  confusion: { agent: string; truePositives: number; falseNegatives: number }[];
  results: { position: number; passed: boolean; failures: string[] }[];
}
const EXPERIMENT =
  'id status total done passed passRate provider tokens confusion { agent truePositives falseNegatives } results { position passed failures }';

describe('datasets and experiments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const importDataset = (name: string, jsonl: string) =>
    t.gql<{ importDataset: { id: string; caseCount: number; jsonl: string } }>(
      'mutation($name: String!, $jsonl: String!) { importDataset(name: $name, jsonl: $jsonl) { id caseCount jsonl } }',
      { name, jsonl },
    );
  const runExperiment = async (datasetId: string, provider: 'OFFLINE' | 'SERVER') => {
    const started = await t.gql<{ startExperiment: { id: string; status: string } }>(
      `mutation($id: ID!, $p: ExperimentProvider) { startExperiment(datasetId: $id, provider: $p, concurrency: 4) { id status } }`,
      { id: datasetId, p: provider },
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startExperiment.status).toBe('RUNNING');
    await t.app.services.experiments.idle();
    const done = await t.gql<{ experiment: Experiment }>(`query($id: ID!) { experiment(id: $id) { ${EXPERIMENT} } }`, {
      id: started.data!.startExperiment.id,
    });
    return done.data!.experiment;
  };

  it('imports the routing fixture, exports it back, and refuses a bad line by number', async () => {
    const imported = await importDataset('routing-seed', routingText);
    expect(imported.errors).toBeUndefined();
    const fixture = parseRoutingCases(routingText);
    expect(imported.data!.importDataset.caseCount).toBe(fixture.length);
    const exported = parseRoutingCases(imported.data!.importDataset.jsonl);
    expect(exported.map((c) => [c.utterance, c.agents])).toEqual(fixture.map((c) => [c.utterance, c.agents]));

    const bad = await importDataset('bad', '{"utterance":"hi","agents":[]}\n{"utterance": 3}\n');
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors![0]!.extensions!.field).toBe('line 2');
    const taken = await importDataset('routing-seed', routingText);
    expect(taken.errors![0]!.extensions!.field).toBe('name');
  });

  it('runs the routing dataset as an experiment: the same pass rate as the planner evaluation, per-case results', async () => {
    const [dataset] = (await t.gql<{ datasets: { id: string }[] }>('{ datasets { id } }')).data!.datasets;
    const experiment = await runExperiment(dataset!.id, 'OFFLINE');
    const reference = await evaluateRouting(parseRoutingCases(routingText), createEvalPlanner());
    expect(experiment.status).toBe('COMPLETED');
    expect(experiment.provider).toBe('offline');
    expect(experiment.done).toBe(experiment.total);
    expect(experiment.passed).toBe(reference.correct);
    expect(experiment.passRate).toBeCloseTo(reference.accuracy, 6);
    expect(experiment.results).toHaveLength(reference.total);
    expect(experiment.results.filter((r) => !r.passed).every((r) => r.failures[0]!.startsWith('expected '))).toBe(true);
    const upsell = experiment.confusion.find((c) => c.agent === 'UpsellAgent')!;
    const upsellRef = reference.perAgent.find((c) => c.agent === 'UpsellAgent')!;
    expect(upsell.truePositives).toBe(upsellRef.truePositives);
  });

  it('compares with a second experiment after a card change: what got worse', async () => {
    const [dataset] = (await t.gql<{ datasets: { id: string }[] }>('{ datasets { id } }')).data!.datasets;
    const disabled = await t.gql('mutation { setAgentEnabled(name: "UpsellAgent", enabled: false) { version } }');
    expect(disabled.errors).toBeUndefined();
    const second = await runExperiment(dataset!.id, 'OFFLINE');
    await t.gql('mutation { setAgentEnabled(name: "UpsellAgent", enabled: true) { version } }');
    const list = await t.gql<{ dataset: { experiments: { id: string }[] } }>(
      'query($id: ID!) { dataset(id: $id) { experiments { id } } }',
      { id: dataset!.id },
    );
    const [first] = list.data!.dataset.experiments;
    const comparison = await t.gql<{
      compareExperiments: { passRateDelta: number; regressed: { label: string }[]; improved: { label: string }[] };
    }>(
      'query($a: ID!, $b: ID!) { compareExperiments(baseId: $a, id: $b) { passRateDelta regressed { label } improved { label } } }',
      { a: first!.id, b: second.id },
    );
    const c = comparison.data!.compareExperiments;
    expect(c.regressed.length).toBeGreaterThan(0);
    expect(c.passRateDelta).toBeLessThan(0);
    const upsellCases = parseRoutingCases(routingText).filter((x) => x.agents.includes('UpsellAgent'));
    for (const r of c.regressed) expect(upsellCases.map((x) => x.utterance)).toContain(r.label);
  });

  it('runs scenarios through the real run path and checks agents, tool arguments and the reply', async () => {
    const scenario = (name: string, replyMustContain: string[]) =>
      JSON.stringify({
        kind: 'scenario',
        name,
        turns: [
          {
            user: 'do you have running shoes in size 10?',
            expectAgents: ['ProductExpertAgent'],
            expectTools: [{ tool: 'store.search_products', args: { query: { matches: 'running|shoe' } } }],
            replyMustNotContain: ['<script'],
            replyMustContain,
          },
        ],
      });
    const imported = await importDataset(
      'scenarios',
      `${scenario('order status', [])}\n${scenario('wrong', ['refund issued'])}\n`,
    );
    expect(imported.errors).toBeUndefined();
    const offline = await t.gql('mutation($id: ID!) { startExperiment(datasetId: $id, provider: OFFLINE) { id } }', {
      id: imported.data!.importDataset.id,
    });
    expect(offline.errors![0]!.extensions!.field).toBe('provider');
    const experiment = await runExperiment(imported.data!.importDataset.id, 'SERVER');
    expect(experiment.status).toBe('COMPLETED');
    expect(experiment.results[0]!.failures).toEqual([]);
    expect(experiment.results.map((r) => r.passed)).toEqual([true, false]);
    expect(experiment.results[1]!.failures).toEqual(['turn 1: the reply does not contain "refund issued"']);
    expect(experiment.tokens).toBeGreaterThan(0);
  });

  it('a scenario that goes on after handing the shopper to a person fails that turn, saying why, and the experiment completes', async () => {
    const imported = await importDataset(
      'hand-off scenario',
      `${JSON.stringify({
        kind: 'scenario',
        name: 'asks for a person, then writes again',
        turns: [
          {
            user: 'You double-charged me! I want to talk to a person. My email is james.li4495@example.com.',
            expectAgents: ['HumanTransferAgent'],
          },
          { user: 'hello? is anyone there?' },
          { user: 'still waiting' },
        ],
      })}\n`,
    );
    expect(imported.errors).toBeUndefined();
    const experiment = await runExperiment(imported.data!.importDataset.id, 'SERVER');
    expect(experiment.status).toBe('COMPLETED');
    expect(experiment.results[0]!.passed).toBe(false);
    expect(experiment.results[0]!.failures).toEqual([
      'turn 2: the conversation was handed to a person, so the bot did not answer',
    ]);
  });

  it('saves a conversation as a scenario (or its messages as routing cases), which then passes as an experiment', async () => {
    const { conversations, runs } = t.app.services;
    const { conversation } = await conversations.start({});
    await runs.submit(conversation.id, 'do you have running shoes in size 10?', 'AUTO');
    await runs.idle();
    await runs.submit(conversation.id, 'what goes well with a blender?', 'AUTO');
    await runs.idle();
    const save = (asRoutingCases: boolean) =>
      t.gql<{ saveConversationToDataset: { id: string } }>(
        'mutation($c: ID!, $r: Boolean) { saveConversationToDataset(conversationId: $c, datasetName: "saved", asRoutingCases: $r) { id } }',
        { c: conversation.id, r: asRoutingCases },
      );
    const first = await save(false);
    expect(first.errors).toBeUndefined();
    expect((await save(true)).data!.saveConversationToDataset.id).toBe(first.data!.saveConversationToDataset.id);
    const dataset = await t.gql<{
      dataset: {
        cases: { kind: string; turns: number; case: { turns?: { user: string; expectAgents: string[] }[] } }[];
      };
    }>('query($id: ID!) { dataset(id: $id) { cases { kind turns case } } }', {
      id: first.data!.saveConversationToDataset.id,
    });
    const cases = dataset.data!.dataset.cases;
    expect(cases.map((c) => [c.kind, c.turns])).toEqual([
      ['scenario', 2],
      ['routing', 1],
      ['routing', 1],
    ]);
    expect(cases[0]!.case.turns!.map((x) => x.user)).toEqual([
      'do you have running shoes in size 10?',
      'what goes well with a blender?',
    ]);
    expect(cases[0]!.case.turns![0]!.expectAgents).toEqual(['ProductExpertAgent']);
    const experiment = await runExperiment(first.data!.saveConversationToDataset.id, 'SERVER');
    expect(experiment.results.map((r) => r.failures)).toEqual([[], [], []]);
    expect(experiment.passRate).toBe(1);
  });
});
