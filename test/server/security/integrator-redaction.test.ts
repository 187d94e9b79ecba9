import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const EMAIL = 'jane.doe@example.com';
const PHONE = '555-123-4567';

/**
 * An integrator key without the full-data grant reads personal data redacted everywhere (docs/security.md,
 * "Redaction"). These are the fields that carried it past the redaction.
 */
describe('an integrator key without full data reads no personal data', () => {
  let t: TestApp;
  let plain = '';
  let granted = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
  });
  afterAll(() => t.close());

  const shopper = async () => {
    const r = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      undefined,
      granted,
    );
    return { id: r.data!.startConversation.conversation.id, token: r.data!.startConversation.token };
  };

  it("redacts the reason of a request for a person (Conversation.ownership.reason), as the event's", async () => {
    const { id, token } = await shopper();
    const reason = `Please call me on ${PHONE} or write to ${EMAIL}`;
    const asked = await t.gql(
      'mutation($id: ID!, $reason: String!) { requestHuman(conversationId: $id, reason: $reason) { state } }',
      { id, reason },
      token,
    );
    expect(asked.errors).toBeUndefined();
    const read = (key: string) =>
      t.gql<{ conversation: { ownership: { reason: string } } }>(
        'query($id: ID!) { conversation(id: $id) { ownership { reason } } }',
        { id },
        key,
      );
    const r = await read(plain);
    expect(r.errors).toBeUndefined();
    expect(r.data!.conversation.ownership.reason).toBe('Please call me on [phone] or write to [email]');
    expect((await read(granted)).data!.conversation.ownership.reason).toBe(reason);
  });
});

describe("an integrator key without full data reads a run's plan versions redacted", () => {
  let t: TestApp;
  let admin = '';
  let plain = '';
  let runId = '';
  const plan = {
    refuse: false,
    tasks: [
      {
        id: 't1',
        agent: 'OrderManagementAgent',
        instruction: `Look up the orders of ${EMAIL}`,
        statusMessage: `Checking the orders of ${EMAIL}...`,
        dependsOn: [],
      },
    ],
  };
  const model = new ScriptedModel(async (req: ModelRequest) =>
    req.agentName === 'PlannerAgent' ? { content: JSON.stringify(plan) } : { content: 'Done.' },
  );

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys' },
      models: model,
      tools: standInTools().registry,
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(START, undefined, admin);
    const sent = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!) { sendMessage(conversationId: $id, text: "my orders please", reviewPlan: true) { id } }',
      { id: started.data!.startConversation.conversation.id },
      admin,
    );
    runId = sent.data!.sendMessage.id;
    expect((await waitForRun(t.app, runId)).status).toBe('PAUSED');
    const edited = await t.gql(
      'mutation($id: ID!, $edits: [PlanTaskEditInput!], $reason: String) { editPlan(runId: $id, edits: $edits, reason: $reason) { id } }',
      {
        id: runId,
        edits: [{ taskId: 't1', instruction: `Look up the orders of ${EMAIL}, phone ${PHONE}` }],
        reason: `The shopper also gave ${PHONE}`,
      },
      admin,
    );
    expect(edited.errors).toBeUndefined();
    await t.gql('mutation($id: ID!) { continueRun(id: $id) { id } }', { id: runId }, admin);
    expect((await waitForRun(t.app, runId)).status).toBe('COMPLETED');
  });
  afterAll(() => t.close());

  const QUERY = `query($id: ID!) { run(id: $id) {
    planVersions { reason tasks { instruction statusMessage } }
    planDiff(from: 1) { field before after }
    events { type data { ... on PlanData { editReason plan { tasks { instruction statusMessage } } } } }
  } }`;

  it('redacts the tasks, the editor’s reason and the diff, as the PLAN events are; whole for the admin', async () => {
    const r = await t.gql<{ run: { planVersions: unknown[]; planDiff: unknown[]; events: unknown[] } }>(
      QUERY,
      { id: runId },
      plain,
    );
    expect(r.errors).toBeUndefined();
    const text = JSON.stringify(r.data);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
    expect(r.data!.run.planVersions).toEqual([
      {
        reason: null,
        tasks: [{ instruction: 'Look up the orders of [email]', statusMessage: 'Checking the orders of [email]...' }],
      },
      {
        reason: 'The shopper also gave [phone]',
        tasks: [
          {
            instruction: 'Look up the orders of [email], phone [phone]',
            statusMessage: 'Checking the orders of [email]...',
          },
        ],
      },
    ]);
    expect(r.data!.run.planDiff).toEqual([
      {
        field: 'instruction',
        before: 'Look up the orders of [email]',
        after: 'Look up the orders of [email], phone [phone]',
      },
    ]);
    const full = JSON.stringify((await t.gql(QUERY, { id: runId }, admin)).data);
    expect(full).toContain(EMAIL);
    expect(full).toContain(PHONE);
  });
});

describe('an integrator key without full data reads datasets and experiments redacted', () => {
  let t: TestApp;
  let admin = '';
  let plain = '';
  let datasetId = '';
  let experimentId = '';
  // A shopper's message saved as a case (saveConversationToDataset keeps the shopper's words as they were).
  const utterance = `Where is my order? I am ${EMAIL}, call ${PHONE}`;

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys' },
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    const jsonl = `${JSON.stringify({ utterance, agents: ['OrderManagementAgent'] })}\n${JSON.stringify({
      kind: 'scenario',
      name: `Order of ${EMAIL}`,
      turns: [{ user: utterance, expectAgents: ['ProductExpertAgent'] }],
    })}\n`;
    const imported = await t.gql<{ importDataset: { id: string } }>(
      'mutation($jsonl: String!) { importDataset(name: "saved", jsonl: $jsonl) { id } }',
      { jsonl },
      admin,
    );
    expect(imported.errors).toBeUndefined();
    datasetId = imported.data!.importDataset.id;
    const started = await t.gql<{ startExperiment: { id: string } }>(
      'mutation($id: ID!) { startExperiment(datasetId: $id) { id } }',
      { id: datasetId },
      admin,
    );
    expect(started.errors).toBeUndefined();
    experimentId = started.data!.startExperiment.id;
    await t.app.services.experiments.idle();
  }, 60_000);
  afterAll(() => t.close());

  const QUERY = `query($d: ID!, $e: ID!) {
    dataset(id: $d) { jsonl cases { label case } }
    datasets { cases { label case } }
    experiment(id: $e) { results { label failures actual } }
    compareExperiments(baseId: $e, id: $e) { base { id } }
  }`;

  it("redacts the cases' shopper text, the JSONL export and the results; whole for the admin", async () => {
    const r = await t.gql<{ dataset: { jsonl: string; cases: { label: string; case: { utterance?: string } }[] } }>(
      QUERY,
      { d: datasetId, e: experimentId },
      plain,
    );
    expect(r.errors).toBeUndefined();
    const text = JSON.stringify(r.data);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
    expect(r.data!.dataset.cases[0]).toEqual({
      label: 'Where is my order? I am [email], call [phone]',
      case: {
        kind: 'routing',
        utterance: 'Where is my order? I am [email], call [phone]',
        agents: ['OrderManagementAgent'],
      },
    });
    expect(r.data!.dataset.jsonl.split('\n')[0]).toContain('I am [email], call [phone]');
    const full = JSON.stringify((await t.gql(QUERY, { d: datasetId, e: experimentId }, admin)).data);
    expect(full).toContain(EMAIL);
    expect(full).toContain(PHONE);
  });
});
