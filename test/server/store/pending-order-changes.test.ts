import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrderDetails } from '../../../server/src/store/orders.js';
import {
  cancelPendingOrder,
  modifyPendingOrderAddress,
  modifyPendingOrderItems,
  modifyPendingOrderPayment,
} from '../../../server/src/store/pending-order-changes.js';
import { storePaymentMethods } from '../../../server/src/store/schema/index.js';
import type { DatasetOrder } from '../../../server/src/store/store-dataset.js';
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

describe('changes to pending orders', () => {
  let s: SeededStore;
  let pending: DatasetOrder[];
  /** Hands each test its own pending orders. */
  const used = new Set<string>();
  const take = (predicate: (o: DatasetOrder) => boolean = () => true) => {
    const order = pending.find((o) => !used.has(o.order_id) && !used.has(o.user_id) && predicate(o));
    if (!order) throw new Error('no pending order left for this test');
    used.add(order.order_id);
    used.add(order.user_id);
    return order;
  };
  const balanceCents = async (userId: string, methodId: string) => {
    const [row] = await s.db
      .select({ b: storePaymentMethods.balanceCents })
      .from(storePaymentMethods)
      .where(and(eq(storePaymentMethods.userId, userId), eq(storePaymentMethods.id, methodId)));
    return row?.b;
  };
  const paidWithGiftCard = (o: DatasetOrder) => o.payment_history[0]!.payment_method_id.startsWith('gift_card');

  beforeAll(async () => {
    s = await createSeededStore();
    pending = ordersWhere(s.data, (o) => o.status === 'pending');
  });
  afterAll(() => s.dispose());

  describe('cancel_pending_order', () => {
    it('cancels, records the reason and refunds a gift card at once', async () => {
      const order = take(paidWithGiftCard);
      const payment = order.payment_history[0]!;
      const before = await balanceCents(order.user_id, payment.payment_method_id);
      const result = await cancelPendingOrder(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        reason: 'ordered by mistake',
      });
      expect(result.status).toBe('cancelled');
      expect(result.cancel_reason).toBe('ordered by mistake');
      expect(result.payment_history).toEqual([
        payment,
        { transaction_type: 'refund', amount: payment.amount, payment_method_id: payment.payment_method_id },
      ]);
      expect(await balanceCents(order.user_id, payment.payment_method_id)).toBe(before! + cents(payment.amount));
    });

    it('refuses an order that is not pending', async () => {
      const order = ordersWhere(s.data, (o) => o.status === 'delivered')[0]!;
      await expect(
        cancelPendingOrder(s.db, asCustomer(order.user_id), { order_id: order.order_id, reason: 'no longer needed' }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('only pending orders') });
    });

    it('refuses any other reason', async () => {
      const order = take();
      await expect(
        cancelPendingOrder(s.db, asCustomer(order.user_id), { order_id: order.order_id, reason: 'found it cheaper' }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('"no longer needed"') });
    });

    it("refuses another customer's order", async () => {
      const order = take();
      const other = take();
      await expect(
        cancelPendingOrder(s.db, asCustomer(other.user_id), { order_id: order.order_id, reason: 'no longer needed' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('modify_pending_order_address', () => {
    const address = {
      address1: '9 Elm St',
      address2: 'Apt 2',
      city: 'Boston',
      state: 'MA',
      country: 'USA',
      zip: '02108',
    };

    it('changes the shipping address of a pending order', async () => {
      const order = take();
      const result = await modifyPendingOrderAddress(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        ...address,
      });
      expect(result.address).toEqual(address);
      expect(result.status).toBe('pending');
    });

    it('refunds each payment-history entry in order after a payment change, as the retail API does', async () => {
      const order = take(
        (o) => paidWithGiftCard(o) && Object.keys(userOf(s.data, o).payment_methods).some((m) => !m.startsWith('gift')),
      );
      const ctx = asCustomer(order.user_id);
      const card = order.payment_history[0]!;
      const other = Object.keys(userOf(s.data, order).payment_methods).find((m) => !m.startsWith('gift'))!;
      const before = await balanceCents(order.user_id, card.payment_method_id);
      await modifyPendingOrderPayment(s.db, ctx, { order_id: order.order_id, payment_method_id: other });
      const result = await cancelPendingOrder(s.db, ctx, { order_id: order.order_id, reason: 'no longer needed' });
      const entry = (type: string, method: string) => ({
        transaction_type: type,
        amount: card.amount,
        payment_method_id: method,
      });
      // History: the gift card's payment, the new method's payment, the gift card's refund; then one refund for each.
      expect(result.payment_history).toEqual([
        entry('payment', card.payment_method_id),
        entry('payment', other),
        entry('refund', card.payment_method_id),
        entry('refund', card.payment_method_id),
        entry('refund', other),
        entry('refund', card.payment_method_id),
      ]);
      // Credited by the payment change, then once for each of its two entries.
      expect(await balanceCents(order.user_id, card.payment_method_id)).toBe(before! + 3 * cents(card.amount));
    });

    it('refuses an order that is not pending', async () => {
      const order = ordersWhere(s.data, (o) => o.status === 'processed')[0]!;
      await expect(
        modifyPendingOrderAddress(s.db, asCustomer(order.user_id), { order_id: order.order_id, ...address }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('modify_pending_order_payment', () => {
    it('pays with a gift card, refunds the old method, and moves the balance', async () => {
      const order = take(
        (o) =>
          !paidWithGiftCard(o) &&
          giftCardsOf(userOf(s.data, o)).some((g) => cents(g.balance) >= cents(o.payment_history[0]!.amount)),
      );
      const card = giftCardsOf(userOf(s.data, order)).find(
        (g) => cents(g.balance) >= cents(order.payment_history[0]!.amount),
      )!;
      const old = order.payment_history[0]!;
      const result = await modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        payment_method_id: card.id,
      });
      expect(result.payment_history).toEqual([
        old,
        { transaction_type: 'payment', amount: old.amount, payment_method_id: card.id },
        { transaction_type: 'refund', amount: old.amount, payment_method_id: old.payment_method_id },
      ]);
      expect(await balanceCents(order.user_id, card.id)).toBe(cents(card.balance) - cents(old.amount));
    });

    it('moving off a gift card puts its balance back', async () => {
      const order = take(
        (o) =>
          paidWithGiftCard(o) && Object.keys(userOf(s.data, o).payment_methods).some((m) => !m.startsWith('gift_card')),
      );
      const old = order.payment_history[0]!;
      const target = Object.keys(userOf(s.data, order).payment_methods).find((m) => !m.startsWith('gift_card'))!;
      const before = await balanceCents(order.user_id, old.payment_method_id);
      await modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        payment_method_id: target,
      });
      expect(await balanceCents(order.user_id, old.payment_method_id)).toBe(before! + cents(old.amount));
    });

    it('refuses the same method, a method of someone else, and a gift card that cannot cover it', async () => {
      const order = take((o) =>
        giftCardsOf(userOf(s.data, o)).some(
          (g) =>
            g.id !== o.payment_history[0]!.payment_method_id && cents(g.balance) < cents(o.payment_history[0]!.amount),
        ),
      );
      const ctx = asCustomer(order.user_id);
      const current = order.payment_history[0]!.payment_method_id;
      await expect(
        modifyPendingOrderPayment(s.db, ctx, { order_id: order.order_id, payment_method_id: current }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('already paid with') });
      const foreign = Object.keys(
        Object.values(s.data.users).find((u) => u !== userOf(s.data, order))!.payment_methods,
      )[0]!;
      await expect(
        modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          payment_method_id: foreign,
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("not one of this customer's") });
      const poor = giftCardsOf(userOf(s.data, order)).find(
        (g) => g.id !== current && cents(g.balance) < cents(order.payment_history[0]!.amount),
      )!;
      await expect(
        modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          payment_method_id: poor.id,
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('not enough to pay') });
    });

    it('refuses an order that is not pending', async () => {
      const order = ordersWhere(s.data, (o) => o.status === 'cancelled')[0]!;
      await expect(
        modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          payment_method_id: order.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"cancelled"') });
    });

    it('refuses an order that already has more than one payment', async () => {
      const order = take((o) => Object.keys(userOf(s.data, o).payment_methods).length >= 3 && !paidWithGiftCard(o));
      const others = Object.keys(userOf(s.data, order).payment_methods).filter(
        (m) => m !== order.payment_history[0]!.payment_method_id && !m.startsWith('gift_card'),
      );
      const methods = others.length >= 1 ? others : [];
      if (methods.length === 0) throw new Error('test data: needs a second non-gift-card method');
      await modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
        order_id: order.order_id,
        payment_method_id: methods[0]!,
      });
      await expect(
        modifyPendingOrderPayment(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          payment_method_id: order.payment_history[0]!.payment_method_id,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('exactly one payment') });
    });
  });

  describe('modify_pending_order_items', () => {
    const swappable = (o: DatasetOrder) => !!otherAvailableVariant(s.data, o.items[0]!.product_id, o.items[0]!.item_id);

    it('swaps an item in place, settles the difference through a gift card, and locks the order', async () => {
      // A gift card that can pay the difference to another variant of the first item (or gets a refund).
      const fits = (o: DatasetOrder) =>
        giftCardsOf(userOf(s.data, o))
          .map((g) => ({
            card: g,
            replacement: otherAvailableVariant(
              s.data,
              o.items[0]!.product_id,
              o.items[0]!.item_id,
              (p) => cents(p) - cents(o.items[0]!.price) <= cents(g.balance),
            ),
          }))
          .find((x) => x.replacement);
      const order = take((o) => !!fits(o));
      const item = order.items[0]!;
      const { card, replacement } = fits(order)! as {
        card: ReturnType<typeof giftCardsOf>[number];
        replacement: NonNullable<ReturnType<typeof otherAvailableVariant>>;
      };
      const ctx = asCustomer(order.user_id);
      const result = await modifyPendingOrderItems(s.db, ctx, {
        order_id: order.order_id,
        item_ids: [item.item_id],
        new_item_ids: [replacement.item_id],
        payment_method_id: card.id,
      });
      const diff = cents(replacement.price) - cents(item.price);
      expect(result.status).toBe('pending (item modified)');
      expect(result.items[0]).toEqual({
        ...item,
        item_id: replacement.item_id,
        price: replacement.price,
        options: replacement.options,
      });
      expect(result.items.slice(1)).toEqual(order.items.slice(1));
      expect(result.payment_history.at(-1)).toEqual({
        transaction_type: diff > 0 ? 'payment' : 'refund',
        amount: Math.abs(diff) / 100,
        payment_method_id: card.id,
      });
      expect(await balanceCents(order.user_id, card.id)).toBe(cents(card.balance) - diff);
      // Once items are modified, nothing else may change.
      await expect(
        cancelPendingOrder(s.db, ctx, { order_id: order.order_id, reason: 'no longer needed' }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already modified') });
      await expect(
        modifyPendingOrderItems(s.db, ctx, {
          order_id: order.order_id,
          item_ids: [replacement.item_id],
          new_item_ids: [item.item_id],
          payment_method_id: card.id,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('accepts the same item id when that variant is available, and records a refund of 0', async () => {
      const order = take(
        (o) => s.data.products[o.items[0]!.product_id]!.variants[o.items[0]!.item_id]?.available === true,
      );
      const ctx = asCustomer(order.user_id);
      const item = order.items[0]!;
      const method = order.payment_history[0]!.payment_method_id;
      const result = await modifyPendingOrderItems(s.db, ctx, {
        order_id: order.order_id,
        item_ids: [item.item_id],
        new_item_ids: [item.item_id],
        payment_method_id: method,
      });
      expect(result.status).toBe('pending (item modified)');
      expect(result.payment_history.at(-1)).toEqual({
        transaction_type: 'refund',
        amount: 0,
        payment_method_id: method,
      });
      expect(result.items[0]!.item_id).toBe(item.item_id);
    });

    it('refuses items not in the order, mismatched lists, other products and unavailable variants', async () => {
      const order = take(swappable);
      const ctx = asCustomer(order.user_id);
      const item = order.items[0]!;
      const method = order.payment_history[0]!.payment_method_id;
      const base = { order_id: order.order_id, payment_method_id: method };
      const replacement = otherAvailableVariant(s.data, item.product_id, item.item_id)!;
      await expect(
        modifyPendingOrderItems(s.db, ctx, { ...base, item_ids: ['1111111111'], new_item_ids: [replacement.item_id] }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('is not in order') });
      await expect(
        modifyPendingOrderItems(s.db, ctx, { ...base, item_ids: [item.item_id], new_item_ids: [] }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('must match') });
      const foreignProduct = Object.values(s.data.products).find((p) => p.product_id !== item.product_id)!;
      const foreignItem = Object.values(foreignProduct.variants).find((v) => v.available)!;
      await expect(
        modifyPendingOrderItems(s.db, ctx, { ...base, item_ids: [item.item_id], new_item_ids: [foreignItem.item_id] }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`not a variant of ${item.name}`) });
      const soldOut = Object.values(s.data.products[item.product_id]!.variants).find((v) => !v.available);
      if (soldOut) {
        await expect(
          modifyPendingOrderItems(s.db, ctx, { ...base, item_ids: [item.item_id], new_item_ids: [soldOut.item_id] }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('out of stock') });
      }
      const foreignMethod = Object.keys(
        Object.values(s.data.users).find((u) => u !== userOf(s.data, order))!.payment_methods,
      )[0]!;
      await expect(
        modifyPendingOrderItems(s.db, ctx, {
          ...base,
          item_ids: [item.item_id],
          new_item_ids: [replacement.item_id],
          payment_method_id: foreignMethod,
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("not one of this customer's") });
      // Nothing changed.
      expect(await getOrderDetails(s.db, ctx, order.order_id)).toEqual(order);
    });

    it('refuses a gift card that cannot pay a price increase', async () => {
      const order = take((o) =>
        o.items.some((i) =>
          giftCardsOf(userOf(s.data, o)).some((g) =>
            otherAvailableVariant(s.data, i.product_id, i.item_id, (p) => cents(p) - cents(i.price) > cents(g.balance)),
          ),
        ),
      );
      const item = order.items.find((i) =>
        giftCardsOf(userOf(s.data, order)).some((g) =>
          otherAvailableVariant(s.data, i.product_id, i.item_id, (p) => cents(p) - cents(i.price) > cents(g.balance)),
        ),
      )!;
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
      await expect(
        modifyPendingOrderItems(s.db, asCustomer(order.user_id), {
          order_id: order.order_id,
          item_ids: [item.item_id],
          new_item_ids: [pricier.item_id],
          payment_method_id: card.id,
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('not enough to pay the price difference'),
      });
    });
  });
});
