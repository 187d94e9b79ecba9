import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore } from '../../../server/src/store/store-seed.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

describe('tickets over GraphQL', () => {
  let t: TestApp;
  let admin: string;
  let integrator: string;
  beforeAll(async () => {
    let created = '';
    t = await createTestApp({ env: { AUTH_MODE: 'keys' }, onAdminKeyCreated: (k) => (created = k) });
    await seedStore(t.app.services.db);
    admin = created;
    // A helpdesk integration follows tickets up, so it is granted full data.
    integrator = (await t.app.services.apiKeys.create('helpdesk', 'integrator', undefined, { fullEventData: true }))
      .key;
  });
  afterAll(() => t.close());

  it('shows the tickets the human-transfer tools create, newest first', async () => {
    const context = (i: number) => ({
      conversationId: '00000000-0000-4000-8000-00000000000a',
      runId: 'run-t',
      taskId: 't1',
      agentName: 'HumanTransferAgent',
      callIndex: i,
      idempotencyKey: `run-t:t1:${i}`,
      customer: { customerId: 'noah_brown_6181', verified: true },
    });
    const tools = t.app.services.tools;
    expect(
      (await tools.call('store.create_ticket', { summary: 'Package lost.', priority: 'high' }, context(0))).ok,
    ).toBe(true);
    expect((await tools.call('store.transfer_to_human_agents', { summary: 'Wants a person.' }, context(1))).ok).toBe(
      true,
    );

    const r = await t.gql<{ tickets: Record<string, unknown>[] }>(
      '{ tickets { summary priority status customerId customerEmail conversationId agentName } }',
      {},
      integrator,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.tickets).toEqual([
      expect.objectContaining({ summary: 'Wants a person.', priority: 'normal', status: 'open' }),
      expect.objectContaining({
        summary: 'Package lost.',
        priority: 'high',
        customerId: 'noah_brown_6181',
        customerEmail: 'noah.brown7922@example.com',
        agentName: 'HumanTransferAgent',
      }),
    ]);
    const first = await t.gql<{ tickets: { summary: string }[] }>(
      '{ tickets(first: 1, status: open) { summary } }',
      {},
      admin,
    );
    expect(first.data?.tickets.map((x) => x.summary)).toEqual(['Wants a person.']);
    // An integrator key without the grant reads the customer's contact details withheld.
    const plain = (await t.app.services.apiKeys.create('reports', 'integrator')).key;
    const redacted = await t.gql<{ tickets: { customerEmail: string | null }[] }>(
      '{ tickets { customerEmail } }',
      {},
      plain,
    );
    expect(redacted.data?.tickets.map((x) => x.customerEmail)).toEqual(['[redacted]', '[redacted]']);
  });

  it('finds the tickets a reference names, and refuses a malformed one with its field', async () => {
    const all = await t.gql<{ tickets: { id: string; reference: string }[] }>(
      '{ tickets { id reference } }',
      {},
      admin,
    );
    const [ticket] = all.data!.tickets;
    expect(ticket!.reference).toBe(`T-${ticket!.id.slice(0, 8).toUpperCase()}`);
    const query = 'query($r: String!) { tickets(reference: $r) { id } }';
    const found = await t.gql<{ tickets: { id: string }[] }>(query, { r: ticket!.reference.toLowerCase() }, admin);
    expect(found.data?.tickets).toEqual([{ id: ticket!.id }]);
    const bad = await t.gql(query, { r: 'W2417020' }, admin);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ issues: [expect.objectContaining({ field: 'reference' })] });
  });

  it('is not for anonymous callers', async () => {
    expect(errorCode(await t.gql('{ tickets { id } }'))).toBe('UNAUTHENTICATED');
  });
});
