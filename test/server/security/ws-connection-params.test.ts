import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * `connectionParams` is the client's JSON: its `authorization` may be a number, an object or a list. Read as a string,
 * it threw, and graphql-ws closed the socket with 4500 and the TypeError's text ("authorization?.replace is not a
 * function"). It is a credential that does not verify: UNAUTHENTICATED, for that operation alone.
 */
describe('a WebSocket whose connectionParams.authorization is not a string', () => {
  let t: TestApp;
  let url = '';
  let integrator = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    url = `${(await t.app.start(0, '127.0.0.1')).url.replace('http', 'ws')}/graphql`;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  /** Runs one operation on a client with these connectionParams; what it answered, or how the socket closed. */
  const run = (client: ReturnType<typeof createClient>, query: string) =>
    new Promise<{ errors?: unknown; data?: unknown; closed?: { code: number; reason: string } }>((resolve) => {
      client.subscribe(
        { query },
        {
          next: (value) => resolve(value as { errors?: unknown; data?: unknown }),
          // An operation refused before it runs is graphql-ws's `error` message: its errors, as a list.
          error: (err) => {
            if (Array.isArray(err)) return resolve({ errors: err });
            const close = err as { code?: number; reason?: string };
            resolve({ closed: { code: close.code ?? 0, reason: close.reason ?? String(err) } });
          },
          complete: () => {},
        },
      );
    });

  it.each([
    ['a number', 123],
    ['an object', { token: integrator }],
    ['a list', [`Bearer ${integrator}`]],
    ['true', true],
  ])('%s: UNAUTHENTICATED for the operation, and the connection stays open', async (_name, authorization) => {
    let closed: { code: number; reason: string } | undefined;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
      lazy: false,
      on: {
        closed: (event) => {
          const e = event as { code: number; reason: string };
          closed = { code: e.code, reason: e.reason };
        },
      },
    });
    try {
      const first = await run(client, 'query { agents { name } }');
      expect(first.closed).toBeUndefined();
      expect(first.errors).toEqual([
        expect.objectContaining({
          message: 'The authorization must be a string: "Bearer <API key or conversation token>"',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ]);
      // The same socket answers the next operation too: it was not closed under it.
      const second = await run(client, 'subscription { eventFeed { id } }');
      expect(second.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
      expect(closed).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it('a string is read as before', async () => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${integrator}` },
      retryAttempts: 0,
    });
    try {
      const answer = await run(client, 'query { agents { name } }');
      expect(answer.errors).toBeUndefined();
      expect((answer.data as { agents: unknown[] }).agents.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });
});
