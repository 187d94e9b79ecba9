import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../../server/src/config.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const FEED = 'subscription { eventFeed(types: [MESSAGE]) { id data: dataJson } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A graphql-ws socket that sent connection_init and was acknowledged; `closed` resolves with the code, reason and when. */
async function initialised(url: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const opened = performance.now();
  const closed = new Promise<{ code: number; reason: string; afterMs: number }>((resolve) =>
    ws.once('close', (code, reason) =>
      resolve({ code, reason: reason.toString(), afterMs: performance.now() - opened }),
    ),
  );
  const messages: { type: string; id?: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  while (!messages.some((m) => m.type === 'connection_ack')) await sleep(10);
  return { ws, closed, messages };
}

describe('WebSockets without a subscription (WS_IDLE_TIMEOUT_SECONDS=1)', () => {
  let t: TestApp;
  let base: string;
  let wsUrl: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { WS_IDLE_TIMEOUT_SECONDS: '1' } });
    base = (await t.app.start(0, '127.0.0.1')).url;
    wsUrl = `${base.replace('http', 'ws')}/graphql`;
  }, 60_000);
  afterAll(() => t.close());

  it('are closed with 1000 and a reason when they only sent connection_init', async () => {
    const { closed } = await initialised(wsUrl);
    const result = await Promise.race([closed, sleep(5_000).then(() => undefined)]);
    expect(result).toMatchObject({ code: 1000, reason: 'No subscription for 1 s' });
    expect(result!.afterMs).toBeGreaterThanOrEqual(900);
  });

  it('are closed once their last subscription completed, not while it ran', async () => {
    const { ws, closed, messages } = await initialised(wsUrl);
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: FEED } }));
    await sleep(2_500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ id: '1', type: 'complete' }));
    const completedAt = performance.now();
    const result = await Promise.race([closed, sleep(5_000).then(() => undefined)]);
    expect(result).toMatchObject({ code: 1000 });
    expect(performance.now() - completedAt).toBeGreaterThanOrEqual(900);
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('leave a socket with a live subscription open, delivering', async () => {
    const sub = subscribe('ws', base, FEED, {}, (d) => d.eventFeed as { data: { text: string } });
    await sleep(3_000);
    const { conversation } = await t.app.services.conversations.start({});
    await t.app.services.conversations.sendMessage(conversation.id, 'three seconds in');
    expect((await sub.waitFor(1))[0]!.data.text).toBe('three seconds in');
    expect(sub.error).toBeUndefined();
    sub.stop();
  });

  it('are closed in a way the graphql-ws client takes in its stride: its next subscribe opens a new socket', async () => {
    const closes: number[] = [];
    let connections = 0;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 60_000, // the client would keep the idle socket open itself
      retryAttempts: 0,
      on: {
        connected: () => void connections++,
        closed: (event) => void closes.push((event as { code: number }).code),
      },
    });
    const once = () =>
      new Promise((resolve, reject) => {
        client.subscribe({ query: '{ __typename }' }, { next: resolve, error: reject, complete: () => {} });
      });
    expect(await once()).toEqual({ data: { __typename: 'Query' } });
    await sleep(2_500);
    expect(closes).toEqual([1000]);
    expect(await once()).toEqual({ data: { __typename: 'Query' } });
    expect(connections).toBe(2);
    await client.dispose();
  });
});

describe('WS_IDLE_TIMEOUT_SECONDS', () => {
  it('is 300 s unless set; 0 keeps idle sockets; a negative value stops the start, by name', () => {
    expect(loadConfig({}).webSocketIdleSeconds).toBe(300);
    expect(loadConfig({ WS_IDLE_TIMEOUT_SECONDS: '0' }).webSocketIdleSeconds).toBe(0);
    expect(() => loadConfig({ WS_IDLE_TIMEOUT_SECONDS: '-1' })).toThrow(/WS_IDLE_TIMEOUT_SECONDS/);
  });
});
