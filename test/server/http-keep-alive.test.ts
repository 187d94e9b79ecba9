import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const QUERY = JSON.stringify({ query: '{ __typename }' });
const REQUEST = (port: number) =>
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(QUERY)}\r\nConnection: keep-alive\r\n\r\n${QUERY}`;

/** Sends one request on `socket` and resolves with the response head once the whole response arrived. */
function exchange(socket: Socket, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? Number.NaN);
      if (text.length - end - 4 < length) return;
      socket.off('data', onData);
      resolve(text.slice(0, end));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(REQUEST(port));
  });
}

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A shopper's next message usually comes more than Node's default 5 s after the last response. Closed
 * meanwhile, each message needed a new connection, and a replica under load accepts one new connection
 * per event-loop iteration: at 1,000 conversations (bench:load), new connections waited up to 20 s in
 * the kernel's queue while kept-alive ones were served.
 */
describe('idle HTTP connections', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const t = await createTestApp({ env });
    apps.push(t);
    return (await t.app.start(0, '127.0.0.1')).port;
  };
  let defaultPort: number;
  let shortPort: number;
  beforeAll(async () => {
    defaultPort = await start();
    shortPort = await start({ HTTP_KEEP_ALIVE_SECONDS: '1' });
  }, 60_000);
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  it('stay open 65 s by default: the server announces it, and serves the next request on the same connection', async () => {
    const socket = await open(defaultPort);
    const head = await exchange(socket, defaultPort);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/\r\nkeep-alive: timeout=65(\r\n|$)/i);
    await sleep(1_500);
    expect(await exchange(socket, defaultPort)).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
  });

  it('close after HTTP_KEEP_ALIVE_SECONDS idle', async () => {
    const socket = await open(shortPort);
    const head = await exchange(socket, shortPort);
    expect(head).toMatch(/\r\nkeep-alive: timeout=1(\r\n|$)/i);
    const started = performance.now();
    await closed(socket);
    expect(performance.now() - started).toBeGreaterThan(500);
  });

  it('refuses a setting outside 1–3,600 s by name', () => {
    for (const bad of ['0', '3601', 'soon'])
      expect(() => loadConfig({ HTTP_KEEP_ALIVE_SECONDS: bad })).toThrow(/HTTP_KEEP_ALIVE_SECONDS/);
    expect(loadConfig({}).keepAliveSeconds).toBe(65);
  });
});
