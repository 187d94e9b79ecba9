import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const CONVERSATION_EVENTS = `subscription($id: ID!, $after: ID) {
  conversationEvents(conversationId: $id, after: $after) { id type data: dataJson }
}`;
type Ev = { id: string | null; type: string; data: { text?: string } };
const pick = (d: Record<string, unknown>) => d.conversationEvents as Ev;

describe('subscriptions over SSE and WebSocket', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    // No model is needed: a run that cannot be claimed stays PENDING, which is all these tests need.
    t = await createTestApp();
    await t.app.services.runs.stop();
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  const start = async () =>
    (
      await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
        'mutation { startConversation { conversation { id } token } }',
      )
    ).data!.startConversation;
  const say = (conversationId: string, text: string) => t.app.services.conversations.sendMessage(conversationId, text);

  it.each(['sse', 'ws'] as const)('%s subscriber receives events published after it subscribes', async (transport) => {
    const { conversation } = await start();
    const sub = subscribe(transport, url, CONVERSATION_EVENTS, { id: conversation.id }, pick);
    await new Promise((r) => setTimeout(r, 300));
    await say(conversation.id, 'first');
    await say(conversation.id, 'second');
    const got = await sub.waitFor(2);
    sub.stop();
    expect(got.map((e) => [e.type, e.data.text])).toEqual([
      ['MESSAGE', 'first'],
      ['MESSAGE', 'second'],
    ]);
  });

  it.each(['sse', 'ws'] as const)(
    '%s with after: N replays stored events after N in order, then live ones',
    async (transport) => {
      const { conversation } = await start();
      const stored = [];
      for (const text of ['a', 'b', 'c', 'd']) stored.push((await say(conversation.id, text)).message);
      const after = String(stored[1]!.id);
      const sub = subscribe(transport, url, CONVERSATION_EVENTS, { id: conversation.id, after }, pick);
      await sub.waitFor(2);
      // Live writes race the replay on purpose: the seam must have no gap and no duplicate.
      await Promise.all(['e', 'f', 'g'].map((text) => say(conversation.id, text)));
      const got = await sub.waitFor(5);
      await new Promise((r) => setTimeout(r, 200));
      sub.stop();
      const texts = sub.items.map((e) => e.data.text);
      expect(texts.slice(0, 2)).toEqual(['c', 'd']);
      expect([...texts.slice(2)].sort()).toEqual(['e', 'f', 'g']);
      const ids = got.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(sub.items.map((e) => e.id)).size).toBe(sub.items.length);
    },
  );

  it('eventFeed filters by type and starts live without a cursor', async () => {
    const { conversation } = await start();
    await say(conversation.id, 'before the feed');
    const sub = subscribe(
      'ws',
      url,
      'subscription { eventFeed(types: [MESSAGE]) { type conversationId data: dataJson } }',
      {},
      (d) => d.eventFeed as { type: string; conversationId: string; data: { text: string } },
    );
    await new Promise((r) => setTimeout(r, 300));
    await say(conversation.id, 'after the feed');
    const [first] = await sub.waitFor(1);
    sub.stop();
    expect(first).toMatchObject({ type: 'MESSAGE', conversationId: conversation.id, data: { text: 'after the feed' } });
  });
});

describe('one bad operation on a graphql-ws connection', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { NODE_ENV: 'production', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_DIRECTIVES: '3' } });
    await t.app.services.runs.stop();
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it('is refused with an error while the connection and its live subscription stay up', async () => {
    const { createClient } = await import('graphql-ws');
    const WebSocket = (await import('ws')).default;
    let closed: unknown;
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (e) => (closed = e) },
    });
    const { conversation } = await t.app.services.conversations.start({});
    const live: string[] = [];
    const unsubscribe = client.subscribe(
      { query: CONVERSATION_EVENTS, variables: { id: conversation.id } },
      {
        next: (v) => live.push(String((v.data as { conversationEvents: Ev }).conversationEvents.data.text)),
        error: () => {},
        complete: () => {},
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    const refused = async (query: string) =>
      new Promise<unknown>((resolve) => {
        client.subscribe(
          { query },
          { next: (v) => resolve(v.errors ?? v), error: resolve, complete: () => resolve('complete') },
        );
      });
    const aliases = `subscription { ${[1, 2, 3, 4, 5].map((i) => `a${i}: eventFeed { id }`).join(' ')} }`;
    const directives = `subscription { eventFeed @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) { id } }`;
    for (const query of ['subscription { eventFeed { id ', aliases, directives]) {
      const errors = (await refused(query)) as { message: string }[];
      expect(Array.isArray(errors)).toBe(true);
      expect(errors[0]!.message).toBeTruthy();
    }
    await t.app.services.conversations.sendMessage(conversation.id, 'still here');
    const deadline = Date.now() + 5_000;
    while (!live.includes('still here') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBeUndefined();
    expect(live).toContain('still here');
    unsubscribe();
    await client.dispose();
  });
});
