import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { createTwoReplicas, type TwoReplicas } from '../../helpers/two-replicas.js';

const ERASE = 'mutation($id: String!) { eraseCustomer(customerId: $id) { auditId } }';

/**
 * Two replicas on one database: a conversation waits for a colleague, so both replicas' desks hold it in memory. The
 * customer is erased through A: A forgets the conversation at once, and B once it hears of the erasure on the bus,
 * while B keeps another customer's held conversation. On PostgreSQL the replicas have their own pools and the
 * LISTEN/NOTIFY bus; on PGlite they share the database and a memory bus.
 */
describe('an erased conversation leaves every replica’s desk', () => {
  let replicas: TwoReplicas;
  let a: TestApp;
  let b: TestApp;
  let admin: string;

  beforeAll(async () => {
    replicas = await createTwoReplicas({ env: { AUTH_MODE: 'keys' } });
    ({ a, b } = replicas);
    await a.app.services.runs.stop();
    await b.app.services.runs.stop();
    admin = (await a.app.services.apiKeys.create('ops', 'admin')).key;
  });

  afterAll(() => replicas.close());

  const heldOnBoth = async (customerId: string) => {
    const { conversation } = await a.app.services.conversations.start({ customerId });
    await a.app.services.desk.requestHuman({ conversationId: conversation.id, by: 'shopper', reason: 'A refund' });
    await expect.poll(() => b.app.services.desk.holds(conversation.id), { timeout: 10_000 }).toBe(true);
    expect(a.app.services.desk.holds(conversation.id)).toBe(true);
    return conversation.id;
  };

  it('the erasing replica forgets at once, the other once it hears; another customer stays held on both', async () => {
    const erased = await heldOnBoth('erased_customer');
    const kept = await heldOnBoth('kept_customer');

    const erasure = await a.gql(ERASE, { id: 'erased_customer' }, admin);
    expect(erasure.errors).toBeUndefined();
    expect(a.app.services.desk.holds(erased)).toBe(false);
    expect(a.app.services.desk.cache.conversationIds()).not.toContain(erased);
    await expect.poll(() => b.app.services.desk.cache.conversationIds(), { timeout: 10_000 }).not.toContain(erased);
    expect(b.app.services.desk.holds(erased)).toBe(false);

    expect(a.app.services.desk.holds(kept)).toBe(true);
    expect(b.app.services.desk.holds(kept)).toBe(true);
    // The queue is read from the owner rows, which went with the conversation.
    expect((await b.app.services.desk.queue()).map((o) => o.conversationId)).toEqual([kept]);
  });
});
