import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import {
  type FragmentDefinitionNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  visit,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

// One migrated database for every app in this file: each app differs only in its settings.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

const repo = new URL('../../../', import.meta.url).pathname;

/** Every operation the studio sends, with the fragments it spreads (read from its sources). */
function studioOperations(): { name: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry)) files.push(path);
    }
  };
  walk(join(repo, 'studio/src/renderer'));
  const definitions = files.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/graphql\(\s*`([^`]*)`/g)].flatMap((m) => parse(m[1]!).definitions),
  );
  const fragments = new Map(
    definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const spread = (node: OperationDefinitionNode | FragmentDefinitionNode, seen: Set<string>) => {
    visit(node, {
      FragmentSpread(s) {
        if (seen.has(s.name.value)) return;
        seen.add(s.name.value);
        spread(fragments.get(s.name.value)!, seen);
      },
    });
    return seen;
  };
  return definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => ({
      name: op.name?.value ?? 'anonymous',
      text: [op, ...[...spread(op, new Set())].map((n) => fragments.get(n)!)].map((d) => print(d)).join('\n'),
    }));
}

const post = (t: TestApp, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  t.app.yoga.fetch('http://baton.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);

describe('GraphQL operation limits (graphql-armor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      db,
      env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_TOKENS: '400', GRAPHQL_MAX_COST: '300' },
    });
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  it('refuses an over-deep query before running it', async () => {
    const deep = await t.gql('{ conversations(first: 1) { edges { node { runs { tasks { id } } } } } }');
    expect(deep.errors?.[0]?.message).toMatch(/depth limit of 4 exceeded, found 6/);
    expect(deep.data ?? null).toBeNull();
    const ok = await t.gql('{ conversations(first: 1) { edges { node { id } } } }');
    expect(ok.errors).toBeUndefined();
  });

  it('refuses alias flooding, token flooding and costly queries', async () => {
    const aliases = await t.gql(`{ ${['a', 'b', 'c', 'd'].map((a) => `${a}: settings { brandVoice }`).join(' ')} }`);
    expect(aliases.errors?.[0]?.message).toMatch(/Aliases limit of 3 exceeded, found 4/);

    const tokens = await t.gql(`{ settings { ${'brandVoice '.repeat(500)} } }`);
    expect(tokens.errors?.[0]?.message).toMatch(/Token limit of 400 exceeded/);

    const costly = await t.gql(
      `{ agents { name tools handoffs skills model { provider model temperature timeoutMs } } settings { businessHours { days { intervals { open close } } } } conversations(first: 5) { edges { node { id runs { id status tasks { id agent instruction statusMessage dependsOn status } } } } } }`,
    );
    expect(costly.errors?.[0]?.message).toMatch(/Query Cost limit of 300 exceeded/);
  });
});

describe('GraphQL limits at their defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ db });
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  it('every operation the studio sends passes the default limits', () => {
    const ops = studioOperations();
    expect(ops.length).toBeGreaterThan(15);
    const { parse: parseOp, validate, schema } = t.app.yoga.getEnveloped({});
    for (const op of ops) {
      const errors: readonly GraphQLError[] = validate(schema, parseOp(op.text));
      expect(
        errors.map((e) => e.message).filter((m) => /limit of/.test(m)),
        op.name,
      ).toEqual([]);
    }
  });

  it('refuses NUL characters in variables and literals with BAD_USER_INPUT, writing nothing', async () => {
    const before = (await t.app.services.settings.get()).brandVoice;
    const viaVariable = await t.gql(
      'mutation($v: String) { updateSettings(input: { brandVoice: $v }) { brandVoice } }',
      {
        v: 'Warm\u0000and brief',
      },
    );
    expect(errorCode(viaVariable)).toBe('BAD_USER_INPUT');
    const viaLiteral = await t.gql('mutation { updateSettings(input: { brandVoice: "Warm\\u0000" }) { brandVoice } }');
    expect(errorCode(viaLiteral)).toBe('BAD_USER_INPUT');
    expect((await t.app.services.settings.get()).brandVoice).toBe(before);
  });

  it('GraphiQL’s introspection query passes too (armor ignores introspection)', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const r = await t.gql<{ __schema: { queryType: { name: string } } }>(getIntrospectionQuery());
    expect(r.errors).toBeUndefined();
    expect(r.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('request body size', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ db, env: { MAX_REQUEST_BODY_BYTES: '65536' } });
    await t.app.services.runs.stop();
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  const countConversations = async () => (await t.app.services.conversations.page(1_000)).length;

  it('refuses a 50 MB body with 413 and a typed error, and keeps serving', async () => {
    const before = await countConversations();
    const huge = JSON.stringify({
      query: 'mutation($t: String) { startConversation(input: { title: $t }) { token } }',
      variables: { t: 'x'.repeat(50 * 1024 * 1024) },
    });
    const res = await post(t, huge, { 'content-length': String(Buffer.byteLength(huge)) });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countConversations()).toBe(before);
    expect((await t.gql('{ settings { brandVoice } }')).errors).toBeUndefined();
  });

  it('refuses an oversized chunked body (no Content-Length) without reading all of it', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: only the limit ends it.
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await post(t, stream);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it('over a real socket: 413 before the server reads a body it was told is 50 MB', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write('{"query":"{ settings { brandVoice } }", "variables": {"x": "');
      req.write('y'.repeat(256 * 1024));
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const after = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ settings { brandVoice } }' }),
    });
    expect(after.status).toBe(200);
  });

  it('accepts an ordinary body under the limit', async () => {
    const r = await t.gql<{ startConversation: { token: string } }>(
      'mutation($t: String) { startConversation(input: { title: $t }) { token } }',
      { t: 'x'.repeat(100) },
    );
    expect(r.data?.startConversation.token).toMatch(/^ct_/);
  });
});

describe('introspection and GraphiQL', () => {
  const introspect = (t: TestApp) => t.gql<{ __schema: { types: unknown[] } }>('{ __schema { types { name } } }');
  const graphiql = async (t: TestApp) =>
    (await t.app.yoga.fetch('http://baton.test/graphql', { headers: { accept: 'text/html' } })).status;

  it('are off with NODE_ENV=production, over HTTP and WebSocket', async () => {
    const t = await createTestApp({ db, env: { NODE_ENV: 'production' } });
    try {
      await t.app.services.runs.stop();
      const r = await introspect(t);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await t.gql<{ __typename: string }>('{ __typename }')).data?.__typename).toBe('Query');
      expect(await graphiql(t)).not.toBe(200);

      const { url } = await t.app.start(0, '127.0.0.1');
      const sub = subscribe('ws', url, '{ __schema { types { name } } }', {}, (d) => d);
      await expect(sub.waitFor(1, 5_000)).rejects.toBeTruthy();
      expect(JSON.stringify(sub.error)).toMatch(/introspection/i);
      sub.stop();
    } finally {
      await t.close();
    }
  });

  it('are on in production when INTROSPECTION and GRAPHIQL say so', async () => {
    const t = await createTestApp({ db, env: { NODE_ENV: 'production', INTROSPECTION: 'true', GRAPHIQL: 'true' } });
    try {
      await t.app.services.runs.stop();
      expect((await introspect(t)).data?.__schema.types.length).toBeGreaterThan(10);
      expect(await graphiql(t)).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('can be turned off outside production', async () => {
    const t = await createTestApp({ db, env: { INTROSPECTION: 'false' } });
    try {
      await t.app.services.runs.stop();
      expect((await introspect(t)).errors?.[0]?.message).toMatch(/introspection/i);
      expect(errorCode(await t.gql('{ settings { brandVoice } }'))).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('input edge cases and page sizes (production, keys)', () => {
  let t: TestApp;
  let admin: string;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ db, env: { NODE_ENV: 'production', AUTH_MODE: 'keys' } });
    await t.app.services.runs.stop();
    admin = (await t.app.services.apiKeys.create('probe-admin', 'admin')).key;
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it('refuses a lone surrogate in sendMessage text or startConversation metadata with VALIDATION_FAILED naming the field', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const send = await t.gql(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversation.id, text: 'hello \uD800 there' },
      token,
    );
    expect(send.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    const literal = await t.gql(
      `mutation { sendMessage(conversationId: "${conversation.id}", text: "hi \\uDC00") { id } }`,
      {},
      token,
    );
    // GraphQL's own parser refuses a lone surrogate escape in a literal: a parse error, nothing internal.
    expect(errorCode(literal)).toBe('GRAPHQL_PARSE_FAILED');
    const meta = await t.gql(
      'mutation($m: JSON) { startConversation(input: { metadata: $m }) { token } }',
      { m: { note: ['ok', 'bad \uDBFF'] } },
      admin,
    );
    expect(meta.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata.note[1]' });
    expect(await t.app.services.conversations.runsOf(conversation.id)).toEqual([]);
    // A well-formed pair (an emoji) is fine.
    const ok = await t.gql(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversation.id, text: 'thanks 👍' },
      token,
    );
    expect(ok.errors).toBeUndefined();
  });

  it('caps `first:` given as a variable like a literal, and bounds nested pages', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const viaVariable = await t.gql(
      'query($id: ID!, $n: Int) { conversation(id: $id) { events(first: $n) { id } } }',
      { id: conversation.id, n: 100_000 },
      admin,
    );
    expect(errorCode(viaVariable)).toBe('VALIDATION_FAILED');
    const tickets = await t.gql('query($n: Int) { tickets(first: $n) { id } }', { n: 100_000 }, admin);
    expect(errorCode(tickets)).toBe('VALIDATION_FAILED');
    const knowledge = await t.gql(
      'query($n: Int) { searchKnowledge(query: "returns", limit: $n) { score } }',
      { n: 5_000 },
      admin,
    );
    expect(errorCode(knowledge)).toBe('VALIDATION_FAILED');
    const nested = await t.gql(
      'query($n: Int, $m: Int) { conversations(first: $n) { edges { node { events(first: $m) { id } } } } }',
      { n: 100, m: 500 },
      admin,
    );
    expect(errorCode(nested)).toBe('VALIDATION_FAILED');
    const fine = await t.gql(
      'query($id: ID!, $n: Int) { conversation(id: $id) { events(first: $n) { id } } }',
      { id: conversation.id, n: 50 },
      admin,
    );
    expect(fine.errors).toBeUndefined();
  });

  it('gives no enum "Did you mean" suggestions in production, to anyone, over HTTP and WebSocket', async () => {
    const asked = [
      ['query { runs(status: [COMPLETE]) { id } }', {}],
      ['query($s: [RunStatus!]) { runs(status: $s) { id } }', { s: ['COMPLETE'] }],
      ['query { tickets(status: OPE) { id } }', {}],
    ] as const;
    for (const token of [admin, undefined]) {
      for (const [query, variables] of asked) {
        const r = await t.gql(query, variables, token);
        expect(r.errors?.length, query).toBeGreaterThan(0);
        expect(JSON.stringify(r.errors), query).not.toMatch(/did you mean|COMPLETED|"OPEN"/i);
      }
    }
    const sub = subscribe('ws', url, 'subscription { eventFeed(types: [MESSAG]) { id } }', {}, (d) => d, admin);
    await expect(sub.waitFor(1, 5_000)).rejects.toBeTruthy();
    expect(JSON.stringify(sub.error)).not.toMatch(/did you mean|MESSAGE_DELTA/i);
    sub.stop();
  });
});
