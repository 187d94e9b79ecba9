import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentCardInputSchema } from '../../server/src/domain/agent-card.js';
import { planSchema } from '../../server/src/domain/plan.js';
import { workspaceSettingsSchema } from '../../server/src/domain/workspace-settings.js';
import { createTestApp, type GraphQLResult, type TestApp, waitForRun } from '../helpers/test-app.js';

/** Every code a client may see for a refused request. INTERNAL_SERVER_ERROR is not one of them. */
const KNOWN_CODES = new Set([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'RATE_LIMITED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PAYLOAD_TOO_LARGE',
]);

/** Either data without errors, or only typed errors. Returns whether the request succeeded. */
function succeededOrTyped(r: GraphQLResult): boolean {
  if (!r.errors?.length) return true;
  for (const e of r.errors) {
    expect(KNOWN_CODES, `${e.message} (${String(e.extensions?.code)})`).toContain(e.extensions?.code);
  }
  return false;
}

const runs = { numRuns: 120 };

/** Text that stresses validation: empty, whitespace, control and astral characters, very long. */
const text = () =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.constantFrom('', '   ', '\u0000', '\u202e', 'Robert"); DROP TABLE agents;--', '{{brandVoice}}'),
    fc.integer({ min: 1, max: 30_000 }).map((n) => 'x'.repeat(n)),
  );
/** Anything JSON can carry, where the schema expects something in particular. */
const anyValue = () => fc.oneof(text(), fc.jsonValue({ maxDepth: 3 }));
const agentName = () => fc.oneof(fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,70}$/), text());

describe('fuzzing the GraphQL inputs', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Limits that would refuse most of the flood are off here: this is about what the inputs do.
    t = await createTestApp({ env: { RATE_LIMIT_MESSAGES_PER_CONVERSATION: '0' } });
  });
  afterAll(() => t.close());

  const agentCount = async () => (await t.app.services.db.query.agentCards.findMany()).length;

  it('plan edits: a paused run keeps a valid plan, and each accepted edit is recorded once', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(
      conversation.id,
      'Where is my order #W2611340, and do you have red sneakers in size 9?',
      'STEP',
    );
    const paused = await waitForRun(t.app, run.id);
    expect(paused.status).toBe('PAUSED');
    const taskIds = paused.plan!.tasks.map((task) => task.id);
    const edit = (edits: unknown) =>
      t.gql('mutation($id: ID!, $edits: [PlanTaskEditInput!]!) { editPlan(runId: $id, edits: $edits) { status } }', {
        id: run.id,
        edits,
      });
    // A plan's task instruction has its own, smaller cap than an agent card's instructions.
    const long = await edit([{ taskId: taskIds[0], instruction: 'x'.repeat(5_000) }]);
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'edits.0.instruction' });
    expect(
      (await edit([{ taskId: taskIds[0], instruction: 'Look the order up.', agent: 'ReturnsAgent' }])).errors,
    ).toBeUndefined();
    let accepted = 1;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record(
            {
              taskId: fc.oneof(fc.constantFrom(...taskIds), text()),
              agent: fc.oneof(fc.constantFrom('ReturnsAgent', 'UpsellAgent', 'FuzzTarget'), agentName()),
              instruction: text(),
            },
            { requiredKeys: ['taskId'] },
          ),
          { maxLength: 4 },
        ),
        async (edits) => {
          if (succeededOrTyped(await edit(edits))) accepted++;
          const now = await t.app.services.conversations.getRun(run.id);
          expect(now.status).toBe('PAUSED');
          expect(planSchema.safeParse(now.plan).success).toBe(true);
        },
      ),
      runs,
    );
    const plans = await t.app.services.eventStore.list({ runId: run.id, types: ['PLAN'] });
    expect(plans).toHaveLength(1 + accepted);
    await t.app.services.runs.cancel(run.id);
  });

  it('agent cards: created whole and valid, or refused with a typed error and not written', async () => {
    const schema = agentCardInputSchema(t.app.services.config.limits);
    let created = 0;
    const before = await agentCount();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: agentName(),
            description: anyValue(),
            instructions: anyValue(),
            skills: fc.oneof(fc.array(text(), { maxLength: 60 }), anyValue()),
            tools: fc.oneof(
              fc.array(fc.constantFrom('store.get_order_details', 'store.nope', 'evil', ''), { maxLength: 5 }),
              anyValue(),
            ),
            handoffs: fc.oneof(fc.array(agentName(), { maxLength: 3 }), anyValue()),
            maxSteps: fc.oneof(fc.integer({ min: -10, max: 100 }), anyValue()),
            model: fc.oneof(
              fc.record(
                { temperature: fc.double(), timeoutMs: fc.integer(), provider: text(), model: text() },
                { requiredKeys: [] },
              ),
              anyValue(),
            ),
          },
          { requiredKeys: [] },
        ),
        async (input) => {
          const r = await t.gql('mutation($input: CreateAgentInput!) { createAgent(input: $input) { name } }', {
            input,
          });
          if (succeededOrTyped(r)) created++;
        },
      ),
      runs,
    );
    expect(await agentCount()).toBe(before + created);
    for (const card of await t.app.services.agents.list()) expect(schema.safeParse(card).success, card.name).toBe(true);
  });

  it('agent updates with versions: applied whole or not at all', async () => {
    const card = await t.app.services.agents.create({ name: 'FuzzTarget', description: 'A card to update.' });
    let version = card.version;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            description: anyValue(),
            instructions: anyValue(),
            enabled: anyValue(),
            maxSteps: anyValue(),
            name: agentName(),
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.integer({ min: -1, max: 400 })),
        async (input, expected) => {
          const current = (await t.app.services.agents.list()).find((a) => a.id === card.id)!;
          const r = await t.gql<{ updateAgent: { version: number } }>(
            'mutation($name: String!, $input: UpdateAgentInput!, $v: Int) { updateAgent(name: $name, input: $input, expectedVersion: $v) { version } }',
            { name: current.name, input, v: expected },
          );
          const after = (await t.app.services.agents.list()).find((a) => a.id === card.id)!;
          if (succeededOrTyped(r)) {
            expect(after.version).toBe(version + 1);
            version = after.version;
          } else expect(after).toEqual(current);
        },
      ),
      runs,
    );
  });

  it('messages: stored with their run, or refused with nothing stored', async () => {
    await t.app.services.runs.stop();
    const { conversation } = await t.app.services.conversations.start({});
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(conversation.id), fc.uuid(), text()),
        anyValue(),
        fc.option(fc.constantFrom('AUTO', 'STEP', 'SOMETIMES')),
        async (conversationId, message, mode) => {
          const r = await t.gql(
            'mutation($id: ID!, $text: String!, $mode: RunMode) { sendMessage(conversationId: $id, text: $text, mode: $mode) { id } }',
            { id: conversationId, text: message, mode },
          );
          if (succeededOrTyped(r)) {
            expect(conversationId).toBe(conversation.id);
            accepted++;
          }
        },
      ),
      runs,
    );
    const messages = await t.app.services.eventStore.list({ conversationId: conversation.id, types: ['MESSAGE'] });
    expect(messages).toHaveLength(accepted);
    expect(await t.app.services.conversations.runsOf(conversation.id)).toHaveLength(accepted);
    for (const m of messages)
      if (m.type === 'MESSAGE')
        expect(m.data.text.length).toBeLessThanOrEqual(t.app.services.config.limits.maxMessageLength);
  });

  it('settings: always a valid whole after any update', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            brandVoice: anyValue(),
            refusalMessage: anyValue(),
            apologyMessage: anyValue(),
            defaultAgent: fc.oneof(fc.constantFrom('GeneralSupportAgent', 'ReturnsAgent'), agentName()),
            doubleTexting: fc.oneof(fc.constantFrom('queue', 'reject', 'interrupt'), anyValue()),
            humanTransferScenarios: fc.oneof(fc.array(text(), { maxLength: 60 }), anyValue()),
            businessHours: fc.oneof(
              fc.record({
                timeZone: fc.oneof(fc.constantFrom('UTC', 'Europe/Paris', 'Mars/Olympus'), text()),
                days: fc.array(
                  fc.record({
                    day: fc.oneof(fc.constantFrom('mon', 'SUN', 'funday'), text()),
                    intervals: fc.array(
                      fc.record({
                        open: fc.oneof(fc.constantFrom('09:00', '24:00', '9'), text()),
                        close: fc.oneof(fc.constantFrom('17:00', '08:00'), text()),
                      }),
                      { maxLength: 3 },
                    ),
                  }),
                  { maxLength: 8 },
                ),
              }),
              anyValue(),
            ),
          },
          { requiredKeys: [] },
        ),
        async (input) => {
          const before = await t.app.services.settings.get();
          const r = await t.gql(
            'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { brandVoice } }',
            {
              input,
            },
          );
          t.app.services.settings.invalidate();
          const after = await t.app.services.settings.get();
          expect(workspaceSettingsSchema.safeParse(after).success).toBe(true);
          if (!succeededOrTyped(r)) expect(after).toEqual(before);
        },
      ),
      runs,
    );
  });

  it('conversations: started whole or not at all, whatever the title, metadata or customer fields', async () => {
    const count = async () => (await t.app.services.conversations.page(10_000)).length;
    const before = await count();
    let started = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { title: anyValue(), metadata: anyValue(), customerId: anyValue(), customerToken: anyValue() },
          { requiredKeys: [] },
        ),
        async (input) => {
          const r = await t.gql(
            'mutation($input: StartConversationInput) { startConversation(input: $input) { token } }',
            { input },
          );
          if (succeededOrTyped(r)) started++;
        },
      ),
      runs,
    );
    expect(await count()).toBe(before + started);
  });

  it('knowledge articles and search: written whole or refused, any search text answered', async () => {
    const articles = async () => (await t.app.services.db.query.knowledgeArticles.findMany()).length;
    const before = await articles();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            slug: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}$/), text()),
            title: anyValue(),
            body: anyValue(),
            tags: fc.oneof(fc.array(text(), { maxLength: 25 }), anyValue()),
          },
          { requiredKeys: [] },
        ),
        text(),
        fc.option(fc.integer({ min: -5, max: 1_000 })),
        async (input, query, limit) => {
          const r = await t.gql(
            'mutation($input: KnowledgeArticleInput!) { createKnowledgeArticle(input: $input) { id } }',
            { input },
          );
          if (succeededOrTyped(r)) created++;
          const hits = await t.gql<{ searchKnowledge: unknown[] }>(
            'query($q: String!, $limit: Int) { searchKnowledge(query: $q, limit: $limit) { slug score } }',
            { q: query, limit },
          );
          if (succeededOrTyped(hits)) expect(Array.isArray(hits.data?.searchKnowledge)).toBe(true);
        },
      ),
      runs,
    );
    expect(await articles()).toBe(before + created);
  });

  it('arbitrary query text: a typed error or an answer, and the server keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(
              fc.constantFrom('{', '}', 'settings', 'brandVoice', '(', ')', 'agents', 'name', '...', '@skip', ':'),
              {
                maxLength: 40,
              },
            )
            .map((tokens) => tokens.join(' ')),
        ),
        async (query) => {
          succeededOrTyped(await t.gql(query));
        },
      ),
      runs,
    );
    const res = await t.app.yoga.fetch('http://baton.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ settings { brandVoice } }"',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphQLResult).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect((await t.gql('{ settings { brandVoice } }')).errors).toBeUndefined();
  });
});
