import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

const PRIVATE = ['Jane Privateperson', '123-45-6789', 'jane@private.example'];
const START = JSON.stringify({ query: 'mutation { startConversation(input: {}) { conversation { id } } }' });

/** An app whose startConversation fails as a statement with a shopper's details for parameters would. */
async function failingApp(env: string, fault: 'statement' | 'thrown') {
  const t = await createTestApp({ db, env: { NODE_ENV: env } });
  t.app.services.conversations.start = async () => {
    if (fault === 'thrown') throw new Error(`could not store ${PRIVATE[2]}`);
    await t.app.services.db.execute(sql`select ${PRIVATE[0]}::uuid, ${PRIVATE[1]}::text`);
    throw new Error('unreachable');
  };
  const { url } = await t.app.start(0, '127.0.0.1');
  return { t, url: `${url}/graphql` };
}

async function post(url: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: START });
  const text = await res.text();
  return { text, error: JSON.parse(text).errors[0] as { message: string; extensions: Record<string, unknown> } };
}

describe('an unexpected error, as a client sees it', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  it('in development: its type, SQLSTATE, statement with placeholders and where it was thrown; never the parameters', async () => {
    const { t, url } = await failingApp('development', 'statement');
    apps.push(t);
    const { text, error } = await post(url);
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    for (const value of PRIVATE) expect(text).not.toContain(value);
    expect(text).not.toMatch(/params:/);
    expect(error.message).toMatch(/^Unexpected error\.: \w+ 22P02, in `select \$1::uuid, \$2::text`/);
    expect(error.message).toMatch(/at test\/server\/graphql\/error-masking\.test\.ts:\d+/);
    expect(error.message).toContain('the full error is in the server log');
  });

  it("in development: another error's own message is not repeated either (it may hold anything)", async () => {
    const { t, url } = await failingApp('development', 'thrown');
    apps.push(t);
    const { text, error } = await post(url);
    expect(text).not.toContain(PRIVATE[2]);
    expect(error.message).toMatch(/^Unexpected error\.: Error, at test\/server\/graphql\/error-masking\.test\.ts:\d+/);
  });

  it('in production: the bare masked message', async () => {
    const { t, url } = await failingApp('production', 'statement');
    apps.push(t);
    const { error } = await post(url);
    expect(error).toEqual({
      message: 'Unexpected error.',
      path: ['startConversation'],
      locations: expect.any(Array),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
