import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError } from '../errors.js';
import {
  type StoreOrderItemRow,
  type StoreOrderRow,
  type StorePaymentRow,
  storeOrderItems,
  storeOrders,
  storePayments,
} from './schema/index.js';
import { assertFoundFor, assertIdentified, type StoreCallContext } from './store-call-context.js';
import type { DatasetOrder } from './store-dataset.js';
import { toDatasetOrder } from './store-records.js';
import { refusal } from './store-refusals.js';

export interface LoadedOrder {
  order: StoreOrderRow;
  items: StoreOrderItemRow[];
  payments: StorePaymentRow[];
}

/** Order ids are `#W` plus digits; agents often drop the `#`. */
export function normalizeOrderId(orderId: string): string {
  const id = orderId.trim();
  return id.startsWith('#') ? id : `#${id}`;
}

/**
 * Loads an order the context may act for: "identify first" without a customer, NotFound for an
 * unknown id, Forbidden for another customer's order. `forUpdate` locks it for a write.
 */
export async function loadOrderFor(
  db: DbOrTx,
  ctx: StoreCallContext,
  orderId: string,
  options: { forUpdate?: boolean } = {},
): Promise<LoadedOrder> {
  assertIdentified(ctx);
  const id = normalizeOrderId(orderId);
  const query = db.select().from(storeOrders).where(eq(storeOrders.id, id));
  const [order] = options.forUpdate ? await query.for('update') : await query;
  assertFoundFor(ctx, order?.userId, id);
  if (!order) throw new NotFoundError(`No order ${id}`, refusal('ORDER_NOT_FOUND', { order_id: id }));
  const [items, payments] = await Promise.all([
    db.select().from(storeOrderItems).where(eq(storeOrderItems.orderId, id)).orderBy(asc(storeOrderItems.position)),
    db.select().from(storePayments).where(eq(storePayments.orderId, id)).orderBy(asc(storePayments.position)),
  ]);
  return { order, items, payments };
}

export const orderJson = (loaded: LoadedOrder): DatasetOrder =>
  toDatasetOrder(loaded.order, loaded.items, loaded.payments);

/** get_order_details: the order as the dataset describes it (status, items, tracking, payments). */
export async function getOrderDetails(db: DbOrTx, ctx: StoreCallContext, orderId: string): Promise<DatasetOrder> {
  return orderJson(await loadOrderFor(db, ctx, orderId));
}

/** Re-reads an order after a write, for the tool's answer. */
export async function reloadOrder(db: DbOrTx, ctx: StoreCallContext, orderId: string): Promise<DatasetOrder> {
  return getOrderDetails(db, ctx, orderId);
}
