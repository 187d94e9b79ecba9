import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversations,
  emailOutbox,
  erasureAudit,
  events,
  rateLimits,
  verificationCodes,
} from '../../../server/src/db/schema/index.js';
import { CustomerData } from '../../../server/src/privacy/customer-data.js';
import { personalDataTables } from '../../../server/src/privacy/personal-data-tables.js';
import {
  storeBackInStock,
  storeLeads,
  storeOrders,
  storeUsers,
  tickets,
} from '../../../server/src/store/schema/index.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';

const NOAH = {
  id: 'noah_brown_6181',
  email: 'noah.brown7922@example.com',
  street: '986 Sunset Drive',
  order: '#W7678072',
};
const YUSUF = { id: 'yusuf_rossi_9620', email: 'yusuf.rossi7301@example.com' };

/** exportCustomerData and eraseCustomer over real runs (offline provider, real store), through GraphQL. */
describe('customer data: export and erasure', () => {
  let t: TestApp;
  let admin: string;
  let integrator: string;
  const ids = { vouched: '', chat: '', other: '' };
  let vouchedToken = '';

  const turn = async (conversationId: string, text: string) => {
    const run = await t.app.services.runs.submit(conversationId, text, 'AUTO');
    await waitForRun(t.app, run.id, 60_000);
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true', AUTH_MODE: 'keys' } });
    admin = (await t.app.services.apiKeys.create('ops', 'admin')).key;
    integrator = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    const { conversations: convs, db, rateLimits: limits } = t.app.services;
    // Under `identityPolicy: email` an email typed in the chat identifies (the benchmark's policy): such a
    // conversation acted for the customer and is theirs to export and erase.
    await t.app.services.settings.update({ identityPolicy: 'email' });
    // Vouched for by a key: the conversation carries the customer id.
    const vouched = await convs.start({ customerId: NOAH.id, title: 'Noah' });
    ids.vouched = vouched.conversation.id;
    vouchedToken = vouched.token;
    await turn(ids.vouched, `Where is my order ${NOAH.order} and what address is it going to?`);
    // Identified in the chat by email: found through its TOOL_CALL event.
    ids.chat = (await convs.start({})).conversation.id;
    await turn(ids.chat, `Hi, my email is ${NOAH.email}. What is the status of my order ${NOAH.order}?`);
    // Another customer's conversation, which must survive.
    ids.other = (await convs.start({ customerId: YUSUF.id })).conversation.id;
    await turn(ids.other, 'Where is my order #W6247578?');
    await limits.checkMessage({ kind: 'conversation', conversationId: ids.vouched }, ids.vouched);
    await limits.checkMessage({ kind: 'conversation', conversationId: ids.other }, ids.other);
    await db.insert(tickets).values([
      { summary: 'Noah wants a call', priority: 'normal', customerId: NOAH.id, customerEmail: NOAH.email },
      { summary: 'Yusuf wants a call', priority: 'normal', customerId: YUSUF.id, customerEmail: YUSUF.email },
    ]);
    await db.insert(storeLeads).values([
      { email: NOAH.email.toUpperCase(), interest: 'bulk order' },
      { email: YUSUF.email, interest: 'bulk order' },
    ]);
    await db.insert(storeBackInStock).values({ email: NOAH.email, itemId: '1234567890' });
    // A one-time code mailed to Noah (development outbox), and one for the other customer.
    const code = { claimHash: 'h', codeHash: 'h', salt: 's', expiresAt: new Date(Date.now() + 600_000) };
    await db.insert(verificationCodes).values([
      { ...code, conversationId: ids.chat, customerId: NOAH.id },
      { ...code, conversationId: ids.other, customerId: YUSUF.id },
    ]);
    await db.insert(emailOutbox).values([
      { to: NOAH.email, subject: 'Your code', text: 'Your code is 123456' },
      { to: YUSUF.email, subject: 'Your code', text: 'Your code is 654321' },
    ]);
  }, 180_000);
  afterAll(() => t.close());

  type Export = { customerId: string; tables: Record<string, Record<string, unknown>[]> };
  const exportOf = (id: string, key = admin) =>
    t.gql<{ exportCustomerData: Export }>('query($id: String!) { exportCustomerData(customerId: $id) }', { id }, key);

  it('exports everything held on the customer, and nothing of others', async () => {
    const r = await exportOf(NOAH.id);
    expect(r.errors).toBeUndefined();
    const { tables } = r.data!.exportCustomerData;
    expect(tables.conversations!.map((c) => c.id).sort()).toEqual([ids.chat, ids.vouched].sort());
    expect(new Set(tables.events!.map((e) => e.conversationId))).toEqual(new Set([ids.chat, ids.vouched]));
    expect(JSON.stringify(tables.events)).toContain(NOAH.street);
    expect(tables.tickets!.map((x) => x.summary)).toEqual(['Noah wants a call']);
    expect(tables.store_leads).toHaveLength(1);
    expect(tables.store_back_in_stock).toHaveLength(1);
    expect(tables.rate_limits!.map((x) => x.bucket)).toEqual([`conversation:${ids.vouched}:messages`]);
    expect(tables.runs!.length).toBe(2);
    expect(tables.store_users![0]).toMatchObject({ id: NOAH.id, email: NOAH.email });
    expect(tables.store_orders!.map((o) => o.id)).toEqual([NOAH.order]);
    const text = JSON.stringify(tables);
    expect(text).not.toContain(YUSUF.email);
    expect(text).not.toContain('token_hash');
    expect(text).not.toContain('tokenHash');
  });

  it('refuses callers who are not admins, and says what is wrong with the id', async () => {
    expect(errorCode(await exportOf(NOAH.id, integrator))).toBe('FORBIDDEN');
    expect(
      errorCode(await t.gql('mutation { eraseCustomer(customerId: "noah_brown_6181") { auditId } }', {}, integrator)),
    ).toBe('FORBIDDEN');
    expect(errorCode(await exportOf('nobody_0000'))).toBe('NOT_FOUND');
    const missing = await t.gql('mutation { eraseCustomer(customerId: "nobody_0000") { auditId } }', {}, admin);
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(errorCode(await exportOf(''))).toBe('VALIDATION_FAILED');
    expect(await t.app.services.db.select().from(erasureAudit)).toEqual([]);
  });

  it('rolls the whole erasure back when one table fails', async () => {
    const failing = new CustomerData({
      db: t.app.services.db,
      tables: [
        ...personalDataTables,
        {
          name: 'broken',
          export: async () => [],
          erase: async () => {
            throw new Error('disk full');
          },
        },
      ],
      onConversationsDeleted: () => {},
    });
    await expect(failing.erase(NOAH.id, 'test')).rejects.toThrow('disk full');
    const left = await t.app.services.db
      .select()
      .from(conversations)
      .where(inArray(conversations.id, [ids.vouched, ids.chat]));
    expect(left).toHaveLength(2);
    expect((await t.app.services.db.select().from(tickets).where(eq(tickets.customerId, NOAH.id))).length).toBe(1);
  });

  it('erases in one transaction, keeps the shop’s records and the other customer, audits without personal data', async () => {
    const r = await t.gql<{
      eraseCustomer: { auditId: string; tables: { table: string; rows: number }[]; kept: string[] };
    }>('mutation { eraseCustomer(customerId: "noah_brown_6181") { auditId tables { table rows } kept } }', {}, admin);
    expect(r.errors).toBeUndefined();
    const counts = Object.fromEntries(r.data!.eraseCustomer.tables.map((x) => [x.table, x.rows]));
    expect(counts).toMatchObject({
      conversations: 2,
      tickets: 1,
      store_leads: 1,
      store_back_in_stock: 1,
      rate_limits: 1,
      verification_codes: 1,
      email_outbox: 1,
    });
    expect(await t.app.services.db.select().from(verificationCodes)).toHaveLength(1);
    expect((await t.app.services.db.select().from(emailOutbox)).map((m) => m.to)).toEqual([YUSUF.email]);
    expect(counts.events).toBeGreaterThan(6);
    expect(r.data!.eraseCustomer.kept).toEqual(['store_users', 'store_payment_methods', 'store_orders']);

    const { db } = t.app.services;
    const gone = [ids.vouched, ids.chat];
    expect(await db.select().from(conversations).where(inArray(conversations.id, gone))).toEqual([]);
    expect(await db.select().from(events).where(inArray(events.conversationId, gone))).toEqual([]);
    expect(
      await db
        .select()
        .from(rateLimits)
        .where(sql`${rateLimits.bucket} like ${`conversation:${ids.vouched}:%`}`),
    ).toEqual([]);
    expect(await db.select().from(tickets).where(eq(tickets.customerId, NOAH.id))).toEqual([]);
    // The other customer's data is untouched.
    expect(await db.select().from(conversations).where(eq(conversations.id, ids.other))).toHaveLength(1);
    expect(await db.select().from(tickets).where(eq(tickets.customerId, YUSUF.id))).toHaveLength(1);
    expect(await db.select().from(storeLeads).where(eq(storeLeads.email, YUSUF.email))).toHaveLength(1);
    // The shop's records stay.
    expect(await db.select().from(storeUsers).where(eq(storeUsers.id, NOAH.id))).toHaveLength(1);
    expect(await db.select().from(storeOrders).where(eq(storeOrders.userId, NOAH.id))).toHaveLength(1);
    // The audit row: who and how many, no personal data.
    const [audit] = await db.select().from(erasureAudit).where(eq(erasureAudit.id, r.data!.eraseCustomer.auditId));
    expect(audit).toMatchObject({ requestedBy: 'admin key "ops"', counts });
    const auditText = JSON.stringify(audit).toLowerCase();
    for (const personal of [NOAH.id, NOAH.email, 'noah', 'brown', ids.vouched, ids.chat])
      expect(auditText).not.toContain(personal);
    // The erased conversation's token reads nothing any more.
    const read = await t.gql(`{ conversation(id: "${ids.vouched}") { id } }`, {}, vouchedToken);
    expect(read.data?.conversation ?? null).toBeNull();
    // What is left to export is the shop's records.
    const after = (await exportOf(NOAH.id)).data!.exportCustomerData.tables;
    expect(after.conversations).toEqual([]);
    expect(after.events).toEqual([]);
    expect(after.store_orders).toHaveLength(1);
  });
});
