import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTwoReplicas, type TwoReplicas } from '../../helpers/two-replicas.js';
import { emma, say, toolCalls } from '../identity/identity-kit.js';

const MAKE = `mutation($id: ID!, $proposal: ID!) {
  makeProposedChange(conversationId: $id, proposalEventId: $proposal) { id data: dataJson }
}`;

/**
 * One proposal, one change, one TOOL_CALL, across replicas: the same colleague's click reaches two replicas of one
 * database at once (a double click behind a load balancer).
 */
describe('a proposed change made on two replicas at once', () => {
  let replicas: TwoReplicas;
  let a: TestApp;
  let b: TestApp;
  let dana = '';

  beforeAll(async () => {
    // On PostgreSQL the second replica has its own connection pool, as another process would.
    replicas = await createTwoReplicas({
      seeded: true,
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      maxConnections: 3,
    });
    ({ a, b } = replicas);
    dana = (await a.app.services.apiKeys.create('Dana', 'support')).key;
  }, 120_000);
  afterAll(() => replicas.close());

  it('is made once: one replica answers with the change, the other CONFLICT, and one TOOL_CALL is stored', async () => {
    const { conversation } = await a.app.services.conversations.start({ customerId: emma.id });
    const c = conversation.id;
    const asked = await say(a, c, `Please cancel order ${emma.pendingOrder}, I ordered it by mistake`);
    const held = toolCalls(asked).find(
      (e) => e.data.tool === 'store.cancel_pending_order' && e.data.code === 'CONFIRMATION_REQUIRED',
    )!;
    await a.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'wants a person' });
    const claimed = await a.gql(
      'mutation($id: ID!) { claimConversation(conversationId: $id) { state } }',
      { id: c },
      dana,
    );
    expect(claimed.errors).toBeUndefined();

    const variables = { id: c, proposal: String(held.id) };
    const answers = await Promise.all([a.gql(MAKE, variables, dana), b.gql(MAKE, variables, dana)]);
    const made = answers.filter((r) => !r.errors);
    const refused = answers.filter((r) => r.errors);
    expect(made).toHaveLength(1);
    expect(refused.map(errorCode)).toEqual(['CONFLICT']);

    const recorded = toolCalls(await a.app.services.eventStore.list({ conversationId: c })).filter(
      (e) => e.data.proposalEventId === held.id,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.data).toMatchObject({ madeBy: 'Dana', output: { status: 'cancelled' } });
    const [order] = await a.app.services.database.query<{ status: string }>(
      'select status from store_orders where id = $1',
      [emma.pendingOrder],
    );
    expect(order!.status).toBe('cancelled');
  });
});
