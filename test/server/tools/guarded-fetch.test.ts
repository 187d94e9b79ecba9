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
