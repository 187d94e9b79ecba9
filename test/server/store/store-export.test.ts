import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exchangeDeliveredOrderItems,
  returnDeliveredOrderItems,
} from '../../../server/src/store/delivered-order-requests.js';
import { cancelPendingOrder } from '../../../server/src/store/pending-order-changes.js';
import { defaultStoreDataDir } from '../../../server/src/store/store-dataset.js';
import { exportStore, writeStoreExport } from '../../../server/src/store/store-export.js';
import {
  asCustomer,
  createSeededStore,
  ordersWhere,
  otherAvailableVariant,
  type SeededStore,
} from './store-test-kit.js';

describe('store export', () => {
  let s: SeededStore;
  let dir: string;
  beforeAll(async () => {
    s = await createSeededStore();
    dir = await mkdtemp(join(tmpdir(), 'baton-export-'));
  });
  afterAll(async () => {
    await s.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reproduces the source files exactly after a seed (parsed JSON, floats like 47.84 included)', async () => {
    const written = await writeStoreExport(s.db, dir);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['users.json', 'orders.json', 'products.json']);
    for (const name of ['users', 'orders', 'products']) {
      const exported = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8'));
      const source = JSON.parse(await readFile(join(defaultStoreDataDir(), `${name}.json`), 'utf8'));
      expect(exported, name).toEqual(source);
    }
  });

  it('adds the fields the tools set: cancel reason and refunds, return and exchange requests', async () => {
    const pending = ordersWhere(s.data, (o) => o.status === 'pending')[0]!;
    const delivered = ordersWhere(s.data, (o) => o.status === 'delivered');
    const toReturn = delivered[0]!;
    const toExchange = delivered.find(
      (o) =>
        o.user_id !== toReturn.user_id && !!otherAvailableVariant(s.data, o.items[0]!.product_id, o.items[0]!.item_id),
    )!;
    const newItem = otherAvailableVariant(s.data, toExchange.items[0]!.product_id, toExchange.items[0]!.item_id)!;
    await cancelPendingOrder(s.db, asCustomer(pending.user_id), {
      order_id: pending.order_id,
      reason: 'no longer needed',
    });
    await returnDeliveredOrderItems(s.db, asCustomer(toReturn.user_id), {
      order_id: toReturn.order_id,
      item_ids: [toReturn.items[0]!.item_id],
      payment_method_id: toReturn.payment_history[0]!.payment_method_id,
    });
    await exchangeDeliveredOrderItems(s.db, asCustomer(toExchange.user_id), {
      order_id: toExchange.order_id,
      item_ids: [toExchange.items[0]!.item_id],
      new_item_ids: [newItem.item_id],
      payment_method_id: toExchange.payment_history[0]!.payment_method_id,
    });

    const out = await exportStore(s.db);
    const cancelled = out.orders[pending.order_id]!;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancel_reason).toBe('no longer needed');
    expect(cancelled.payment_history.slice(1)).toEqual([
      {
        transaction_type: 'refund',
        amount: pending.payment_history[0]!.amount,
        payment_method_id: pending.payment_history[0]!.payment_method_id,
      },
    ]);
    expect(out.orders[toReturn.order_id]).toMatchObject({
      status: 'return requested',
      return_items: [toReturn.items[0]!.item_id],
      return_payment_method_id: toReturn.payment_history[0]!.payment_method_id,
    });
    expect(out.orders[toExchange.order_id]).toMatchObject({
      status: 'exchange requested',
      exchange_items: [toExchange.items[0]!.item_id],
      exchange_new_items: [newItem.item_id],
      exchange_price_difference: Number((newItem.price - toExchange.items[0]!.price).toFixed(2)),
    });
    // Untouched orders keep exactly their source shape.
    const untouched = ordersWhere(s.data, (o) => ![pending, toReturn, toExchange].includes(o))[0]!;
    expect(out.orders[untouched.order_id]).toEqual(untouched);
  });
});
