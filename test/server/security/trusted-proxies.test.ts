import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../../server/src/config.js';
import { AddressSet, clientAddressOf } from '../../../server/src/security/trusted-proxies.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const LIMIT = 3;
const env = (extra: Record<string, string> = {}) => ({
  AUTH_MODE: 'keys',
  NODE_ENV: 'production',
  RATE_LIMIT_UNAUTHENTICATED_PER_ADDRESS: String(LIMIT),
  ...extra,
});

/** POSTs `{ __typename }` without credentials, as if a proxy forwarded it for `forwardedFor`; the status. */
const post = async (url: string, forwardedFor?: string) =>
  (
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
  ).status;

/** `n` requests' statuses, one after another. */
const statuses = async (n: number, url: string, forwardedFor?: string) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await post(url, forwardedFor));
  return out;
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

describe('X-Forwarded-For from a peer that is not a trusted proxy', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    // A database of its own: its requests count against 127.0.0.1, which the fallback test below counts too.
    t = await createTestApp({ env: env() });
    url = (await t.app.start(0, '127.0.0.1')).url;
  }, 60_000);
  afterAll(() => t.close());

  it('changes nothing: a new forged address per request is still the one peer, limited as one', async () => {
    const forged = [];
    for (let i = 1; i <= LIMIT + 2; i++) forged.push(await post(url, `198.51.100.${i}`));
    expect(forged).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('requests from a trusted proxy (TRUSTED_PROXIES=127.0.0.1)', () => {
  let t: TestApp;
  let url: string;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await createTestApp({ db, env: env({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }) });
    ({ url, port } = await t.app.start(0, '127.0.0.1'));
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await t.close();
  });

  it('are limited per forwarded client: one client over its limit holds no other back', async () => {
    expect(await statuses(LIMIT + 1, url, '203.0.113.1')).toEqual([200, 200, 200, 429]);
    expect(await statuses(LIMIT, url, '203.0.113.2')).toEqual([200, 200, 200]);
    // The right-most address that is not a proxy is the client; what it wrote to the left of it is ignored.
    expect(await post(url, '203.0.113.1, 203.0.113.3, 10.1.2.3')).toBe(200);
    expect(await statuses(LIMIT, url, '203.0.113.3, 10.1.2.3')).toEqual([200, 200, 429]);
  });

  it('count an IPv6 client by its /64: a fresh address from the same /64 is the same client', async () => {
    const same = [];
    for (let i = 1; i <= LIMIT + 1; i++) same.push(await post(url, `2001:db8:1:2::${i}`));
    expect(same).toEqual([200, 200, 200, 429]);
    expect(await post(url, '2001:db8:1:3::1')).toBe(200);
  });

  it('fall back to the proxy itself when X-Forwarded-For is missing or malformed', async () => {
    expect(await statuses(LIMIT, url, 'not-an-address')).toEqual([200, 200, 200]);
    // The same bucket: the peer's.
    expect(await post(url, '203.0.113.9, <script>')).toBe(429);
    expect(await post(url)).toBe(429);
    expect(await post(url, '203.0.113.10')).toBe(200);
  });

  it("are not held to HTTP_MAX_CONNECTIONS_PER_ADDRESS per connection: the proxy's 257th connection is served", async () => {
    expect(t.app.services.config.maxConnectionsPerAddress).toBe(256);
    for (let i = 0; i < 257; i++) {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.on('error', () => {});
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      sockets.push(socket);
    }
    const last = sockets.at(-1)!;
    let text = '';
    last.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    last.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.20\r\n\r\n`);
    for (let i = 0; i < 100 && !text.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('WebSockets through a trusted proxy', () => {
  const MAX = 2;
  let t: TestApp;
  let wsUrl: string;
  const open: WebSocket[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      db,
      env: env({ TRUSTED_PROXIES: '127.0.0.1', HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(MAX) }),
    });
    wsUrl = `${(await t.app.start(0, '127.0.0.1')).url.replace('http', 'ws')}/graphql`;
  }, 60_000);
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await t.close();
  });

  /** Opens a graphql-ws socket forwarded for `client`: 101, or the status it was refused with. */
  const upgrade = (client: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': client } });
      ws.once('open', () => {
        open.push(ws);
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(0));
    });

  it('count against the forwarded client at upgrade: past the cap that client is refused 429, others are not', async () => {
    expect(await upgrade('203.0.113.1')).toBe(101);
    expect(await upgrade('203.0.113.1')).toBe(101);
    expect(await upgrade('203.0.113.1')).toBe(429);
    expect(await upgrade('203.0.113.2')).toBe(101);
    // A closed WebSocket gives its slot back.
    const first = open.shift()!;
    await new Promise((resolve) => {
      first.once('close', resolve);
      first.close();
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await upgrade('203.0.113.1')).toBe(101);
  });
});

describe('the client address', () => {
  const trusted = new AddressSet(['10.0.0.0/8', '2001:db8::/32', '127.0.0.1']);
  const of = (peer: string, xff?: string | string[]) =>
    clientAddressOf(trusted, {
      socket: { remoteAddress: peer } as never,
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    });

  it('is the right-most forwarded address that is not a trusted proxy, IPv4 and IPv6, with or without a port', () => {
    expect(of('10.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(of('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.7, 10.2.3.4')).toBe('203.0.113.7');
    expect(of('2001:db8::1', '2001:db8:1::5, 2001:db9::7')).toBe('2001:db9::7');
    expect(of('10.0.0.1', '[2001:db9::7]:4711')).toBe('2001:db9::7');
    expect(of('10.0.0.1', '203.0.113.7:51000')).toBe('203.0.113.7');
    expect(of('10.0.0.1', ['198.51.100.1', '203.0.113.7'])).toBe('203.0.113.7');
    // Every hop a proxy: the furthest one.
    expect(of('10.0.0.1', '10.9.9.9, 10.0.0.2')).toBe('10.9.9.9');
  });

  it("is the peer's when the peer is not trusted, or the header is missing or not addresses", () => {
    expect(of('192.0.2.1', '203.0.113.7')).toBe('192.0.2.1');
    expect(of('10.0.0.1')).toBe('10.0.0.1');
    expect(of('10.0.0.1', '')).toBe('10.0.0.1');
    expect(of('10.0.0.1', 'unknown')).toBe('10.0.0.1');
    expect(of('10.0.0.1', '203.0.113.7, ')).toBe('10.0.0.1');
    expect(of('10.0.0.1', '999.1.1.1')).toBe('10.0.0.1');
  });

  it('setting is refused at start, by name, unless every entry is an address or a CIDR block', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.0/8, fd00::/8 ,192.0.2.1' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.1',
    ]);
    for (const bad of ['lb.internal', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.0/x'])
      expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
  });
});
