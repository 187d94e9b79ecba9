/**
 * Why the store refused a tool call, in words for a person stepping through a run. The codes are the server's
 * closed set (TOOL_CALL `data.reason`, server/src/store/store-refusals.ts); a code this studio does not know yet
 * is shown as it is.
 */
const words: Record<string, string> = {
  CUSTOMER_NOT_IDENTIFIED: 'No customer is identified in the conversation yet',
  CUSTOMER_NOT_FOUND: 'No customer matches these details',
  OTHER_CUSTOMERS_ACCOUNT: 'The account is not the identified customer’s',
  VERIFIED_AS_OTHER_CUSTOMER: 'The details match a different account than the verified customer’s',
  ORDER_NOT_FOUND: 'The customer has no such order',
  ORDER_NOT_PENDING: 'The order is no longer pending, so it cannot be changed',
  ORDER_NOT_DELIVERED: 'The order is not delivered, so it cannot be returned or exchanged',
  ORDER_PAYMENT_NOT_SINGLE: 'The payment method can only be changed on an order paid once',
  SAME_PAYMENT_METHOD: 'The order is already paid with this payment method',
  PAYMENT_METHOD_NOT_FOUND: 'The payment method is not one of the customer’s',
  GIFT_CARD_BALANCE_INSUFFICIENT: 'The gift card’s balance does not cover the amount',
  REFUND_METHOD_NOT_ALLOWED: 'A refund goes to the original payment method or a gift card',
  CANCEL_REASON_INVALID: 'The cancellation reason is not one the store accepts',
  ITEM_NOT_IN_ORDER: 'The item is not in the order',
  ITEM_COUNT_EXCEEDS_ORDER: 'The item is listed more times than the order holds it',
  ITEM_LISTS_LENGTH_MISMATCH: 'The items to change and their replacements do not pair up',
  PRODUCT_TYPE_MISMATCH: 'The new item is not a variant of the product it replaces',
  ITEM_UNAVAILABLE: 'The new item is out of stock',
  ITEM_NOT_FOUND: 'No item has this id',
  ITEM_IN_STOCK: 'The item is in stock, so no back-in-stock alert is needed',
  PRODUCT_NOT_FOUND: 'No product has this id',
  RECOMMENDATION_BASIS_MISSING: 'A recommendation needs an item or a product to start from',
  EMAIL_INVALID: 'The email address is malformed',
  EMAIL_DISPOSABLE: 'The email address is a throwaway mailbox',
  TICKET_SUMMARY_EMPTY: 'A ticket needs a summary of the issue',
  TICKET_REFERENCE_INVALID: 'Not a ticket reference',
  TICKET_ALREADY_OPEN: 'The conversation has an open ticket already',
  LEAD_LIMIT_REACHED: 'The conversation has filed as many sign-ups as it may',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used for another tool; the call was not run',
  IDEMPOTENCY_KEY_OTHER_CUSTOMER: 'The idempotency key belongs to another customer; the call was not run',
};

/** The codes this studio has words for (a test holds them to the server's list). */
export const knownRefusalReasons = Object.keys(words);

export interface StoreRefusal {
  code: string;
  /** The code in words. */
  title: string;
  /** The refusal's facts (`order_id`, `status`…) as label and value, in the store's order. */
  facts: { label: string; value: string }[];
}

const factValue = (v: unknown): string =>
  Array.isArray(v) ? v.map(factValue).join(', ') : typeof v === 'string' ? v : JSON.stringify(v);

/** `order_id` → `Order id`. */
const factLabel = (key: string) => {
  const spaced = key.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

/** The store's refusal of a tool call (its `reason` and `details`), or null when the call was not refused by it. */
export function storeRefusal(reason: string | null | undefined, details: unknown): StoreRefusal | null {
  if (!reason) return null;
  const facts =
    details && typeof details === 'object' && !Array.isArray(details)
      ? Object.entries(details)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => ({ label: factLabel(k), value: factValue(v) }))
      : [];
  return { code: reason, title: words[reason] ?? reason, facts };
}

/** One line: the words and the facts, e.g. `The order is no longer pending… (Order id #W123, Status delivered)`. */
export const refusalLine = (r: StoreRefusal) =>
  r.facts.length ? `${r.title} (${r.facts.map((f) => `${f.label} ${f.value}`).join(', ')})` : r.title;
