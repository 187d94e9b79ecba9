/**
 * Why the store refused a call, as a closed set of reasons: the error's `code` says whose fault it is (NOT_FOUND,
 * CONFLICT, VALIDATION_FAILED, …), the reason says what happened, so that nobody (an integrator calling /mcp/store,
 * the desk, the offline stand-in) has to read the English message to know. A refusal's facts (the order's status, a
 * gift card's balance) travel with it in the error's details. The message stays the words for a person or a model.
 */
export const storeRefusalReasons = {
  CUSTOMER_NOT_IDENTIFIED: 'No customer is identified in the conversation yet; the call needs one.',
  CUSTOMER_NOT_FOUND: 'No customer has this email, this name and zip code, or this user id.',
  OTHER_CUSTOMERS_ACCOUNT: 'The user id names an account other than the identified customer’s.',
  VERIFIED_AS_OTHER_CUSTOMER:
    'The conversation belongs to a verified customer, and the details given match a different account.',
  ORDER_NOT_FOUND:
    'No such order for the identified customer (missing and another customer’s look the same). Facts: order_id.',
  ORDER_NOT_PENDING:
    'The change needs a pending order; the order is in another status (`pending (item modified)` included: items are changed once). Facts: order_id, status.',
  ORDER_NOT_DELIVERED: 'A return or exchange needs a delivered order. Facts: order_id, status.',
  ORDER_PAYMENT_NOT_SINGLE:
    'The payment method can be changed only while the order has exactly one payment. Facts: order_id, transactions.',
  SAME_PAYMENT_METHOD: 'The order is paid with this payment method already. Facts: order_id, payment_method_id.',
  PAYMENT_METHOD_NOT_FOUND: 'The payment method is not one of the customer’s saved ones. Facts: payment_method_id.',
  GIFT_CARD_BALANCE_INSUFFICIENT:
    'The gift card’s balance does not cover what it would pay (`for`: `order` or `price_difference`). Facts: payment_method_id, balance, amount, for.',
  REFUND_METHOD_NOT_ALLOWED:
    'A return is refunded to the order’s original payment method or to a gift card. Facts: payment_method_id, original_payment_method_id.',
  CANCEL_REASON_INVALID: 'The reason for a cancellation is neither "no longer needed" nor "ordered by mistake".',
  ITEM_NOT_IN_ORDER: 'An item id to change is not in the order. Facts: order_id, item_id.',
  ITEM_COUNT_EXCEEDS_ORDER:
    'An item id is listed more times than the order holds it. Facts: order_id, item_id, listed, held.',
  ITEM_LISTS_LENGTH_MISMATCH: 'item_ids and new_item_ids differ in length. Facts: items, new_items.',
  PRODUCT_TYPE_MISMATCH:
    'A new item is not a variant of the product of the item it replaces (or no item at all). Facts: item_id, product_id, product_name.',
  ITEM_UNAVAILABLE: 'A new item is out of stock. Facts: item_id, product_name.',
  ITEM_NOT_FOUND: 'No item (variant) has this id. Facts: item_ids.',
  ITEM_IN_STOCK: 'A back-in-stock alert was asked for an item that is in stock. Facts: item_id, product_name.',
  PRODUCT_NOT_FOUND: 'No product has this id. Facts: product_ids.',
  RECOMMENDATION_BASIS_MISSING: 'recommend_related was given neither item_ids nor a product_id.',
  EMAIL_INVALID: 'The email address is malformed.',
  EMAIL_DISPOSABLE: 'The email address is at a throwaway-mailbox service.',
  TICKET_SUMMARY_EMPTY: 'A ticket needs a summary of the issue.',
  TICKET_REFERENCE_INVALID: 'Not a ticket reference (T-24F9B93E) or a whole ticket id.',
  TICKET_ALREADY_OPEN:
    'The conversation has an open ticket already (a shopper’s own token at /mcp/store). Facts: reference.',
  LEAD_LIMIT_REACHED: 'The conversation filed as many sign-ups as one may (a shopper’s own token at /mcp/store).',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used for another tool; this call was not run.',
  IDEMPOTENCY_KEY_OTHER_CUSTOMER: 'The idempotency key belongs to another customer; this call was not run.',
} as const;

export type StoreRefusalReason = keyof typeof storeRefusalReasons;

export const storeRefusalReasonList = Object.keys(storeRefusalReasons) as StoreRefusalReason[];

export const isStoreRefusalReason = (value: unknown): value is StoreRefusalReason =>
  typeof value === 'string' && Object.hasOwn(storeRefusalReasons, value);

/** The options of a store refusal's BatonError: its reason, and the facts that go with it in `details`. */
export const refusal = (reason: StoreRefusalReason, facts: Record<string, unknown> = {}) => ({
  reason,
  details: facts,
});
