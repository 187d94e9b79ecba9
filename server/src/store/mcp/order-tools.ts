import { z } from 'zod';
import { exchangeDeliveredOrderItems, returnDeliveredOrderItems } from '../delivered-order-requests.js';
import { getOrderStatus } from '../order-status.js';
import { getOrderDetails } from '../orders.js';
import {
  cancelPendingOrder,
  cancelReasons,
  modifyPendingOrderAddress,
  modifyPendingOrderItems,
  modifyPendingOrderPayment,
} from '../pending-order-changes.js';
import { findUserIdByEmail, findUserIdByNameZip, getUserDetails, modifyUserAddress } from '../users.js';
import { type StoreTool, storeTool } from './store-tool.js';

const orderId = z.string().min(1).describe('Order id, e.g. "#W2611340".');
const userId = z.string().min(1).describe('User id, e.g. "noah_brown_6181".');
/** May be empty, as in the retail API: the call then only moves the order on (a modification also records a refund of 0). */
const itemIds = z.array(z.string());
const paymentMethodId = z
  .string()
  .min(1)
  .describe('A payment method id of the customer, e.g. "credit_card_7815826" or "gift_card_1725971".');
/** Any field may be empty, as in the retail API: the address is stored as given. */
const address = {
  address1: z.string().describe('Street address, e.g. "123 Main St".'),
  address2: z.string().describe('Apartment or suite, e.g. "Apt 1"; may be empty.'),
  city: z.string(),
  state: z.string().describe('State code, e.g. "CA".'),
  country: z.string().describe('Country, e.g. "USA".'),
  zip: z.string().describe('Zip code, e.g. "12345".'),
};

/** The retail order tools, under the names integrators know from the tau-retail API. */
export const orderTools: StoreTool[] = [
  storeTool({
    name: 'find_user_id_by_email',
    description:
      "Find the customer's user id by email address (case-insensitive). Records who the shopper says they are for the rest of the conversation; unless the workspace lets an email verify, it returns no user id and the shopper is only `claimed`.",
    input: { email: z.string().min(1).describe('The customer\'s email, e.g. "noah.brown7922@example.com".') },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    identifies: true,
    run: (db, args, ctx) => findUserIdByEmail(db, ctx, args.email),
  }),
  storeTool({
    name: 'find_user_id_by_name_zip',
    description:
      "Find the customer's user id by first name, last name and zip code (names case-insensitive). Use when the customer cannot give their email. Records who the shopper says they are; unless the workspace lets this verify, it returns no user id and the shopper is only `claimed`.",
    input: {
      first_name: z.string().min(1).describe('First name, e.g. "Noah".'),
      last_name: z.string().min(1).describe('Last name, e.g. "Brown".'),
      zip: z.string().min(1).describe('Zip code, e.g. "80279".'),
    },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    identifies: true,
    run: (db, args, ctx) => findUserIdByNameZip(db, ctx, args),
  }),
  storeTool({
    name: 'get_user_details',
    description:
      "Get the identified customer's details: name, default address, email, saved payment methods (with gift card balances) and order ids.",
    input: { user_id: userId },
    readOnly: true,
    identity: { minimumLevel: 'verified', readsPersonalData: true },
    run: (db, args, ctx) => getUserDetails(db, ctx, args.user_id),
  }),
  storeTool({
    name: 'get_order_details',
    description:
      'Get an order of the identified customer: status, items (with item ids, options and prices), shipping address, fulfilments with tracking ids, and payment history.',
    input: { order_id: orderId },
    readOnly: true,
    identity: { minimumLevel: 'verified', readsPersonalData: true },
    run: (db, args, ctx) => getOrderDetails(db, ctx, args.order_id),
  }),
  storeTool({
    name: 'get_order_status',
    description:
      'Get the status and carrier tracking ids of an order, and nothing else. Works once the shopper has given the email (or name and zip code) of the account the order belongs to, before any verification.',
    input: { order_id: orderId },
    readOnly: true,
    identity: { minimumLevel: 'claimed', readsPersonalData: true },
    run: (db, args, ctx) => getOrderStatus(db, ctx, args.order_id),
  }),
  storeTool({
    name: 'cancel_pending_order',
    description:
      'Cancel a pending order. The reason must be "no longer needed" or "ordered by mistake". Each entry of the payment history is refunded to its method (gift cards at once, cards and PayPal in 5-7 business days). Confirm with the customer first.',
    input: {
      order_id: orderId,
      reason: z.enum(cancelReasons).describe('"no longer needed" or "ordered by mistake".'),
    },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => cancelPendingOrder(tx, ctx, args),
  }),
  storeTool({
    name: 'modify_pending_order_address',
    description: 'Change the shipping address of a pending order. Confirm with the customer first.',
    input: { order_id: orderId, ...address },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => modifyPendingOrderAddress(tx, ctx, args),
  }),
  storeTool({
    name: 'modify_pending_order_payment',
    description:
      "Pay a pending order with another of the customer's payment methods. The order must have exactly one payment; the new method must differ, and a gift card must cover the whole amount. The old payment is refunded. Confirm with the customer first.",
    input: { order_id: orderId, payment_method_id: paymentMethodId },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => modifyPendingOrderPayment(tx, ctx, args),
  }),
  storeTool({
    name: 'modify_pending_order_items',
    description:
      'Swap items of a pending order for available variants of the same products (e.g. another size or colour, or the same item id for a new one with the same specs). The price difference is charged or refunded through the payment method (a gift card needs the balance). Can be done once: afterwards the order can be neither modified nor cancelled, so collect every change first and confirm.',
    input: {
      order_id: orderId,
      item_ids: itemIds.describe('Item ids in the order to replace; repeat an id to replace it twice.'),
      new_item_ids: itemIds.describe('The new item ids, in the same positions as item_ids.'),
      payment_method_id: paymentMethodId,
    },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => modifyPendingOrderItems(tx, ctx, args),
  }),
  storeTool({
    name: 'return_delivered_order_items',
    description:
      "Request a return of items of a delivered order. The refund goes to the original payment method or to one of the customer's gift cards, once the items arrive. Confirm the items and the refund method first.",
    input: {
      order_id: orderId,
      item_ids: itemIds.describe('Item ids to return.'),
      payment_method_id: paymentMethodId.describe('Where the refund goes: the original payment method or a gift card.'),
    },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => returnDeliveredOrderItems(tx, ctx, args),
  }),
  storeTool({
    name: 'exchange_delivered_order_items',
    description:
      'Request an exchange of items of a delivered order for available variants of the same products (the same item id too, for a new one with the same specs). The price difference is settled through the payment method (a gift card must cover a positive difference). Can be done once per order: collect every item first and confirm.',
    input: {
      order_id: orderId,
      item_ids: itemIds.describe('Item ids to exchange.'),
      new_item_ids: itemIds.describe('The new item ids, in the same positions as item_ids.'),
      payment_method_id: paymentMethodId,
    },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, args, ctx) => exchangeDeliveredOrderItems(tx, ctx, args),
  }),
  storeTool({
    name: 'modify_user_address',
    description:
      "Change the identified customer's default address (future orders only; existing orders keep theirs). Confirm with the customer first.",
    input: { user_id: userId, ...address },
    readOnly: false,
    identity: { minimumLevel: 'verified', readsPersonalData: true, needsConsent: true },
    run: (tx, { user_id, ...addr }, ctx) => modifyUserAddress(tx, ctx, user_id, addr),
  }),
];
