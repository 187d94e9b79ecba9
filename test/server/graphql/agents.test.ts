import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticToolRegistry } from '../../../server/src/tools/static-tool-registry.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const tools = new (class extends StaticToolRegistry {
  async close() {}
})(
  ['store.create_ticket', 'store.get_order_details', 'store.search_knowledge', 'store.search_products'].map((name) => ({
    name,
    description: name,
    inputSchema: { type: 'object' },
    readOnly: true,
    handler: () => ({ ok: true }),
  })),
);

const AGENT_FIELDS =
  'name description skills instructions tools handoffs enabled maxSteps version model { model temperature }';

describe('agent CRUD over GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ tools });
  });
  afterAll(() => t.close());

  const count = async () => ((await t.gql<{ agents: unknown[] }>('{ agents { name } }')).data?.agents ?? []).length;

  it('seeds the seven built-in specialists', async () => {
    const r = await t.gql<{ agents: { name: string; builtin: boolean }[] }>('{ agents { name builtin } }');
    expect(r.data?.agents.map((a) => a.name).sort()).toEqual([
      'GeneralSupportAgent',
      'HumanTransferAgent',
      'LeadGenerationAgent',
      'OrderManagementAgent',
      'ProductExpertAgent',
      'ReturnsAgent',
      'UpsellAgent',
    ]);
    expect(r.data?.agents.every((a) => a.builtin)).toBe(true);
  });

  it('creates, reads, updates, disables and deletes a card', async () => {
    const created = await t.gql<{ createAgent: Record<string, unknown> }>(
      `mutation($input: CreateAgentInput!) { createAgent(input: $input) { ${AGENT_FIELDS} } }`,
      {
        input: {
          name: 'WarrantyClaimAgent',
          description: 'Handles warranty claims for broken products',
          skills: ['warranty claims', 'broken or defective product'],
          tools: ['store.create_ticket'],
          handoffs: ['HumanTransferAgent'],
          maxSteps: 4,
          model: { model: 'gpt-4o', temperature: 0.2 },
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createAgent).toMatchObject({
      name: 'WarrantyClaimAgent',
      tools: ['store.create_ticket'],
      handoffs: ['HumanTransferAgent'],
      enabled: true,
      maxSteps: 4,
      version: 1,
      model: { model: 'gpt-4o', temperature: 0.2 },
    });

    const updated = await t.gql<{ updateAgent: { skills: string[]; version: number; description: string } }>(
      `mutation { updateAgent(name: "WarrantyClaimAgent", expectedVersion: 1, input: { skills: ["warranty"] }) { skills version description } }`,
    );
    expect(updated.data?.updateAgent).toEqual({
      skills: ['warranty'],
      version: 2,
      description: 'Handles warranty claims for broken products',
    });

    const stale = await t.gql(
      `mutation { updateAgent(name: "WarrantyClaimAgent", expectedVersion: 1, input: { skills: ["x"] }) { version } }`,
    );
    expect(errorCode(stale)).toBe('CONFLICT');

    const disabled = await t.gql<{ setAgentEnabled: { enabled: boolean } }>(
      'mutation { setAgentEnabled(name: "WarrantyClaimAgent", enabled: false) { enabled } }',
    );
    expect(disabled.data?.setAgentEnabled.enabled).toBe(false);

    const fetched = await t.gql<{ agent: { enabled: boolean } | null }>(
      '{ agent(name: "WarrantyClaimAgent") { enabled } }',
    );
    expect(fetched.data?.agent?.enabled).toBe(false);

    const deleted = await t.gql('mutation { deleteAgent(name: "WarrantyClaimAgent") { name } }');
    expect(deleted.errors).toBeUndefined();
    expect((await t.gql<{ agent: null }>('{ agent(name: "WarrantyClaimAgent") { name } }')).data?.agent).toBeNull();
  });

  it('removes a deleted card from other cards’ hand-offs', async () => {
    await t.gql('mutation { createAgent(input: { name: "TempAgent", description: "temporary" }) { name } }');
    await t.gql('mutation { updateAgent(name: "UpsellAgent", input: { handoffs: ["TempAgent"] }) { name } }');
    await t.gql('mutation { deleteAgent(name: "TempAgent") { name } }');
    const r = await t.gql<{ agent: { handoffs: string[] } }>('{ agent(name: "UpsellAgent") { handoffs } }');
    expect(r.data?.agent.handoffs).toEqual([]);
  });

  it.each([
    ['an empty name', { name: '', description: 'x' }, 'input.name'],
    ['a duplicate name', { name: 'ReturnsAgent', description: 'x' }, 'input.name'],
    ['an unknown tool', { name: 'A1', description: 'x', tools: ['store.nope'] }, 'input.tools.0'],
    ['a malformed tool name', { name: 'A2', description: 'x', tools: ['nodot'] }, 'input.tools.0'],
    ['an unknown hand-off target', { name: 'A3', description: 'x', handoffs: ['GhostAgent'] }, 'input.handoffs.0'],
    ['a 1 MB instruction', { name: 'A4', description: 'x', instructions: 'x'.repeat(1_000_000) }, 'input.instructions'],
    ['maxSteps out of range', { name: 'A5', description: 'x', maxSteps: 0 }, 'input.maxSteps'],
  ])('refuses %s with a typed error naming the field, writing nothing', async (_label, input, field) => {
    const before = await count();
    const r = await t.gql('mutation($input: CreateAgentInput!) { createAgent(input: $input) { name } }', { input });
    expect(errorCode(r)).toBe('VALIDATION_FAILED');
    expect(r.errors?.[0]?.extensions?.field).toBe(field);
    expect(r.errors?.[0]?.message).toMatch(/\w/);
    expect(await count()).toBe(before);
  });

  it('refuses to delete the default agent', async () => {
    const r = await t.gql('mutation { deleteAgent(name: "GeneralSupportAgent") { name } }');
    expect(errorCode(r)).toBe('CONFLICT');
    expect(await count()).toBe(7);
  });

  it('updates settings with validation', async () => {
    const ok = await t.gql<{
      updateSettings: {
        brandVoice: string;
        businessHours: { timeZone: string; days: { day: string; intervals: unknown[] }[] };
      };
    }>(
      `mutation { updateSettings(input: { brandVoice: "Cheerful", businessHours: { timeZone: "Europe/Berlin", days: [{ day: "mon", intervals: [{ open: "08:00", close: "12:00" }] }] } }) {
        brandVoice businessHours { timeZone days { day intervals { open close } } } } }`,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.updateSettings.brandVoice).toBe('Cheerful');
    expect(ok.data?.updateSettings.businessHours.days[0]).toEqual({
      day: 'mon',
      intervals: [{ open: '08:00', close: '12:00' }],
    });
    expect(ok.data?.updateSettings.businessHours.days[1]?.intervals).toEqual([]);

    const badZone = await t.gql(
      'mutation { updateSettings(input: { businessHours: { timeZone: "Mars/Olympus", days: [] } }) { brandVoice } }',
    );
    expect(errorCode(badZone)).toBe('VALIDATION_FAILED');
    expect(badZone.errors?.[0]?.extensions?.field).toBe('input.businessHours.timeZone');

    const badDefault = await t.gql('mutation { updateSettings(input: { defaultAgent: "Nobody" }) { brandVoice } }');
    expect(badDefault.errors?.[0]?.extensions?.field).toBe('input.defaultAgent');
    const after = await t.gql<{ settings: { brandVoice: string; defaultAgent: string } }>(
      '{ settings { brandVoice defaultAgent } }',
    );
    expect(after.data?.settings).toEqual({ brandVoice: 'Cheerful', defaultAgent: 'GeneralSupportAgent' });
  });
});

describe('agentPrompt', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ tools });
  });
  afterAll(() => t.close());

  it('returns the exact system prompt and tool list the agent would get', async () => {
    await t.gql(
      'mutation { updateSettings(input: { brandVoice: "Speak like a friendly librarian." }) { brandVoice } }',
    );
    await t.gql(
      'mutation { updateAgent(name: "GeneralSupportAgent", input: { tools: ["store.search_knowledge"] }) { name } }',
    );
    const r = await t.gql<{ agentPrompt: { systemPrompt: string; tools: { name: string }[] } }>(
      '{ agentPrompt(name: "GeneralSupportAgent") { systemPrompt tools { name description parameters } } }',
    );
    expect(r.errors).toBeUndefined();
    const { systemPrompt, tools: specs } = r.data!.agentPrompt;
    expect(systemPrompt).toMatch(/^You are GeneralSupportAgent/);
    expect(systemPrompt).toContain('Speak like a friendly librarian.');
    expect(systemPrompt).toContain('Answer from the knowledge base articles');
    expect(specs.map((s) => s.name)).toEqual(['store__search_knowledge', 'handoff_to_HumanTransferAgent']);
    const missing = await t.gql('{ agentPrompt(name: "Nobody") { systemPrompt } }');
    expect(errorCode(missing)).toBe('NOT_FOUND');
  });
});
