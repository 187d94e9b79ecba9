import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBatonError } from '../../../../server/src/errors.js';
import { createStoreMcpServer, type StoreScopeSource } from '../../../../server/src/store/mcp/store-mcp-server.js';
import { cancelPendingOrder } from '../../../../server/src/store/pending-order-changes.js';
import type { DatasetOrder } from '../../../../server/src/store/store-dataset.js';
import { type StoreRefusalReason, storeRefusalReasonList } from '../../../../server/src/store/store-refusals.js';
import { listTickets } from '../../../../server/src/store/tickets.js';
import { toolMetaKeys } from '../../../../server/src/tools/tool-call-meta.js';
import { asCustomer, createSeededStore, giftCardsOf, type SeededStore, userOf } from '../store-test-kit.js';

/**
 * Every reason of the store's closed set, each produced by a real call through the MCP protocol (two that no tool
 * reaches: by the store function itself), with the code it comes with and its facts. A reason added to the set without
 * a call here fails the last test.
 */
describe("the store's refusals carry a typed reason", () => {
  let s: SeededStore;
  const clients: Client[] = [];
  let call: (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => Promise<CallToolResult>;
  let shopperCall: typeof call;
  const produced = new Set<string>();

  const connect = async (scope: StoreScopeSource) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createStoreMcpServer({ db: s.db, scope }).connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    clients.push(client);
    return async (name: string, args: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args, _meta: meta })) as CallToolResult;
  };

  beforeAll(async () => {
    s = await createSeededStore();
    call = await connect({ kind: 'meta' });
    // A shopper's own conversation token at /mcp/store: one open ticket, a few sign-ups.
    shopperCall = await connect({
      kind: 'fixed',
      customer: { verified: false },
      keyPrefix: 'shopper:',
      conversationId: 'conv-refusals',
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await s.dispose();
  });

  const as = (customerId: string, extra: Record<string, unknown> = {}) => ({
    [toolMetaKeys.customer]: { customerId, verified: true, ...extra },
  });
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

  /** The refusal's code and reason, in `_meta` and in the structured content with its facts; the text is the message. */
  function expectRefusal(result: CallToolResult, code: string, reason: StoreRefusalReason, facts = {}) {
    expect(result.isError, text(result)).toBe(true);
    expect(result._meta?.[toolMetaKeys.errorCode], text(result)).toBe(code);
    expect(result._meta?.[toolMetaKeys.errorReason], text(result)).toBe(reason);
    expect(result.structuredContent).toMatchObject({ code, reason, ...facts });
    expect(text(result).length).toBeGreaterThan(10);
    produced.add(reason);
  }

  /** A store function's refusal, thrown: the reason is on the error and in its details (GraphQL extensions). */
  async function expectThrown(work: Promise<unknown>, code: string, reason: StoreRefusalReason) {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBatonError(err) && { code: err.code, reason: err.reason, details: err.details }).toMatchObject({
      code,
      reason,
      details: { reason },
    });
    produced.add(reason);
  }

  const used = new Set<string>();
  /** An order of the dataset no other test here took, so each starts from the order as seeded. */
  const take = (predicate: (o: DatasetOrder) => boolean) => {
    const order = Object.values(s.data.orders).find((o) => !used.has(o.order_id) && predicate(o));
    if (!order) throw new Error('no order in the dataset fits this test');
    used.add(order.order_id);
    return order;
  };
  const nonGiftOther = (o: DatasetOrder) =>
    Object.values(userOf(s.data, o).payment_methods).find(
      (m) => m.source !== 'gift_card' && m.id !== o.payment_history[0]!.payment_method_id,
    );

  it('who is asking: nobody identified, nobody found, another account, another verified customer', async () => {
    const order = take(() => true);
    expectRefusal(
      await call('get_order_details', { order_id: order.order_id }),
      'UNAUTHENTICATED',
      'CUSTOMER_NOT_IDENTIFIED',
    );
    expectRefusal(
      await call(
        'find_user_id_by_email',
        { email: 'nobody.here@example.com' },
        as('x', { verified: false, policy: 'email' }),
      ),
      'NOT_FOUND',
      'CUSTOMER_NOT_FOUND',
    );
    const [me, other] = Object.keys(s.data.users);
    expectRefusal(await call('get_user_details', { user_id: other }, as(me!)), 'FORBIDDEN', 'OTHER_CUSTOMERS_ACCOUNT');
    expectRefusal(
      await call('find_user_id_by_email', { email: s.data.users[other!]!.email }, as(me!, { policy: 'email' })),
      'FORBIDDEN',
      'VERIFIED_AS_OTHER_CUSTOMER',
    );
  });

  it("an order that is missing and another customer's get the same reason, naming only the id asked for", async () => {
    const order = take(() => true);
    const other = Object.keys(s.data.users).find((u) => u !== order.user_id)!;
    const missing = await call('get_order_details', { order_id: '#W0000001' }, as(other));
    const notTheirs = await call('get_order_details', { order_id: order.order_id }, as(other));
    expectRefusal(missing, 'NOT_FOUND', 'ORDER_NOT_FOUND', { order_id: '#W0000001' });
    expectRefusal(notTheirs, 'NOT_FOUND', 'ORDER_NOT_FOUND', { order_id: order.order_id });
    expect(Object.keys(notTheirs.structuredContent!).sort()).toEqual(Object.keys(missing.structuredContent!).sort());
  });

  it("an order's status: a change of an order not pending, a return of one not delivered, with the status", async () => {
    const delivered = take((o) => o.status === 'delivered');
    expectRefusal(
      await call(
        'cancel_pending_order',
        { order_id: delivered.order_id, reason: 'no longer needed' },
        as(delivered.user_id),
      ),
      'CONFLICT',
      'ORDER_NOT_PENDING',
      { order_id: delivered.order_id, status: 'delivered' },
    );
    const pending = take((o) => o.status === 'pending');
    const method = pending.payment_history[0]!.payment_method_id;
    const result = await call(
      'return_delivered_order_items',
      { order_id: pending.order_id, item_ids: [pending.items[0]!.item_id], payment_method_id: method },
      as(pending.user_id),
    );
    expectRefusal(result, 'CONFLICT', 'ORDER_NOT_DELIVERED', { order_id: pending.order_id, status: 'pending' });
    // The text is the store's words, as before: the tau-bench replay compares them.
    expect(text(result)).toBe(
      `Order ${pending.order_id} cannot be returned: its status is "pending", and only delivered orders can be returned.`,
    );
  });

  it('payment methods: not saved, the same, a second change, a gift card short, a refund elsewhere', async () => {
    const order = take((o) => o.status === 'pending' && !!nonGiftOther(o));
    const ctx = as(order.user_id);
    const paidWith = order.payment_history[0]!.payment_method_id;
    expectRefusal(
      await call(
        'modify_pending_order_payment',
        { order_id: order.order_id, payment_method_id: 'credit_card_0000001' },
        ctx,
      ),
      'NOT_FOUND',
      'PAYMENT_METHOD_NOT_FOUND',
      { payment_method_id: 'credit_card_0000001' },
    );
    expectRefusal(
      await call('modify_pending_order_payment', { order_id: order.order_id, payment_method_id: paidWith }, ctx),
      'VALIDATION_FAILED',
      'SAME_PAYMENT_METHOD',
      { order_id: order.order_id, payment_method_id: paidWith, field: 'payment_method_id' },
    );
    const changed = await call(
      'modify_pending_order_payment',
      { order_id: order.order_id, payment_method_id: nonGiftOther(order)!.id },
      ctx,
    );
    expect(changed.isError).toBeFalsy();
    expectRefusal(
      await call('modify_pending_order_payment', { order_id: order.order_id, payment_method_id: paidWith }, ctx),
      'CONFLICT',
      'ORDER_PAYMENT_NOT_SINGLE',
      { order_id: order.order_id, transactions: 3 },
    );

    const total = (o: DatasetOrder) => o.payment_history[0]!.amount;
    const short = take(
      (o) =>
        o.status === 'pending' &&
        o.payment_history.length === 1 &&
        giftCardsOf(userOf(s.data, o)).some(
          (g) => g.id !== o.payment_history[0]!.payment_method_id && g.balance < total(o),
        ),
    );
    const card = giftCardsOf(userOf(s.data, short)).find(
      (g) => g.id !== short.payment_history[0]!.payment_method_id && g.balance < total(short),
    )!;
    expectRefusal(
      await call(
        'modify_pending_order_payment',
        { order_id: short.order_id, payment_method_id: card.id },
        as(short.user_id),
      ),
      'VALIDATION_FAILED',
      'GIFT_CARD_BALANCE_INSUFFICIENT',
      { payment_method_id: card.id, balance: card.balance, amount: total(short), for: 'order' },
    );

    const delivered = take((o) => o.status === 'delivered' && !!nonGiftOther(o));
    expectRefusal(
      await call(
        'return_delivered_order_items',
        {
          order_id: delivered.order_id,
          item_ids: [delivered.items[0]!.item_id],
          payment_method_id: nonGiftOther(delivered)!.id,
        },
        as(delivered.user_id),
      ),
      'VALIDATION_FAILED',
      'REFUND_METHOD_NOT_ALLOWED',
      {
        payment_method_id: nonGiftOther(delivered)!.id,
        original_payment_method_id: delivered.payment_history[0]!.payment_method_id,
      },
    );
  });

  it('items to swap: not in the order, listed too often, lists of two lengths, another product, out of stock', async () => {
    const order = take((o) => o.status === 'pending' && o.items.length >= 1);
    const ctx = as(order.user_id);
    const first = order.items[0]!;
    const swap = (item_ids: string[], new_item_ids: string[]) =>
      call(
        'modify_pending_order_items',
        {
          order_id: order.order_id,
          item_ids,
          new_item_ids,
          payment_method_id: order.payment_history[0]!.payment_method_id,
        },
        ctx,
      );
    expectRefusal(await swap(['0000000001'], ['0000000002']), 'NOT_FOUND', 'ITEM_NOT_IN_ORDER', {
      order_id: order.order_id,
      item_id: '0000000001',
    });
    const held = order.items.filter((i) => i.item_id === first.item_id).length;
    expectRefusal(
      await swap(Array(held + 1).fill(first.item_id), Array(held + 1).fill(first.item_id)),
      'NOT_FOUND',
      'ITEM_COUNT_EXCEEDS_ORDER',
      { item_id: first.item_id, listed: held + 1, held },
    );
    expectRefusal(await swap([first.item_id], []), 'VALIDATION_FAILED', 'ITEM_LISTS_LENGTH_MISMATCH', {
      items: 1,
      new_items: 0,
    });
    const otherProduct = Object.values(s.data.products).find((p) => p.product_id !== first.product_id)!;
    const foreign = Object.values(otherProduct.variants)[0]!.item_id;
    expectRefusal(await swap([first.item_id], [foreign]), 'NOT_FOUND', 'PRODUCT_TYPE_MISMATCH', {
      item_id: foreign,
      product_id: first.product_id,
      product_name: first.name,
    });
    const soldOut = take(
      (o) =>
        o.status === 'pending' &&
        Object.values(s.data.products[o.items[0]!.product_id]!.variants).some((v) => !v.available),
    );
    const unavailable = Object.values(s.data.products[soldOut.items[0]!.product_id]!.variants).find(
      (v) => !v.available,
    )!;
    expectRefusal(
      await call(
        'modify_pending_order_items',
        {
          order_id: soldOut.order_id,
          item_ids: [soldOut.items[0]!.item_id],
          new_item_ids: [unavailable.item_id],
          payment_method_id: soldOut.payment_history[0]!.payment_method_id,
        },
        as(soldOut.user_id),
      ),
      'VALIDATION_FAILED',
      'ITEM_UNAVAILABLE',
      { item_id: unavailable.item_id, product_name: soldOut.items[0]!.name },
    );
  });

  it('the catalogue and sign-ups: no such product or item, an item in stock, no basis, bad and throwaway emails', async () => {
    expectRefusal(await call('get_product_details', { product_id: '0000000000' }), 'NOT_FOUND', 'PRODUCT_NOT_FOUND', {
      product_ids: ['0000000000'],
    });
    expectRefusal(
      await call('subscribe_back_in_stock', { email: 'jane@example.com', item_id: '0000000009' }),
      'NOT_FOUND',
      'ITEM_NOT_FOUND',
      { item_ids: ['0000000009'] },
    );
    const inStock = Object.values(s.data.products)
      .flatMap((p) => Object.values(p.variants))
      .find((v) => v.available)!;
    expectRefusal(
      await call('subscribe_back_in_stock', { email: 'jane@example.com', item_id: inStock.item_id }),
      'VALIDATION_FAILED',
      'ITEM_IN_STOCK',
      { item_id: inStock.item_id },
    );
    expectRefusal(await call('recommend_related', {}), 'VALIDATION_FAILED', 'RECOMMENDATION_BASIS_MISSING', {
      field: 'item_ids',
    });
    expectRefusal(
      await call('create_lead', { email: 'not an email', interest: 'boots' }),
      'VALIDATION_FAILED',
      'EMAIL_INVALID',
      {
        field: 'email',
      },
    );
    expectRefusal(
      await call('create_lead', { email: 'jane@mailinator.com', interest: 'boots' }),
      'VALIDATION_FAILED',
      'EMAIL_DISPOSABLE',
    );
  });

  it('tickets: an empty summary, a second open ticket and a sixth sign-up from a shopper’s own token', async () => {
    expectRefusal(
      await call('create_ticket', { summary: '   ', priority: 'normal' }),
      'VALIDATION_FAILED',
      'TICKET_SUMMARY_EMPTY',
    );
    const opened = await shopperCall('create_ticket', { summary: 'Where is my parcel?', priority: 'normal' });
    expect(opened.isError).toBeFalsy();
    const reference = (opened.structuredContent as { reference: string }).reference;
    expectRefusal(
      await shopperCall('transfer_to_human_agents', { summary: 'Again, please.' }),
      'CONFLICT',
      'TICKET_ALREADY_OPEN',
      { reference },
    );
    for (let i = 0; i < 5; i++)
      expect(
        (await shopperCall('create_lead', { email: `fan${i}@example.com`, interest: 'news' })).isError,
      ).toBeFalsy();
    expectRefusal(
      await shopperCall('create_lead', { email: 'fan9@example.com', interest: 'news' }),
      'RATE_LIMITED',
      'LEAD_LIMIT_REACHED',
      { retryAfter: 3_600 },
    );
  });

  it('idempotency keys: used for another tool, or by another customer', async () => {
    const order = take((o) => o.status === 'pending');
    const meta = { ...as(order.user_id), [toolMetaKeys.idempotencyKey]: 'refusals:key:1' };
    expect((await call('modify_user_address', { user_id: order.user_id, ...order.address }, meta)).isError).toBeFalsy();
    const reused = await call('create_ticket', { summary: 'Hello', priority: 'low' }, meta);
    expectRefusal(reused, 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED');
    expect(reused._meta?.[toolMetaKeys.replayed]).toBe(true);
    const other = Object.keys(s.data.users).find((u) => u !== order.user_id)!;
    expectRefusal(
      await call('modify_user_address', { user_id: other, ...order.address }, { ...meta, ...as(other) }),
      'FORBIDDEN',
      'IDEMPOTENCY_KEY_OTHER_CUSTOMER',
    );
  });

  it('a refusal replayed for the same key keeps its reason and facts', async () => {
    const delivered = take((o) => o.status === 'delivered');
    const meta = { ...as(delivered.user_id), [toolMetaKeys.idempotencyKey]: 'refusals:key:2' };
    const args = { order_id: delivered.order_id, reason: 'no longer needed' };
    const first = await call('cancel_pending_order', args, meta);
    const again = await call('cancel_pending_order', args, meta);
    expect(again._meta?.[toolMetaKeys.replayed]).toBe(true);
    expect(again._meta?.[toolMetaKeys.errorReason]).toBe('ORDER_NOT_PENDING');
    expect(again.structuredContent).toEqual(first.structuredContent);
  });

  it('what no tool reaches: a cancellation reason outside the two, a ticket reference of another shape', async () => {
    const order = take((o) => o.status === 'pending');
    await expectThrown(
      s.db.transaction((tx) =>
        cancelPendingOrder(tx, asCustomer(order.user_id), { order_id: order.order_id, reason: 'bored' }),
      ),
      'VALIDATION_FAILED',
      'CANCEL_REASON_INVALID',
    );
    await expectThrown(listTickets(s.db, { reference: 'ticket 12' }), 'VALIDATION_FAILED', 'TICKET_REFERENCE_INVALID');
  });

  it('every reason of the closed set was produced above, and docs/architecture.md lists each', async () => {
    expect([...produced].sort()).toEqual([...storeRefusalReasonList].sort());
    const docs = await readFile(new URL('../../../../docs/architecture.md', import.meta.url), 'utf8');
    const listed = [...docs.matchAll(/^\| `([A-Z_]+)` \| [A-Z_]+ \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(storeRefusalReasonList);
  });
});
