import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreMcpServer, storeTools } from '../../../../server/src/store/mcp/store-mcp-server.js';
import { toolMetaKeys } from '../../../../server/src/tools/tool-call-meta.js';
import { createSeededStore, ordersWhere, type SeededStore } from '../store-test-kit.js';

describe('store MCP server', () => {
  let s: SeededStore;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args, _meta: meta })) as CallToolResult;

  beforeAll(async () => {
    s = await createSeededStore();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createStoreMcpServer({ db: s.db, scope: { kind: 'meta' } }).connect(serverSide);
    client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client.close();
    await s.dispose();
  });

  it('lists every store tool with its JSON schema and whether it writes', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(storeTools.map((t) => t.name).sort());
    expect(tools).toHaveLength(24);
    const cancel = tools.find((t) => t.name === 'cancel_pending_order')!;
    expect(cancel.annotations?.readOnlyHint).toBe(false);
    expect(cancel.inputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['order_id', 'reason']),
      properties: { reason: { enum: ['no longer needed', 'ordered by mistake'] } },
    });
    expect(tools.find((t) => t.name === 'search_products')!.annotations?.readOnlyHint).toBe(true);
    for (const t of tools) expect(t.description?.length, t.name).toBeGreaterThan(20);
    // Each tool declares its identity policy, which the tool executor enforces.
    expect(cancel._meta?.[toolMetaKeys.identityPolicy]).toEqual({
      minimumLevel: 'verified',
      readsPersonalData: true,
      writes: true,
      needsConsent: true,
    });
    expect(tools.find((t) => t.name === 'get_order_status')!._meta?.[toolMetaKeys.identityPolicy]).toMatchObject({
      minimumLevel: 'claimed',
    });
  });

  it('answers with structured content and the same JSON as text', async () => {
    const result = await call('list_all_product_types', {});
    expect(result.isError).toBeFalsy();
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
    expect(result.structuredContent).toHaveProperty('Running Shoes');
  });

  it('tells the client who an identity tool identified, under identityPolicy: email', async () => {
    const [userId, user] = Object.entries(s.data.users)[0]!;
    const result = await call(
      'find_user_id_by_email',
      { email: user.email },
      { [toolMetaKeys.customer]: { verified: false, policy: 'email' } },
    );
    expect(result.structuredContent).toEqual({ user_id: userId });
    expect(result._meta?.[toolMetaKeys.identifiedCustomerId]).toBe(userId);
  });

  it('under strict, records a claim and answers the same whether or not an account has the email', async () => {
    const user = Object.values(s.data.users)[0]!;
    const known = await call('find_user_id_by_email', { email: user.email });
    const unknown = await call('find_user_id_by_email', { email: 'nobody.at.all@example.com' });
    expect(known._meta?.[toolMetaKeys.identifiedCustomerId]).toBeUndefined();
    expect(known._meta?.[toolMetaKeys.identityClaim]).toEqual({ email: user.email });
    expect(unknown._meta?.[toolMetaKeys.identityClaim]).toEqual({ email: 'nobody.at.all@example.com' });
    const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
    expect(text(known).replace(user.email, 'X')).toBe(text(unknown).replace('nobody.at.all@example.com', 'X'));
  });

  it('acts for the customer in the request meta, and refuses anyone else with a readable error', async () => {
    const order = ordersWhere(s.data, () => true)[0]!;
    const mine = await call(
      'get_order_details',
      { order_id: order.order_id },
      {
        [toolMetaKeys.customer]: { customerId: order.user_id, verified: false },
      },
    );
    expect(mine.structuredContent).toMatchObject({ order_id: order.order_id, status: order.status });
    const other = Object.keys(s.data.users).find((u) => u !== order.user_id)!;
    const refused = await call(
      'get_order_details',
      { order_id: order.order_id },
      {
        [toolMetaKeys.customer]: { customerId: other, verified: false },
      },
    );
    expect(refused.isError).toBe(true);
    expect(refused._meta?.[toolMetaKeys.errorCode]).toBe('NOT_FOUND');
    expect((refused.content[0] as { text: string }).text).toMatch(/was found for the customer identified/);
    const anonymous = await call('get_order_details', { order_id: order.order_id });
    expect(anonymous._meta?.[toolMetaKeys.errorCode]).toBe('UNAUTHENTICATED');
  });

  it('replays a write with the same idempotency key instead of running it again', async () => {
    const meta = { [toolMetaKeys.idempotencyKey]: 'run-9:t1:0', [toolMetaKeys.conversationId]: 'conv-9' };
    const first = await call('create_ticket', { summary: 'Needs a callback.', priority: 'normal' }, meta);
    const again = await call('create_ticket', { summary: 'Needs a callback.', priority: 'normal' }, meta);
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(first._meta?.[toolMetaKeys.replayed]).toBe(false);
    expect(again._meta?.[toolMetaKeys.replayed]).toBe(true);
  });

  it('rejects arguments that do not match the schema', async () => {
    const result = await call('cancel_pending_order', { order_id: '#W0000000', reason: 'bored' }).catch(
      (err: Error) => err,
    );
    const text = result instanceof Error ? result.message : (result.content[0] as { text: string }).text;
    expect(text).toMatch(/Input validation error.*reason/s);
  });
});
