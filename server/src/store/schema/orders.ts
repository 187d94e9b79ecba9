import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { StoreAddress } from './users.js';
import { storeUsers } from './users.js';

export interface StoreFulfillment {
  tracking_id: string[];
  item_ids: string[];
}

export const transactionTypes = ['payment', 'refund'] as const;
export type TransactionType = (typeof transactionTypes)[number];

/** Orders keyed by the dataset's ids (`#W2611340`). Request fields are set by the return/exchange/cancel tools. */
export const storeOrders = pgTable(
  'store_orders',
  {
    id: text('id').primaryKey(),
    seq: integer('seq').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => storeUsers.id, { onDelete: 'cascade' }),
    address: jsonb('address').$type<StoreAddress>().notNull(),
    status: text('status').notNull(),
    fulfillments: jsonb('fulfillments').$type<StoreFulfillment[]>().notNull(),
    cancelReason: text('cancel_reason'),
    returnItems: jsonb('return_items').$type<string[]>(),
    returnPaymentMethodId: text('return_payment_method_id'),
    exchangeItems: jsonb('exchange_items').$type<string[]>(),
    exchangeNewItems: jsonb('exchange_new_items').$type<string[]>(),
    exchangePaymentMethodId: text('exchange_payment_method_id'),
    exchangePriceDifferenceCents: integer('exchange_price_difference_cents'),
  },
  (t) => [
    // get_user_details: a user's orders, in source order.
    index('store_orders_user_idx').on(t.userId, t.seq),
  ],
);
export type StoreOrderRow = typeof storeOrders.$inferSelect;

export const storeOrderItems = pgTable(
  'store_order_items',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => storeOrders.id, { onDelete: 'cascade' }),
    /** Position in the order; an order may hold the same item twice. */
    position: integer('position').notNull(),
    itemId: text('item_id').notNull(),
    productId: text('product_id').notNull(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    options: jsonb('options').$type<Record<string, string>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.position] })],
);
export type StoreOrderItemRow = typeof storeOrderItems.$inferSelect;

export const storePayments = pgTable(
  'store_payments',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => storeOrders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    transactionType: text('transaction_type', { enum: transactionTypes }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    paymentMethodId: text('payment_method_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.position] })],
);
export type StorePaymentRow = typeof storePayments.$inferSelect;
