import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exchangeDeliveredOrderItems,
  returnDeliveredOrderItems,
} from '../../../server/src/store/delivered-order-requests.js';
import { getOrderDetails } from '../../../server/src/store/orders.js';
import type { DatasetOrder } from '../../../server/src/store/store-dataset.js';
import { getUserDetails } from '../../../server/src/store/users.js';
import {
  asCustomer,
  cents,
  createSeededStore,
  giftCardsOf,
  ordersWhere,
  otherAvailableVariant,
  type SeededStore,
  userOf,
} from './store-test-kit.js';

describe('returns and exchanges of delivered orders', () => {
  let s: SeededStore;
  let delivered: DatasetOrder[];
  const used = new Set<string>();
  const take = (predicate: (o: DatasetOrder) => boolean = () => true) => {
    const order = delivered.find((o) => !used.has(o.order_id) && predicate(o));
    if (!order) throw new Error('no delivered order left for this test');
    used.add(order.order_id);
    return order;
  };
  beforeAll(async () => {
    s = await createSeededStore();
    delivered = ordersWhere(s.data, (o) => o.status === 'delivered');
  });
  afterAll(() => s.dispose());

  describe('return_delivered_order_items', () => {
    it('records the sorted items and the refund method, and moves no money yet', async () => {
      const order = take((o) => o.items.length >= 2 && giftCardsOf(userOf(s.data, o)).length > 0);
      const card = giftCardsOf(userOf(s.data, order))[0]!;
      const itemIds = [order.items[1]!.item_id, order.items[0]!.item_id];
      const result = await returnDeliveredOrderItems(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        item_ids: itemIds,
        payment_method_id: card.id,
      });
      expect(result.status).toBe('return requested');
      expect(result.return_items).toEqual([...itemIds].sort());
      expect(result.return_payment_method_id).toBe(card.id);
      expect(result.payment_history).toEqual(order.payment_history);
      const user = await getUserDetails(s.db, asCustomer(order.user_id), order.user_id);
      expect(user.payment_methods[card.id]).toEqual(card);
      // A second request on the same order is refused: it is no longer delivered.
      await expect(
        returnDeliveredOrderItems(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          item_ids: [order.items[0]!.item_id],
          payment_method_id: card.id,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"return requested"') });
    });

    it('refunds to the original method too', async () => {
      const order = take();
      const result = await returnDeliveredOrderItems(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        item_ids: [order.items[0]!.item_id],
        payment_method_id: order.payment_history[0]!.payment_method_id,
      });
      expect(result.return_payment_method_id).toBe(order.payment_history[0]!.payment_method_id);
    });

    it('refuses orders not delivered, other refund methods and items not in the order', async () => {
      const pending = ordersWhere(s.data, (o) => o.status === 'pending')[0]!;
      await expect(
        returnDeliveredOrderItems(s.db, asCustomer(pending.user_id), {
          order_id: pending.order_id,
          item_ids: [pending.items[0]!.item_id],
          payment_method_id: pending.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('only delivered orders can be returned'),
      });

      const order = take((o) =>
        Object.values(userOf(s.data, o).payment_methods).some(
          (m) => m.source !== 'gift_card' && m.id !== o.payment_history[0]!.payment_method_id,
        ),
      );
      const ctx = asCustomer(order.user_id);
      const otherCard = Object.values(userOf(s.data, order).payment_methods).find(
        (m) => m.source !== 'gift_card' && m.id !== order.payment_history[0]!.payment_method_id,
      )!;
      await expect(
        returnDeliveredOrderItems(s.db, ctx, {
          order_id: order.order_id,
          item_ids: [order.items[0]!.item_id],
          payment_method_id: otherCard.id,
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('original payment method'),
      });
      await expect(
        returnDeliveredOrderItems(s.db, ctx, {
          order_id: order.order_id,
          item_ids: ['1111111111'],
          payment_method_id: order.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('Item 1111111111 is not in order'),
      });
      expect(await getOrderDetails(s.db, ctx, order.order_id)).toEqual(order);
    });
  });

  describe('exchange_delivered_order_items', () => {
    it('records old and new items, the method and the price difference; no money moves', async () => {
      const order = take((o) => !!otherAvailableVariant(s.data, o.items[0]!.product_id, o.items[0]!.item_id));
      const item = order.items[0]!;
      const replacement = otherAvailableVariant(s.data, item.product_id, item.item_id)!;
      const method = order.payment_history[0]!.payment_method_id;
      const result = await exchangeDeliveredOrderItems(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        item_ids: [item.item_id],
        new_item_ids: [replacement.item_id],
        payment_method_id: method,
      });
      expect(result).toMatchObject({
        status: 'exchange requested',
        exchange_items: [item.item_id],
        exchange_new_items: [replacement.item_id],
        exchange_payment_method_id: method,
        exchange_price_difference: (cents(replacement.price) - cents(item.price)) / 100,
      });
      expect(result.items).toEqual(order.items);
      expect(result.payment_history).toEqual(order.payment_history);
    });

    it('refuses a gift card that cannot cover a positive difference, and unavailable variants', async () => {
      const order = take((o) =>
        giftCardsOf(userOf(s.data, o)).some((g) =>
          otherAvailableVariant(
            s.data,
            o.items[0]!.product_id,
            o.items[0]!.item_id,
            (p) => cents(p) - cents(o.items[0]!.price) > cents(g.balance),
          ),
        ),
      );
      const item = order.items[0]!;
      const card = giftCardsOf(userOf(s.data, order)).find((g) =>
        otherAvailableVariant(
          s.data,
          item.product_id,
          item.item_id,
          (p) => cents(p) - cents(item.price) > cents(g.balance),
        ),
      )!;
      const pricier = otherAvailableVariant(
        s.data,
        item.product_id,
        item.item_id,
        (p) => cents(p) - cents(item.price) > cents(card.balance),
      )!;
      const ctx = asCustomer(order.user_id);
      await expect(
        exchangeDeliveredOrderItems(s.db, ctx, {
          order_id: order.order_id,
          item_ids: [item.item_id],
          new_item_ids: [pricier.item_id],
          payment_method_id: card.id,
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('not enough to pay the price difference'),
      });
      const soldOut = Object.values(s.data.products[item.product_id]!.variants).find((v) => !v.available);
      if (soldOut) {
        await expect(
          exchangeDeliveredOrderItems(s.db, ctx, {
            order_id: order.order_id,
            item_ids: [item.item_id],
            new_item_ids: [soldOut.item_id],
            payment_method_id: order.payment_history[0]!.payment_method_id,
          }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('out of stock') });
      }
      expect((await getOrderDetails(s.db, ctx, order.order_id)).status).toBe('delivered');
    });

    it('refuses orders that are not delivered, and mismatched item lists', async () => {
      const processed = ordersWhere(s.data, (o) => o.status === 'processed')[0]!;
      await expect(
        exchangeDeliveredOrderItems(s.db, asCustomer(processed.user_id), {
          order_id: processed.order_id,
          item_ids: [processed.items[0]!.item_id],
          new_item_ids: [processed.items[0]!.item_id],
          payment_method_id: processed.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('only delivered orders can be exchanged'),
      });
      const order = take((o) => o.items.length >= 2);
      await expect(
        exchangeDeliveredOrderItems(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          item_ids: [order.items[0]!.item_id, order.items[1]!.item_id],
          new_item_ids: [order.items[0]!.item_id],
          payment_method_id: order.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('must match') });
    });
  });
});
