import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const secret = 'a-shop-secret-of-at-least-32-characters!';

/** POSTs to /demo/customer-token with the given headers (node:http: fetch does not let a caller write Host). */
function post(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/demo/customer-token`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * With AUTH_MODE=off the server is this machine's: a request is the admin only from a page of this machine
 * (docs/security.md). The demo's customer-token endpoint signed a verified token for the demo customer, with the
 * configured CUSTOMER_TOKEN_SECRET, for any page that asked: another site's page through a name it re-points at
 * 127.0.0.1 (DNS rebinding: same origin to that page, so it reads the answer), or a program elsewhere when the
 * development server listens beyond this machine.
 */
describe('/demo/customer-token answers pages of this machine only', () => {
  let t: TestApp;
  let url = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { NODE_ENV: 'development', AUTH_MODE: 'off', CUSTOMER_TOKEN_SECRET: secret } });
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it('refuses a Host that names another machine: 403 FORBIDDEN naming host, no token', async () => {
    const res = await post(url, { host: 'rebound.attacker.example:4000' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'FORBIDDEN', field: 'host' });
    expect(res.body).not.toMatch(/eyJ/);
  });

  it("refuses another site's page, a sandboxed frame and a relayed request: 403 naming origin or host", async () => {
    const origin = await post(url, { origin: 'https://attacker.example' });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body)).toMatchObject({ code: 'FORBIDDEN', field: 'origin' });
    const sandboxed = await post(url, { origin: 'null' });
    expect(sandboxed.status).toBe(403);
    const relayed = await post(url, { 'x-forwarded-for': '203.0.113.7' });
    expect(relayed.status).toBe(403);
    expect(relayed.body).not.toMatch(/eyJ/);
  });

  it("still signs the demo customer for this machine's own demo page", async () => {
    const page = new URL(url).origin;
    const res = await post(url, { origin: page });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/eyJ/);
    expect((await post(url, {})).status).toBe(200);
  });
});
