import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const VIEWER = '{ viewer { role name writesAsShopper vouchesForCustomers } }';
const START =
  'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id } token } }';
const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';

/** `viewer` tells a client (the studio) what its credentials may do; it must say what sendMessage and startConversation do. */
describe('viewer', () => {
  let t: TestApp;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      onAdminKeyCreated: (k) => {
        keys.admin = k;
      },
    });
    keys.support = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    keys.integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  it.each(['admin', 'support', 'integrator'] as const)(
    'agrees with what a %s key may do as the shopper',
    async (role) => {
      const viewer = (await t.gql<{ viewer: Record<string, unknown> }>(VIEWER, {}, keys[role])).data!.viewer;
      expect(viewer.role).toBe(role);

      const vouched = await t.gql(START, { input: { customerId: 'yusuf_rossi_9620' } }, keys[role]);
      expect(errorCode(vouched) !== 'FORBIDDEN').toBe(viewer.vouchesForCustomers);

      const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(START, {}, keys.admin);
      const sent = await t.gql(
        SEND,
        { id: started.data!.startConversation.conversation.id, text: 'hello' },
        keys[role],
      );
      expect(errorCode(sent) !== 'FORBIDDEN').toBe(viewer.writesAsShopper);
    },
  );

  it('names a key, and says a conversation token writes as its shopper; no credentials get UNAUTHENTICATED', async () => {
    expect((await t.gql<{ viewer: { name: string } }>(VIEWER, {}, keys.support)).data!.viewer.name).toBe('Dana');
    const started = await t.gql<{ startConversation: { token: string } }>(START, {}, keys.integrator);
    const token = started.data!.startConversation.token;
    expect((await t.gql(VIEWER, {}, token)).data).toEqual({
      viewer: { role: 'conversation', name: null, writesAsShopper: true, vouchesForCustomers: false },
    });
    expect(errorCode(await t.gql(VIEWER, {}))).toBe('UNAUTHENTICATED');
  });
});
