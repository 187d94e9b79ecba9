import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { ConflictError, ValidationError } from '../errors.js';
import { assertItemsHeld, planItemSwaps } from './item-swaps.js';
import { formatMoney } from './money.js';
import { type LoadedOrder, loadOrderFor, reloadOrder } from './orders.js';
import { giftCardShort } from './pending-order-changes.js';
import { storeOrders } from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import type { DatasetOrder } from './store-dataset.js';
import { refusal } from './store-refusals.js';
import { loadPaymentMethodForUpdate } from './users.js';

function assertDelivered(loaded: LoadedOrder, verb: 'returned' | 'exchanged'): void {
  if (loaded.order.status === 'delivered') return;
  throw new ConflictError(
    `Order ${loaded.order.id} cannot be ${verb}: its status is "${loaded.order.status}", and only delivered orders can be ${verb}.`,
    refusal('ORDER_NOT_DELIVERED', { order_id: loaded.order.id, status: loaded.order.status }),
  );
}

/**
 * return_delivered_order_items: records the request (sorted items, possibly none, and the refund
 * method); money moves when the items come back, not now.
 */
export async function returnDeliveredOrderItems(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string; item_ids: string[]; payment_method_id: string },
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertDelivered(loaded, 'returned');
  const method = await loadPaymentMethodForUpdate(tx, loaded.order.userId, args.payment_method_id);
  const original = loaded.payments[0]?.paymentMethodId;
  if (method.source !== 'gift_card' && method.id !== original) {
    throw ValidationError.single(
      'payment_method_id',
      `The refund must go to the order's original payment method (${original}) or to one of the customer's gift cards.`,
      refusal('REFUND_METHOD_NOT_ALLOWED', {
        payment_method_id: method.id,
        original_payment_method_id: original ?? null,
      }),
    );
  }
  assertItemsHeld(loaded.order.id, loaded.items, args.item_ids);
  await tx
    .update(storeOrders)
    .set({ status: 'return requested', returnItems: [...args.item_ids].sort(), returnPaymentMethodId: method.id })
    .where(eq(storeOrders.id, loaded.order.id));
  return reloadOrder(tx, ctx, loaded.order.id);
}

/**
 * exchange_delivered_order_items: records the exchange (sorted old and new items, method, price
 * difference); a new item may be the same id when that variant is available, and a gift card must
 * cover a positive difference. No money moves now.
 */
export async function exchangeDeliveredOrderItems(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: { order_id: string; item_ids: string[]; new_item_ids: string[]; payment_method_id: string },
): Promise<DatasetOrder> {
  const loaded = await loadOrderFor(tx, ctx, args.order_id, { forUpdate: true });
  assertDelivered(loaded, 'exchanged');
  const { priceDifferenceCents } = await planItemSwaps(
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
  await tx
    .update(storeOrders)
    .set({
      status: 'exchange requested',
      exchangeItems: [...args.item_ids].sort(),
      exchangeNewItems: [...args.new_item_ids].sort(),
      exchangePaymentMethodId: method.id,
      exchangePriceDifferenceCents: priceDifferenceCents,
    })
    .where(eq(storeOrders.id, loaded.order.id));
  return reloadOrder(tx, ctx, loaded.order.id);
}
