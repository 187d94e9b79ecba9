import type { ToolStep } from './task-transcript.js';
import { brandCased, readUser } from './tool-output-readers.js';

/**
 * A failed tool call told to the shopper. The store's errors are written for whoever calls the tool (an integrator, a
 * model): they lead with the argument at fault ("payment_method_id: …"), name records by their ids ("gift_card_1234")
 * and say which tool to call next. The shopper gets the reason in their words, and what they can do about it.
 */

/** What the shopper asked to be done, by the tool that was to do it. */
const ATTEMPT: Record<string, string> = {
  cancel_pending_order: 'cancel the order',
  modify_pending_order_address: 'change the shipping address',
  modify_pending_order_payment: 'change the payment method',
  modify_pending_order_items: 'change the items',
  return_delivered_order_items: 'start the return',
  exchange_delivered_order_items: 'start the exchange',
  modify_user_address: 'change the address on your account',
  get_order_details: 'look up that order',
  get_order_status: 'look up that order',
  get_user_details: 'look up your account',
  find_user_id_by_email: 'find your account',
  find_user_id_by_name_zip: 'find your account',
  get_product_details: 'look up that product',
  search_products: 'search the catalogue',
  subscribe_back_in_stock: 'set up the back-in-stock alert',
  create_lead: 'sign you up',
  create_ticket: 'open a ticket for our team',
};

/** A payment method's id, as the store names them: `gift_card_7794233`, `credit_card_1234567`, `paypal_3024827`. */
const METHOD_ID = /\b(?:gift_card|credit_card|paypal|debit_card|bank_account)_\d+\b/g;
/** The argument a validation error leads with: `payment_method_id: `, `input.order_id: `. */
const FIELD_PREFIX = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*: /;
/** A sentence that tells the caller which tool to use: it names one (`get_user_details`) or says "call …". */
const TO_THE_CALLER =
  /\b[a-z]+(?:_[a-z]+){1,}\b(?!_?\d)|\b(?:call|use) [a-z]+_|\bstore tools?\b|\bidentified in this conversation\b/;

/** "your visa card ending 9182", "your gift card", "PayPal": how the shopper knows a payment method. */
function methodName(id: string, seen: readonly ToolStep[]): string {
  for (const s of [...seen].reverse()) {
    if (!s.ok || s.tool !== 'get_user_details') continue;
    const m = readUser(s.output)?.paymentMethods.find((p) => p.id === id);
    if (m) return m.label === 'PayPal' ? 'your PayPal account' : `your ${brandCased(m.label)}`;
  }
  if (id.startsWith('gift_card')) return 'your gift card';
  if (id.startsWith('paypal')) return 'your PayPal account';
  if (id.startsWith('credit_card')) return 'your credit card';
  return 'that payment method';
}

/** Who the shopper said they are, as this task's lookups took it: an email, or a name. */
function claimedBy(seen: readonly ToolStep[]): string | undefined {
  const lookup = [...seen]
    .reverse()
    .find((s) => s.tool === 'find_user_id_by_email' || s.tool === 'find_user_id_by_name_zip');
  const args = (lookup?.args ?? {}) as { email?: unknown; first_name?: unknown; last_name?: unknown };
  if (typeof args.email === 'string') return args.email;
  if (typeof args.first_name === 'string' && typeof args.last_name === 'string')
    return `${args.first_name} ${args.last_name}`;
  return undefined;
}

/** The shopper's other saved methods, to offer when the one chosen cannot pay ("your PayPal account"). */
function otherMethods(except: string, seen: readonly ToolStep[]): string[] {
  const user = [...seen].reverse().find((s) => s.ok && s.tool === 'get_user_details');
  const methods = user ? (readUser(user.output)?.paymentMethods ?? []) : [];
  return methods.filter((m) => m.id !== except).map((m) => methodName(m.id, seen));
}

const orList = (xs: string[]) => (xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What each change of a pending order does, as the shopper would say it of an order ("I can't cancel order …"). */
const PENDING_CHANGES: Record<string, string> = {
  cancel_pending_order: 'cancel',
  modify_pending_order_address: 'change the address of',
  modify_pending_order_payment: 'change the payment method of',
  modify_pending_order_items: 'change the items of',
};
/** What each request on a delivered order does to it. */
const DELIVERED_REQUESTS: Record<string, string> = {
  return_delivered_order_items: 'returned',
  exchange_delivered_order_items: 'exchanged',
};

const IDENTIFY_FIRST =
  'First I need to confirm who you are: please send the email address on your account, or your first name, last name and zip code.';

/** A change of a pending order refused for the order's status (`action` as in PENDING_CHANGES: "cancel"). */
function notPending(action: string, orderId: string, status: string): string {
  if (status === 'pending (item modified)')
    return `I can't ${action} order ${orderId}: its items were already changed once, and after that an order can't be changed again. A colleague can help if you need something more.`;
  return `I can't ${action} order ${orderId}: its status is ${status}, and only orders that haven't been processed yet can be changed.${
    status === 'delivered' ? ' If something is wrong with it, I can help you return or exchange items.' : ''
  }`;
}

/** A return or exchange refused because the order is not delivered. */
function notDelivered(orderId: string, verb: string, status: string): string {
  return `Order ${orderId} can't be ${verb}: its status is ${status}, and items can be ${verb} once the order has been delivered.${
    status === 'pending' ? ' If you no longer want it, I can cancel it instead.' : ''
  }`;
}

const noAccountWithEmail = (email: string) =>
  `I couldn't find an account with the email address ${email}. Could you check the spelling, or send your first name, last name and zip code instead?`;
const NO_ACCOUNT_NAMED =
  "I couldn't find an account with that name and zip code. Could you check them, or send the email address on your account instead?";

/** An order the store did not find: its shape when mistyped, else which account was searched. */
function noOrder(id: string, seen: readonly ToolStep[]): string {
  // A well-formed number the shopper typed is more likely on another account than mistyped: say which one was searched.
  if (!/^#?W\d{7}$/i.test(id))
    return `I couldn't find order ${id}. Order numbers look like #W1234567: could you check it?`;
  const claimed = claimedBy(seen);
  return `I couldn't find order ${id} on ${claimed ? `the account for ${claimed}` : 'your account'}. If you placed it with another email address, send me that one; otherwise, could you check the number?`;
}

const money = (dollars: number) => `$${dollars.toFixed(2)}`;

/**
 * Baton's store refusal in the shopper's words, with what they can do next: read from its reason and facts
 * (server/src/store/store-refusals.ts), and the call's arguments where the store gives no fact, never from its message.
 * Undefined for a reason the message says as well as anything here (it is then made safe to show, plainReason).
 */
function storeReason(step: ToolStep, seen: readonly ToolStep[]): string | undefined {
  const fact = (name: string) => {
    const value = step.details?.[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const amount = (name: string) =>
    typeof step.details?.[name] === 'number' ? (step.details[name] as number) : undefined;
  const arg = (name: string) => (typeof step.args[name] === 'string' ? (step.args[name] as string).trim() : undefined);
  const orderId = fact('order_id') ?? arg('order_id');
  const status = fact('status');
  const methodId = fact('payment_method_id') ?? arg('payment_method_id');
  switch (step.reason) {
    case 'CUSTOMER_NOT_IDENTIFIED':
      return IDENTIFY_FIRST;
    case 'CUSTOMER_NOT_FOUND':
      if (step.tool === 'find_user_id_by_email' && arg('email')) return noAccountWithEmail(arg('email')!);
      if (step.tool === 'find_user_id_by_name_zip') return NO_ACCOUNT_NAMED;
      return undefined;
    case 'ORDER_NOT_FOUND':
      return orderId ? noOrder(orderId, seen) : undefined;
    case 'ORDER_NOT_PENDING':
      return orderId && status ? notPending(PENDING_CHANGES[step.tool] ?? 'change', orderId, status) : undefined;
    case 'ORDER_NOT_DELIVERED':
      return orderId && status ? notDelivered(orderId, DELIVERED_REQUESTS[step.tool] ?? 'returned', status) : undefined;
    case 'GIFT_CARD_BALANCE_INSUFFICIENT': {
      const balance = amount('balance');
      const due = amount('amount');
      if (!methodId || balance === undefined || due === undefined) return undefined;
      const others = otherMethods(methodId, seen);
      return `${capitalise(methodName(methodId, seen))} has ${money(balance)}, which doesn't cover ${
        fact('for') === 'price_difference' ? `the ${money(due)} price difference` : `the order's ${money(due)}`
      }. ${
        others.length
          ? `Would you like to use ${orList(others)} instead?`
          : 'Would you like to use another payment method instead?'
      }`;
    }
    case 'SAME_PAYMENT_METHOD':
      return orderId && methodId
        ? `Order ${orderId} is already paid with ${methodName(methodId, seen)}. Which other payment method would you like to use?`
        : undefined;
    case 'REFUND_METHOD_NOT_ALLOWED': {
      const original = fact('original_payment_method_id');
      return `The refund can only go to the payment method the order was paid with${
        original ? ` (${methodName(original, seen)})` : ''
      } or to a gift card. Which would you like?`;
    }
    case 'PAYMENT_METHOD_NOT_FOUND':
      return "That payment method isn't saved on your account. Which of your saved payment methods would you like to use?";
    case 'ITEM_UNAVAILABLE':
      return `That ${fact('product_name') ?? 'item'} option is out of stock right now. Would you like to pick another option?`;
    case 'ITEM_NOT_IN_ORDER':
      return `That item isn't in order ${orderId ?? 'that order'}. Which item from that order do you mean?`;
    case 'PRODUCT_TYPE_MISMATCH':
      return `That isn't one of the options of the ${fact('product_name') ?? 'item'}. Which option would you like instead?`;
    default:
      return undefined;
  }
}

/**
 * Any other reason, made safe to show: without the argument it leads with, the sentences addressed to the caller,
 * and payment methods named as the shopper knows them. Undefined when nothing is left to say.
 */
function plainReason(message: string, seen: readonly ToolStep[]): string | undefined {
  const sentences = message
    .replace(FIELD_PREFIX, '')
    .replace(/^Refused:\s*/i, '')
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .filter((s) => !TO_THE_CALLER.test(s.replace(METHOD_ID, '')))
    .map((s) => s.replace(METHOD_ID, (id) => methodName(id, seen)))
    .join(' ')
    .trim();
  return sentences ? sentences.replace(/(?<![.!?])$/, '.') : undefined;
}

/**
 * The shopper-facing account of a failed call: the reason in their words and what they can do next. `seen` are the
 * calls made before it (this task's and the run's), from which payment methods get the names the shopper knows.
 */
export function shopperError(step: ToolStep, seen: readonly ToolStep[] = []): string {
  const message = (step.error ?? '').replace(/\s+/g, ' ').trim();
  if (step.code === 'TIMEOUT') return 'Our system took too long to answer. Please try again in a moment.';
  const known = storeReason(step, seen);
  if (known) return known;
  const attempt = ATTEMPT[step.tool] ?? `do that (${step.tool.replace(/_/g, ' ')})`;
  const reason = plainReason(message, seen);
  const next = 'Would you like to try something else, or shall I pass this to a colleague?';
  if (step.code === 'FORBIDDEN') return `I can't ${attempt}: ${reason ?? "that isn't on your account."} ${next}`;
  return `I couldn't ${attempt}${reason ? `: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}` : '.'} ${next}`;
}
