import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeMcpHttpServer, startFakeMcpHttpServer } from '../../fakes/mcp-fake-server.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const SERVERS = 'name transport builtIn enabled status error url headerNames tools { name readOnly }';

describe('tools and MCP servers over GraphQL', () => {
  let t: TestApp;
  let fake: FakeMcpHttpServer;
  let admin: string;
  let integrator: string;
  beforeAll(async () => {
    let created = '';
    fake = await startFakeMcpHttpServer();
    t = await createTestApp({
      // The fake server listens on loopback, which only an allow-list opens.
      env: { AUTH_MODE: 'keys', OUTBOUND_ALLOW_HOSTS: '127.0.0.1' },
      onAdminKeyCreated: (k) => (created = k),
    });
    admin = created;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('lists every store tool, with its schema and read/write flag', async () => {
    const r = await t.gql<{
      tools: { name: string; server: string; readOnly: boolean; inputSchema: { type: string } }[];
    }>('{ tools { name server tool readOnly inputSchema } }', {}, admin);
    expect(r.errors).toBeUndefined();
    const store = r.data!.tools.filter((tool) => tool.server === 'store');
    expect(store).toHaveLength(24);
    expect(store.find((tool) => tool.name === 'store.cancel_pending_order')).toMatchObject({ readOnly: false });
    expect(store.every((tool) => tool.inputSchema.type === 'object')).toBe(true);
  });

  it('registers an external server whose tools then appear in tools, and removes it', async () => {
    const registered = await t.gql<{ registerMcpServer: Record<string, unknown> }>(
      `mutation($input: RegisterMcpServerInput!) { registerMcpServer(input: $input) { ${SERVERS} } }`,
      {
        input: { name: 'weather', transport: 'http', url: fake.url, headers: { authorization: 'Bearer secret-token' } },
      },
      admin,
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerMcpServer).toMatchObject({
      name: 'weather',
      transport: 'HTTP',
      builtIn: false,
      url: fake.url,
      headerNames: ['authorization'],
      tools: expect.arrayContaining([{ name: 'weather.forecast', readOnly: true }]),
    });
    expect(JSON.stringify(registered)).not.toContain('secret-token');

    const tools = await t.gql<{ tools: { name: string }[] }>('{ tools { name } }', {}, admin);
    expect(tools.data?.tools.map((tool) => tool.name)).toContain('weather.forecast');
    const servers = await t.gql<{ mcpServers: { name: string; status: string }[] }>(
      '{ mcpServers { name status } }',
      {},
      admin,
    );
    expect(servers.data?.mcpServers.map((s) => s.name)).toEqual(['store', 'weather', 'identity']);
    // External tools need a verified shopper unless an admin marks the server lower.
    const levels = async () =>
      new Map(
        (
          await t.gql<{ tools: { name: string; minimumIdentityLevel: string }[] }>(
            '{ tools { name minimumIdentityLevel } }',
            {},
            admin,
          )
        ).data!.tools.map((tool) => [tool.name, tool.minimumIdentityLevel]),
      );
    expect((await levels()).get('weather.forecast')).toBe('verified');
    const marked = await t.gql(
      'mutation($input: RegisterMcpServerInput!) { registerMcpServer(input: $input) { name } }',
      { input: { name: 'weather2', transport: 'http', url: fake.url, identityLevel: 'anonymous' } },
      admin,
    );
    expect(marked.errors).toBeUndefined();
    expect((await levels()).get('weather2.forecast')).toBe('anonymous');
    await t.gql('mutation { removeMcpServer(name: "weather2") { name } }', {}, admin);

    const removed = await t.gql<{ removeMcpServer: { name: string } }>(
      'mutation { removeMcpServer(name: "weather") { name } }',
      {},
      admin,
    );
    expect(removed.data?.removeMcpServer.name).toBe('weather');
    const after = await t.gql<{ tools: { name: string }[] }>('{ tools { name } }', {}, admin);
    expect(after.data?.tools.some((tool) => tool.name.startsWith('weather.'))).toBe(false);
  });

  it('reports bad input, unreachable servers and unknown names as typed errors', async () => {
    const bad = await t.gql(
      'mutation { registerMcpServer(input: { name: "Bad Name", transport: http, url: "http://127.0.0.1:1/mcp" }) { name } }',
      {},
      admin,
    );
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toBe('input.name');
    const missingCommand = await t.gql(
      'mutation { registerMcpServer(input: { name: "local", transport: stdio }) { name } }',
      {},
      admin,
    );
    expect(missingCommand.errors?.[0]?.extensions?.field).toBe('input.command');
    const unreachable = await t.gql(
      'mutation { registerMcpServer(input: { name: "gone", transport: http, url: "http://127.0.0.1:9/mcp" }) { name } }',
      {},
      admin,
    );
    expect(errorCode(unreachable)).toBe('TOOL_ERROR');
    expect(errorCode(await t.gql('mutation { removeMcpServer(name: "nope") { name } }', {}, admin))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql('mutation { removeMcpServer(name: "store") { name } }', {}, admin))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('is for admins only', async () => {
    expect(errorCode(await t.gql('{ tools { name } }', {}, integrator))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql('{ mcpServers { name } }', {}, integrator))).toBe('FORBIDDEN');
    const register = await t.gql(
      `mutation { registerMcpServer(input: { name: "x", transport: http, url: "${fake.url}" }) { name } }`,
      {},
      integrator,
    );
    expect(errorCode(register)).toBe('FORBIDDEN');
  });
});
