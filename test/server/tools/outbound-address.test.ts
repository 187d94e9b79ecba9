import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { assertOutboundAllowed } from '../../../server/src/tools/outbound-address.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const refused = (url: string, allow: string[] = []) =>
  assertOutboundAllowed(url, allow, 'input.url').then(
    () => undefined,
    (err: { code?: string; details?: { field?: string } }) => err,
  );

describe('outbound URL checks', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.1.1:8080/mcp',
    'http://[::ffff:169.254.169.254]/mcp',
    'http://[::ffff:a9fe:a9fe]/mcp',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/mcp',
    'http://[fe80::1]/mcp',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://0.0.0.0:4000/mcp',
    'http://[::]/mcp',
    'http://192.0.0.192/',
    'http://metadata.google.internal/computeMetadata/v1/',
    // NAT64 (RFC 6052): a gateway on the way out turns these into 169.254.169.254.
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[64:ff9b::6464:64c8]/', // 100.100.100.200
    'http://[64:ff9b:1::a9fe:a9fe]/', // local-use prefix, /96
    'http://[64:ff9b:1:a9fe:a9:fe00::]/', // local-use prefix, /48: the IPv4 split around the reserved octet
    'http://[64:ff9b:1:a9:fe:a9fe::]/', // /56
    'http://[64:ff9b:1:0:a9:fea9:fe00:0]/', // /64
    // 6to4: the relay's IPv4 follows 2002::
    'http://[2002:a9fe:a9fe::]/',
    'http://[2002:a9fe:a9fe:1::1]/',
    // Teredo: the client's IPv4, inverted, in the last 32 bits
    'http://[2001:0:4136:e378:8000:63bf:5601:5601]/',
    // This machine and private networks: a key holder's way into the operator's network.
    'http://127.0.0.1:9/mcp',
    'http://127.8.9.10/',
    'http://[::1]:9/mcp',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:9/',
    'http://10.0.0.5/mcp',
    'http://172.16.0.1/',
    'http://172.31.255.254/',
    'http://192.168.1.10/',
    'http://100.64.0.1/',
    'http://[fd12:3456::1]/',
    'http://[fc00::1]/',
    'http://[fec0::1]/',
    'http://[64:ff9b::a00:5]/', // NAT64 of 10.0.0.5
    'http://[2002:7f00:1::1]/', // 6to4 of 127.0.0.1
  ])('refuses %s with VALIDATION_FAILED on the field', async (url) => {
    expect(await refused(url)).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'input.url' } });
  });

  it('allows public addresses, and forbidden ones an allow-list names', async () => {
    for (const url of [
      'http://93.184.216.34/mcp',
      'http://172.32.0.1/', // just past 172.16.0.0/12
      'http://100.128.0.1/', // just past 100.64.0.0/10
      'http://11.0.0.1/',
      'http://[64:ff9b::5db8:d822]/', // NAT64 of 93.184.216.34
      'http://[2002:5db8:d822::1]/', // 6to4 of 93.184.216.34
      'http://[2606:4700::1111]/',
    ])
      expect(await refused(url), url).toBeUndefined();
    expect(await refused('http://169.254.169.254/', ['169.254.169.254'])).toBeUndefined();
    expect(await refused('http://127.0.0.1:9/mcp', ['127.0.0.1'])).toBeUndefined();
    expect(await refused('http://localhost:9/', ['localhost'])).toBeUndefined();
    expect(await refused('http://[::1]:9/', ['::1'])).toBeUndefined();
    expect(await refused('http://10.0.0.5/', ['127.0.0.1'])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://[::ffff:169.254.169.254]/', ['::ffff:a9fe:a9fe'])).toBeUndefined();
  });
});

describe('allow-lists with CIDR blocks', () => {
  it('a block opens the private addresses inside it, and nothing outside', async () => {
    expect(await refused('http://10.20.3.4/mcp', ['10.20.0.0/16'])).toBeUndefined();
    expect(await refused('http://10.20.255.255/', ['10.20.0.0/16'])).toBeUndefined();
    expect(await refused('http://10.21.0.1/', ['10.20.0.0/16'])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://[fd12:3456::1]/', ['fd00::/8'])).toBeUndefined();
    expect(await refused('http://[fc00::1]/', ['fd00::/8'])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://[FD12::1]/', [' [FD00::/8] '])).toBeUndefined();
    // The IPv6 forms that carry an address inside the block reach it too.
    expect(await refused('http://[::ffff:10.20.0.9]/', ['10.20.0.0/16'])).toBeUndefined();
    expect(await refused('http://127.0.0.1:9/', ['127.0.0.0/8'])).toBeUndefined();
    const err = await refused('http://10.21.0.1/', ['10.20.0.0/16']);
    expect(String(err)).toMatch(/OUTBOUND_ALLOW_HOSTS names it or a block around it/);
  });

  it('a block opens link-local, metadata or unspecified addresses only when it lies inside that space', async () => {
    // fd00::/8 is a private network; AWS's metadata service, fd00:ec2::254, sits inside it.
    expect(await refused('http://[fd00:ec2::254]/', ['fd00::/8'])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://[fd00:ec2::254]/', ['fd00:ec2::254/128'])).toBeUndefined();
    const everything = ['0.0.0.0/0', '::/0'];
    expect(await refused('http://10.0.0.5/', everything)).toBeUndefined();
    expect(await refused('http://[fd12::1]/', everything)).toBeUndefined();
    for (const url of [
      'http://169.254.169.254/',
      'http://100.100.100.200/',
      'http://0.0.0.0/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/',
    ])
      expect(await refused(url, everything), url).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://100.100.100.200/', ['100.64.0.0/10'])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused('http://100.100.100.1/', ['100.64.0.0/10'])).toBeUndefined();
    expect(await refused('http://169.254.169.254/', ['169.254.0.0/16'])).toBeUndefined();
    expect(await refused('http://169.254.169.254/', ['169.254.169.254/32'])).toBeUndefined();
    expect(await refused('http://[fe80::1]/', ['fe80::/64'])).toBeUndefined();
    expect(await refused('http://[64:ff9b::a9fe:a9fe]/', ['64:ff9b::a9fe:0/112'])).toBeUndefined();
  });

  it('checks every address a name resolves to against the blocks', async () => {
    const resolve =
      (...addresses: string[]) =>
      async () =>
        addresses;
    await expect(
      assertOutboundAllowed('http://hooks.internal/x', ['10.20.0.0/16'], 'url', { resolve: resolve('10.20.1.2') }),
    ).resolves.toBeUndefined();
    await expect(
      assertOutboundAllowed('http://hooks.internal/x', ['10.20.0.0/16'], 'url', {
        resolve: resolve('10.20.1.2', '10.30.0.1'),
      }),
    ).rejects.toThrow(/resolves to 10\.30\.0\.1/);
  });

  it('a malformed block stops the start, naming the setting', () => {
    expect(loadConfig({ OUTBOUND_ALLOW_HOSTS: '10.20.0.0/16, fd00::/8, hooks.internal' }).outboundAllowHosts).toEqual([
      '10.20.0.0/16',
      'fd00::/8',
      'hooks.internal',
    ]);
    expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: '10.20.0.0/16' }).webhooks.allowedHosts).toEqual(['10.20.0.0/16']);
    for (const setting of ['OUTBOUND_ALLOW_HOSTS', 'WEBHOOK_ALLOWED_HOSTS'])
      for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.0/x', 'hooks.internal/16', '/8'])
        expect(() => loadConfig({ [setting]: `127.0.0.1, ${bad}` }), `${setting}=${bad}`).toThrow(
          new RegExp(`${setting}.*${bad.replace(/[./]/g, '\\$&')}`),
        );
  });
});

describe('outbound URL checks by name', () => {
  const resolvesTo =
    (...addresses: string[]) =>
    async () =>
      addresses;
  it('checks every address a name resolves to, and names the setting that would allow it', async () => {
    const err = await assertOutboundAllowed('http://hooks.example/x', [], 'url', {
      setting: 'WEBHOOK_ALLOWED_HOSTS',
      resolve: resolvesTo('93.184.216.34', '169.254.169.254'),
    }).catch((e: Error & { details?: { field?: string } }) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'url' } });
    expect(String(err)).toMatch(/resolves to 169\.254\.169\.254.*WEBHOOK_ALLOWED_HOSTS/);
    const nat64 = await assertOutboundAllowed('http://hooks.example/x', [], 'url', {
      resolve: resolvesTo('64:ff9b::a9fe:a9fe'),
    }).catch((e: Error) => e);
    expect(String(nat64)).toMatch(/resolves to 64:ff9b::a9fe:a9fe, which is a link-local.*169\.254\.169\.254/);
    await expect(
      assertOutboundAllowed('http://hooks.example/x', ['hooks.example'], 'url', { resolve: resolvesTo('169.254.1.1') }),
    ).resolves.toBeUndefined();
  });

  it('lets a name that does not resolve through, unless told to refuse it', async () => {
    const fails = async (): Promise<string[]> => {
      throw new Error('ENOTFOUND');
    };
    await expect(
      assertOutboundAllowed('http://nowhere.example/', [], 'url', { resolve: fails }),
    ).resolves.toBeUndefined();
    await expect(
      assertOutboundAllowed('http://nowhere.example/', [], 'url', { resolve: fails, unresolvable: 'refuse' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('registerMcpServer (production)', () => {
  let t: TestApp;
  let admin: string;
  let leaky: Server;
  let leakyUrl: string;
  beforeAll(async () => {
    leaky = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal secret: AKIA-EXAMPLE-SECRET');
    });
    await new Promise<void>((r) => leaky.listen(0, '127.0.0.1', r));
    leakyUrl = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}/mcp`;
    // The leaky server listens on loopback: named, as an operator would name a server of their own.
    t = await createTestApp({ env: { AUTH_MODE: 'keys', NODE_ENV: 'production', OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    admin = (await t.app.services.apiKeys.create('ops', 'admin')).key;
  });
  afterAll(async () => {
    await t.close();
    leaky.closeAllConnections();
    await new Promise<void>((r) => leaky.close(() => r()));
  });

  const register = (name: string, url: string) =>
    t.gql(
      'mutation($input: RegisterMcpServerInput!) { registerMcpServer(input: $input) { name } }',
      { input: { name, transport: 'http', url } },
      admin,
    );

  it('refuses cloud metadata and private addresses the allow-list does not name, storing nothing', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://10.0.0.5/mcp',
      'http://[::1]:9/mcp',
      'http://192.168.0.10/mcp',
    ]) {
      const r = await register('meta', url);
      expect(r.errors?.[0]?.extensions, url).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.url' });
      expect(r.errors?.[0]?.message, url).toMatch(/OUTBOUND_ALLOW_HOSTS/);
    }
    const servers = await t.gql<{ mcpServers: { name: string }[] }>('{ mcpServers { name } }', {}, admin);
    expect(servers.data?.mcpServers.map((s) => s.name)).toEqual(['store', 'identity']);
  });

  it('does not echo the body of a server that answers with an error', async () => {
    const r = await register('leaky', leakyUrl);
    expect(r.errors?.[0]?.extensions?.code).toBe('TOOL_ERROR');
    expect(r.errors?.[0]?.message).toMatch(/HTTP 500/);
    expect(JSON.stringify(r)).not.toContain('AKIA-EXAMPLE-SECRET');
  });
});
