import { and, eq, gte } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeOrderItems } from '../../../../server/src/store/schema/index.js';
import { McpToolRegistry } from '../../../../server/src/tools/mcp-tool-registry.js';
import type { ToolCallContext } from '../../../../server/src/tools/tool-registry.js';
import { createSeededStore, type SeededStore } from '../store-test-kit.js';

// Real orders of the seeded store: Emma's pending skateboard order, James's delivered boots and bottle.
const emma = { id: 'emma_brown_8847', pending: '#W6460787', skateboard: '3098764622', paypal: 'paypal_9039769' };
const james = { id: 'james_li_5688', delivered: '#W4435622', boots: '4694984344', bottle: '6777246137' };
const newAddress = { address1: '1 Main St', address2: '', city: 'Austin', state: 'TX', country: 'USA', zip: '78701' };

let calls = 0;
const rehearsal = (customerId: string, preview = true): ToolCallContext => ({
  conversationId: 'conv-change',
  runId: 'run-change',
  taskId: 't1',
  agentName: 'OrderManagementAgent',
  callIndex: calls,
  idempotencyKey: `run-change:t1:${calls++}`,
  customer: { customerId, verified: true },
  preview,
});

describe('what a held change would do, written by the store from its rehearsal', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  beforeAll(async () => {
    s = await createSeededStore();
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 5_000,
      connectTimeoutMs: 20_000,
      refreshIntervalMs: 60_000,
    });
  });
  afterAll(async () => {
    await registry.close();
    await s.dispose();
  });
  const change = async (tool: string, args: Record<string, unknown>, customer: string) => {
    const result = await registry.call(`store.${tool}`, args, rehearsal(customer));
    expect(result.ok, result.error).toBe(true);
    return result.change;
  };

  it('a cancellation: the items, each refund with its method named, the reason', async () => {
    expect(
      await change('cancel_pending_order', { order_id: emma.pending, reason: 'no longer needed' }, emma.id),
    ).toEqual({
      title: 'Cancel order #W6460787',
      lines: ['Skateboard (plain, 34 inch, plastic): $202.13', 'Refund $202.13 to PayPal', 'Reason: no longer needed'],
    });
  });

  it('a new shipping address or default address, beside the one it replaces', async () => {
    expect(await change('modify_pending_order_address', { order_id: emma.pending, ...newAddress }, emma.id)).toEqual({
      title: 'Ship order #W6460787 to another address',
      lines: [
        'New address: 1 Main St, Austin, TX 78701, USA',
        'Instead of: 984 Hickory Lane, Suite 834, Jacksonville, FL 32165, USA',
      ],
    });
    expect(await change('modify_user_address', { user_id: emma.id, ...newAddress }, emma.id)).toEqual({
      title: 'Change your default address',
      lines: [
        'New address: 1 Main St, Austin, TX 78701, USA',
        'Instead of: 984 Hickory Lane, Suite 834, Jacksonville, FL 32165, USA',
        'Orders already placed keep their addresses.',
      ],
    });
  });

  it('another payment method: the charge and the refund, the card by brand and last four', async () => {
    expect(
      await change(
        'modify_pending_order_payment',
        { order_id: emma.pending, payment_method_id: 'credit_card_8850930' },
        emma.id,
      ),
    ).toEqual({
      title: 'Pay order #W6460787 with Visa card ending 9135',
      lines: ['Charge $202.13 to Visa card ending 9135', 'Refund $202.13 to PayPal'],
    });
  });

  it('swapped items by name and options, the price difference, and that it can be done once', async () => {
    const args = {
      order_id: emma.pending,
      item_ids: [emma.skateboard],
      new_item_ids: ['2177997696'],
      payment_method_id: emma.paypal,
    };
    expect(await change('modify_pending_order_items', args, emma.id)).toEqual({
      title: 'Change items of order #W6460787',
      lines: [
        'Skateboard (plain, 34 inch, plastic) → Skateboard (custom, 28 inch, plastic)',
        'Charge $4.47 to PayPal',
        'After this, the order can no longer be changed or cancelled.',
      ],
    });
    // The same item id: a new one with the same specs, not a change of options.
    const same = await change('modify_pending_order_items', { ...args, new_item_ids: [emma.skateboard] }, emma.id);
    expect(same?.lines[0]).toBe('Skateboard (plain, 34 inch, plastic) → a new one, the same');
    // Nothing to swap (the retail API allows it, and records a refund of $0): no item lines, no $0 refund.
    const none = await change('modify_pending_order_items', { ...args, item_ids: [], new_item_ids: [] }, emma.id);
    expect(none?.lines).toEqual(['After this, the order can no longer be changed or cancelled.']);
  });

  it('a return: each item and its price, and the refund with its method', async () => {
    const args = {
      order_id: james.delivered,
      item_ids: [james.boots, james.bottle],
      payment_method_id: 'gift_card_1725971',
    };
    expect(await change('return_delivered_order_items', args, james.id)).toEqual({
      title: 'Return items of order #W4435622',
      lines: [
        'Hiking Boots (12, synthetic, waterproof): $239.78',
        'Water Bottle (red, 750ml, stainless steel): $47.76',
        'Refund $287.54 to gift card once the items arrive',
      ],
    });
  });

  it('an exchange: the new variant by name and options (not its id), and who pays the difference', async () => {
    const args = {
      order_id: james.delivered,
      item_ids: [james.boots],
      new_item_ids: ['8277474082'],
      payment_method_id: 'gift_card_1725971',
    };
    expect(await change('exchange_delivered_order_items', args, james.id)).toEqual({
      title: 'Exchange items of order #W4435622',
      lines: [
        'Hiking Boots (12, synthetic, waterproof) → Hiking Boots (12, leather, waterproof)',
        'Refund of the difference, $3.21, to gift card',
        "After this, the order's items cannot be exchanged again.",
      ],
    });
  });

  it('keeps a very large order within the bound on lines, and says how many more there are', async () => {
    // Emma's pending order, grown to 40 lines (no order of the dataset is this large).
    const extra = Array.from({ length: 39 }, (_, i) => ({
      orderId: emma.pending,
      position: 100 + i,
      itemId: emma.skateboard,
      productId: '1968349452',
      name: 'Skateboard',
      priceCents: 20213,
      options: { design: 'plain' },
    }));
    await s.db.insert(storeOrderItems).values(extra);
    const lines = (
      await change('cancel_pending_order', { order_id: emma.pending, reason: 'no longer needed' }, emma.id)
    )?.lines;
    expect(lines).toHaveLength(24);
    expect(lines?.at(-1)).toBe('…and 19 more lines');
    await s.db
      .delete(storeOrderItems)
      .where(and(eq(storeOrderItems.orderId, emma.pending), gte(storeOrderItems.position, 100)));
  });

  it('says nothing where nothing would be done, and nothing of a call that is not rehearsed', async () => {
    // Another customer's order: the rehearsal refuses, as the call would, and describes nothing.
    const refused = await registry.call(
      'store.cancel_pending_order',
      { order_id: emma.pending, reason: 'no longer needed' },
      rehearsal(james.id),
    );
    expect(refused).toMatchObject({ ok: false, errorCode: 'NOT_FOUND' });
    expect(refused.change).toBeUndefined();
    // A write that needs no yes, and a read, are not described.
    const read = await registry.call('store.get_order_details', { order_id: emma.pending }, rehearsal(emma.id, false));
    expect(read.ok && read.change).toBe(undefined);
    // The real call answers what the store answers, with no description beside it.
    const done = await registry.call(
      'store.cancel_pending_order',
      { order_id: emma.pending, reason: 'no longer needed' },
      rehearsal(emma.id, false),
    );
    expect(done).toMatchObject({ ok: true, output: { status: 'cancelled' } });
    expect(done.change).toBeUndefined();
  });
});
