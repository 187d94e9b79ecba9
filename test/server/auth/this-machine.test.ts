import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fromThisMachine } from '../../../server/src/auth/this-machine.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * With AUTH_MODE=off (the quick start) a request with no credentials is the admin, so only this machine's pages may
 * be it: a page of any other site in the developer's browser can send a form to the server on 127.0.0.1 (no CORS
 * preflight), or reach it through a name it re-points there (DNS rebinding). Tried over HTTP, WebSocket and
 * /mcp/store against a real server, with the command an attacker would register.
 */
describe('AUTH_MODE=off serves the admin to this machine only', () => {
  let t: TestApp;
  let url = '';
  let dir = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'off' } });
    ({ url } = await t.app.start(0, '127.0.0.1'));
    dir = mkdtempSync(join(tmpdir(), 'baton-origin-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const register = (name: string) =>
    `mutation { registerMcpServer(input: { name: "${name}", transport: stdio, command: "sh", args: ["-c", "touch ${join(dir, name)}"] }) { name } }`;
  /** Through node:http, which sends the Host header it is given (fetch sets its own). */
  const post = (body: string, headers: Record<string, string>) =>
    new Promise<{ json(): Promise<unknown> }>((resolve, reject) => {
      const req = request(`${url}/graphql`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ json: async () => JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const refused = (code: string | undefined) => ['UNAUTHENTICATED', 'FORBIDDEN'].includes(code ?? '');

  it("refuses a form another site's page posts, and runs nothing", async () => {
    const res = await post(new URLSearchParams({ query: register('evil1') }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(refused(body.errors?.[0]?.extensions?.code)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(dir, 'evil1'))).toBe(false);
  });

  it('refuses a page that re-pointed its own name at this machine, and one that hides its origin', async () => {
    for (const [name, headers] of [
      ['evil2', { host: `rebind.evil.example:${new URL(url).port}` }],
      ['evil3', { origin: 'null' }],
    ] as const) {
      const res = await post(JSON.stringify({ query: register(name) }), {
        'content-type': 'application/json',
        ...headers,
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(refused(body.errors?.[0]?.extensions?.code), name).toBe(true);
    }
    expect(existsSync(join(dir, 'evil2'))).toBe(false);
    expect(existsSync(join(dir, 'evil3'))).toBe(false);
  });

  it("serves this machine's pages (the studio, its dev server) and programs without an origin", async () => {
    for (const headers of [{}, { origin: url }, { origin: 'http://localhost:5199' }] as Record<string, string>[]) {
      const res = await post(JSON.stringify({ query: '{ mcpServers { name } }' }), {
        'content-type': 'application/json',
        ...headers,
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      expect(body.errors, JSON.stringify(headers)).toBeUndefined();
      expect(body.data).toBeDefined();
    }
  });

  it("refuses another site's WebSocket and its /mcp/store call", async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
      headers: { origin: 'https://evil.example' },
    });
    const messages: { type: string; payload?: unknown }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { type: string; payload?: unknown };
        messages.push(m);
        if (m.type === 'connection_ack')
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: register('evil4') } }));
        if (m.type === 'error' || m.type === 'next' || m.type === 'complete') resolve();
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(JSON.stringify(messages)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(messages.find((m) => m.type === 'next')?.payload).toMatchObject({ data: null });
    expect(existsSync(join(dir, 'evil4'))).toBe(false);

    const store = await fetch(`${url}/mcp/store`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(store.status).toBe(401);
  });

  it('refuses a request a proxy relayed, whatever Host it names: the proxy connects from here for anyone', async () => {
    for (const [name, relay] of [
      ['evil5', { 'x-forwarded-for': '203.0.113.9' }],
      ['evil6', { forwarded: 'for=203.0.113.9' }],
      ['evil7', { 'x-real-ip': '203.0.113.9' }],
      ['evil8', { via: '1.1 nginx' }],
    ] as const) {
      const res = await post(JSON.stringify({ query: register(name) }), {
        'content-type': 'application/json',
        host: new URL(url).host,
        ...relay,
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(refused(body.errors?.[0]?.extensions?.code), name).toBe(true);
    }
    const store = await fetch(`${url}/mcp/store`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-forwarded-for': '203.0.113.9',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(store.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    for (const name of ['evil5', 'evil6', 'evil7', 'evil8']) expect(existsSync(join(dir, name))).toBe(false);
  });

  it('tells this machine from others by Host and Origin', () => {
    expect(fromThisMachine({ host: '127.0.0.1:4000' })).toBe(true);
    expect(fromThisMachine({ host: '[::1]:4000', origin: 'http://[::1]:4000' })).toBe(true);
    expect(fromThisMachine({ host: 'localhost:4000', origin: 'http://app.localhost:3000' })).toBe(true);
    expect(fromThisMachine({ host: '127.0.0.1:4000', origin: 'https://127.0.0.1.evil.example' })).toBe(false);
    expect(fromThisMachine({ host: 'localhost.evil.example' })).toBe(false);
    expect(fromThisMachine({ host: '127.0.0.1:4000', origin: 'file://' })).toBe(false);
    // By the client's address too: a program on another machine writes any Host it likes.
    expect(fromThisMachine({ host: '127.0.0.1:4000' }, '127.0.0.1')).toBe(true);
    expect(fromThisMachine({ host: '127.0.0.1:4000' }, '::ffff:127.0.0.1')).toBe(true);
    expect(fromThisMachine({ host: '127.0.0.1:4000' }, '192.0.2.7')).toBe(false);
    expect(fromThisMachine({ host: '127.0.0.1:4000', relayed: true }, '127.0.0.1')).toBe(false);
  });
});

/**
 * A server listening beyond this machine (HOST=0.0.0.0) with AUTH_MODE=off: a client on another address that writes
 * `Host: localhost` is still not on this machine. Reached through this machine's own non-loopback address, when it has
 * one.
 */
describe('AUTH_MODE=off on every interface', () => {
  const outward = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  let t: TestApp;
  let port = 0;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'off' } });
    port = Number(new URL((await t.app.start(0, '0.0.0.0')).url).port);
  });
  afterAll(async () => {
    await t.close();
  });

  it.skipIf(!outward)("refuses the admin to a client on another address that names this machine's Host", async () => {
    const ask = (target: string) =>
      new Promise<{ errors?: { extensions?: { code?: string } }[]; data?: unknown }>((resolve, reject) => {
        const req = request(
          `http://${target}:${port}/graphql`,
          { method: 'POST', headers: { 'content-type': 'application/json', host: `localhost:${port}` } },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve(JSON.parse(text)));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: '{ mcpServers { name } }' }));
      });
    // From this machine it is the admin; from its outward address (another client, as far as the server can tell) not.
    expect((await ask('127.0.0.1')).errors).toBeUndefined();
    const away = await ask(outward!);
    expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(away.errors?.[0]?.extensions?.code);
  });
});
