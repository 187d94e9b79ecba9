import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelProvider, ModelRequest } from '../../../server/src/models/model-provider.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { createTestDatabase } from '../../helpers/test-database.js';

const WARRANTY = `{ name: "WarrantyClaimAgent", description: "Handles warranty claims for broken or defective products",
  skills: ["warranty claim", "broken or defective product under warranty", "repair or replacement under warranty"],
  instructions: "WARRANTY-DRAFT: ask for the purchase date first.", tools: ["store.create_ticket"] }`;
const WARRANTY_MESSAGE = 'My blender is broken and still under warranty, I want a repair under warranty';

/** The offline provider, recording every request (the system prompts the agents got). */
function recordingOffline(): ModelProvider & { requests: ModelRequest[] } {
  const inner = createOfflineModelProvider();
  const requests: ModelRequest[] = [];
  return Object.assign(Object.create(inner) as ModelProvider, {
    requests,
    complete: (request: ModelRequest) => {
      requests.push(request);
      return inner.complete(request);
    },
  });
}

const systemPrompts = (requests: ModelRequest[], from: number) =>
  requests.slice(from).flatMap((r) => r.messages.filter((m) => m.role === 'system').map((m) => String(m.content)));

describe('card drafts: save, publish, discard; live traffic uses only published cards', () => {
  let t: TestApp;
  const models = recordingOffline();
  beforeAll(async () => {
    t = await createTestApp({ models });
  });
  afterAll(async () => {
    await t.close();
  });

  const draftOf = async (name: string) =>
    (
      await t.gql<{
        agent: { version: number; hasDraft: boolean; draft: { revision: number; instructions: string } | null };
      }>('query($n: String!) { agent(name: $n) { version hasDraft draft { revision instructions } } }', { n: name })
    ).data!.agent;
  const saveDraft = (instructions: string, expectedRevision?: number, name = 'ReturnsAgent') =>
    t.gql<{ saveAgentDraft: { revision: number; baseVersion: number | null; changes: { field: string }[] } }>(
      'mutation($n: String!, $i: String!, $r: Int) { saveAgentDraft(name: $n, input: { instructions: $i }, expectedRevision: $r) { revision baseVersion changes { field } } }',
      { n: name, i: instructions, r: expectedRevision },
    );
  /** Starts a conversation (against drafts when asked), sends the message, and returns the finished run. */
  const converse = async (text: string, drafts = '') => {
    const started = await t.gql<{ startConversation: { conversation: { id: string; drafts: string[] } } }>(
      `mutation { startConversation(input: { title: "drafts test" ${drafts} }) { conversation { id drafts } } }`,
    );
    expect(started.errors).toBeUndefined();
    const conversation = started.data!.startConversation.conversation;
    const from = models.requests.length;
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    await waitForRun(t.app, run.id);
    const [plan] = await t.app.services.eventStore.list({ runId: run.id, types: ['PLAN'] });
    const agents = plan?.type === 'PLAN' ? plan.data.plan.tasks.map((task) => task.agent) : [];
    const view = await t.gql<{ run: { drafts: string[] } }>('query($id: ID!) { run(id: $id) { drafts } }', {
      id: run.id,
    });
    return { conversation, agents, prompts: systemPrompts(models.requests, from), drafts: view.data!.run.drafts };
  };

  it('saves a draft without a new version, refuses a stale save, publishes it as the next version, discards another', async () => {
    const before = await draftOf('ReturnsAgent');
    expect(before.hasDraft).toBe(false);
    const first = await saveDraft('Draft one.', 0);
    expect(first.errors).toBeUndefined();
    expect(first.data!.saveAgentDraft).toMatchObject({ revision: 1, baseVersion: before.version });
    expect(first.data!.saveAgentDraft.changes.map((c) => c.field)).toEqual(['instructions']);
    expect((await saveDraft('Draft two.', 1)).data!.saveAgentDraft.revision).toBe(2);
    // The published card did not change: no new version.
    const drafted = await draftOf('ReturnsAgent');
    expect(drafted).toMatchObject({
      version: before.version,
      hasDraft: true,
      draft: { revision: 2, instructions: 'Draft two.' },
    });

    // Someone who opened revision 1 (or saw no draft) is refused and told the current revision.
    for (const stale of [1, 0]) {
      const refused = await saveDraft('Mine.', stale);
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0]!.extensions).toMatchObject({ field: 'expectedRevision', currentRevision: 2 });
    }
    expect(
      errorCode(await t.gql('mutation { publishAgentDraft(name: "ReturnsAgent", expectedRevision: 1) { version } }')),
    ).toBe('CONFLICT');

    const published = await t.gql<{
      publishAgentDraft: {
        version: number;
        instructions: string;
        hasDraft: boolean;
        versions: { author: string; note: string }[];
      };
    }>(
      'mutation { publishAgentDraft(name: "ReturnsAgent", expectedRevision: 2, note: "clearer") { version instructions hasDraft versions { author note } } }',
    );
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishAgentDraft).toMatchObject({
      version: before.version + 1,
      instructions: 'Draft two.',
      hasDraft: false,
    });
    expect(published.data!.publishAgentDraft.versions[0]).toEqual({ author: 'studio (no auth)', note: 'clearer' });

    // Starting a draft from a published card that changed since the editor opened it is a conflict too.
    const opened = before.version + 1;
    await t.gql(
      'mutation { updateAgent(name: "ReturnsAgent", input: { description: "Changed meanwhile" }) { version } }',
    );
    const late = await t.gql(
      'mutation($v: Int) { saveAgentDraft(name: "ReturnsAgent", input: { instructions: "late" }, expectedRevision: 0, expectedVersion: $v) { revision } }',
      { v: opened },
    );
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: opened + 1 });

    // Discard is one action; the published card is untouched.
    await saveDraft('To be dropped.', 0);
    const discarded = await t.gql('mutation { discardAgentDraft(name: "ReturnsAgent") { revision } }');
    expect(discarded.errors).toBeUndefined();
    expect(await draftOf('ReturnsAgent')).toMatchObject({ version: before.version + 2, hasDraft: false, draft: null });
    expect(errorCode(await t.gql('mutation { discardAgentDraft(name: "ReturnsAgent") { revision } }'))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await t.gql('mutation { publishAgentDraft(name: "ReturnsAgent") { version } }'))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await t.gql('mutation { saveAgentDraft(name: "Nobody", input: {}) { revision } }'))).toBe(
      'NOT_FOUND',
    );
    await t.gql('mutation { discardAgentDraft(name: "ReturnsAgent") { revision } }');
  });

  it('publishing a draft does not undo a version published after it started, unless expectedVersion names it', async () => {
    const card = async () =>
      (
        await t.gql<{ agent: { version: number; description: string; instructions: string } }>(
          'query { agent(name: "GeneralSupportAgent") { version description instructions } }',
        )
      ).data!.agent;
    const start = await card();
    const saved = await saveDraft('Draft instructions.', 0, 'GeneralSupportAgent');
    expect(saved.data!.saveAgentDraft.baseVersion).toBe(start.version);
    // Someone publishes a change directly while the draft waits.
    expect(
      (
        await t.gql(
          'mutation { updateAgent(name: "GeneralSupportAgent", input: { description: "Published meanwhile" }) { version } }',
        )
      ).errors,
    ).toBeUndefined();
    const stale = await t.gql('mutation { publishAgentDraft(name: "GeneralSupportAgent") { version } }');
    expect(stale.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      currentVersion: start.version + 1,
      baseVersion: start.version,
    });
    expect(stale.errors![0]!.message).toMatch(/would undo that change/);
    expect(await card()).toMatchObject({ version: start.version + 1, description: 'Published meanwhile' });
    // Naming the version it replaces publishes it (the draft holds the description it started with).
    const over = await t.gql<{ publishAgentDraft: { version: number; instructions: string } }>(
      'mutation($v: Int) { publishAgentDraft(name: "GeneralSupportAgent", expectedVersion: $v) { version instructions } }',
      { v: start.version + 1 },
    );
    expect(over.errors).toBeUndefined();
    expect(over.data!.publishAgentDraft).toEqual({ version: start.version + 2, instructions: 'Draft instructions.' });
    expect((await card()).description).toBe(start.description);
  });

  it('checks a draft like a card: fields, tools and hand-offs, with the field that is wrong', async () => {
    const bad = await t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { tools: ["store.nope"], maxSteps: 0 }) { revision } }',
    );
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    const fields = (bad.errors![0]!.extensions!.issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['input.maxSteps']));
    const tool = await t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { tools: ["store.nope"] }) { revision } }',
    );
    expect(tool.errors![0]!.extensions!.field).toBe('input.tools.0');
    const rename = await t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { name: "Other" }) { revision } }',
    );
    expect(rename.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.name' });
    expect((await draftOf('UpsellAgent')).hasDraft).toBe(false);

    // A draft may hand off to a card that exists only as a draft, but cannot go live before it.
    await t.gql('mutation { createAgentDraft(input: { name: "GiftAgent", description: "Gift wrapping" }) { name } }');
    const taken = await t.gql('mutation { createAgent(input: { name: "GiftAgent", description: "x" }) { name } }');
    expect(taken.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.name' });
    const handoff = await t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { handoffs: ["GiftAgent"] }) { handoffs } }',
    );
    expect(handoff.data).toEqual({ saveAgentDraft: { handoffs: ['GiftAgent'] } });
    const early = await t.gql('mutation { publishAgentDraft(name: "UpsellAgent") { version } }');
    expect(early.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.handoffs.0' });
    expect((await draftOf('UpsellAgent')).hasDraft).toBe(true);
    expect((await t.gql('mutation { publishAgentDraft(name: "GiftAgent") { name } }')).errors).toBeUndefined();
    const published = await t.gql<{ publishAgentDraft: { handoffs: string[] } }>(
      'mutation { publishAgentDraft(name: "UpsellAgent") { handoffs } }',
    );
    expect(published.data!.publishAgentDraft.handoffs).toEqual(['GiftAgent']);
  });

  it('live conversations plan and prompt with published cards only; a conversation against drafts uses them', async () => {
    const created = await t.gql(`mutation { createAgentDraft(input: ${WARRANTY}) { name published } }`);
    expect(created.errors).toBeUndefined();
    expect(created.data).toEqual({ createAgentDraft: { name: 'WarrantyClaimAgent', published: false } });
    // A card that exists only as a draft is not a card: not listed, not plannable, not previewable.
    const listed = await t.gql<{ agents: { name: string }[] }>('{ agents { name } }');
    expect(listed.data!.agents.map((a) => a.name)).not.toContain('WarrantyClaimAgent');
    await saveDraft('GENERAL-DRAFT: sign every reply with a smiley.', 0).then((r) => expect(r.errors).toBeUndefined());
    // The agent's prompt stays the published one; the draft's is previewed on request.
    const prompt = async (draft: boolean) =>
      (
        await t.gql<{ agentPrompt: { systemPrompt: string } }>(
          'query($d: Boolean) { agentPrompt(name: "ReturnsAgent", draft: $d) { systemPrompt } }',
          { d: draft },
        )
      ).data!.agentPrompt.systemPrompt;
    expect(await prompt(false)).not.toContain('GENERAL-DRAFT');
    expect(await prompt(true)).toContain('GENERAL-DRAFT');

    const live = await converse(WARRANTY_MESSAGE);
    expect(live.conversation.drafts).toEqual([]);
    expect(live.drafts).toEqual([]);
    expect(live.agents.length).toBeGreaterThan(0);
    expect(live.agents).not.toContain('WarrantyClaimAgent');
    expect(live.prompts.join('\n')).not.toContain('WARRANTY-DRAFT');

    const staff = await converse(WARRANTY_MESSAGE, 'allDrafts: true');
    expect(staff.conversation.drafts).toEqual(['ReturnsAgent', 'WarrantyClaimAgent']);
    expect(staff.drafts).toEqual(['ReturnsAgent', 'WarrantyClaimAgent']);
    expect(staff.agents).toContain('WarrantyClaimAgent');
    // The draft's instructions reached the agent's prompt, and the prompt preview in that conversation shows them.
    expect(staff.prompts.join('\n')).toContain('WARRANTY-DRAFT');
    const inConversation = (id: string) =>
      t.gql<{ agentPrompt: { systemPrompt: string } }>(
        'query($id: ID) { agentPrompt(name: "ReturnsAgent", conversationId: $id) { systemPrompt } }',
        { id },
      );
    expect((await inConversation(staff.conversation.id)).data!.agentPrompt.systemPrompt).toContain('GENERAL-DRAFT');
    expect((await inConversation(live.conversation.id)).data!.agentPrompt.systemPrompt).not.toContain('GENERAL-DRAFT');

    // Naming drafts: only those override; an unknown name is a field error.
    const named = await converse(WARRANTY_MESSAGE, 'useDrafts: ["ReturnsAgent"]');
    expect(named.drafts).toEqual(['ReturnsAgent']);
    expect(named.agents).not.toContain('WarrantyClaimAgent');
    const unknown = await t.gql('mutation { startConversation(input: { useDrafts: ["Nope"] }) { token } }');
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.useDrafts.0' });

    // Published, the card is live for everyone; its draft is gone.
    const published = await t.gql('mutation { publishAgentDraft(name: "WarrantyClaimAgent") { version builtin } }');
    expect(published.errors).toBeUndefined();
    expect(published.data).toEqual({ publishAgentDraft: { version: 1, builtin: false } });
    const after = await converse(WARRANTY_MESSAGE);
    expect(after.agents).toContain('WarrantyClaimAgent');
    expect(after.prompts.join('\n')).toContain('WARRANTY-DRAFT');
    await t.gql('mutation { discardAgentDraft(name: "ReturnsAgent") { revision } }');
  });
});

describe('runs against drafts are for staff only', () => {
  let t: TestApp;
  let integrator: string;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    admin = (await t.app.services.apiKeys.create('designer', 'admin')).key;
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses drafts to an integrator key with FORBIDDEN, and lets an admin key run against them', async () => {
    const saved = await t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { instructions: "x" }) { author } }',
      {},
      admin,
    );
    expect(saved.data).toEqual({ saveAgentDraft: { author: 'designer' } });
    for (const input of ['useDrafts: ["UpsellAgent"]', 'allDrafts: true']) {
      const refused = await t.gql(`mutation { startConversation(input: { ${input} }) { token } }`, {}, integrator);
      expect(errorCode(refused)).toBe('FORBIDDEN');
    }
    expect(errorCode(await t.gql('{ agentDrafts { name } }', {}, integrator))).toBe('FORBIDDEN');
    expect(
      errorCode(
        await t.gql(
          'mutation { saveAgentDraft(name: "UpsellAgent", input: { instructions: "y" }) { revision } }',
          {},
          integrator,
        ),
      ),
    ).toBe('FORBIDDEN');
    // Without drafts, an integrator still starts conversations as before.
    expect((await t.gql('mutation { startConversation { token } }', {}, integrator)).errors).toBeUndefined();
    const staff = await t.gql<{ startConversation: { conversation: { drafts: string[] } } }>(
      'mutation { startConversation(input: { useDrafts: ["UpsellAgent"] }) { conversation { drafts } } }',
      {},
      admin,
    );
    expect(staff.data!.startConversation.conversation.drafts).toEqual(['UpsellAgent']);
  });
});

describe('a published draft reaches every replica', () => {
  it('a draft saved on replica A is not planned by B; once published on A, B plans it', async () => {
    const shared = await createTestDatabase();
    const second = shared.url ? await openDatabase({ databaseUrl: shared.url, maxConnections: 4 }) : shared.database;
    const bus = shared.url ? undefined : new MemoryEventBus();
    const a = await createTestApp({ db: shared, eventBus: bus });
    const b = await createTestApp({
      db: { database: second, url: shared.url, dispose: async () => {} },
      eventBus: bus,
    });
    const plannedByB = async () => {
      const { conversation } = await b.app.services.conversations.start({});
      const run = await b.app.services.runs.submit(conversation.id, WARRANTY_MESSAGE, 'AUTO');
      await waitForRun(b.app, run.id);
      const [plan] = await b.app.services.eventStore.list({ runId: run.id, types: ['PLAN'] });
      return plan?.type === 'PLAN' ? plan.data.plan.tasks.map((task) => task.agent) : [];
    };
    try {
      expect((await a.gql(`mutation { createAgentDraft(input: ${WARRANTY}) { name } }`)).errors).toBeUndefined();
      expect(await plannedByB()).not.toContain('WarrantyClaimAgent');
      expect(
        (await a.gql('mutation { publishAgentDraft(name: "WarrantyClaimAgent") { version } }')).errors,
      ).toBeUndefined();
      const deadline = Date.now() + 1_000;
      while (Date.now() < deadline && !(await b.app.services.agents.get('WarrantyClaimAgent')))
        await new Promise((r) => setTimeout(r, 20));
      expect(await plannedByB()).toContain('WarrantyClaimAgent');
    } finally {
      await b.close();
      await a.close();
      if (second !== shared.database) await second.close();
      await bus?.close();
      await shared.dispose();
    }
  }, 120_000);
});
