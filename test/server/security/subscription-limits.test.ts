import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBSCRIPTION_LIMITS } from '../../../server/src/security/subscription-limits.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const EVENTS = 'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type } }';
const FEED = 'subscription { eventFeed(after: "0") { id type } }';

type Outcome = { kind: 'open' } | { kind: 'refused'; code?: string; reason?: string };

/**
 * One credential cannot open subscriptions without end: each replays what it resumes from and then holds a stream, so
 * a thousand on one shopper's token held the replica's event loop for seconds and grew its memory by 0.8 GB. Over a
 * real WebSocket, against a real server with API keys.
 */
describe('open subscriptions per credential', () => {
  let t: TestApp;
  let url = '';
  let integrator = '';
  let conversationId = '';
  let shopper = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    ({ url } = await t.app.start(0, '127.0.0.1'));
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      {},
      integrator,
    );
    conversationId = started.data!.startConversation.conversation.id;
    shopper = started.data!.startConversation.token;
    await stored(conversationId);
  });
  afterAll(() => t.close());

  /** A stored event in the conversation, for its streams to replay. */
  const stored = (id: string) =>
    t.app.services.events.append([{ type: 'MESSAGE', conversationId: id, data: { role: 'user', text: 'hello' } }]);

  /**
   * One WebSocket for the credential. Every stream opened here replays at least one stored event, so a subscription the
   * server took answers with data, and one it refused answers with its error: either way the first answer says which.
   */
  const connect = (token: string) => {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const open = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<{ outcome: Outcome; close: () => void }>((resolve) => {
        let settled = false;
        const close = client.subscribe(
          { query, variables },
          {
            next: (value) => {
              if (settled) return;
              settled = true;
              const error = (value.errors as { extensions?: { code?: string; reason?: string } }[] | undefined)?.[0];
              resolve({ outcome: error ? { kind: 'refused', ...error.extensions } : { kind: 'open' }, close });
            },
            error: () => {},
            complete: () => {},
          },
        );
      });
    return { open, dispose: () => client.dispose() };
  };

  it("refuses a shopper's token past its limit, and takes one again once one is closed", async () => {
    const ws = connect(shopper);
    const opened = [];
    for (let i = 0; i < SUBSCRIPTION_LIMITS.conversationToken; i++) {
      const sub = await ws.open(EVENTS, { id: conversationId });
      expect(sub.outcome, `subscription ${i + 1}`).toEqual({ kind: 'open' });
      opened.push(sub);
    }
    const past = await ws.open(EVENTS, { id: conversationId });
    expect(past.outcome).toMatchObject({ kind: 'refused', code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS' });

    // A second connection with the same token is the same credential.
    const other = connect(shopper);
    expect((await other.open(EVENTS, { id: conversationId })).outcome).toMatchObject({ kind: 'refused' });

    opened[0]!.close();
    await expect
      .poll(async () => (await other.open(EVENTS, { id: conversationId })).outcome.kind, { timeout: 5_000 })
      .toBe('open');
    other.dispose();
    ws.dispose();
  });

  it("gives an integrator's key few event feeds and few copies of one conversation's stream, and many streams", async () => {
    const ws = connect(integrator);
    for (let i = 0; i < SUBSCRIPTION_LIMITS.eventFeed; i++) expect((await ws.open(FEED)).outcome.kind).toBe('open');
    expect((await ws.open(FEED)).outcome).toMatchObject({ kind: 'refused', reason: 'TOO_MANY_SUBSCRIPTIONS' });

    for (let i = 0; i < SUBSCRIPTION_LIMITS.sameStream; i++)
      expect((await ws.open(EVENTS, { id: conversationId })).outcome.kind).toBe('open');
    expect((await ws.open(EVENTS, { id: conversationId })).outcome).toMatchObject({ kind: 'refused' });

    // Other conversations' streams are still open to it.
    const next = await t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
      {},
      integrator,
    );
    const other = next.data!.startConversation.conversation.id;
    await stored(other);
    expect((await ws.open(EVENTS, { id: other })).outcome.kind).toBe('open');
    ws.dispose();
  });
});
