import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

describe('auth with AUTH_MODE=keys', () => {
  let t: TestApp;
  let url: string;
  let admin: string;
  let integrator: string;
  beforeAll(async () => {
    let created = '';
    t = await createTestApp({ env: { AUTH_MODE: 'keys' }, onAdminKeyCreated: (k) => (created = k) });
    await t.app.services.runs.stop();
    admin = created;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  const startConversation = async (token: string) =>
    (
      await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
        'mutation { startConversation { conversation { id } token } }',
        {},
        token,
      )
    ).data!.startConversation;

  it('creates the admin key at first start, stores only its hash, and accepts it', async () => {
    expect(admin).toMatch(/^bk_adm_/);
    const rows = await t.app.services.apiKeys.list();
    expect(JSON.stringify(rows)).not.toContain(admin);
    const r = await t.gql<{ agents: unknown[] }>('{ agents { name } }', {}, admin);
    expect(r.data?.agents).toHaveLength(7);
  });

  it('refuses anonymous callers and bad keys', async () => {
    expect(errorCode(await t.gql('{ agents { name } }'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql('{ agents { name } }', {}, 'bk_adm_forged'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql('mutation { startConversation { token } }'))).toBe('UNAUTHENTICATED');
  });

  it('lets an integrator read but not change agents or settings', async () => {
    expect((await t.gql('{ agents { name } }', {}, integrator)).errors).toBeUndefined();
    const create = await t.gql(
      'mutation { createAgent(input: { name: "Sneaky", description: "x" }) { name } }',
      {},
      integrator,
    );
    expect(errorCode(create)).toBe('FORBIDDEN');
    const disable = await t.gql(
      'mutation { setAgentEnabled(name: "ReturnsAgent", enabled: false) { enabled } }',
      {},
      integrator,
    );
    expect(errorCode(disable)).toBe('FORBIDDEN');
    const settings = await t.gql(
      'mutation { updateSettings(input: { brandVoice: "x" }) { brandVoice } }',
      {},
      integrator,
    );
    expect(errorCode(settings)).toBe('FORBIDDEN');
    expect((await t.app.services.agents.get('ReturnsAgent'))?.enabled).toBe(true);
    expect(await t.app.services.agents.get('Sneaky')).toBeUndefined();
  });

  it('a conversation token reaches its own conversation only', async () => {
    const mine = await startConversation(integrator);
    const other = await startConversation(integrator);
    await t.app.services.conversations.sendMessage(other.conversation.id, 'secret order #W0000001');

    const own = await t.gql<{ conversation: { id: string } }>(
      'query($id: ID!) { conversation(id: $id) { id } }',
      { id: mine.conversation.id },
      mine.token,
    );
    expect(own.data?.conversation.id).toBe(mine.conversation.id);

    const read = await t.gql(
      'query($id: ID!) { conversation(id: $id) { messages { text } } }',
      { id: other.conversation.id },
      mine.token,
    );
    expect(errorCode(read)).toBe('FORBIDDEN');
    expect(JSON.stringify(read)).not.toContain('secret');

    const send = await t.gql(
      'mutation($id: ID!) { sendMessage(conversationId: $id, text: "hi") { id } }',
      { id: other.conversation.id },
      mine.token,
    );
    expect(errorCode(send)).toBe('FORBIDDEN');

    expect(errorCode(await t.gql('{ agents { name } }', {}, mine.token))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql('{ conversations(first: 5) { edges { node { id } } } }', {}, mine.token))).toBe(
      'FORBIDDEN',
    );

    for (const transport of ['sse', 'ws'] as const) {
      const sub = subscribe(
        transport,
        url,
        'subscription($id: ID!) { conversationEvents(conversationId: $id) { id data: dataJson } }',
        { id: other.conversation.id },
        (d) => d,
        mine.token,
      );
      await expect(sub.waitFor(1, 5_000)).rejects.toBeTruthy();
      expect(JSON.stringify(sub.error)).toMatch(/FORBIDDEN|Not allowed/);
      expect(sub.items).toEqual([]);
      sub.stop();
    }
  });

  it('a forged conversation token for a real conversation is refused', async () => {
    const c = await startConversation(integrator);
    const forged = `ct_${c.conversation.id}_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    expect(
      errorCode(await t.gql('query($id: ID!) { conversation(id: $id) { id } }', { id: c.conversation.id }, forged)),
    ).toBe('UNAUTHENTICATED');
  });

  it('pages conversations newest first with cursors', async () => {
    const newest = await startConversation(integrator);
    await startConversation(integrator);
    const r1 = await t.gql<{
      conversations: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>('{ conversations(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', {}, integrator);
    expect(r1.data?.conversations.edges).toHaveLength(2);
    expect(r1.data?.conversations.pageInfo.hasNextPage).toBe(true);
    const r2 = await t.gql<{ conversations: { edges: { node: { id: string } }[] } }>(
      'query($after: String) { conversations(first: 50, after: $after) { edges { node { id } } } }',
      { after: r1.data?.conversations.pageInfo.endCursor },
      integrator,
    );
    const all = [...r1.data!.conversations.edges, ...r2.data!.conversations.edges].map((e) => e.node.id);
    expect(new Set(all).size).toBe(all.length);
    // three from the tests above, two here
    expect(all.length).toBe(5);
    expect(all[1]).toBe(newest.conversation.id);
  });
});
