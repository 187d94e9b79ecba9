import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const secret = 'reuse-test-storefront-secret-0123456789';
const sign = (sub: string) =>
  new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 600 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));

const START =
  'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id } token } }';
const RENEW =
  'mutation($id: ID!, $t: String!) { renewCustomerToken(conversationId: $id, customerToken: $t) { id customerId } }';
const IDENTITY = 'query($id: ID!) { conversation(id: $id) { customerId identity { level customerId } } }';

/**
 * A storefront token of customer X renews a conversation of X only. Used on Y's conversation (vouched for by a key,
 * or verified by X's own token), it is refused naming the argument, and the conversation stays Y's.
 */
describe("a customer's storefront token does not move another customer's conversation", () => {
  let t: TestApp;
  let integrator = '';
  beforeAll(async () => {
    t = await createTestApp({
      env: { SEED_DEMO_DATA: 'true', AUTH_MODE: 'keys', CUSTOMER_TOKEN_SECRET: secret },
    });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  it.each([
    ['a storefront token', async () => ({ customerToken: await sign('james_li_5688') })],
    ['a key vouching for the customer', async () => ({ customerId: 'james_li_5688' })],
  ])('on a conversation verified by %s: FORBIDDEN naming customerToken, still that customer', async (_, input) => {
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      { input: await input() },
      integrator,
    );
    expect(started.errors).toBeUndefined();
    const { conversation, token } = started.data!.startConversation;
    const r = await t.gql(RENEW, { id: conversation.id, t: await sign('sofia_rossi_8776') }, token);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.errors![0]!.extensions!.field).toBe('customerToken');
    const after = await t.gql<{ conversation: { customerId: string; identity: { customerId: string } } }>(
      IDENTITY,
      { id: conversation.id },
      token,
    );
    expect(after.data!.conversation.customerId).toBe('james_li_5688');
    expect(after.data!.conversation.identity.customerId).toBe('james_li_5688');
  });
});
