import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type AnyEvent,
  BatonClientError,
  type ConnectionState,
  createBatonClient,
  type FetchLike,
  isEvent,
} from '../../client/src/index.js';
import { PacedModel } from '../fakes/paced-model.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const EXAMPLE = "Where's my order #W2611340, and do you have red sneakers in size 9?";

interface Harness {
  t: TestApp;
  url: string;
  /** `after` of every conversationEvents subscription the server was asked for, in order. */
  subscribedAfter: (string | null)[];
  /** Destroys every live subscription connection, as a network failure would. */
  dropConnections(): number;
  webSocketImpl: typeof WebSocket;
  fetch: FetchLike;
}

async function startHarness(): Promise<Harness> {
  const t = await createTestApp({ env: { SEED_DEMO_DATA: 'true' }, models: new PacedModel(10) });
  const { url } = await t.app.start(0, '127.0.0.1');
  const live: Duplex[] = [];
  t.app.server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => live.push(socket));
  t.app.server.on('request', (req: IncomingMessage) => {
    if (req.headers.accept?.includes('text/event-stream')) live.push(req.socket);
  });
  const subscribedAfter: (string | null)[] = [];
  const record = (body: string) => {
    type Request = { query?: string; variables?: { after?: string } };
    const message = JSON.parse(body) as Request & { type?: string; payload?: Request };
    const request = message.type === 'subscribe' ? message.payload : message;
    if (request?.query?.includes('conversationEvents')) subscribedAfter.push(request.variables?.after ?? null);
  };
  class RecordingWebSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]) {
      record(String(data));
      return (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  }
  const fetch: FetchLike = (input, init) => {
    if (init?.body && typeof init.body === 'string') record(init.body);
    return globalThis.fetch(input, init as RequestInit) as never;
  };
  return {
    t,
    url,
    subscribedAfter,
    dropConnections: () => live.splice(0).map((s) => s.destroy()).length,
    webSocketImpl: RecordingWebSocket as unknown as typeof WebSocket,
    fetch,
  };
}

const until = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Stored events of the conversation, as the server has them. */
async function storedEventIds(t: TestApp, conversationId: string): Promise<string[]> {
  const res = await t.gql<{ conversation: { events: { id: string }[] } }>(
    'query($id: ID!) { conversation(id: $id) { events(first: 500) { id } } }',
    { id: conversationId },
  );
  return res.data!.conversation.events.map((e) => e.id);
}

/** Every task's streamed text is a prefix of its stored MESSAGE: nothing lost in between, nothing twice. */
function expectDeltasArePrefixes(events: AnyEvent[]) {
  const messages = events.filter((e) => isEvent(e, 'MESSAGE') && e.taskId);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    if (!isEvent(message, 'MESSAGE')) continue;
    const streamed = events
      .filter((e) => isEvent(e, 'MESSAGE_DELTA') && e.runId === message.runId && e.taskId === message.taskId)
      .map((e) => (isEvent(e, 'MESSAGE_DELTA') ? e.data.delta : ''))
      .join('');
    expect(message.data.text.startsWith(streamed), `task ${message.taskId}: "${streamed}"`).toBe(true);
  }
}

describe.each(['ws', 'sse'] as const)('@baton/client over %s against the real server', (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.t.close();
  });

  const client = () =>
    createBatonClient({
      url: h.url,
      transport,
      webSocketImpl: h.webSocketImpl,
      fetch: h.fetch,
      storage: null,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });

  it('streams a run, and after a drop mid-answer resumes at its cursor with nothing lost or repeated', async () => {
    const conversation = await client().startConversation();
    expect(conversation.transportKind).toBe(transport);
    const got: AnyEvent[] = [];
    conversation.on((e) => got.push(e));
    const states: ConnectionState[] = [];
    let cursorWhenDropped: string | null | undefined;
    conversation.onStateChange((state) => {
      states.push(state);
      if (state === 'reconnecting') cursorWhenDropped = conversation.lastEventId;
    });
    await until(() => conversation.state === 'open', 'the subscription');
    const sent = await conversation.send(EXAMPLE);

    await until(() => got.some((e) => e.type === 'MESSAGE_DELTA'), 'the first streamed words');
    expect(got.some((e) => e.type === 'RUN_COMPLETED')).toBe(false);
    expect(h.dropConnections()).toBeGreaterThan(0);
    await until(() => got.some((e) => e.type === 'RUN_COMPLETED'), 'the end of the run');

    expect(states).toEqual(['open', 'reconnecting', 'open']);
    // The resubscription asked for what came after the last event delivered before the drop.
    expect(cursorWhenDropped).toBeTruthy();
    expect(h.subscribedAfter.slice(-2)).toEqual([null, cursorWhenDropped]);
    // Every stored event exactly once, in order.
    const delivered = got.filter((e) => e.id !== null).map((e) => e.id);
    expect(delivered).toEqual(await storedEventIds(h.t, conversation.id));
    expectDeltasArePrefixes(got);
    const finals = got.filter((e) => isEvent(e, 'MESSAGE') && e.data.final);
    expect(finals).toHaveLength(1);
    expect(sent.held).toBe(false);
    expect(finals[0]!.runId).toBe(sent.held ? undefined : sent.runId);
    conversation.close();
    expect(conversation.state).toBe('closed');
  });

  it('iterates typed events, and a resumed conversation replays from a cursor it is given', async () => {
    const c = client();
    const conversation = await c.startConversation({ title: 'iterator' });
    const iterator = conversation.events();
    await conversation.send('What is your return policy?');
    const seen: AnyEvent[] = [];
    for await (const event of iterator) {
      seen.push(event);
      if (event.type === 'TASK_STARTED') expect(event.data.statusMessage).toMatch(/\S/);
      if (event.type === 'RUN_COMPLETED') break;
    }
    // Status lines come before the answer they announce.
    const firstStatus = seen.findIndex((e) => e.type === 'TASK_STARTED');
    const firstAnswer = seen.findIndex((e) => e.type === 'MESSAGE_DELTA' || (e.type === 'MESSAGE' && e.taskId));
    expect(firstStatus).toBeGreaterThanOrEqual(0);
    expect(firstStatus).toBeLessThan(firstAnswer);
    expectDeltasArePrefixes(seen);

    const ids = seen.filter((e) => e.id !== null).map((e) => e.id!);
    const cursor = ids[2]!;
    const resumed = c.resume({ conversationId: conversation.id, token: conversation.token, after: cursor });
    const replay: AnyEvent[] = [];
    resumed.on((e) => replay.push(e));
    await until(() => replay.some((e) => e.type === 'RUN_COMPLETED'), 'the replay');
    expect(replay.map((e) => e.id)).toEqual(ids.slice(3));
    resumed.close();
    conversation.close();
  });
});

describe('@baton/client transport choice and failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('falls back to SSE when no WebSocket gets through', async () => {
    const port = new URL(h.url).port;
    // A WebSocket that ends up nowhere, as behind a proxy that refuses upgrades.
    class Blocked extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url.replace(`:${port}/`, ':1/'), protocols);
      }
    }
    const conversation = await createBatonClient({
      url: h.url,
      webSocketImpl: Blocked,
      fetch: h.fetch,
      storage: null,
    }).startConversation();
    const got: AnyEvent[] = [];
    conversation.on((e) => got.push(e));
    await until(() => conversation.state === 'open', 'a connection');
    expect(conversation.transportKind).toBe('sse');
    await conversation.send('Hello');
    await until(() => got.some((e) => e.type === 'RUN_COMPLETED'), 'the reply');
    conversation.close();
  });

  it('keeps the tab’s conversation in session storage, and starts a new one when a shopper signs in', async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    const options = { url: h.url, transport: 'sse' as const, fetch: h.fetch, storage };
    const first = await createBatonClient(options).conversation();
    first.close();
    // A reload: a new client on the same storage comes back to the same conversation.
    const again = await createBatonClient(options).conversation();
    expect(again.id).toBe(first.id);
    again.close();
    // Signing in (a customer token the server cannot verify here) does not continue the anonymous chat.
    const err = await createBatonClient(options)
      .conversation({ customerToken: 'not-a-jwt' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonClientError);
    expect((err as BatonClientError).code).toBe('UNAUTHENTICATED');
    expect((err as BatonClientError).field).toBe('input.customerToken');
  });

  it('reads the workspace brand, as the studio last saved it', async () => {
    await h.t.gql(
      `mutation { updateSettings(input: { brand: { name: "Trail Outfitters", color: "#0a7d5a" } }) { brandVoice } }`,
    );
    const brand = await createBatonClient({ url: h.url, fetch: h.fetch, storage: null }).brand();
    expect(brand).toEqual({ name: 'Trail Outfitters', color: '#0a7d5a', greeting: 'Hi! How can we help you today?' });
  });

  it('ends its iterators with the server’s code when the token is refused', async () => {
    const conversation = createBatonClient({
      url: h.url,
      transport: 'ws',
      webSocketImpl: WebSocket,
      storage: null,
    }).resume({ conversationId: '00000000-0000-0000-0000-000000000000', token: 'ct_nope_nope' });
    const error = await (async () => {
      for await (const _ of conversation.events()) {
        // nothing arrives
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonClientError);
    expect((error as BatonClientError).code).toBe('UNAUTHENTICATED');
    expect(conversation.state).toBe('closed');
  });
});
