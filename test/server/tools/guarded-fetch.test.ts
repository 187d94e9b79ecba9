import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from '../../../server/src/tools/guarded-fetch.js';
import { assertOutboundAllowed } from '../../../server/src/tools/outbound-address.js';

/**
 * DNS rebinding: a name that resolves to an allowed address when it is checked, and to a forbidden one
 * when the connection resolves it again. guardedFetch checks the addresses the connection itself uses.
 */
describe('guardedFetch', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** A resolver that answers `answers` in turn, then the last one again. */
  const rebinding = (...answers: string[][]) => {
    let call = 0;
    return async () => answers[Math.min(call++, answers.length - 1)]!;
  };

  it('connects to an address the allow-list names, under any name that resolves to it', async () => {
    const f = guardedFetch(['127.0.0.1'], { resolve: rebinding(['127.0.0.1']) });
    const res = await f(`http://shop.example:${port}/`);
    expect(await res.text()).toBe('ok');
  });

  it('refuses a name re-pointed to a metadata address between the check and the connection', async () => {
    const resolve = rebinding(['93.184.216.34'], ['169.254.169.254']);
    const url = `http://rebind.example:${port}/`;
    // The check at registration passes: the name resolves to a public address then.
    await expect(assertOutboundAllowed(url, [], 'input.url', { resolve })).resolves.toBeUndefined();
    const before = hits;
    const failure = await guardedFetch([], { resolve })(url).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error & { cause?: Error }).cause?.message)).toMatch(
      /rebind\.example resolves to 169\.254\.169\.254, which is a link-local \(cloud metadata\) address/,
    );
    expect(hits).toBe(before);
  });

  it('refuses a name re-pointed to this machine (loopback) between the check and the connection', async () => {
    const resolve = rebinding(['93.184.216.34'], ['127.0.0.1']);
    const url = `http://rebind.example:${port}/`;
    await expect(assertOutboundAllowed(url, [], 'input.url', { resolve })).resolves.toBeUndefined();
    const before = hits;
    const failure = await guardedFetch([], { resolve, setting: 'WEBHOOK_ALLOWED_HOSTS' })(url).then(
      () => undefined,
      (err: Error & { cause?: Error }) => err.cause?.message,
    );
    expect(failure).toMatch(/resolves to 127\.0\.0\.1, which is a loopback address.*WEBHOOK_ALLOWED_HOSTS/);
    expect(hits).toBe(before);
  });

  it('connects under a CIDR block, and refuses a name re-pointed outside it', async () => {
    const inside = guardedFetch(['127.0.0.0/8'], { resolve: rebinding(['127.0.0.1']) });
    expect(await (await inside(`http://in.example:${port}/`)).text()).toBe('ok');
    const before = hits;
    const resolve = rebinding(['127.0.0.1'], ['10.0.0.5']);
    await expect(
      assertOutboundAllowed(`http://out.example:${port}/`, ['127.0.0.0/8'], 'url', { resolve }),
    ).resolves.toBeUndefined();
    const failure = await guardedFetch(['127.0.0.0/8'], { resolve })(`http://out.example:${port}/`).then(
      () => undefined,
      (err: Error & { cause?: Error }) => err.cause?.message,
    );
    expect(failure).toMatch(/resolves to 10\.0\.0\.5, which is a private network address/);
    expect(hits).toBe(before);
  });

  it('refuses when any address of the answer is forbidden, and lets an allow-listed name through', async () => {
    const failure = await guardedFetch(['127.0.0.1'], { resolve: rebinding(['127.0.0.1', 'fe80::1']) })(
      `http://mixed.example:${port}/`,
    ).then(
      () => undefined,
      (err: Error & { cause?: Error }) => err.cause?.message,
    );
    expect(failure).toMatch(/fe80::1, which is a link-local address/);
    const allowed = guardedFetch(['allowed.example'], { resolve: rebinding(['127.0.0.1']) });
    expect(await (await allowed(`http://allowed.example:${port}/`)).text()).toBe('ok');
  });
});

/**
 * An address written in the URL is not looked up (net.connect connects to it as it is), so the lookup's check never
 * ran for one: a URL or a redirect naming 127.0.0.2 or 169.254.169.254 was fetched. The MCP SDK follows redirects, so
 * a registered server (checked at registration) that answered `307 Location: http://169.254.169.254/…` had Baton
 * post its request there.
 */
describe('guardedFetch and addresses written in the URL', () => {
  let inside: Server;
  let insidePort: number;
  let insideHits = 0;
  let redirector: Server;
  let redirectorPort: number;
  let location = '';
  beforeAll(async () => {
    // Stands for a service of the private network: it listens on every address, 127.0.0.2 included.
    inside = createServer((_req, res) => {
      insideHits++;
      res.end('the private service answered');
    });
    await new Promise<void>((r) => inside.listen(0, '0.0.0.0', r));
    insidePort = (inside.address() as AddressInfo).port;
    redirector = createServer((_req, res) => res.writeHead(307, { location }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    redirectorPort = (redirector.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => inside.close(() => r()));
    await new Promise<void>((r) => redirector.close(() => r()));
  });

  const failureOf = (f: typeof fetch, url: string, init?: RequestInit) =>
    f(url, init).then(
      (res) => `answered ${res.status}`,
      (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
    );

  it('refuses an address the allow-list does not name, written in the URL', async () => {
    const before = insideHits;
    expect(await failureOf(guardedFetch(['127.0.0.1']), `http://127.0.0.2:${insidePort}/`)).toMatch(
      /127\.0\.0\.2 is a loopback address/,
    );
    expect(await failureOf(guardedFetch([]), `http://[::ffff:127.0.0.2]:${insidePort}/`)).toMatch(
      /is a loopback address/,
    );
    expect(insideHits).toBe(before);
  });

  it('refuses a redirect from an allowed server to a forbidden address: the request is not sent there', async () => {
    const f = guardedFetch(['127.0.0.1']);
    for (const target of [`http://127.0.0.2:${insidePort}/admin`, 'http://169.254.169.254/latest/meta-data/']) {
      location = target;
      const before = insideHits;
      const failure = await failureOf(f, `http://127.0.0.1:${redirectorPort}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      });
      expect(failure).toMatch(/is a (loopback|link-local \(cloud metadata\)) address; Baton does not call it/);
      expect(insideHits).toBe(before);
    }
  });

  it('still connects to an address the allow-list names, and follows a redirect that stays allowed', async () => {
    const f = guardedFetch(['127.0.0.0/8']);
    location = `http://127.0.0.2:${insidePort}/`;
    const res = await f(`http://127.0.0.1:${redirectorPort}/`);
    expect(await res.text()).toBe('the private service answered');
  });
});
