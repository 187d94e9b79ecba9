import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../../server/src/store/schema/index.js';
import { toolMetaKeys } from '../../../server/src/tools/tool-call-meta.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/** `/mcp/store` on a production-mode server: who the caller is comes from its credentials only. */
describe('/mcp/store callers', () => {
  let t: TestApp;
  let url: string;
  const clients: Client[] = [];
  const connect = async (token: string) => {
    const client = new Client({ name: 'probe', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp/store`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const ticket = (client: Client, key: string, extra: Record<string, unknown> = {}, args = {}) =>
    client.callTool({
      name: 'create_ticket',
      arguments: { summary: 'Please call me back', priority: 'normal', ...args },
      _meta: { [toolMetaKeys.idempotencyKey]: key, ...extra },
    }) as Promise<CallToolResult>;

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', NODE_ENV: 'production', MAX_REQUEST_BODY_BYTES: '65536', MAX_MESSAGE_LENGTH: '2000' },
    });
    ({ url } = await t.app.start(0, '127.0.0.1'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await t.close();
  });

  it("scopes idempotency keys by caller: B replaying A's key gets its own ticket, not A's", async () => {
    const a = await t.app.services.conversations.start({});
    const b = await t.app.services.conversations.start({});
    const first = await ticket(
      await connect(a.token),
      't-1',
      {},
      {
        customer_name: 'Alice Example',
        customer_email: 'alice@example.com',
        customer_phone: '+1 555 0100',
      },
    );
    expect(first.isError).toBeFalsy();
    const replay = await ticket(await connect(b.token), 't-1');
    expect(replay.isError).toBeFalsy();
    expect(replay._meta?.[toolMetaKeys.replayed]).toBe(false);
    const text = JSON.stringify(replay);
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('Alice Example');
    expect((replay.structuredContent as { ticket_id: string }).ticket_id).not.toBe(
      (first.structuredContent as { ticket_id: string }).ticket_id,
    );
    // The same caller repeating its key still gets its first result (idempotency holds within a principal).
    const again = await ticket(await connect(a.token), 't-1');
    expect(again._meta?.[toolMetaKeys.replayed]).toBe(true);
    expect((again.structuredContent as { ticket_id: string }).ticket_id).toBe(
      (first.structuredContent as { ticket_id: string }).ticket_id,
    );
  });

  it('files a write under the caller’s own conversation, whatever `_meta` claims', async () => {
    const mine = await t.app.services.conversations.start({});
    const victim = await t.app.services.conversations.start({});
    const result = await ticket(await connect(mine.token), 'spoof-1', {
      [toolMetaKeys.conversationId]: victim.conversation.id,
      [toolMetaKeys.agentName]: 'HumanTransferAgent',
    });
    expect(result.isError).toBeFalsy();
    const id = (result.structuredContent as { ticket_id: string }).ticket_id;
    const [row] = await t.app.services.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row?.conversationId).toBe(mine.conversation.id);
    expect(row?.agentName).toBeNull();
    expect(
      await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, victim.conversation.id)),
    ).toEqual([]);
  });

  it('refuses a body over MAX_REQUEST_BODY_BYTES with 413, and a string over the field limit, running nothing', async () => {
    const { token, conversation } = await t.app.services.conversations.start({});
    const post = (body: string) =>
      fetch(`${url}/mcp/store`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      });
    const call = (summary: string) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'create_ticket', arguments: { summary, priority: 'normal' } },
      });
    const big = await post(call('x'.repeat(70_000)));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 65536 } } });
    const long = await post(call('y'.repeat(2_001)));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      error: { data: { code: 'VALIDATION_FAILED', field: 'params.arguments.summary' } },
    });
    expect(await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, conversation.id))).toEqual(
      [],
    );
    // Within the limits the same call goes through.
    expect((await post(call('A short summary'))).status).toBe(200);
  });

  it("gives a shopper's token one open ticket per conversation and a few sign-ups, never a flood", async () => {
    const { token, conversation } = await t.app.services.conversations.start({});
    const client = await connect(token);
    const first = await ticket(client, 'flood-1', {}, { priority: 'urgent' });
    expect(first.isError).toBeFalsy();
    const reference = (first.structuredContent as { reference: string }).reference;
    for (const key of ['flood-2', 'flood-3']) {
      const again = await ticket(client, key, {}, { priority: 'urgent' });
      expect(again.isError).toBe(true);
      expect(again._meta?.[toolMetaKeys.errorCode]).toBe('CONFLICT');
      expect(JSON.stringify(again.content)).toContain(reference);
    }
    const transfer = (await client.callTool({
      name: 'transfer_to_human_agents',
      arguments: { summary: 'Again' },
    })) as CallToolResult;
    expect(transfer._meta?.[toolMetaKeys.errorCode]).toBe('CONFLICT');
    expect(
      await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, conversation.id)),
    ).toHaveLength(1);
    // Its own first call, repeated with its key, is still the same answer.
    expect((await ticket(client, 'flood-1'))._meta?.[toolMetaKeys.replayed]).toBe(true);
    // Once the colleague closed it, the shopper may ask again.
    await t.app.services.db
      .update(tickets)
      .set({ status: 'closed' })
      .where(eq(tickets.conversationId, conversation.id));
    expect((await ticket(client, 'flood-4')).isError).toBeFalsy();

    const lead = (i: number) =>
      client.callTool({
        name: 'create_lead',
        arguments: { email: `someone${i}@example.com`, interest: 'newsletter' },
      }) as Promise<CallToolResult>;
    for (let i = 0; i < 5; i++) expect((await lead(i)).isError, `lead ${i}`).toBeFalsy();
    expect((await lead(5))._meta?.[toolMetaKeys.errorCode]).toBe('RATE_LIMITED');
  });
});
