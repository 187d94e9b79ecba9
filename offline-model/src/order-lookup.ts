import { ANSWER, callAll, callTool, type Decision, reply } from './decision.js';
import { KINDS } from './product-lexicon.js';
import { explainError } from './reply-templates.js';
import { LACKS_ORDER_NUMBER } from './request-cues.js';
import type { TaskContext } from './task-context.js';
import { ORDER_INTENTS } from './task-intent.js';
import { stem } from './text-features.js';
import { type OrderView, readOrder, readUser, type UserView } from './tool-output-readers.js';

const ORDER_TOOLS = ['get_order_details', 'get_user_details', 'cancel_pending_order', 'return_delivered_order_items'];

const sameOrder = (a: unknown, b: string) =>
  typeof a === 'string' && a.replace(/^#/, '').toUpperCase() === b.replace(/^#/, '').toUpperCase();

/** Whether this task touches orders with tools this card has, so the shopper must be identified first. */
export function needsIdentity(ctx: TaskContext): boolean {
  return ORDER_INTENTS.has(ctx.intent) && ORDER_TOOLS.some((t) => ctx.offered(t));
}

/**
 * Identity first: look the shopper up by email, else by name and zip; with neither, ask for them
 * rather than touching any order tool.
 */
export function identityStep(ctx: TaskContext): Decision | undefined {
  if (ctx.customerId) return undefined;
  if (ctx.claimed) return verificationStep(ctx);
  const v = ctx.values;
  if (v.email && !ctx.called('find_user_id_by_email').length) {
    const d = callTool(ctx, 'find_user_id_by_email', { email: v.email });
    if (d) return d;
  }
  if (v.firstName && v.lastName && v.zip && !ctx.called('find_user_id_by_name_zip').length) {
    const d = callTool(ctx, 'find_user_id_by_name_zip', { first_name: v.firstName, last_name: v.lastName, zip: v.zip });
    if (d) return d;
  }
  const failed = [...ctx.called('find_user_id_by_email'), ...ctx.called('find_user_id_by_name_zip')]
    .filter((s) => !s.ok)
    .at(-1);
  const about = ctx.entities.orderIds[0]
    ? ` order ${ctx.entities.orderIds[0]}`
    : ctx.accountDetails
      ? ' your account details'
      : ' your order';
  const ask = 'please send the email address on your account, or your first name, last name and zip code.';
  return reply(
    failed
      ? explainError(failed)
      : LACKS_ORDER_NUMBER.test(ctx.request)
        ? `No problem: I can find your orders without it. ${ask.charAt(0).toUpperCase()}${ask.slice(1)}`
        : `I can help with${about}. First I need to confirm who you are: ${ask}`,
  );
}

function orderStep(ctx: TaskContext, orderId: string) {
  const steps = [...ctx.transcript.runSteps, ...ctx.transcript.steps].filter(
    (s) => s.tool === 'get_order_details' && sameOrder(s.args.order_id, orderId),
  );
  return steps.at(-1);
}

export function latestUser(ctx: TaskContext): UserView | undefined {
  const s = ctx.latest('get_user_details');
  return s ? readUser(s.output) : undefined;
}

/** How many orders of an account are looked up at once to find the one meant; with more, the shopper is asked. */
const MAX_ORDERS_LOOKED_UP = 6;

/** The stems of a product or item name's words ("Office Chair" → office, chair). */
export function nameStems(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean)
    .map(stem);
}

/** A word's stem → the stems of every word of its kind (KINDS), itself included. */
const KIND_OF: ReadonlyMap<string, string[]> = new Map(
  KINDS.flatMap((kind) => {
    const stems = [...new Set(kind.map(stem))];
    return stems.map((s) => [s, stems] as const);
  }),
);

/** Whether an item name shares a word with a product the shopper named (or a word of its kind: shoes, sneakers). */
export function isNamedItem(ctx: TaskContext, itemName: string): boolean {
  const named = new Set(ctx.entities.products.flatMap(nameStems).flatMap((s) => KIND_OF.get(s) ?? [s]));
  return nameStems(itemName).some((w) => named.has(w));
}

const joined = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
/** isNamedItem, or the name written as the shopper wrote it without its hyphens and spaces ("tshirt", "T-Shirt"). */
export function namesProduct(ctx: TaskContext, itemName: string): boolean {
  return isNamedItem(ctx, itemName) || ctx.entities.products.some((p) => joined(p) === joined(itemName));
}

/** Whether an item of the order is a product the shopper named (by the words of its name). */
function holdsNamedProduct(ctx: TaskContext, order: OrderView): boolean {
  return order.items.some((i) => isNamedItem(ctx, i.name));
}

/**
 * The order this task is about: the one named, or found through the account (up to MAX_ORDERS_LOOKED_UP orders
 * are read at once). Returns the order, or the next step (a call or a question) to get to it.
 */
export function targetOrder(
  ctx: TaskContext,
  wanted: (o: OrderView) => boolean,
  describe: string,
): { order?: OrderView; orders?: OrderView[]; decision?: Decision } {
  const orderId = ctx.values.orderId;
  if (orderId) {
    const step = orderStep(ctx, orderId);
    if (step?.ok) {
      const order = readOrder(step.output);
      if (order) return { order, orders: [order] };
    }
    if (step && !step.ok) return { decision: reply(explainError(step)) };
    return {
      decision:
        callTool(ctx, 'get_order_details', { order_id: orderId }) ??
        reply(`I can't look up order ${orderId} from here.`),
    };
  }
  const user = latestUser(ctx);
  if (!user) {
    const d = ctx.customerId ? callTool(ctx, 'get_user_details', { user_id: ctx.customerId }) : undefined;
    return { decision: d ?? reply('Which order do you mean? Please send the order number (it looks like #W1234567).') };
  }
  if (!user.orderIds.length) return { decision: reply("I don't see any orders on your account.") };
  if (user.orderIds.length > MAX_ORDERS_LOOKED_UP) {
    return {
      decision: reply(`You have ${user.orderIds.length} orders: ${user.orderIds.join(', ')}. Which one ${describe}?`),
    };
  }
  const fetched = user.orderIds.map((id) => ({ id, step: orderStep(ctx, id) }));
  const missing = fetched.filter((f) => !f.step);
  if (missing.length) {
    const d = callAll(missing.map((f) => callTool(ctx, 'get_order_details', { order_id: f.id })));
    if (d) return { decision: d };
  }
  const orders = fetched.flatMap((f) => (f.step?.ok ? (readOrder(f.step.output) ?? []) : []));
  // The one order with the item the shopper named ("cancel the office chair order") is the one they mean, whatever
  // its status: the caller says why it cannot be done to it.
  const named = orders.filter((o) => holdsNamedProduct(ctx, o));
  if (named.length === 1) return { order: named[0], orders };
  // "The shoes I got are too small" from an account with no shoes: not some other item of the one order that fits,
  // but what the orders hold, for the shopper to say which (the name may be their word for one of them).
  const asked = ctx.entities.products[0];
  if (asked && named.length === 0 && orders.length)
    return {
      orders,
      decision: reply(
        `I don't see ${asked} in your orders. ${orders.map((o) => `${o.orderId} (${o.status}): ${o.items.map((i) => i.name).join(', ')}`).join('; ')}. Which item do you mean?`,
      ),
    };
  const matching = (named.length ? named : orders).filter(wanted);
  if (matching.length === 1) return { order: matching[0], orders };
  if (matching.length === 0) return { orders };
  return {
    orders,
    decision: reply(
      `You have ${matching.length} orders that fit: ${matching.map((o) => `${o.orderId} (${o.status})`).join(', ')}. Which one ${describe}?`,
    ),
  };
}

export const CODE_SENT =
  "To do that I first need to confirm it's you. If the email address (or name and zip code) you gave is on an account, I've just sent a 6-digit code to the email address on that account: please type it here. It expires in 10 minutes.";

/**
 * The shopper claimed who they are but is not verified: a status question is answered with
 * get_order_status; anything else needs the one-time code, which the core checks once it is typed.
 */
function verificationStep(ctx: TaskContext): Decision | undefined {
  if (ctx.intent === 'track' && ctx.offered('get_order_status')) return undefined;
  const sent = ctx.called('send_verification_code').at(-1);
  if (sent) return reply(sent.ok ? CODE_SENT : explainError(sent));
  return (
    callTool(ctx, 'send_verification_code', {}) ??
    reply("To do that I need to confirm it's you, and I can't do that from here. A colleague can help: just ask.")
  );
}

/** A claimed shopper's status question: status and tracking of the named order, nothing else. */
export function claimedStatusStep(ctx: TaskContext): Decision | undefined {
  if (ctx.customerId || !ctx.claimed || !ctx.offered('get_order_status')) return undefined;
  const orderId = ctx.values.orderId;
  if (!orderId) {
    // "I don't have the order number", then the email: the orders are found on the account, which needs the code.
    // Or the shopper takes up the offer of the code below ("yes please", "send me the code").
    if (
      ctx.acceptsCode ||
      [ctx.request, ...ctx.transcript.earlierUserTexts.slice(-3)].some((t) => LACKS_ORDER_NUMBER.test(t))
    ) {
      const sent = ctx.called('send_verification_code').at(-1);
      if (sent) return reply(sent.ok ? CODE_SENT : explainError(sent));
      const send = callTool(ctx, 'send_verification_code', {});
      if (send) return send;
    }
    return reply(
      'Which order do you mean? Please send the order number (it looks like #W1234567), or, to find your orders without it, I can send a one-time code to the email address on your account: just ask.',
    );
  }
  const step = ctx
    .called('get_order_status')
    .filter((s) => sameOrder(s.args.order_id, orderId))
    .at(-1);
  if (!step) return callTool(ctx, 'get_order_status', { order_id: orderId }) ?? ANSWER;
  return step.ok ? ANSWER : reply(explainError(step));
}
