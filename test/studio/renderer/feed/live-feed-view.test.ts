import { Window } from 'happy-dom';
import { createElement, StrictMode } from 'react';
import type { Root } from 'react-dom/client';
import { type Client, Provider } from 'urql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { useLiveFeed } from '../../../../studio/src/renderer/feed/live-feed-view.js';
import { createBatonClient } from '../../../../studio/src/renderer/graphql/create-client.js';
import type { StudioEvent } from '../../../../studio/src/renderer/lib/baton-event.js';
import { createTestApp, type TestApp, waitForRun } from '../../../helpers/test-app.js';

type Feed = ReturnType<typeof useLiveFeed>;

/** Renders nothing; hands each render's feed to the test. */
function Probe(props: { onRender(feed: Feed): void }) {
  props.onRender(useLiveFeed([], ''));
  return null;
}

async function render(client: Client, onRender: (feed: Feed) => void): Promise<Root> {
  const { createRoot } = await import('react-dom/client');
  const root = createRoot(document.createElement('div'));
  root.render(
    createElement(StrictMode, null, createElement(Provider, { value: client }, createElement(Probe, { onRender }))),
  );
  return root;
}

beforeAll(() => {
  // react-dom needs a document; the server in this process keeps Node's globals (URL, fetch).
  const win = new Window();
  Object.assign(globalThis, { window: win, document: win.document, navigator: win.navigator });
});

/**
 * The Live feed against a real server over a real graphql-ws connection, in StrictMode. The socket is dropped and
 * kept down (every new socket goes to a closed port) while a conversation runs: when it is back, the feed has every
 * event committed meanwhile, once each, in order.
 */
describe('Live feed across a dropped connection', () => {
  let t: TestApp;
  let client: ReturnType<typeof createBatonClient>;
  let root: Root | undefined;
  const gate = { open: true, url: '' };

  /** Connects to the server while the gate is open, and to nothing (a refused connection) while it is closed. */
  class GatedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(gate.open ? url : gate.url, protocols);
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    const { url } = await t.app.start(0, '127.0.0.1');
    // A port that was just free: nothing listens there.
    const spare = await createTestApp({ db: t.db });
    const { port } = await spare.app.start(0, '127.0.0.1');
    await spare.app.stop();
    gate.url = `ws://127.0.0.1:${port}/graphql`;
    client = createBatonClient({ url, apiKey: null }, { webSocketImpl: GatedWebSocket });
  });
  afterAll(async () => {
    root?.unmount();
    client?.dispose();
    await t?.close();
  });

  const conversationIds = async (conversationId: string) => {
    const r = await t.gql<{ conversation: { events: { id: string; type: string }[] } }>(
      'query($id: ID!) { conversation(id: $id) { events(first: 500) { id type } } }',
      { id: conversationId },
    );
    // The feed never carries staff-only events.
    return r.data!.conversation.events.filter((e) => e.type !== 'SUGGESTION').map((e) => e.id);
  };
  const run = async (text: string) => {
    const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
    );
    const conversationId = started.data!.startConversation.conversation.id;
    const sent = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversationId, text },
    );
    await waitForRun(t.app, sent.data!.sendMessage.id);
    return conversationId;
  };

  it('shows every event committed while it was away, once each, in order', { timeout: 60_000 }, async () => {
    let feed: Feed = { events: [], error: undefined, reconnecting: false };
    let connected = 0;
    client.socket.on('connected', () => connected++);
    root = await render(client.client, (f) => {
      feed = f;
    });
    // The socket opens for the feed's subscription, which starts at the live end as of its mount.
    await vi.waitFor(() => expect(connected).toBe(1));
    const of = (conversationId: string) =>
      feed.events.filter((e: StudioEvent) => e.conversationId === conversationId).map((e) => e.id);

    // Live: a conversation's events arrive as they happen.
    const first = await run('where is my order #W2378156?');
    const firstIds = await conversationIds(first);
    await vi.waitFor(() => expect(of(first)).toEqual(firstIds), { timeout: 15_000 });

    // The socket drops and stays down while another conversation runs.
    gate.open = false;
    client.socket.terminate();
    await vi.waitFor(() => expect(feed.reconnecting).toBe(true));
    const second = await run('do you have running shoes in size 10?');
    const secondIds = await conversationIds(second);
    expect(secondIds.length).toBeGreaterThan(3);
    expect(of(second)).toEqual([]);

    // Back: the feed catches up with all of them, and goes on live.
    gate.open = true;
    await vi.waitFor(() => expect(feed.reconnecting).toBe(false), { timeout: 30_000 });
    await vi.waitFor(() => expect(of(second)).toEqual(secondIds), { timeout: 15_000 });
    const third = await run('what goes well with a blender?');
    const thirdIds = await conversationIds(third);
    await vi.waitFor(() => expect(of(third)).toEqual(thirdIds), { timeout: 15_000 });

    const stored = feed.events.map((e) => e.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect(of(first)).toEqual(firstIds);
    expect(of(second)).toEqual(secondIds);
    expect(feed.error).toBeUndefined();
  });
});

/**
 * The feed cut off with SUBSCRIBER_TOO_SLOW resubscribes from the error's `extensions.after`, instead of stopping.
 * A scripted client stands in for the server: it records each subscription's `after` and answers it.
 */
describe('Live feed cut off for reading too slowly', () => {
  let root: Root | undefined;
  afterEach(() => root?.unmount());

  const event = (id: string) => ({
    eventFeed: {
      __typename: 'MessageEvent',
      id,
      type: 'MESSAGE',
      conversationId: 'c1',
      runId: 'r1',
      taskId: null,
      agentName: 'KnowledgeRetriever',
      createdAt: '2026-12-08T00:00:00.000Z',
      data: { text: `event ${id}` },
    },
  });

  it('goes on after the cursor the server gave, with no event missed or doubled', async () => {
    const subscriptions: { after: unknown; open: boolean; push(result: object): void }[] = [];
    const fake = {
      query: () => ({ toPromise: async () => ({ data: { eventFeedCursor: 'live-start' } }) }),
      subscription: (_query: unknown, variables: { after?: unknown }) => ({
        subscribe(listener: (result: object) => void) {
          const sub = { after: variables.after, open: true, push: (r: object) => sub.open && listener(r) };
          subscriptions.push(sub);
          return {
            unsubscribe: () => {
              sub.open = false;
            },
          };
        },
      }),
    };
    let feed: Feed = { events: [], error: undefined, reconnecting: false };
    root = await render(fake as unknown as Client, (f) => {
      feed = f;
    });
    const live = () => subscriptions.filter((s) => s.open);
    await vi.waitFor(() => expect(live()).toHaveLength(1));
    // StrictMode's first effect run left nothing open; the feed started at the live end.
    expect(live()[0]!.after).toBe('live-start');

    live()[0]!.push({ data: event('11') });
    live()[0]!.push({ data: event('12') });
    await vi.waitFor(() => expect(feed.events.map((e) => e.id)).toEqual(['11', '12']));
    const tooSlow = {
      message: 'Subscriber too slow',
      extensions: { code: 'SUBSCRIBER_TOO_SLOW', after: 'cursor-after-12' },
    };
    live()[0]!.push({ error: { message: tooSlow.message, graphQLErrors: [tooSlow] } });

    await vi.waitFor(() => expect(live().map((s) => s.after)).toEqual(['cursor-after-12']));
    live()[0]!.push({ data: event('12') });
    live()[0]!.push({ data: event('13') });
    await vi.waitFor(() => expect(feed.events.map((e) => e.id)).toEqual(['11', '12', '13']));
    expect(feed.error).toBeUndefined();
  });
});
