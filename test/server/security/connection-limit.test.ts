import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { createLogger } from '../../../server/src/logger.js';
import { connectionKey } from '../../../server/src/security/connection-limit.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const QUERY = JSON.stringify({ query: '{ __typename }' });
const REQUEST = (port: number) =>
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(QUERY)}\r\n\r\n${QUERY}`;
const FEED = 'subscription { eventFeed(types: [MESSAGE]) { id data: dataJson } }';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tracked {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  closed: () => boolean;
  /** Resolves with the milliseconds from now until the server closed it. */
  whenClosed: Promise<number>;
}

/** An idle connection to `port` from `localAddress`, once connected. */
async function open(port: number, localAddress = '127.0.0.1'): Promise<Tracked> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let text = '';
  let isClosed = false;
  const started = performance.now();
  socket.on('data', (c: Buffer) => {
    text += c.toString('utf8');
  });
  socket.on('error', () => {});
  const whenClosed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve(performance.now() - started);
    }),
  );
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, received: () => text, closed: () => isClosed, whenClosed };
}

/** Sends a request on `c` and resolves with the response once it all arrived. */
async function exchange(c: Tracked, port: number): Promise<string> {
  const before = c.received().length;
  c.socket.write(REQUEST(port));
  for (let i = 0; i < 200; i++) {
    const text = c.received().slice(before);
    const end = text.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? Number.NaN);
    if (end >= 0 && text.length - end - 4 >= length) return text;
    if (c.closed()) break;
    await sleep(25);
  }
  throw new Error(`no whole response: ${JSON.stringify(c.received())}`);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

describe('open connections per client address', () => {
  const MAX = 4;
  let t: TestApp;
  let port: number;
  const sockets: Tracked[] = [];
  const logs: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const logger = createLogger(
      { logLevel: 'warn', env: 'test' },
      { write: (l: string) => void logs.push(JSON.parse(l)) },
    );
    t = await createTestApp({ db, logger, env: { HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(MAX) } });
    port = (await t.app.start(0, '127.0.0.1')).port;
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.socket.destroy();
    await t.close();
  });

  it('one past the cap is answered RATE_LIMITED and closed at once; another address is still served; a WebSocket counts once', async () => {
    // A live subscription over WebSocket (one connection, counted once), and idle connections up to the cap.
    const sub = subscribe('ws', `http://127.0.0.1:${port}`, FEED, {}, (d) => d.eventFeed as { data: { text: string } });
    await sleep(300);
    for (let i = 1; i < MAX; i++) sockets.push(await open(port));

    const extra = await open(port);
    const closedAfter = await Promise.race([extra.whenClosed, sleep(2_000).then(() => Number.POSITIVE_INFINITY)]);
    expect(closedAfter).toBeLessThan(1_000);
    expect(extra.received()).toMatch(/^HTTP\/1\.1 429 /);
    expect(JSON.parse(extra.received().split('\r\n\r\n')[1]!)).toEqual({
      errors: [
        {
          message: `Too many open connections from this address (at most ${MAX})`,
          extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_CONNECTIONS', limit: MAX },
        },
      ],
    });

    // The operator is told who (once a minute at most).
    expect(logs.filter((l) => /too many open/.test(String(l.msg)))).toEqual([
      expect.objectContaining({ level: 40, peer: '127.0.0.1', open: MAX, limit: MAX }),
    ]);

    // The ones within the cap are untouched, and are served.
    expect(sockets.some((s) => s.closed())).toBe(false);
    expect(await exchange(sockets[0]!, port)).toMatch(/^HTTP\/1\.1 200 /);

    // Another client (another loopback address) is served meanwhile.
    const other = await open(port, '127.0.0.2');
    sockets.push(other);
    expect(await exchange(other, port)).toMatch(/^HTTP\/1\.1 200 /);

    // The WebSocket was not closed, and still delivers.
    const { conversation } = await t.app.services.conversations.start({});
    await t.app.services.conversations.sendMessage(conversation.id, 'still subscribed');
    expect((await sub.waitFor(1))[0]!.data.text).toBe('still subscribed');

    // A closed connection gives its slot back.
    sockets[1]!.socket.destroy();
    await sockets[1]!.whenClosed;
    await sleep(100);
    const again = await open(port);
    sockets.push(again);
    expect(await exchange(again, port)).toMatch(/^HTTP\/1\.1 200 /);
    sub.stop();
  });
});

describe('connections that send no request in time', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({
      db,
      env: { HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '1' },
    });
    port = (await t.app.start(0, '127.0.0.1')).port;
  }, 60_000);
  afterAll(() => t.close());

  it('are closed after HTTP_HEADERS_TIMEOUT_SECONDS (checked every second), silent or halfway through the headers', async () => {
    const silent = await open(port);
    const slow = await open(port);
    slow.socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const [a, b] = await Promise.all([silent.whenClosed, slow.whenClosed]);
    expect(a).toBeLessThan(3_000);
    expect(b).toBeLessThan(3_000);
  });

  it('leave a kept-alive connection between requests alone (HTTP_KEEP_ALIVE_SECONDS times that)', async () => {
    const c = await open(port);
    expect(await exchange(c, port)).toMatch(/^HTTP\/1\.1 200 /);
    await sleep(3_000);
    expect(c.closed()).toBe(false);
    expect(await exchange(c, port)).toMatch(/^HTTP\/1\.1 200 /);
    c.socket.destroy();
  });

  it('leave subscriptions alone: SSE and WebSocket streams outlive both timeouts and keep delivering', async () => {
    const base = `http://127.0.0.1:${port}`;
    const pick = (d: Record<string, unknown>) => d.eventFeed as { data: { text: string } };
    const ws = subscribe('ws', base, FEED, {}, pick);
    const sse = subscribe('sse', base, FEED, {}, pick);
    await sleep(3_500);
    const { conversation } = await t.app.services.conversations.start({});
    await t.app.services.conversations.sendMessage(conversation.id, 'after the timeouts');
    expect((await ws.waitFor(1))[0]!.data.text).toBe('after the timeouts');
    expect((await sse.waitFor(1))[0]!.data.text).toBe('after the timeouts');
    expect(ws.error).toBeUndefined();
    expect(sse.error).toBeUndefined();
    ws.stop();
    sse.stop();
  });
});

describe('connection settings', () => {
  it('count IPv6 clients by their /64 and IPv4-mapped ones by their IPv4 address', () => {
    expect(connectionKey('2001:db8:1:2:aaaa::1')).toBe(connectionKey('2001:db8:1:2:bbbb::9'));
    expect(connectionKey('2001:db8:1:2::1')).not.toBe(connectionKey('2001:db8:1:3::1'));
    expect(connectionKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('are refused by name when out of range', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      maxConnectionsPerAddress: 256,
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 60,
    });
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: '-1' })).toThrow(/HTTP_MAX_CONNECTIONS_PER_ADDRESS/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '0' })).toThrow(/HTTP_HEADERS_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_SECONDS/,
    );
  });
});
