import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { createTestApp, errorCode, sendAndWait, type TestApp } from '../../helpers/test-app.js';

const secret = 'session-test-storefront-secret-0123456789';
const SHOPPER = { id: 'james_li_5688', order: '#W2611340', street: '215 River Road' };
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

/** Verified sessions on a production-mode server: they end with the token, and bad tokens never start one. */
describe('verified customer sessions', () => {
  let t: TestApp;
  let integrator: string;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        SEED_DEMO_DATA: 'true',
        AUTH_MODE: 'keys',
        NODE_ENV: 'production',
        CUSTOMER_TOKEN_SECRET: secret,
        CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS: '3600',
      },
    });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  });
  afterAll(() => t.close());

  const start = (customerToken: string) =>
    t.gql<{ startConversation: { conversation: { id: string; customerId: string | null }; token: string } }>(
      'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id customerId } token } }',
      { input: { customerToken } },
      integrator,
    );

  async function ask(conversationId: string, token: string, text: string): Promise<BatonEvent[]> {
    return t.app.services.eventStore.list({ runId: await sendAndWait(t, conversationId, text, token) });
  }

  it('acts for the customer until the token’s exp, and for nobody after it', async () => {
    const started = await start(await sign({ sub: SHOPPER.id, exp: now() + 6 }));
    expect(started.errors).toBeUndefined();
    const { conversation, token } = started.data!.startConversation;
    const question = `Where is my order ${SHOPPER.order} going to?`;
    const before = await ask(conversation.id, token, question);
    expect(JSON.stringify(before)).toContain(SHOPPER.street);

    const expiresAt = (await t.app.services.customerSessions.get(conversation.id))!.verifiedUntil.getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 200));
    const after = await ask(conversation.id, token, question);
    expect(JSON.stringify(after)).not.toContain(SHOPPER.street);
    const lookups = after.filter((e) => e.type === 'TOOL_CALL' && e.data.tool === 'store.get_order_details');
    for (const call of lookups) expect(call.type === 'TOOL_CALL' && call.data.output).toBeFalsy();
  });

  it('is renewed by a newer token of the same customer, and not by another customer’s', async () => {
    const started = await start(await sign({ sub: SHOPPER.id, exp: now() + 2 }));
    const { conversation, token } = started.data!.startConversation;
    const renew = async (sub: string) =>
      t.gql(
        'mutation($id: ID!, $t: String!) { renewCustomerToken(conversationId: $id, customerToken: $t) { id } }',
        { id: conversation.id, t: await sign({ sub, exp: now() + 600 }) },
        token,
      );
    expect(errorCode(await renew('sofia_rossi_8776'))).toBe('FORBIDDEN');
    expect((await renew(SHOPPER.id)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2_500));
    const events = await ask(conversation.id, token, `Where is my order ${SHOPPER.order} going to?`);
    expect(JSON.stringify(events)).toContain(SHOPPER.street);
  });

  it.each([
    ['an exp beyond the maximum lifetime', { sub: SHOPPER.id, exp: now() + 2 * 86_400 }, /longer than 3600/],
    ['an iat in the future', { sub: SHOPPER.id, exp: now() + 600, iat: now() + 3_600 }, /issued in the future/],
    ['a sub that is no store customer', { sub: 'nobody_0000', exp: now() + 600 }, /not a customer/],
  ])('refuses a token with %s, starting nothing', async (_what, claims, message) => {
    const before = (await t.app.services.conversations.page(1_000)).length;
    const r = await start(await sign(claims));
    expect(errorCode(r)).toBe('UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toMatch(message);
    expect((await t.app.services.conversations.page(1_000)).length).toBe(before);
  });
});
