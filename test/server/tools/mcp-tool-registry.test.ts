import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolRegistry } from '../../../server/src/tools/mcp-tool-registry.js';
import type { ToolCallContext } from '../../../server/src/tools/tool-registry.js';
import { type FakeMcpHttpServer, fakeMcpStdioCommand, startFakeMcpHttpServer } from '../../fakes/mcp-fake-server.js';
import { createSeededStore, ordersWhere, type SeededStore } from '../store/store-test-kit.js';

let callIndex = 0;
const context = (customerId?: string, overrides: Partial<ToolCallContext> = {}): ToolCallContext => {
  const index = callIndex++;
  return {
    conversationId: 'conv-1',
    runId: 'run-1',
    taskId: 't1',
    agentName: 'OrderManagementAgent',
    callIndex: index,
    idempotencyKey: `run-1:t1:${index}`,
    customer: { customerId, verified: false },
    ...overrides,
  };
};

describe('McpToolRegistry', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let fake: FakeMcpHttpServer;

  beforeAll(async () => {
    s = await createSeededStore();
    fake = await startFakeMcpHttpServer();
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 1_500,
      connectTimeoutMs: 20_000,
      refreshIntervalMs: 60_000,
      // The fake servers listen on loopback, which only an allow-list opens (OUTBOUND_ALLOW_HOSTS).
      outboundAllowHosts: ['127.0.0.1'],
    });
  });
  afterAll(async () => {
    await registry.close();
    await fake.close();
    await s.dispose();
  });

  describe('the built-in store server', () => {
    it('exposes the store tools by qualified name, with their schema and read/write flag', async () => {
      const tools = await registry.list();
      const byName = new Map(tools.map((t) => [t.name, t]));
      expect(byName.get('store.get_order_details')).toMatchObject({
        server: 'store',
        tool: 'get_order_details',
        readOnly: true,
      });
      expect(byName.get('store.cancel_pending_order')?.readOnly).toBe(false);
      expect(byName.get('store.search_products')?.inputSchema).toMatchObject({
        type: 'object',
        properties: { query: {} },
      });
      expect(tools.filter((t) => t.server === 'store')).toHaveLength(24);
      // The store's own declarations reach the tool executor; nothing undeclared runs below verified.
      expect(byName.get('store.get_order_details')?.identity).toEqual({
        minimumLevel: 'verified',
        readsPersonalData: true,
        writes: false,
      });
      expect(byName.get('store.get_order_status')?.identity.minimumLevel).toBe('claimed');
      expect(byName.get('store.search_products')?.identity.minimumLevel).toBe('anonymous');
    });

    it('identifies the shopper by email (identityPolicy: email), then scopes order reads to them', async () => {
      const order = ordersWhere(s.data, (o) => o.fulfillments.length > 0)[0]!;
      const email = s.data.users[order.user_id]!.email;
      const found = await registry.call(
        'store.find_user_id_by_email',
        { email },
        {
          ...context(),
          customer: { verified: false, policy: 'email' },
        },
      );
      expect(found).toEqual({ ok: true, output: { user_id: order.user_id }, identifiedCustomerId: order.user_id });
      // Under strict (the default) the same call records a claim and names nobody.
      const claimed = await registry.call('store.find_user_id_by_email', { email }, context());
      expect(claimed).toMatchObject({ ok: true, identityClaim: { email } });
      expect(claimed.identifiedCustomerId).toBeUndefined();
      const details = await registry.call(
        'store.get_order_details',
        { order_id: order.order_id },
        context(order.user_id),
      );
      expect(details.ok).toBe(true);
      expect(details.output).toMatchObject({ status: order.status, fulfillments: order.fulfillments });
    });

    it('refuses a cross-customer request as NOT_FOUND (never confirming the order exists), for reads and writes alike', async () => {
      const victim = ordersWhere(s.data, (o) => o.status === 'pending')[0]!;
      const attacker = Object.keys(s.data.users).find((u) => u !== victim.user_id)!;
      const read = await registry.call('store.get_order_details', { order_id: victim.order_id }, context(attacker));
      expect(read).toMatchObject({
        ok: false,
        errorCode: 'NOT_FOUND',
        errorReason: 'ORDER_NOT_FOUND',
        errorDetails: { order_id: victim.order_id },
      });
      const write = await registry.call(
        'store.cancel_pending_order',
        { order_id: victim.order_id, reason: 'no longer needed' },
        context(attacker),
      );
      expect(write).toMatchObject({ ok: false, errorCode: 'NOT_FOUND' });
      const unchanged = await registry.call(
        'store.get_order_details',
        { order_id: victim.order_id },
        context(victim.user_id),
      );
      expect(unchanged.output).toMatchObject({ status: 'pending' });
    });

    it('asks to identify the customer first when nobody is identified', async () => {
      const order = ordersWhere(s.data, () => true)[0]!;
      const result = await registry.call('store.get_order_details', { order_id: order.order_id }, context());
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/Identify the customer first/);
    });

    it('retries a write with the same idempotency key without doing it twice', async () => {
      const order = ordersWhere(s.data, (o) => o.status === 'pending')[1]!;
      const ctx = context(order.user_id);
      const args = { order_id: order.order_id, reason: 'ordered by mistake' };
      const first = await registry.call('store.cancel_pending_order', args, ctx);
      const retry = await registry.call('store.cancel_pending_order', args, ctx);
      expect(first.ok).toBe(true);
      expect(retry).toEqual(first);
      const after = await registry.call(
        'store.get_order_details',
        { order_id: order.order_id },
        context(order.user_id),
      );
      const history = (after.output as { payment_history: { transaction_type: string }[] }).payment_history;
      expect(history.filter((p) => p.transaction_type === 'refund')).toHaveLength(1);
    });

    it('rehearses a write when asked to preview it: the answer it would give, and nothing stored', async () => {
      const order = ordersWhere(s.data, (o) => o.status === 'pending')[2]!;
      const ctx = { ...context(order.user_id), preview: true };
      const args = { order_id: order.order_id, reason: 'no longer needed' };
      expect((await registry.list()).find((t) => t.name === 'store.cancel_pending_order')?.previewable).toBe(true);
      expect((await registry.list()).find((t) => t.name === 'store.get_order_details')?.previewable).toBeUndefined();
      const rehearsed = await registry.call('store.cancel_pending_order', args, ctx);
      expect(rehearsed).toMatchObject({ ok: true, output: { order_id: order.order_id, status: 'cancelled' } });
      const read = await registry.call('store.get_order_details', { order_id: order.order_id }, context(order.user_id));
      expect(read.output).toMatchObject({ status: 'pending' });
      // The key was not spent: the real call, with the same key, cancels.
      const real = await registry.call('store.cancel_pending_order', args, { ...ctx, preview: false });
      expect(real).toMatchObject({ ok: true, output: { status: 'cancelled' } });
      // What cannot be done is said by the rehearsal as by the call.
      const again = await registry.call('store.cancel_pending_order', args, { ...ctx, idempotencyKey: 'other-key' });
      expect(again).toMatchObject({ ok: false, errorCode: 'CONFLICT' });
    });

    it('reports unknown tools and bad arguments as errors', async () => {
      expect(await registry.call('nowhere.tool', {}, context())).toMatchObject({ ok: false, errorCode: 'NOT_FOUND' });
      expect(await registry.call('store.no_such_tool', {}, context())).toMatchObject({ ok: false });
      expect(await registry.call('store.get_order_details', {}, context())).toMatchObject({
        ok: false,
        errorCode: 'VALIDATION_FAILED',
      });
      expect(await registry.call('store.get_order_details', [1, 2], context())).toMatchObject({
        ok: false,
        errorCode: 'VALIDATION_FAILED',
      });
    });
  });

  describe('external servers over Streamable HTTP', () => {
    beforeAll(async () => {
      await registry.registerServer({ name: 'weather', transport: 'http', url: fake.url });
    });

    it('makes the tools appear in the list and callable', async () => {
      const tools = (await registry.list()).filter((t) => t.server === 'weather');
      expect(tools.map((t) => t.name)).toContain('weather.forecast');
      expect(tools.find((t) => t.name === 'weather.forecast')?.readOnly).toBe(true);
      const result = await registry.call('weather.forecast', { city: 'Oslo' }, context('noah_brown_6181'));
      expect(result).toEqual({ ok: true, output: { city: 'Oslo', forecast: 'sunny', high_c: 14 } });
    });

    it('never sends the customer to an external server, nor believes its identity claims', async () => {
      const meta = await registry.call('weather.echo_meta', {}, context('noah_brown_6181'));
      expect(meta.output).toEqual({
        'baton/idempotencyKey': expect.stringMatching(/^run-1:t1:/),
        'baton/conversationId': 'conv-1',
      });
      const claim = await registry.call('weather.claim_identity', {}, context());
      expect(claim.ok).toBe(true);
      expect(claim.identifiedCustomerId).toBeUndefined();
    });

    it('turns a tool error into ok:false (its claimed code and reason not believed), and a hanging tool into TIMEOUT', async () => {
      expect(await registry.call('weather.fail', {}, context())).toEqual({
        ok: false,
        error: 'the fake server refuses',
        errorCode: 'TOOL_ERROR',
      });
      const started = Date.now();
      expect(await registry.call('weather.hang', {}, context())).toMatchObject({ ok: false, errorCode: 'TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('refuses a duplicate or reserved name, and a server it cannot reach', async () => {
      await expect(
        registry.registerServer({ name: 'weather', transport: 'http', url: fake.url }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(registry.registerServer({ name: 'store', transport: 'http', url: fake.url })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(
        registry.registerServer({ name: 'nowhere', transport: 'http', url: 'http://127.0.0.1:9/mcp' }),
      ).rejects.toMatchObject({ code: 'TOOL_ERROR', message: expect.stringContaining('Could not connect') });
      expect((await registry.servers()).map((srv) => srv.name)).not.toContain('nowhere');
    });

    it('is seen by another replica once it refreshes', async () => {
      const replica = await McpToolRegistry.create({
        db: s.db,
        callTimeoutMs: 1_500,
        outboundAllowHosts: ['127.0.0.1'],
      });
      try {
        expect((await replica.list()).map((t) => t.name)).toContain('weather.forecast');
      } finally {
        await replica.close();
      }
    });

    it('gives a tool error without hanging when the server dies, and the tools go with removeServer', async () => {
      const dying = await startFakeMcpHttpServer();
      await registry.registerServer({ name: 'dying', transport: 'http', url: dying.url });
      expect((await registry.call('dying.forecast', { city: 'Rome' }, context())).ok).toBe(true);
      await dying.close();
      const started = Date.now();
      const result = await registry.call('dying.forecast', { city: 'Rome' }, context());
      expect(result).toMatchObject({ ok: false, errorCode: expect.stringMatching(/TOOL_ERROR|TIMEOUT/) });
      expect(Date.now() - started).toBeLessThan(10_000);

      await registry.removeServer('dying');
      expect((await registry.list()).some((t) => t.server === 'dying')).toBe(false);
      await expect(registry.removeServer('dying')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(registry.removeServer('store')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('external servers over stdio', () => {
    it('starts the command, calls its tools, survives a crash and reconnects', async () => {
      const { command, args } = fakeMcpStdioCommand();
      const { tools } = await registry.registerServer({ name: 'local', transport: 'stdio', command, args });
      expect(tools.map((t) => t.name)).toContain('local.forecast');
      expect(await registry.call('local.forecast', { city: 'Lima' }, context())).toEqual({
        ok: true,
        output: { city: 'Lima', forecast: 'sunny', high_c: 14 },
      });
      const started = Date.now();
      const crashed = await registry.call('local.crash', {}, context());
      expect(crashed).toMatchObject({ ok: false, errorCode: 'TOOL_ERROR' });
      expect(Date.now() - started).toBeLessThan(10_000);
      // The next call starts the server again.
      expect((await registry.call('local.forecast', { city: 'Quito' }, context())).ok).toBe(true);
      await registry.removeServer('local');
    });

    it('refuses a command that does not start', async () => {
      await expect(
        registry.registerServer({ name: 'broken', transport: 'stdio', command: '/nonexistent/mcp-server' }),
      ).rejects.toMatchObject({ code: 'TOOL_ERROR' });
    });
  });
});
