import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../server/src/db/client.js';
import { RateLimitedError } from '../../../server/src/errors.js';
import { RateLimiter } from '../../../server/src/security/rate-limiter.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

const limits = {
  windowSeconds: 60,
  requestsPerKey: 5,
  messagesPerKey: 3,
  messagesPerConversation: 2,
  unauthenticatedPerAddress: 0,
};
const key = (keyId: string) => ({ kind: 'key' as const, role: 'integrator' as const, keyId, name: keyId });

async function refusal(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  return err as RateLimitedError;
}

describe('RateLimiter on the database', () => {
  let db: TestDatabase;
  let second: Database | undefined;
  let replicaA: RateLimiter;
  let replicaB: RateLimiter;
  beforeAll(async () => {
    db = await createTestDatabase();
    // On PostgreSQL the second replica has its own connection pool, as another process would.
    second = db.url ? await openDatabase({ databaseUrl: db.url, maxConnections: 3 }) : undefined;
    replicaA = new RateLimiter(db.database, limits);
    replicaB = new RateLimiter(second ?? db.database, limits);
  });
  afterAll(async () => {
    await second?.close();
    await db.dispose();
  });

  it('shares one budget per key across replicas and refuses with retryAfter', async () => {
    for (const limiter of [replicaA, replicaB, replicaA, replicaB, replicaA]) await limiter.checkRequest(key('k1'));
    const err = await refusal(replicaB.checkRequest(key('k1')));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details.retryAfter).toBeGreaterThan(0);
    expect(err.details.retryAfter).toBeLessThanOrEqual(120);
    // Another key has its own budget.
    await replicaA.checkRequest(key('k2'));
  });

  it('counts concurrent requests exactly, with no lost update', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? replicaA : replicaB).checkRequest(key('burst'))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(limits.requestsPerKey);
    // On PGlite the counts are written to the table behind the requests.
    await replicaA.flush();
    const [row] = await db.database.db.query.rateLimits.findMany({
      where: (t, { eq }) => eq(t.bucket, 'key:burst:requests'),
    });
    expect(row?.count).toBe(30);
  });

  it('limits messages per conversation and per key, whoever sends them', async () => {
    await replicaA.checkMessage({ kind: 'anonymous', devAdmin: true }, 'c1');
    await replicaB.checkMessage(key('m1'), 'c1');
    const perConversation = await refusal(replicaA.checkMessage(key('m2'), 'c1'));
    expect(perConversation.message).toMatch(/messages in this conversation/);

    await replicaA.checkMessage(key('m3'), 'c2');
    await replicaA.checkMessage(key('m3'), 'c3');
    await replicaB.checkMessage(key('m3'), 'c4');
    const perKey = await refusal(replicaB.checkMessage(key('m3'), 'c5'));
    expect(perKey.message).toMatch(/messages for this key/);
  });

  it.skipIf(testDatabaseKind !== 'pglite')(
    'on PGlite, counts kept in the process reach the table, but never for a conversation that is gone',
    async () => {
      const [c] = await db.database.query<{ id: string }>(
        "insert into conversations (token_hash) values ('rate-limit test') returning id",
      );
      const bucketRows = () =>
        db.database.query<{ count: number }>('select count from rate_limits where bucket = $1::text', [
          `conversation:${c!.id}:messages`,
        ]);
      await replicaA.checkMessage({ kind: 'anonymous', devAdmin: true }, c!.id);
      await replicaB.checkMessage({ kind: 'anonymous', devAdmin: true }, c!.id);
      await replicaA.flush();
      expect((await bucketRows()).map((r) => Number(r.count))).toEqual([2]);
      // Erased meanwhile (the row and the conversation): a count still held is not written back.
      await db.database.query('delete from rate_limits where bucket = $1::text', [`conversation:${c!.id}:messages`]);
      await db.database.query('delete from conversations where id = $1::uuid', [c!.id]);
      await refusal(replicaA.checkMessage({ kind: 'anonymous', devAdmin: true }, c!.id));
      await replicaA.flush();
      expect(await bucketRows()).toEqual([]);
    },
  );

  it('lets requests through again once the window has slid on', async () => {
    const rule = { limit: 2, windowSeconds: 1 };
    expect((await replicaA.hit('short', rule)).allowed).toBe(true);
    expect((await replicaA.hit('short', rule)).allowed).toBe(true);
    const refused = await replicaB.hit('short', rule);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, refused.retryAfterSeconds * 1000 + 50));
    expect((await replicaA.hit('short', rule)).allowed).toBe(true);
  });

  it('a limit of 0 is off, and prune removes idle buckets only', async () => {
    const off = new RateLimiter(db.database, { ...limits, requestsPerKey: 0 });
    for (let i = 0; i < 20; i++) await off.checkRequest(key('unlimited'));
    await db.database.db.execute(
      "update rate_limits set window_start = now() - interval '1 hour' where bucket = 'key:k2:requests'",
    );
    expect(await replicaA.prune()).toBe(1);
    const buckets = (await db.database.db.query.rateLimits.findMany()).map((r) => r.bucket);
    expect(buckets).not.toContain('key:k2:requests');
    expect(buckets).not.toContain('key:unlimited:requests');
    expect(buckets).toContain('key:k1:requests');
  });
});

describe('rate limits through the API', () => {
  let t: TestApp;
  let url: string;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        RATE_LIMIT_REQUESTS_PER_KEY: '4',
        RATE_LIMIT_MESSAGES_PER_CONVERSATION: '2',
        RATE_LIMIT_MESSAGES_PER_KEY: '3',
      },
      onAdminKeyCreated: (k) => (admin = k),
    });
    await t.app.services.runs.stop();
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  const post = (token: string, query: string, variables: Record<string, unknown> = {}) =>
    t.app.yoga.fetch('http://baton.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });

  /** sendMessage to one conversation over GraphQL, with its token. */
  const sender = (id: string, token: string) => (text: string) =>
    t.gql(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id, text },
      token,
    );

  it('answers 429 with Retry-After and RATE_LIMITED once a key is over its request limit', async () => {
    const { key: storefront } = await t.app.services.apiKeys.create('storefront', 'integrator');
    const { key: other } = await t.app.services.apiKeys.create('other', 'integrator');
    for (let i = 0; i < 4; i++) expect((await post(storefront, '{ settings { brandVoice } }')).status).toBe(200);
    const res = await post(storefront, '{ settings { brandVoice } }');
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    const body = (await res.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(body.errors[0]?.extensions.http).toBeUndefined();
    // Other keys are unaffected.
    expect((await post(other, '{ settings { brandVoice } }')).status).toBe(200);

    // So do its calls to the store's MCP endpoint.
    const mcp = (key: string) =>
      fetch(`${url}/mcp/store`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    expect((await mcp(storefront)).status).toBe(429);
    expect([401, 429]).not.toContain((await mcp(other)).status);

    // Subscriptions count as requests of the key too.
    const sub = subscribe('ws', url, 'subscription { eventFeed { id } }', {}, (d) => d, storefront);
    await expect(sub.waitFor(1, 5_000)).rejects.toBeTruthy();
    expect(sub.error).toMatchObject([{ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } }]);
    expect(JSON.stringify(sub.error)).not.toContain('"http"');
    sub.stop();
  });

  it('refuses a third message in a minute to one conversation, storing nothing for it', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const send = sender(conversation.id, token);
    expect((await send('one')).errors).toBeUndefined();
    expect((await send('two')).errors).toBeUndefined();
    const third = await send('three');
    expect(errorCode(third)).toBe('RATE_LIMITED');
    expect(third.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect((await t.app.services.conversations.runsOf(conversation.id)).length).toBe(2);
    const texts = (await t.app.services.eventStore.list({ conversationId: conversation.id, types: ['MESSAGE'] })).map(
      (e) => (e.type === 'MESSAGE' ? e.data.text : ''),
    );
    expect(texts).not.toContain('three');
  });

  it('limits the messages one key sends across conversations', async () => {
    const { key: bulk } = await t.app.services.apiKeys.create('bulk', 'admin');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await t.app.services.conversations.start({})).conversation.id);
    const send = (id: string) =>
      t.gql('mutation($id: ID!) { sendMessage(conversationId: $id, text: "hello") { id } }', { id }, bulk);
    for (const id of ids.slice(0, 3)) expect((await send(id)).errors).toBeUndefined();
    expect(errorCode(await send(ids[3]!))).toBe('RATE_LIMITED');
    // Another key still can.
    expect(
      (await t.gql('mutation($id: ID!) { sendMessage(conversationId: $id, text: "hi") { id } }', { id: ids[3] }, admin))
        .errors,
    ).toBeUndefined();
  });
  it('sendMessage counts its request once and its message once', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const res = await post(token, 'mutation($id: ID!) { sendMessage(conversationId: $id, text: "hi") { id } }', {
      id: conversation.id,
    });
    expect(res.status).toBe(200);
    await t.app.services.rateLimits.flush();
    const counts = Object.fromEntries(
      (await t.app.services.database.db.query.rateLimits.findMany())
        .filter((r) => r.bucket.startsWith(`conversation:${conversation.id}`))
        .map((r) => [r.bucket.split(':').at(-1), r.count]),
    );
    expect(counts).toEqual({ requests: 1, messages: 1 });
  });

  it('a sendMessage over the request limit is a 429 with Retry-After, and stores nothing', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const read = `query($id: ID!) { conversation(id: $id) { id } }`;
    const send = (text: string) =>
      post(token, 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }', {
        id: conversation.id,
        text,
      });
    expect((await send('one')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await post(token, read, { id: conversation.id })).status).toBe(200);
    const res = await send('two');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.errors[0]?.extensions.http).toBeUndefined();
    expect(await t.app.services.conversations.runsOf(conversation.id)).toHaveLength(1);
  });

  it('an invalid message still counts against the limits, and over them the refusal is the error', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const send = sender(conversation.id, token);
    const bucket = async (name: string) => {
      await t.app.services.rateLimits.flush();
      const [row] = await t.app.services.database.db.query.rateLimits.findMany({
        where: (r, { eq }) => eq(r.bucket, `conversation:${conversation.id}:${name}`),
      });
      return row?.count;
    };
    expect(errorCode(await send('   '))).toBe('VALIDATION_FAILED');
    expect([await bucket('requests'), await bucket('messages')]).toEqual([1, 1]);
    expect((await send('one')).errors).toBeUndefined();
    // Over the conversation's limit of 2: the refusal, not the validation error.
    expect(errorCode(await send('   '))).toBe('RATE_LIMITED');
    expect([await bucket('requests'), await bucket('messages')]).toEqual([3, 3]);
    expect(await t.app.services.conversations.runsOf(conversation.id)).toHaveLength(1);
  });

  it('a message over its limits interrupts nothing under the interrupt policy', async () => {
    const setPolicy = (p: string) =>
      t.gql(
        'mutation($p: DoubleTextingPolicy!) { updateSettings(input: { doubleTexting: $p }) { doubleTexting } }',
        { p },
        admin,
      );
    expect((await setPolicy('interrupt')).errors).toBeUndefined();
    try {
      const { conversation, token } = await t.app.services.conversations.start({});
      const send = sender(conversation.id, token);
      expect((await send('one')).errors).toBeUndefined();
      expect((await send('two')).errors).toBeUndefined(); // interrupts the first
      expect(errorCode(await send('three'))).toBe('RATE_LIMITED');
      const statuses = (await t.app.services.conversations.runsOf(conversation.id)).map((r) => r.status);
      expect(statuses).toEqual(['CANCELLED', 'PENDING']);
    } finally {
      await setPolicy('queue');
    }
  });

  it('a request that fails before sendMessage counts it is counted all the same', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    // Step mode is for designers: refused before the resolver counts anything.
    const res = await post(
      token,
      'mutation($id: ID!) { sendMessage(conversationId: $id, text: "hi", mode: STEP) { id } }',
      { id: conversation.id },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
    let row: { count: number } | undefined;
    for (let i = 0; i < 50 && !row; i++) {
      [row] = await t.app.services.database.db.query.rateLimits.findMany({
        where: (r, { eq }) => eq(r.bucket, `conversation:${conversation.id}:requests`),
      });
      if (!row) await new Promise((r) => setTimeout(r, 10));
    }
    expect(row?.count).toBe(1);
  });
});

describe('requests without valid credentials, per client address', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', NODE_ENV: 'production', RATE_LIMIT_UNAUTHENTICATED_PER_ADDRESS: '4' },
    });
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it('are limited per address over HTTP, /mcp/store and WebSocket, while valid credentials still pass', async () => {
    const { key } = await t.app.services.apiKeys.create('storefront', 'integrator');
    const post = (authorization?: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const statuses = [];
    for (const auth of [undefined, 'Bearer bk_int_guess1', undefined, 'Bearer ct_x_guess2'])
      statuses.push((await post(auth)).status);
    expect(statuses).not.toContain(429);
    const refused = await post('Bearer bk_int_guess3');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'RATE_LIMITED',
    );
    expect((await post()).status).toBe(429);
    const mcp = await fetch(`${url}/mcp/store`, {
      method: 'POST',
      headers: { authorization: 'Bearer bk_int_guess4', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(mcp.status).toBe(429);
    const sub = subscribe('ws', url, 'subscription { eventFeed { id } }', {}, (d) => d, 'bk_int_guess5');
    await expect(sub.waitFor(1, 5_000)).rejects.toBeTruthy();
    expect(sub.error).toMatchObject([{ extensions: { code: 'RATE_LIMITED' } }]);
    sub.stop();
    // A valid key from the same address is not held back by the guesses.
    expect((await post(`Bearer ${key}`)).status).toBe(200);
  });
});
