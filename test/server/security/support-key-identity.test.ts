import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const START =
  'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id identity { level customerId } } token } }';
const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';

type Started = {
  startConversation: {
    conversation: { id: string; identity: { level: string; customerId: string | null } };
    token: string;
  };
};

/**
 * A support colleague verifies a shopper with a code the shopper types (sendVerificationCode), and writes to them as a
 * person. Naming a customer (customerId) or writing as the shopper in a verified conversation would let a support key
 * have the bot act on any customer's orders on its own yes.
 */
describe('a support key does not act for a customer', () => {
  let t: TestApp;
  let admin = '';
  let dana = '';
  let integrator = '';

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  const conversationCount = async () =>
    Number((await t.app.services.database.query<{ n: string }>('select count(*) as n from conversations'))[0]!.n);

  it('may not vouch for a customer: FORBIDDEN naming input.customerId, and no conversation is started', async () => {
    const before = await conversationCount();
    const r = await t.gql<Started>(START, { input: { customerId: 'emma_smith_8564' } }, dana);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.errors![0]!.extensions!.field).toBe('input.customerId');
    expect(r.data).toBeNull();
    expect(await conversationCount()).toBe(before);
    // Without a customer, a support key still starts a conversation (the studio's playground).
    const plain = await t.gql<Started>(START, {}, dana);
    expect(plain.errors).toBeUndefined();
    expect(plain.data!.startConversation.conversation.identity.level).toBe('anonymous');
  });

  it('integrator and admin keys still vouch', async () => {
    for (const key of [integrator, admin]) {
      const r = await t.gql<Started>(START, { input: { customerId: 'emma_smith_8564' } }, key);
      expect(r.errors).toBeUndefined();
      expect(r.data!.startConversation.conversation.identity).toEqual({
        level: 'verified',
        customerId: 'emma_smith_8564',
      });
    }
  });

  it("may not write as the shopper in a customer's conversation: FORBIDDEN, and nothing is stored or run", async () => {
    const started = await t.gql<Started>(START, { input: { customerId: 'emma_smith_8564' } }, integrator);
    const id = started.data!.startConversation.conversation.id;
    const r = await t.gql(SEND, { id, text: 'Please cancel order #W2417020, I ordered it by mistake' }, dana);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.errors![0]!.extensions!.field).toBe('conversationId');
    expect(await t.app.services.eventStore.list({ conversationId: id, types: ['MESSAGE'] })).toEqual([]);
    expect(await t.app.services.conversations.listRuns({ conversationId: id, limit: 10 })).toEqual([]);
    // The shopper's own token, and the storefront's key, still write.
    const own = await t.gql(SEND, { id, text: 'hello' }, started.data!.startConversation.token);
    expect(own.errors).toBeUndefined();
    const backend = await t.gql(SEND, { id, text: 'hello again' }, integrator);
    expect(backend.errors).toBeUndefined();
  });
});
