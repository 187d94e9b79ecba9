import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatonClient, type FetchLike } from '../../client/src/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const secret = 'storefront-shared-secret-0123456789abcdef';
const tokenFor = (sub: string) =>
  new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 600 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));

/**
 * One browser tab, two shoppers: a family computer, a shop's kiosk. The client keeps the tab's conversation in
 * session storage; a signed-in shopper's chat must not be continued for the next shopper who signs in there.
 */
describe('a shared device', () => {
  let t: TestApp;
  let url: string;
  const fetchFn: FetchLike = (input, init) => fetch(input, init);

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true', CUSTOMER_TOKEN_SECRET: secret } });
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it("does not resume one shopper's verified conversation for another, and resumes each shopper's own", async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    const options = { url, transport: 'sse' as const, fetch: fetchFn, storage };
    const noah = await tokenFor('noah_brown_6181');
    const ivan = await tokenFor('ivan_santos_6635');

    const first = await createBatonClient(options).conversation({ customerToken: noah });
    first.close();
    expect(first.customerId).toBe('noah_brown_6181');
    // A reload, the same shopper: the same conversation.
    const again = await createBatonClient(options).conversation({ customerToken: noah });
    again.close();
    expect(again.id).toBe(first.id);

    // Another shopper signs in on the same tab: a conversation of their own, verified for them.
    const other = await createBatonClient(options).conversation({ customerToken: ivan });
    other.close();
    expect(other.id).not.toBe(first.id);
    expect(other.customerId).toBe('ivan_santos_6635');
    // Noah's token, still on the conversation the tab stored, would have answered as Noah's.
    const { customerId } = await t.app.services.conversations.get(other.id);
    expect(customerId).toBe('ivan_santos_6635');
  });
});
