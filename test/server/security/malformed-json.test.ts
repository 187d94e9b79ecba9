import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

// What a careless client might send: a body cut short around someone's details.
const SECRET = 'noah.brown7922@example.com';
const BROKEN = `{"query": "mutation { sendMessage(text: \\"${SECRET}\\") }", oops`;

describe.each(['development', 'production'])('malformed JSON (NODE_ENV=%s), over HTTP', (env) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ db, env: { NODE_ENV: env } });
    url = `${(await t.app.start(0, '127.0.0.1')).url}/graphql`;
  }, 60_000);
  afterAll(() => t.close());

  it('a POST body that does not parse is BAD_REQUEST (400) saying so, without echoing the body', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BROKEN });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('oops');
  });

  it("a GET's variables that do not parse are BAD_REQUEST (400), not an unexpected error", async () => {
    const res = await fetch(
      `${url}?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(`{"email": "${SECRET}"`)}`,
    );
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(text).not.toContain(SECRET);
  });

  it('well-formed JSON is served as before', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
