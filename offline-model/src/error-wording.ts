import type { ToolStep } from './task-transcript.js';
import { brandCased, readOrder, readUser } from './tool-output-readers.js';

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

/**
 * The reasons the store's error code and the call's own arguments tell, whatever the message says: an account or an
 * order that a lookup did not find (a lookup's NOT_FOUND has no other reason). A change's NOT_FOUND may be the order,
 * an item or a payment method, which only its message tells.
 */
function typedReason(step: ToolStep, seen: readonly ToolStep[]): string | undefined {
  if (step.code === 'UNAUTHENTICATED')
    return 'First I need to confirm who you are: please send the email address on your account, or your first name, last name and zip code.';
  const arg = (name: string) => (typeof step.args[name] === 'string' ? (step.args[name] as string).trim() : undefined);
  // A change refused as in conflict with an order whose status the conversation read, and that status is not one the
  // change can be made in: that is the reason, in the words of the status.
  const orderId = arg('order_id');
  const status = step.code === 'CONFLICT' && orderId ? statusSeen(orderId, seen) : undefined;
  if (status && PENDING_CHANGES[step.tool] && status !== 'pending')
    return notPending(PENDING_CHANGES[step.tool]!, orderId!, status);
  if (status && DELIVERED_REQUESTS[step.tool] && status !== 'delivered')
    return notDelivered(orderId!, DELIVERED_REQUESTS[step.tool]!, status);
  if (step.code !== 'NOT_FOUND') return undefined;
  if (step.tool === 'find_user_id_by_email' && arg('email')) return noAccountWithEmail(arg('email')!);
  if (step.tool === 'find_user_id_by_name_zip') return NO_ACCOUNT_NAMED;
  if ((step.tool === 'get_order_details' || step.tool === 'get_order_status') && arg('order_id'))
    return noOrder(arg('order_id')!, seen);
  return undefined;
}

/** What each change of a pending order does, as the store says it ("Cannot change the payment method of order …"). */
const PENDING_CHANGES: Record<string, string> = {
  cancel_pending_order: 'cancel',
  modify_pending_order_address: 'change the address of',
  modify_pending_order_payment: 'change the payment method of',
  modify_pending_order_items: 'modify the items of',
};
/** What each request on a delivered order does to it. */
const DELIVERED_REQUESTS: Record<string, string> = {
  return_delivered_order_items: 'returned',
  exchange_delivered_order_items: 'exchanged',
};

/** The status of the order in the latest lookup of it among the calls before. */
function statusSeen(orderId: string, seen: readonly ToolStep[]): string | undefined {
  const same = (id: string) => id.replace(/^#/, '').toUpperCase() === orderId.replace(/^#/, '').toUpperCase();
  for (const s of [...seen].reverse()) {
    if (!s.ok || (s.tool !== 'get_order_details' && s.tool !== 'get_order_status')) continue;
    const order = readOrder(s.output);
    if (order && same(order.orderId)) return order.status;
  }
  return undefined;
}

/** A change of a pending order refused for the order's status (`action` as the store names it: "cancel"). */
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

/**
 * The store's own reasons read from its messages, each in the shopper's words with what they can do next; undefined
 * for any other. What typedReason reads from the code comes first; these patterns are for the reasons no code tells
 * apart (and stand in for it when a call carries none).
 */
function knownReason(message: string, seen: readonly ToolStep[]): string | undefined {
  const short =
    /Gift card (\S+) has (\$\d[\d,]*(?:\.\d+)?), not enough to pay (the price difference of )?(\$\d[\d,]*(?:\.\d+)?)/.exec(
      message,
    );
  if (short) {
    const [, id, balance, difference, amount] = short;
    const others = otherMethods(id!, seen);
    return `${capitalise(methodName(id!, seen))} has ${balance}, which doesn't cover ${difference ? `the ${amount} price difference` : `the order's ${amount}`}. ${
      others.length
        ? `Would you like to use ${orList(others)} instead?`
        : 'Would you like to use another payment method instead?'
    }`;
  }
  const paid = /^Order (#?\w+) is already paid with (\S+?);/.exec(message);
  if (paid)
    return `Order ${paid[1]} is already paid with ${methodName(paid[2]!, seen)}. Which other payment method would you like to use?`;
  const locked = /^Cannot ([^:]+) order (#?\w+): its items were already modified/.exec(message);
  if (locked) return notPending(locked[1]!, locked[2]!, 'pending (item modified)');
  const pendingOnly = /^Cannot ([^:]+) order (#?\w+): its status is "([^"]+)"/.exec(message);
  if (pendingOnly) return notPending(pendingOnly[1]!, pendingOnly[2]!, pendingOnly[3]!);
  const deliveredOnly = /^Order (#?\w+) cannot be (returned|exchanged): its status is "([^"]+)"/.exec(message);
  if (deliveredOnly) return notDelivered(deliveredOnly[1]!, deliveredOnly[2]!, deliveredOnly[3]!);
  const refundTo = /^The refund must go to the order's original payment method \((\S+?)\)/.exec(message);
  if (refundTo)
    return `The refund can only go to the payment method the order was paid with (${methodName(refundTo[1]!, seen)}) or to a gift card. Which would you like?`;
  const soldOut = /^New item \S+ \(([^)]+)\) is out of stock/.exec(message);
  if (soldOut) return `That ${soldOut[1]} option is out of stock right now. Would you like to pick another option?`;
  if (/^Payment method \S+ is not one of this customer's saved payment methods/.test(message))
    return "That payment method isn't saved on your account. Which of your saved payment methods would you like to use?";
  const missingOrder = /^No order (#?\w+)/.exec(message);
  if (missingOrder) return noOrder(missingOrder[1]!, seen);
  const noEmail = /^No customer has the email address (\S+?)\.(?:\s|$)/.exec(message);
  if (noEmail) return noAccountWithEmail(noEmail[1]!);
  if (/^No customer named /.test(message)) return NO_ACCOUNT_NAMED;
  const notInOrder = /^Item \S+ is not in order (#?\w+)/.exec(message);
  if (notInOrder) return `That item isn't in order ${notInOrder[1]}. Which item from that order do you mean?`;
  const notVariant = /^New item \S+ is not a variant of ([^(]+?) \(/.exec(message);
  if (notVariant) return `That isn't one of the options of the ${notVariant[1]}. Which option would you like instead?`;
  return undefined;
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
  const known = typedReason(step, seen) ?? knownReason(message.replace(FIELD_PREFIX, ''), seen);
  if (known) return known;
  const attempt = ATTEMPT[step.tool] ?? `do that (${step.tool.replace(/_/g, ' ')})`;
  const reason = plainReason(message, seen);
  const next = 'Would you like to try something else, or shall I pass this to a colleague?';
  if (step.code === 'FORBIDDEN') return `I can't ${attempt}: ${reason ?? "that isn't on your account."} ${next}`;
  return `I couldn't ${attempt}${reason ? `: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}` : '.'} ${next}`;
}
