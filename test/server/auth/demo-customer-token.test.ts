import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const secret = 'a-shop-secret-of-at-least-32-characters!';

/**
 * The demo page's "signed-in shopper" signs a customer token for the demo customer with the configured secret. With
 * API keys (a deployment, whatever NODE_ENV says) that secret is the shop's own, and such a token would verify any
 * shopper as that customer through renewCustomerToken: the endpoint is only there with AUTH_MODE=off.
 */
describe('/demo/customer-token', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const ask = async (env: Record<string, string>) => {
    t = await createTestApp({ env: { NODE_ENV: 'development', CUSTOMER_TOKEN_SECRET: secret, ...env } });
    const { url } = await t.app.start(0, '127.0.0.1');
    return fetch(`${url}/demo/customer-token`, { method: 'POST' });
  };

  it('signs nothing for anyone with API keys, even in development', async () => {
    const res = await ask({ AUTH_MODE: 'keys', ADMIN_API_KEY: `bk_adm_${'x'.repeat(40)}` });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Available in development with AUTH_MODE=off only.');
  });

  it('signs the demo customer in development with AUTH_MODE=off', async () => {
    const res = await ask({ AUTH_MODE: 'off' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toMatch(/eyJ/);
  });
});
