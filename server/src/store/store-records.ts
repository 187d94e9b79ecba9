import { fromCents } from './money.js';
import type {
  StoreOrderItemRow,
  StoreOrderRow,
  StorePaymentMethodRow,
  StorePaymentRow,
  StoreProductRow,
  StoreUserRow,
  StoreVariantRow,
} from './schema/index.js';
import type { DatasetOrder, DatasetPaymentMethod, DatasetProduct, DatasetUser } from './store-dataset.js';

/**
 * Rows back to the dataset's JSON shapes: what the tools return and `store export` writes. Fields
 * the tools add to an order appear only once set, as in the source files.
 */
export function toDatasetPaymentMethod(m: StorePaymentMethodRow): DatasetPaymentMethod {
  if (m.source === 'credit_card')
    return { source: 'credit_card', brand: m.brand ?? '', last_four: m.lastFour ?? '', id: m.id };
  if (m.source === 'gift_card') return { source: 'gift_card', balance: fromCents(m.balanceCents ?? 0), id: m.id };
  return { source: 'paypal', id: m.id };
}

export function toDatasetUser(user: StoreUserRow, methods: StorePaymentMethodRow[], orderIds: string[]): DatasetUser {
  return {
    name: { first_name: user.firstName, last_name: user.lastName },
    address: user.address,
    email: user.email,
    payment_methods: Object.fromEntries(
      [...methods].sort((a, b) => a.seq - b.seq).map((m) => [m.id, toDatasetPaymentMethod(m)]),
    ),
    orders: orderIds,
  };
}

export function toDatasetOrder(
  order: StoreOrderRow,
  items: StoreOrderItemRow[],
  payments: StorePaymentRow[],
): DatasetOrder {
  const out: DatasetOrder = {
    order_id: order.id,
    user_id: order.userId,
    address: order.address,
    items: [...items]
      .sort((a, b) => a.position - b.position)
      .map((i) => ({
        name: i.name,
        product_id: i.productId,
        item_id: i.itemId,
        price: fromCents(i.priceCents),
        options: i.options,
      })),
    fulfillments: order.fulfillments,
    status: order.status,
    payment_history: [...payments]
      .sort((a, b) => a.position - b.position)
      .map((p) => ({
        transaction_type: p.transactionType,
        amount: fromCents(p.amountCents),
        payment_method_id: p.paymentMethodId,
      })),
  };
  if (order.cancelReason !== null) out.cancel_reason = order.cancelReason;
  if (order.returnItems !== null) out.return_items = order.returnItems;
  if (order.returnPaymentMethodId !== null) out.return_payment_method_id = order.returnPaymentMethodId;
  if (order.exchangeItems !== null) out.exchange_items = order.exchangeItems;
  if (order.exchangeNewItems !== null) out.exchange_new_items = order.exchangeNewItems;
  if (order.exchangePaymentMethodId !== null) out.exchange_payment_method_id = order.exchangePaymentMethodId;
  if (order.exchangePriceDifferenceCents !== null) {
    out.exchange_price_difference = fromCents(order.exchangePriceDifferenceCents);
  }
  return out;
}

export function toDatasetProduct(
  product: Pick<StoreProductRow, 'id' | 'name'>,
  variants: StoreVariantRow[],
): DatasetProduct {
  return {
    name: product.name,
    product_id: product.id,
    variants: Object.fromEntries(
      [...variants]
        .sort((a, b) => a.seq - b.seq)
        .map((v) => [
          v.itemId,
          { item_id: v.itemId, options: v.options, available: v.available, price: fromCents(v.priceCents) },
        ]),
    ),
  };
}

/** Groups rows by a key, keeping their order. */
export function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
