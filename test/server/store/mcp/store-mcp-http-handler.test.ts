import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreMcpHttpHandler } from '../../../../server/src/store/mcp/store-mcp-http-handler.js';
import { toolMetaKeys } from '../../../../server/src/tools/tool-call-meta.js';
import { createSeededStore, ordersWhere, type SeededStore } from '../store-test-kit.js';

describe('store MCP over Streamable HTTP', () => {
  let s: SeededStore;
  let http: Server;
  let url: URL;
  const clients: Client[] = [];

  const connect = async (token?: string) => {
    const client = new Client({ name: 'outside', version: '1' });
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    s = await createSeededStore();
    const handler = createStoreMcpHttpHandler({
      db: s.db,
      authorize: (req) => {
        const auth = req.headers.authorization;
        if (auth === 'Bearer admin-key') return { role: 'admin', principalId: 'key:admin' };
        if (auth === 'Bearer integrator-key') return { role: 'integrator', principalId: 'key:integrator' };
        return { error: 'a valid API key is required' };
      },
    });
    http = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp/store`);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await s.dispose();
  });

  it('serves the store tools to an admin, who may read any order', async () => {
    const client = await connect('admin-key');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('get_order_details');
    const order = ordersWhere(s.data, () => true)[3]!;
    const result = (await client.callTool({
      name: 'get_order_details',
      arguments: { order_id: order.order_id },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(order);
  });

  it('gives other callers no customer scope, even if their request meta claims one', async () => {
    const client = await connect('integrator-key');
    const order = ordersWhere(s.data, () => true)[3]!;
    const result = (await client.callTool({
      name: 'get_order_details',
      arguments: { order_id: order.order_id },
      _meta: { [toolMetaKeys.customer]: { customerId: order.user_id, verified: true, admin: true } },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/Identify the customer first/);
    // Catalogue tools need no customer.
    const search = (await client.callTool({
      name: 'search_products',
      arguments: { query: 'yoga mat' },
    })) as CallToolResult;
    expect((search.structuredContent as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });

  it('refuses a JSON-RPC batch whole, so one request is one call to the rate limits', async () => {
    const call = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'get_order_details', arguments: { order_id: ordersWhere(s.data, () => true)[0]!.order_id } },
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: 'Bearer admin-key',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(Array.from({ length: 100 }, (_, i) => call(i + 1))),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, data: { code: 'VALIDATION_FAILED', field: 'body', messages: 100 } },
    });
    // One message a request still works, as the SDK's client sends them.
    const client = await connect('admin-key');
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('turns away callers without credentials, and GET requests', async () => {
    await expect(connect()).rejects.toThrow(/401|valid API key/);
    const res = await fetch(url, { method: 'GET', headers: { authorization: 'Bearer admin-key' } });
    expect(res.status).toBe(405);
  });
});
