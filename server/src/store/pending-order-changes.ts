import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { ConflictError, ValidationError } from '../errors.js';
import { planItemSwaps } from './item-swaps.js';
import { formatMoney, fromCents } from './money.js';
import { type LoadedOrder, loadOrderFor, reloadOrder } from './orders.js';
import {
  type StoreAddress,
  type StorePaymentMethodRow,
  storeOrderItems,
  storeOrders,
  storePayments,
} from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import type { DatasetOrder } from './store-dataset.js';
import { refusal } from './store-refusals.js';
import { adjustGiftCardBalance, loadPaymentMethodForUpdate } from './users.js';

export const cancelReasons = ['no longer needed', 'ordered by mistake'] as const;
export type CancelReason = (typeof cancelReasons)[number];

function assertPending(loaded: LoadedOrder, action: string): void {
  const { status, id } = loaded.order;
  if (status === 'pending') return;
  const why =
    status === 'pending (item modified)'
      ? 'its items were already modified, which locks it against further changes'
      : `its status is "${status}"; only pending orders can be changed`;
  throw new ConflictError(
    `Cannot ${action} order ${id}: ${why}.`,
    refusal('ORDER_NOT_PENDING', { order_id: id, status }),
  );
}

/** GIFT_CARD_BALANCE_INSUFFICIENT with its facts: the card, its balance and what it was to pay, in dollars. */
export const giftCardShort = (method: StorePaymentMethodRow, amountCents: number, what: 'order' | 'price_difference') =>
  refusal('GIFT_CARD_BALANCE_INSUFFICIENT', {
    payment_method_id: method.id,
    balance: fromCents(method.balanceCents ?? 0),
    amount: fromCents(amountCents),
    for: what,
  });

async function appendPayments(
  tx: DbOrTx,
  loaded: LoadedOrder,
  entries: { transactionType: 'payment' | 'refund'; amountCents: number; paymentMethodId: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  const next = loaded.payments.reduce((max, p) => Math.max(max, p.position + 1), 0);
  await tx
    .insert(storePayments)
    .values(entries.map((e, i) => ({ ...e, orderId: loaded.order.id, position: next + i })));
}

/**
 * cancel_pending_order: appends one refund per payment-history entry, in order, with that entry's
 * amount and method, and credits gift cards per entry at once, as the retail API does (so an
 * order whose payment method was changed refunds its refund entry again).
 */
export async function cancelPendingOrder(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string; reason: string },
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertPending(loaded, 'cancel');
  if (!(cancelReasons as readonly string[]).includes(args.reason)) {
    throw ValidationError.single(
      'reason',
      `The reason must be "no longer needed" or "ordered by mistake", not "${args.reason}".`,
      refusal('CANCEL_REASON_INVALID'),
    );
  }
  await appendPayments(
    tx,
    loaded,
    loaded.payments.map((p) => ({
      transactionType: 'refund',
      amountCents: p.amountCents,
      paymentMethodId: p.paymentMethodId,
    })),
  );
  for (const p of loaded.payments)
    await adjustGiftCardBalance(tx, loaded.order.userId, p.paymentMethodId, p.amountCents);
  await tx
    .update(storeOrders)
    .set({ status: 'cancelled', cancelReason: args.reason })
    .where(eq(storeOrders.id, loaded.order.id));
  return reloadOrder(tx, ctx, loaded.order.id);
}

/** modify_pending_order_address: the shipping address of one pending order. */
export async function modifyPendingOrderAddress(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string } & StoreAddress,
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertPending(loaded, 'change the address of');
  const { address1, address2, city, state, country, zip } = args;
  await tx
    .update(storeOrders)
    .set({ address: { address1, address2, city, country, state, zip } })
    .where(eq(storeOrders.id, loaded.order.id));
  return reloadOrder(tx, ctx, loaded.order.id);
}

/**
 * modify_pending_order_payment: pays the order with another of the user's methods and refunds the
 * old payment; gift card balances move both ways.
 */
export async function modifyPendingOrderPayment(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string; payment_method_id: string },
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertPending(loaded, 'change the payment method of');
  const method = await loadPaymentMethodForUpdate(tx, loaded.order.userId, args.payment_method_id);
  const [only, ...rest] = loaded.payments;
  if (!only || rest.length > 0 || only.transactionType !== 'payment') {
    throw new ConflictError(
      `Cannot change the payment method of order ${loaded.order.id}: it must have exactly one payment so far, and it has ${loaded.payments.length} transactions.`,
      refusal('ORDER_PAYMENT_NOT_SINGLE', { order_id: loaded.order.id, transactions: loaded.payments.length }),
    );
  }
  if (method.id === only.paymentMethodId) {
    throw ValidationError.single(
      'payment_method_id',
      `Order ${loaded.order.id} is already paid with ${method.id}; choose a different method.`,
      refusal('SAME_PAYMENT_METHOD', { order_id: loaded.order.id, payment_method_id: method.id }),
    );
  }
  const amount = only.amountCents;
  if (method.source === 'gift_card' && (method.balanceCents ?? 0) < amount) {
    throw new ValidationError(
      [
        {
          field: 'payment_method_id',
          message: `Gift card ${method.id} has ${formatMoney(method.balanceCents ?? 0)}, not enough to pay ${formatMoney(amount)}.`,
        },
      ],
      giftCardShort(method, amount, 'order'),
    );
  }
  await appendPayments(tx, loaded, [
    { transactionType: 'payment', amountCents: amount, paymentMethodId: method.id },
    { transactionType: 'refund', amountCents: amount, paymentMethodId: only.paymentMethodId },
  ]);
  await adjustGiftCardBalance(tx, loaded.order.userId, method.id, -amount);
  await adjustGiftCardBalance(tx, loaded.order.userId, only.paymentMethodId, amount);
  return reloadOrder(tx, ctx, loaded.order.id);
}

/**
 * modify_pending_order_items: swaps items for available variants of the same products (the same
 * id too), in place. The price difference is always recorded: a payment when positive, else a
 * refund of its absolute value (0 included), and a gift card's balance moves by it. Locks the order.
 */
export async function modifyPendingOrderItems(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string; item_ids: string[]; new_item_ids: string[]; payment_method_id: string },
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertPending(loaded, 'modify the items of');
  const { swaps, priceDifferenceCents } = await planItemSwaps(
    tx,
    loaded.order.id,
    loaded.items,
    args.item_ids,
    args.new_item_ids,
  );
  const method = await loadPaymentMethodForUpdate(tx, loaded.order.userId, args.payment_method_id);
  if (method.source === 'gift_card' && (method.balanceCents ?? 0) < priceDifferenceCents) {
    throw new ValidationError(
      [
        {
          field: 'payment_method_id',
          message: `Gift card ${method.id} has ${formatMoney(method.balanceCents ?? 0)}, not enough to pay the price difference of ${formatMoney(priceDifferenceCents)}.`,
        },
      ],
      giftCardShort(method, priceDifferenceCents, 'price_difference'),
    );
  }
  await appendPayments(tx, loaded, [
    {
      transactionType: priceDifferenceCents > 0 ? 'payment' : 'refund',
      amountCents: Math.abs(priceDifferenceCents),
      paymentMethodId: method.id,
    },
  ]);
  await adjustGiftCardBalance(tx, loaded.order.userId, method.id, -priceDifferenceCents);
  for (const { position, replacement } of swaps) {
    await tx
      .update(storeOrderItems)
      .set({ itemId: replacement.itemId, priceCents: replacement.priceCents, options: replacement.options })
      .where(and(eq(storeOrderItems.orderId, loaded.order.id), eq(storeOrderItems.position, position)));
  }
  await tx.update(storeOrders).set({ status: 'pending (item modified)' }).where(eq(storeOrders.id, loaded.order.id));
  return reloadOrder(tx, ctx, loaded.order.id);
}
