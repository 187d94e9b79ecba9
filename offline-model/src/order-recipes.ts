import { ANSWER, callTool, type Decision, reply, sameJson } from './decision.js';
import { extractEntities } from './entity-extractor.js';
import { HANDOFF_PREFIX, handOff } from './handoff-rule.js';
import { withoutNegatedRequests } from './negation.js';
import {
  claimedStatusStep,
  identityStep,
  isNamedItem,
  latestUser,
  nameStems,
  needsIdentity,
  targetOrder,
} from './order-lookup.js';
import { itemLine, money, optionText, orderState, requestState } from './reply-templates.js';
import { ASKS_PAST_NAMED, ASKS_REFUND_AMOUNT, declinesChange, replacedMethod, SAME_AGAIN } from './request-cues.js';
import { PROPOSED_RETURN, type TaskContext } from './task-context.js';
import { takesItemOff } from './task-intent.js';
import { asksShopperFirst, HELD_FOR_YES } from './task-transcript.js';
import {
  type OrderItemView,
  type OrderView,
  paymentMethodLabel,
  readVariants,
  type UserView,
} from './tool-output-readers.js';
import { orderStatusFor } from './tool-preconditions.js';

const CONFIRM = 'Please reply "yes" to confirm.';

/** The reply when the change proposed before still waits for a plain yes. */
const STANDS = `Nothing has changed yet: the change I proposed above still waits for your go-ahead. ${CONFIRM} Or tell me what should be different.`;

/** This task made the change already (a call the server held for the shopper's yes made nothing). */
const changed = (ctx: TaskContext, tool: string) => ctx.called(tool).some((s) => s.code !== HELD_FOR_YES);

/**
 * A change the shopper agrees to first: `proposal` says what will change and asks for their yes. Where the server
 * holds such a call until they agree (the tool's description says so), the call is the proposal: it is made, held,
 * and the proposal relayed; after their yes the held call is made again exactly as it was. Elsewhere the proposal is
 * words alone, and the call follows the yes.
 */
function agreedChange(ctx: TaskContext, tool: string, args: Record<string, unknown>, proposal: string): Decision {
  // "Don't cancel anything, I just want to know when it comes": a change the shopper ruled out is never proposed.
  if (!ctx.entities.confirms && rulesOut(ctx.hints.userMessage, tool)) return reply(RULED_OUT);
  const held = ctx.called(tool).findLast((s) => s.code === HELD_FOR_YES);
  // Held again after a "yes" the server did not take as one: the call held is the earlier proposal's, which this
  // task's words may no longer describe (its items, its reason), so the proposal above stands as it was.
  if (held) return reply(Object.entries(args).every(([k, v]) => sameJson(held.args[k], v)) ? proposal : STANDS);
  if (ctx.entities.confirms) {
    const earlier = ctx.transcript.held;
    // The yes is to the call proposed last, which may be another change than this request's first one ("a new one
    // instead" turned the return into an exchange).
    if (earlier && earlier.tool !== tool && ctx.offered(earlier.tool))
      return callTool(ctx, earlier.tool, earlier.args) ?? (ctx.called(earlier.tool).length ? ANSWER : reply(proposal));
    return callTool(ctx, tool, earlier?.tool === tool ? earlier.args : args) ?? reply(proposal);
  }
  return (asksShopperFirst(ctx.offered(tool)) && callTool(ctx, tool, args)) || reply(proposal);
}

/** The words each change is named by, to tell a change the shopper ruled out ("don't cancel it", "I'm not returning"). */
const NAMED_BY: Record<string, RegExp> = {
  cancel_pending_order: /\bcancel/i,
  return_delivered_order_items: /\b(?:return|refund|send\w* (?:\w+ )?back)/i,
  exchange_delivered_order_items: /\b(?:exchang|swap|replac)/i,
  modify_pending_order_items: /\b(?:chang|swap|exchang|modif|replac)/i,
  modify_pending_order_payment: /\b(?:pay|card|chang)/i,
  modify_pending_order_address: /\b(?:address|ship|send|deliver)/i,
  modify_user_address: /\baddress/i,
};
/** The change is named in the message only where the message rules it out (negation.ts). */
function rulesOut(message: string, tool: string): boolean {
  const named = NAMED_BY[tool];
  return !!named && named.test(message) && !named.test(withoutNegatedRequests(message));
}
const RULED_OUT =
  "All right: I won't change anything you asked me not to, and nothing has changed. What can I help you with instead?";

/** A payment method in a sentence: "your gift card", "your visa card ending 1234", "PayPal". */
const methodLabel = (id: string | undefined, user?: UserView) => {
  const method = user?.paymentMethods.find((m) => m.id === id);
  if (!method) return paymentMethodLabel(id);
  return method.source === 'credit_card' || method.source === 'gift_card' ? `your ${method.label}` : method.label;
};
const originalPayment = (o: OrderView) => o.payments.find((p) => p.type !== 'refund')?.methodId;
const total = (items: OrderItemView[]) => items.reduce((s, i) => s + (i.price ?? 0), 0);
/** The order status the offered tool says it acts on (the store's rule, from its description). */
const statusFor = (ctx: TaskContext, tool: string) => orderStatusFor(ctx.offered(tool));
/** Orders a tool may act on: those in the status it names, or any when it names none. */
const inStatus = (status: string | undefined) => (o: OrderView) => !status || o.status === status;
/** What else the order's status allows, among the tools offered: "I can help you return it instead." */
function otherwise(ctx: TaskContext, order: OrderView): string {
  if (ctx.offered('return_delivered_order_items') && statusFor(ctx, 'return_delivered_order_items') === order.status)
    return ' I can help you return it instead.';
  if (ctx.offered('cancel_pending_order') && statusFor(ctx, 'cancel_pending_order') === order.status)
    return ' It can still be cancelled instead.';
  return '';
}

/**
 * Why an order cannot take a change, in the words of its status answer ("has shipped: it is packed and on its way to
 * you"), not the store's ("is processed"), then which orders can: "Only an order that hasn't shipped yet can be
 * cancelled." The shopper was told the order's state once; a refusal says it the same way.
 */
function notInState(order: OrderView, need: string | undefined, what: string): string {
  const which =
    need === 'pending'
      ? "an order that hasn't shipped yet"
      : need === 'delivered'
        ? 'a delivered order'
        : `a ${need ?? 'current'} order`;
  const later = need === 'delivered' && order.status && /^(pending|processed)/.test(order.status);
  return `${orderState(order)} Only ${which} can ${what}${later ? ': once it arrives, it can be' : ''}.`;
}

/** The products the shopper named that no item of the order is: "I don't see a jacket in order #W…". */
function notInOrder(ctx: TaskContext, order: OrderView): string {
  const missing = missingProducts(ctx, order);
  return missing.length
    ? ` I don't see ${missing.length === 1 ? `a ${missing[0]}` : missing.join(' or ')} in order ${order.orderId}, though: is it in another order?`
    : '';
}

/**
 * Items of the order the shopper means: those named (by id, by product word, or by their place in the list the last
 * answer gave: "the first one"); every item only when the shopper says so ("everything", "all of them", "the whole
 * order") or the order has one item; after a question in between, the items proposed before. None when nothing tells
 * which (the caller asks, listing them), and none when the products named are not in the order.
 */
function namedItems(ctx: TaskContext, order: OrderView): OrderItemView[] {
  const ids = ctx.values.itemIds.filter((id) => order.items.some((i) => i.itemId === id));
  if (ids.length) return order.items.filter((i) => i.itemId && ids.includes(i.itemId));
  const named = order.items.filter((i) => isNamedItem(ctx, i.name));
  if (named.length) return named;
  const placed = pickedByPlace(ctx, order);
  if (placed.length) return placed;
  // "The laptop" from an order with no laptop: not the order's other items in its place.
  if (missingProducts(ctx, order).length) return [];
  if (ALL_ITEMS.test(ctx.request) || order.items.length === 1) return order.items;
  // Nothing named ("yes" after a question in between, "ok go ahead"): the items proposed before, on that order.
  const held = ctx.transcript.held?.args;
  const proposed = held?.order_id === order.orderId && Array.isArray(held.item_ids) ? held.item_ids : [];
  const before = order.items.filter((i) => i.itemId && proposed.includes(i.itemId));
  if (before.length) return before;
  // A yes to a proposal the server did not hold: the items the proposal named, as it wrote them.
  const answer = ctx.entities.confirms ? (ctx.lastAnswer ?? '') : '';
  return answer.includes(order.orderId) ? order.items.filter((i) => answer.includes(itemLine(i))) : [];
}
/**
 * Every item of an order, said: "everything", "all of them", "all the items", "return them all", "both", "the whole
 * order". ("All right", "that's all", "all I want" say nothing of how many.)
 */
const ALL_ITEMS =
  /\b(?:everything|every (?:item|thing|one|single one)|(?<!\bthat'?s |\bthat is |\bthat was )all(?! (?:right|set|good|done|fine|okay|ok|i|we|you|that)\b)|both|(?:whole|entire|full) (?:order|lot|thing|package|purchase)|the lot)\b/i;

/** The products the shopper named that no item of the order is (none when they gave item ids). */
function missingProducts(ctx: TaskContext, order: OrderView): string[] {
  if (ctx.values.itemIds.length) return [];
  const names = new Set(order.items.flatMap((i) => nameStems(i.name)));
  return ctx.entities.products.filter((p) => !nameStems(p).some((w) => names.has(w)));
}

const PLACES = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
/** An item by its name, with its options where another item of the order has the same name. */
const itemName = (order: OrderView, item: OrderItemView) =>
  order.items.filter((i) => i.name === item.name).length > 1 && Object.keys(item.options).length
    ? `${item.name} (${optionText(item.options)})`
    : item.name;
/**
 * The items of an order one by one, each with its place, so that the shopper can pick by name or by place ("the
 * kettle", "the first one", "the second and the last"): "the first is the Kettle; …; and the third and last, the
 * Grill". Names only: the planner reads the start of an earlier answer, and a pick counts only against the words it
 * read up to the question mark.
 */
function itemsByPlace(order: OrderView): string {
  const n = order.items.length;
  return order.items
    .map((item, i) => {
      const place = PLACES[i] ?? `number ${i + 1}`;
      const name = itemName(order, item);
      if (i === 0) return `the ${place} is the ${name}`;
      return i === n - 1 ? `and the ${place} and last, the ${name}` : `the ${place}, the ${name}`;
    })
    .join('; ');
}
/**
 * The question that lists an order's items by place and asks which are meant, saying first which products named are
 * not in it: `verb` is what is done to them, `choice` the answers there are when the order has several items.
 */
function whichItems(ctx: TaskContext, order: OrderView, verb: string, choice?: string): string {
  const missing = missingProducts(ctx, order);
  const n = order.items.length;
  const has = n === 1 ? `one item, the ${itemLine(order.items[0]!)}` : `${n} items: ${itemsByPlace(order)}`;
  const lead = missing.length
    ? `There's no ${missing.join(' or ')} in order ${order.orderId}. It has ${has}.`
    : `Order ${order.orderId} has ${has}.`;
  return `${lead} Which would you like to ${verb}${n > 1 && choice ? `: ${choice}` : ''}?`;
}
/** The listing above, as the last answer words it, for the order named. */
const listedByPlace = (answer: string | undefined, order: OrderView) =>
  !!answer && answer.includes(` ${order.orderId}`) && / has \d+ items: the first is the /.test(answer);

/** "The first one", "the second and the last": items by their place in the order's list the last answer gave. */
function pickedByPlace(ctx: TaskContext, order: OrderView): OrderItemView[] {
  if (!listedByPlace(ctx.lastAnswer, order)) return [];
  const said = ctx.hints.userMessage.toLowerCase();
  return order.items.filter((_, i) => {
    const words = [PLACES[i], `${i + 1}(?:st|nd|rd|th)`, ...(i === order.items.length - 1 ? ['last'] : [])];
    return words.some((w) => new RegExp(`\\b${w}\\b`).test(said));
  });
}

function cancelStep(ctx: TaskContext): Decision | undefined {
  if (changed(ctx, 'cancel_pending_order')) return undefined;
  const need = statusFor(ctx, 'cancel_pending_order');
  const t = targetOrder(ctx, inStatus(need), 'should I cancel');
  if (t.decision) return t.decision;
  const order = t.order;
  if (!order) return reply(`I couldn't find ${need ? `a ${need}` : 'that'} order on your account to cancel.`);
  if (!inStatus(need)(order)) return reply(`${notInState(order, need, 'be cancelled')}${otherwise(ctx, order)}`);
  // "Cancel just the air purifier, I still want the e-reader": the store cancels whole orders only, which is said, with
  // what it can do, rather than the whole order proposed as if it were what was asked.
  const part = order.items.length > 1 && !ctx.entities.confirms ? partCancelled(ctx, order) : undefined;
  if (part !== undefined) {
    const swap =
      ctx.offered('modify_pending_order_items') && inStatus(statusFor(ctx, 'modify_pending_order_items'))(order);
    const what = part ? `the ${part}` : 'an item';
    return reply(
      `I can't cancel only part of an order: a ${need ?? 'current'} order is cancelled as a whole. Order ${order.orderId} has ${order.items.map(itemLine).join('; ')}. I can cancel the whole order (${order.items.length === 2 ? 'both items' : `all ${order.items.length} items`})${swap ? `, or swap ${what} for another option of the same product (another size or colour, for example)` : ''}. Which would you like?`,
    );
  }
  const reason = ctx.entities.byMistake ? 'ordered by mistake' : 'no longer needed';
  return agreedChange(
    ctx,
    'cancel_pending_order',
    { order_id: order.orderId, reason },
    `Order ${order.orderId} is pending: ${order.items.map(itemLine).join('; ')}. Shall I cancel it (reason: ${reason})? The payment of ${money(total(order.items))} goes back to ${methodLabel(originalPayment(order))}. ${CONFIRM}`,
  );
}

/** "Keep the rest", "I still want the e-reader": part of the order is to stay. */
const KEEPS_PART = /\b(?:keep|keeping|still want|still need)\s+(?:the\s+|my\s+)?(?:rest|others?|other\s+\w+|\w+)/i;
/** "Only the first item", "just one of them", "a single item": a part of the order by position or count. */
const SOME_ITEMS =
  /\b(?:(?:only|just)\s+(?:the\s+)?(?:first|second|third|last|one)\b|one of (?:the|my|them|these|those)\b|(?:first|second|third|last|one|single)\s+item\b)/i;
/** "Cancel (just) the air purifier from order …": the thing cancelled is something in the order, not the order. */
const OUT_OF_ORDER =
  /\bcancel\w*\s+(?:just\s+|only\s+)?(?:the\s+|my\s+)?(?!order\b|it\b|this\b|that\b)\w+(?:\s+\w+){0,2}?\s+(?:from|in|on|of|off)\s+(?:the\s+|my\s+|this\s+|that\s+)?order\b/i;

/**
 * A cancellation of part of an order ("just the air purifier", "only the first item, keep the rest"): the name of the
 * item meant ('' when it is not named by a single item), or undefined when the whole order is meant. Items named to
 * find the order ("cancel my order with the air purifier") are no part.
 */
function partCancelled(ctx: TaskContext, order: OrderView): string | undefined {
  const text = ctx.request;
  if (ALL_ITEMS.test(text)) return undefined;
  const named = order.items.filter((i) => isNamedItem(ctx, i.name));
  const justNamed = /\b(?:just|only)\s+(?:the\s+|my\s+)?(\w+)/gi;
  const justAnItem = [...text.matchAll(justNamed)].some((m) =>
    order.items.some((i) => nameStems(i.name).includes(nameStems(m[1]!)[0] ?? '')),
  );
  const part =
    KEEPS_PART.test(text) ||
    SOME_ITEMS.test(text) ||
    justAnItem ||
    (OUT_OF_ORDER.test(text) && named.length > 0 && named.length < order.items.length);
  if (!part) return undefined;
  const cancelled = named.filter(
    (i) => !new RegExp(`\\b(?:keep|still want|still need)\\b[^.;!?]*\\b${i.name.split(/\s+/)[0]}`, 'i').test(text),
  );
  return cancelled.length === 1 ? cancelled[0]!.name : '';
}

/** The shopper speaks of the account's own address: "the address on my account", "my default address", "I moved". */
const NAMES_ACCOUNT =
  /\b(?:my|the) (?:default|account'?s?|profile|saved)\b|\b(?:on|in|of|for) my (?:account|profile)\b|\bon file\b|\bi(?:'ve| have)? (?:just |recently )?(?:moved|relocated)\b/i;
/** The shopper speaks of an order, or of what carries it: "my pending order with the skateboard", "the package". */
const NAMES_ORDER = /\b(?:orders?|package|parcel|shipment|delivery|purchase)\b/i;
/**
 * "Change its address", "can it go to …", "send them there": a thing under discussion that goes somewhere, which is an
 * order. ("My address is wrong, change it to …" speaks of the address: no order.)
 */
const REFERS_BACK =
  /\b(?:its|their)\s+(?:\w+\s+)?address\b|\b(?:send|ship|deliver|redirect|forward|reroute)\s+(?:it|them)\b|\b(?:it|they)\s+(?:(?:should|could|can|will|must|need to|needs to)\s+)?(?:go|be sent|be shipped|be delivered|arrive)\b|\b(?:have|get)\s+(?:it|them)\s+(?:sent|shipped|delivered)\b/i;

/**
 * The order an address change is for when the request names none by number: the one whose items the shopper names; for
 * "its"/"it", the one the conversation was just about (the items named in the shopper's messages before, else the one
 * order of the last answer). Undefined leaves the choice to targetOrder (the named items, or a question).
 */
function referredOrder(ctx: TaskContext, said: string): TaskContext | undefined {
  if (ctx.values.orderId || ctx.entities.products.length || !REFERS_BACK.test(said)) return undefined;
  const earlier = ctx.transcript.earlierUserTexts.filter((t) => t.trim() !== ctx.hints.userMessage.trim()).slice(-3);
  for (const text of [...earlier].reverse()) {
    const e = extractEntities(text);
    if (e.orderIds.length) return { ...ctx, values: { ...ctx.values, orderId: e.orderIds.at(-1) } };
    if (e.products.length) return { ...ctx, entities: { ...ctx.entities, products: e.products } };
  }
  const answered = new Set(extractEntities(ctx.lastAnswer ?? '').orderIds);
  return answered.size === 1 ? { ...ctx, values: { ...ctx.values, orderId: [...answered][0] } } : undefined;
}

/**
 * A new address goes where the shopper puts it: on an order (named by number, by "it"/"its" after one was discussed,
 * or by the items in it) it is that order's shipping address; the account's default address only when they speak of
 * their account, profile or default address. With neither said, they are asked which.
 */
function addressStep(ctx: TaskContext): Decision | undefined {
  if (changed(ctx, 'modify_pending_order_address') || changed(ctx, 'modify_user_address')) return undefined;
  const a = ctx.entities.address;
  if (!a)
    return reply(
      ctx.addressSoFar
        ? `I have "${ctx.addressSoFar}" of the new address so far. What is the rest of the address (street, city, two-letter state and zip code)?`
        : 'What is the new address? Please write it as: street, apartment (if any), city, state and zip code.',
    );
  const where = `${a.address1}${a.address2 ? `, ${a.address2}` : ''}, ${a.city}, ${a.state} ${a.zip}`;
  const fields = {
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    state: a.state,
    country: a.country,
    zip: a.zip,
  };
  // What the shopper said of it: this message, and the request it goes on with ("yes", the code that verified them).
  const said = [ctx.continues, ctx.request].filter(Boolean).join(' ');
  const ownOrders = extractEntities(said).orderIds;
  // "Yes" to a proposed change: the one proposed, the account's or an order's (the yes itself names neither).
  const proposal = ctx.entities.confirms ? (ctx.lastAnswer ?? '') : '';
  const proposedOrder = PROPOSED_ORDER_ADDRESS.exec(proposal)?.[1];
  // "The address on my account", "my default address": the account's, whatever order the conversation was about,
  // unless this request names an order itself.
  const account =
    !proposedOrder && (PROPOSED_ACCOUNT_ADDRESS.test(proposal) || (NAMES_ACCOUNT.test(said) && !ownOrders.length));
  if (account && ctx.offered('modify_user_address')) {
    return agreedChange(
      ctx,
      'modify_user_address',
      { user_id: ctx.customerId, ...fields },
      `I'll change the default address on your account to ${where}. ${CONFIRM}`,
    );
  }
  const forOrder =
    !!proposedOrder ||
    !!ctx.values.orderId ||
    ctx.entities.products.length > 0 ||
    ownOrders.length > 0 ||
    NAMES_ORDER.test(said) ||
    REFERS_BACK.test(said);
  const need = statusFor(ctx, 'modify_pending_order_address');
  if (!account && !forOrder && ctx.offered('modify_user_address')) {
    // The orders it could be for, listed with their items so that "the one with the lamp" picks one.
    const t = targetOrder(ctx, inStatus(need), 'should get the new address');
    if (t.decision?.kind === 'call') return t.decision;
    const open = (t.orders ?? []).filter(inStatus(need));
    const orders = open.length
      ? `, and which: ${open.map((o) => `${o.orderId} with ${o.items.map((i) => i.name).join(', ')}`).join('; ')}`
      : ' (its number, or what is in it)';
    return reply(
      `Should ${where} become the default address on your account (for future orders; orders already placed keep theirs), or where one ${need ?? 'current'} order ships${orders}?`,
    );
  }
  const about = proposedOrder
    ? { ...ctx, values: { ...ctx.values, orderId: proposedOrder } }
    : ownOrders[0] && !ctx.values.orderId
      ? { ...ctx, values: { ...ctx.values, orderId: ownOrders[0] } }
      : (referredOrder(ctx, said) ?? ctx);
  const t = targetOrder(about, inStatus(need), 'should get the new address');
  if (t.decision) return t.decision;
  if (!t.order || !inStatus(need)(t.order))
    return reply(
      t.order
        ? notInState(t.order, need, 'get a new address')
        : `Only a ${need ?? 'current'} order's address can be changed.`,
    );
  return agreedChange(
    ctx,
    'modify_pending_order_address',
    { order_id: t.order.orderId, ...fields },
    `I'll change the shipping address of order ${t.order.orderId} to ${where}. ${CONFIRM}`,
  );
}
/** The proposals above, as the last answer words them. */
const PROPOSED_ORDER_ADDRESS = /\bI'll change the shipping address of order (#?W\d+)\b/;
const PROPOSED_ACCOUNT_ADDRESS = /\bI'll change the default address on your account\b/;

function paymentStep(ctx: TaskContext): Decision | undefined {
  if (changed(ctx, 'modify_pending_order_payment')) return undefined;
  const need = statusFor(ctx, 'modify_pending_order_payment');
  // "Charge my visa instead of paypal" among orders paid in several ways: the order paid with PayPal.
  const replaced = replacedMethod([ctx.continues, ctx.request].filter(Boolean).join(' ')).replaced;
  const paidThatWay = (o: OrderView) => inStatus(need)(o) && !!originalPayment(o)?.startsWith(replaced ?? '');
  const byMethod = replaced ? targetOrder(ctx, paidThatWay, 'should I change') : undefined;
  const t = byMethod?.order || byMethod?.decision ? byMethod : targetOrder(ctx, inStatus(need), 'should I change');
  if (t.decision) return t.decision;
  if (!t.order || !inStatus(need)(t.order))
    return reply(
      t.order
        ? notInState(t.order, need, 'be paid another way')
        : `Only a ${need ?? 'current'} order can be paid another way.`,
    );
  const user = latestUser(ctx);
  if (!user)
    return (
      callTool(ctx, 'get_user_details', { user_id: ctx.customerId }) ??
      reply('I cannot read your saved payment methods.')
    );
  const current = originalPayment(t.order);
  const choices = user.paymentMethods.filter((m) => m.id !== current);
  const pref = ctx.entities.paymentPreference;
  const brand = ctx.entities.cardBrand;
  const choice = brand
    ? choices.find((m) => m.source === 'credit_card' && m.label.toLowerCase().startsWith(brand))
    : pref
      ? choices.find((m) => m.source === pref || m.id.startsWith(pref))
      : choices.length === 1
        ? choices[0]
        : undefined;
  if (!choices.length)
    return reply(
      `Order ${t.order.orderId} is paid with ${methodLabel(current, user)}, the only payment method saved on your account, so there is nothing to switch it to yet. Once another card or a gift card is saved to your account, I can change it.`,
    );
  // "With my mastercard" from a shopper whose saved card is a Visa: said, and the saved ones offered, not swapped in.
  if (brand && !choice) {
    const named = brand === 'amex' ? 'American Express' : brand.charAt(0).toUpperCase() + brand.slice(1);
    const paidWith = user.paymentMethods.some(
      (m) => m.id === current && m.source === 'credit_card' && m.label.toLowerCase().startsWith(brand),
    );
    return reply(
      paidWith
        ? `Order ${t.order.orderId} is already paid with ${methodLabel(current, user)}. It could use instead: ${choices.map((m) => m.label).join(', ')}. Which would you like?`
        : `There is no ${named} card saved on your account. Order ${t.order.orderId} is paid with ${methodLabel(current, user)}; it could use instead: ${choices.map((m) => m.label).join(', ')}. Which would you like?`,
    );
  }
  if (!choice)
    return reply(
      `Order ${t.order.orderId} is paid with ${methodLabel(current, user)}. Which method should it use instead: ${choices.map((m) => m.label).join(', ')}?`,
    );
  return agreedChange(
    ctx,
    'modify_pending_order_payment',
    { order_id: t.order.orderId, payment_method_id: choice.id },
    `I'll pay order ${t.order.orderId} with your ${choice.label} instead of ${methodLabel(current, user)}. ${CONFIRM}`,
  );
}

/** The tools that swap an item for another variant (another size, colour or material of the same product). */
const SWAP_TOOLS = ['modify_pending_order_items', 'exchange_delivered_order_items'] as const;

/** Swaps items with the offered tool whose description names the order's status (a modification or an exchange). */
function swapStep(ctx: TaskContext): Decision | undefined {
  if (SWAP_TOOLS.some((name) => changed(ctx, name))) return undefined;
  const tools = SWAP_TOOLS.filter((name) => ctx.offered(name)).map((name) => ({ name, status: statusFor(ctx, name) }));
  const toolFor = (o: OrderView) => tools.find((x) => inStatus(x.status)(o))?.name;
  const t = targetOrder(ctx, (o) => !!toolFor(o), 'is it');
  if (t.decision) return t.decision;
  const order = t.order;
  const tool = order && toolFor(order);
  const swappable = tools.map((x) => `a ${x.status ?? 'current'} order`).join(' or ') || 'an order';
  if (!order) return reply(`Items can be swapped in ${swappable}.`);
  if (!tool) {
    // "Swap the laptop in order #W…" planned as an exchange, for an order not shipped yet: a colleague that changes
    // orders can swap it now.
    const colleague =
      order.status === 'pending'
        ? ctx.tools.find((spec) => spec.name.startsWith(HANDOFF_PREFIX) && /order/i.test(spec.name))
        : undefined;
    if (colleague)
      return handOff(
        colleague,
        `Order ${order.orderId} has not shipped yet, so its items can still be changed: "${ctx.request.trim()}"`,
      );
    // Delivered: an exchange, which the colleague for returns and exchanges makes (unless it handed the task here).
    const exchanges =
      order.status === 'delivered'
        ? ctx.tools.find(
            (spec) =>
              spec.name.startsWith(HANDOFF_PREFIX) &&
              /return|exchange/i.test(spec.name) &&
              spec.name.slice(HANDOFF_PREFIX.length) !== ctx.transcript.handedOverBy,
          )
        : undefined;
    if (exchanges)
      return handOff(exchanges, `Order ${order.orderId} is delivered, so this is an exchange: "${ctx.request.trim()}"`);
    // Shipped: it cannot be changed any more, and it can be exchanged once it has arrived.
    const later =
      order.status === 'processed' && tools.some((x) => x.status === 'delivered')
        ? ' You can exchange it once it has arrived.'
        : '';
    return reply(
      `${orderState(order)} Items can be swapped only in ${swappable}, so not in this one now.${later}${notInOrder(ctx, order)}`,
    );
  }
  // The store swaps an item for another option of its product, and cancels only whole orders: no item comes off alone.
  if (takesItemOff(ctx.features.words)) {
    const named = namedItems(ctx, order);
    const what = named.length === 1 ? `the ${named[0]!.name}` : 'an item';
    const cancel = ctx.offered('cancel_pending_order') && order.status === 'pending';
    return reply(
      `I can't take a single item off an order. ${cancel ? `Order ${order.orderId} can be cancelled as a whole while it is pending, or` : `In order ${order.orderId}`} ${what} can be swapped for another option of the same product. The order has ${order.items.map(itemLine).join('; ')}. ${cancel ? 'Would you like to cancel the whole order, or change an item?' : 'Would you like to change an item?'}`,
    );
  }
  const items = namedItems(ctx, order);
  if (items.length !== 1 || !items[0]!.productId) return reply(whichItems(ctx, order, 'change'));
  const item = items[0]!;
  const wants: Record<string, string> = {};
  const keyLike = (re: RegExp) => Object.keys(item.options).find((k) => re.test(k));
  const set = (re: RegExp, value?: string) => {
    const k = keyLike(re);
    if (k && value) wants[k] = value;
  };
  // The option being left is not the one wanted: "red instead of blue", "from 8 to 9", "swap the 8 for a 9".
  const said = [...ctx.transcript.earlierUserTexts.slice(-3), ctx.request];
  const meant = said.map(withoutOptionsLeft);
  const stillWanted = (values: string[]) =>
    values.filter((v) => {
      const value = normalised(v);
      return meant.some((t) => normalised(t).includes(value)) || !said.some((t) => normalised(t).includes(value));
    });
  set(/size/i, stillWanted(ctx.entities.sizes)[0]);
  set(/colou?r/i, stillWanted(ctx.entities.colours)[0]);
  set(/material/i, stillWanted(ctx.entities.materials)[0]);
  const product = [...ctx.transcript.runSteps, ...ctx.transcript.steps]
    .filter((s) => s.ok && s.tool === 'get_product_details' && s.args.product_id === item.productId)
    .at(-1);
  if (!product)
    return (
      callTool(ctx, 'get_product_details', { product_id: item.productId }) ??
      reply('I cannot look up the product options from here.')
    );
  const all = readVariants(product.output).variants;
  // "The i5 one with 1TB", "the 13-inch one": values of the product's own options, in this request's messages.
  Object.assign(wants, namedOptionValues(item.options, all, meant));
  // "Replacement please" for a faulty item: the same again.
  if (
    !Object.keys(wants).length &&
    [...ctx.transcript.earlierUserTexts.slice(-2), ctx.request].some((t) => SAME_AGAIN.test(t))
  )
    Object.assign(wants, item.options);
  if (!Object.keys(wants).length) {
    // "Too small" may have been said before the email and the code that identified the shopper.
    const other = otherSizes(item.options, all, [...ctx.transcript.earlierUserTexts.slice(-3), ctx.request].join('. '));
    if (other) return reply(other);
    return reply(
      `What should the ${item.name} (${Object.entries(item.options)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}) change to?`,
    );
  }
  // Availability is the product's; whether a variant may replace the item (the same id too) is the store's to say.
  const variants = all.filter((v) => v.available !== false);
  // "Green" for a hose that is green, after asking for a different colour: what it is, and what it could be.
  const already = alreadyAsWanted(item.options, wants, variants, ctx);
  if (already) return reply(already);
  const fits = variants.filter((v) =>
    Object.entries(wants).every(([k, w]) => v.options[k]?.toLowerCase() === w.toLowerCase()),
  );
  const sameRest = (v: (typeof fits)[number]) =>
    Object.entries(item.options).filter(([k, x]) => !(k in wants) && v.options[k] === x).length;
  const ranked = [...fits].sort((a, b) => sameRest(b) - sameRest(a));
  const best = ranked[0];
  const wanted = Object.values(wants).join(', ');
  if (!best) return reply(`The ${item.name} isn't available in ${wanted} right now.`);
  const payment = originalPayment(order);
  const diff = (best.price ?? 0) - (item.price ?? 0);
  // Only the options asked for should change: when no variant keeps the rest, say so and what else there is,
  // rather than swap a 13-inch i7 for a 17-inch i9 in a line the shopper may read as "silver, as asked".
  const kept = Object.keys(item.options).filter((k) => !(k in wants));
  const rest = sameRest(best) < kept.length;
  const unavailable = rest
    ? `The ${item.name} in ${optionText(wants)} with the rest as you have it (${optionText(Object.fromEntries(kept.map((k) => [k, item.options[k]!])))}) is not available. `
    : '';
  // A difference to pay from a gift card: the store refuses a swap its balance does not cover, so say so first.
  if (diff > 0 && payment?.startsWith('gift_card')) {
    const user = latestUser(ctx);
    if (!user && ctx.customerId) {
      const read = callTool(ctx, 'get_user_details', { user_id: ctx.customerId });
      if (read) return read;
    }
    const balance = user?.paymentMethods.find((m) => m.id === payment)?.balance;
    if (balance !== undefined && balance < diff) {
      const affordable = ranked.filter((v) => (v.price ?? 0) - (item.price ?? 0) <= balance).slice(0, 3);
      return reply(
        `${unavailable}The ${item.name} in ${optionText(best.options)} costs ${money(diff)} more than yours, and the difference would be paid from the order's gift card, which has ${money(balance)}: not enough, so the store won't make this swap.${affordable.length ? ` Within it: ${affordable.map((v) => `${optionText(v.options)} at ${money(v.price)}`).join('; ')}.` : ''} A colleague can help with another way to pay: just ask.`,
      );
    }
  }
  const others = rest ? ranked.slice(1, 4) : [];
  const alternatives = others.length
    ? ` Also available in ${optionText(wants)}: ${others.map((v) => `${optionText(v.options)} at ${money(v.price)}`).join('; ')}.`
    : '';
  return agreedChange(
    ctx,
    tool,
    { order_id: order.orderId, item_ids: [item.itemId], new_item_ids: [best.itemId], payment_method_id: payment },
    best.itemId === item.itemId
      ? `I can send you a new ${itemLine(item)} in exchange for the one you have from order ${order.orderId}, at no extra cost. ${CONFIRM}`
      : `${unavailable}I can swap your ${itemLine(item)} for ${optionText(best.options)} at ${money(best.price)} in order ${order.orderId}; the difference of ${money(Math.abs(diff))} is ${diff >= 0 ? 'charged to' : 'refunded to'} ${methodLabel(payment)}. ${CONFIRM}${alternatives}`,
  );
}

/** "Too small", "a bigger size", "size up": the next sizes up; "too big", "a smaller one": down. */
const SIZE_UP =
  /\btoo (?:small|tight|short|narrow)\b|\b(?:bigger|larger|longer|wider|roomier)\b|\bsize up\b|\b(?:a|one) size up\b/i;
const SIZE_DOWN = /\btoo (?:big|large|loose|long|wide|baggy)\b|\b(?:smaller|tighter|shorter|narrower)\b|\bsize down\b/i;
const LETTER_SIZES = ['xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl'];
const LETTER_WORDS: Record<string, string> = { small: 's', medium: 'm', large: 'l' };
/** Where a size sits among sizes: 8 < 9.5 < 10, XS < S < M; undefined for a size that is neither. */
function sizeRank(size: string): number | undefined {
  const v = size.trim().toLowerCase();
  const n = /^(\d+(?:\.\d+)?)\b/.exec(v);
  if (n) return Number(n[1]);
  const i = LETTER_SIZES.indexOf(LETTER_WORDS[v] ?? v.replace(/[^a-z]/g, ''));
  return i >= 0 ? i : undefined;
}

/**
 * "The sneakers are too small": the sizes on the other side of the one the shopper has, with the rest of the item kept,
 * as the choice to make (the nearest first); undefined when no direction is said or the item has no size.
 */
function otherSizes(
  current: Record<string, string>,
  variants: readonly { options: Record<string, string>; price?: number; available?: boolean }[],
  request: string,
): string | undefined {
  const up = SIZE_UP.test(request);
  if (!up && !SIZE_DOWN.test(request)) return undefined;
  const key = Object.keys(current).find((k) => /size/i.test(k));
  const rank = key ? sizeRank(current[key]!) : undefined;
  if (!key || rank === undefined) return undefined;
  const sameRest = (v: { options: Record<string, string> }) =>
    Object.entries(current).every(([k, x]) => k === key || v.options[k] === x);
  const beyond = variants
    .flatMap((v) => {
      const r = v.options[key] === undefined ? undefined : sizeRank(v.options[key]!);
      return v.available !== false && r !== undefined && (up ? r > rank : r < rank) ? [{ v, r }] : [];
    })
    .sort((a, b) => (up ? a.r - b.r : b.r - a.r));
  const way = up ? 'larger' : 'smaller';
  const rest = Object.fromEntries(Object.entries(current).filter(([k]) => k !== key));
  const kept = beyond.filter(({ v }) => sameRest(v));
  if (kept.length)
    return `Your ${key} is ${current[key]}. Available ${way}${Object.keys(rest).length ? `, with the rest as you have it (${optionText(rest)})` : ''}: ${[...new Set(kept.map(({ v }) => `${v.options[key]} at ${money(v.price)}`))].slice(0, 3).join('; ')}. Which ${key} would you like?`;
  const head = `Your ${key} is ${current[key]}, and no ${way} ${key} is available${Object.keys(rest).length ? ` in ${optionText(rest)}` : ''} right now.`;
  if (!beyond.length) return `${head} Would another option suit you?`;
  return `${head} Available ${way} in other options: ${beyond
    .slice(0, 3)
    .map(({ v }) => `${optionText(v.options)} at ${money(v.price)}`)
    .join('; ')}. Would one of these suit you?`;
}

/**
 * When every option the shopper named is what the item already has, and they asked for another value of it (not the
 * same again): that it is so, and the other values of that option available with the rest as it is.
 */
function alreadyAsWanted(
  current: Record<string, string>,
  wants: Record<string, string>,
  variants: readonly { options: Record<string, string>; price?: number }[],
  ctx: TaskContext,
): string | undefined {
  const keys = Object.keys(wants);
  if (!keys.length || !keys.every((k) => current[k]?.toLowerCase() === wants[k]!.toLowerCase())) return undefined;
  const texts = [...ctx.transcript.earlierUserTexts.slice(-2), ctx.request];
  if (texts.some((t) => SAME_AGAIN.test(t))) return undefined;
  const key = keys[0]!;
  // Only when that option was the one to change ("a different colour"): after "a different model", "the 13-inch one"
  // keeps the screen and picks among the rest.
  const option = key
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/colou?r/, 'colou?r')
    .replace(/\s+/g, '\\s+');
  const otherOf = new RegExp(`\\b(?:different|another|other|new)\\s+${option}\\b`, 'i');
  if (!texts.some((t) => otherOf.test(t))) return undefined;
  const others = variants.filter(
    (v) =>
      v.options[key] !== undefined &&
      v.options[key] !== current[key] &&
      Object.entries(current).every(([k, x]) => k === key || v.options[k] === x),
  );
  const list = [...new Set(others.map((v) => `${v.options[key]} at ${money(v.price)}`))].slice(0, 4).join('; ');
  if (list)
    return `Your ${key} is already ${current[key]}. Available in another ${key}, with the rest as you have it: ${list}. Which ${key} would you like instead?`;
  const elsewhere = variants.filter((v) => v.options[key] !== undefined && v.options[key] !== current[key]).slice(0, 3);
  return `Your ${key} is already ${current[key]}, and no other ${key} is available with the rest as you have it.${elsewhere.length ? ` In other options: ${elsewhere.map((v) => `${optionText(v.options)} at ${money(v.price)}`).join('; ')}.` : ''} Which would you like instead?`;
}

/** An option word or two: "blue", "8", "the 13-inch", "space grey". */
const OPTION = `(?:(?:the|a|an|my|size|colou?r|in)\\s+)*[\\w.'"-]+(?:\\s+(?!(?:and|but|or|please|for|to|with|in|on)\\b)[\\w.'"-]+){0,2}`;
/**
 * The words naming the option an item is leaving, which a change is not to: after "instead of", "rather than", "in
 * place of" or "not" ("size 9 instead of 8", "red, not blue"); "from …" before "to" ("from blue to red"); and what is
 * swapped away before "for"/"with" ("swap the 8 for a 9", "replace the blue one with a red one").
 */
const OPTION_LEFT: [RegExp, string][] = [
  [new RegExp(`\\b(?:instead of|rather than|in place of|not)\\s+${OPTION}`, 'gi'), ' '],
  [new RegExp(`\\bfrom\\s+${OPTION}\\s+(?=to\\b)`, 'gi'), ' '],
  [/\b(swap|switch|exchange|trade|replace|change)\s+(?:(?!\bto\b)[^,.;!?]){1,40}?\s+(for|with)\b/gi, '$1 $2'],
];
/** The text without the options it says are being left (OPTION_LEFT). */
function withoutOptionsLeft(text: string): string {
  return OPTION_LEFT.reduce((t, [re, by]) => t.replace(re, by), text);
}

const normalised = (text: string) => ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
/**
 * Values of the item's options that the shopper named: for each option, the value named last, the latest message read
 * last ("silver", then "the 13-inch one": keep 13-inch; "I have the 13-inch, I want the 15-inch": 15-inch). A value
 * counts written whole ("space grey", "13 inch") or by its first word when that mixes letters and digits ("1TB" for
 * "1TB SSD", "i5").
 */
function namedOptionValues(
  current: Record<string, string>,
  variants: readonly { options: Record<string, string> }[],
  texts: readonly string[],
): Record<string, string> {
  const named: Record<string, string> = {};
  for (const text of texts) {
    const said = normalised(text);
    for (const key of Object.keys(current)) {
      const values = [...new Set(variants.map((v) => v.options[key]).filter((v): v is string => !!v))];
      let at = -1;
      for (const value of values) {
        const whole = normalised(value);
        const first = whole.trim().split(' ')[0]!;
        const i = Math.max(
          said.lastIndexOf(whole),
          /\d/.test(first) && /[a-z]/.test(first) ? said.lastIndexOf(` ${first} `) : -1,
        );
        if (i > at) {
          at = i;
          named[key] = value;
        }
      }
    }
  }
  return named;
}

/** A question of how something asked for stands: "is my return done?", "has the refund gone through?", "any news?". */
const ASKS_HOW_IT_STANDS =
  /\b(?:status|done|gone through|go through|went through|processed|approved|accepted|complete|completed|finished|confirmed|happening|going on|update|news)\b|\b(?:did|have|has) (?:you|it|they) (?:get|got|receive|received|start|started)\b/i;

function returnStep(ctx: TaskContext): Decision | undefined {
  if (changed(ctx, 'return_delivered_order_items')) return undefined;
  const need = statusFor(ctx, 'return_delivered_order_items');
  const t = targetOrder(ctx, inStatus(need), 'should I return');
  if (t.decision) return t.decision;
  const order = t.order;
  // "How much will I get back?": the amount of the return proposed, asked for, or of the items named; a question.
  const asksAmount = ASKS_REFUND_AMOUNT.test(ctx.request) && !ctx.entities.confirms;
  // "Is my return done?", "is my refund done?": where the return already asked for stands, not a second one.
  const state =
    order && !inStatus(need)(order) && (ASKS_HOW_IT_STANDS.test(ctx.request) || asksAmount)
      ? requestState(order)
      : undefined;
  if (state) return reply(state);
  if (ctx.intent === 'refund' && order && !inStatus(need)(order)) return undefined;
  if (!order) return reply(`I couldn't find ${need ? `a ${need}` : 'that'} order on your account to return.`);
  if (!inStatus(need)(order))
    return reply(
      /requested$/.test(order.status ?? '')
        ? `${order.status === 'return requested' ? 'A return' : 'An exchange'} is already requested for order ${order.orderId}, so no more of its items can be returned: the store takes one per order.${otherwise(ctx, order)}`
        : `${notInState(order, need, 'be returned')}${otherwise(ctx, order)}`,
    );
  const items = namedItems(ctx, order);
  if (!items.length)
    return reply(
      whichItems(
        ctx,
        order,
        'return',
        order.items.length === 2
          ? 'one of them, or both (the whole order)'
          : 'one, some, or everything (all of them, the whole order)',
      ),
    );
  const user = latestUser(ctx);
  const gift =
    ctx.entities.paymentPreference === 'gift_card'
      ? user?.paymentMethods.find((m) => m.source === 'gift_card')
      : undefined;
  if (ctx.entities.paymentPreference === 'gift_card' && !user && ctx.customerId)
    return callTool(ctx, 'get_user_details', { user_id: ctx.customerId });
  const method = gift?.id ?? originalPayment(order);
  if (asksAmount) {
    const refund = `You'd get ${money(total(items))} back, to ${methodLabel(method, user)}, once the items arrive.`;
    // Asked of the return just proposed: the answer, and the proposal still open. Asked of items named: the answer,
    // and the return offered, not proposed.
    return PROPOSED_RETURN.test(ctx.lastAnswer ?? '') || ctx.transcript.held?.tool === 'return_delivered_order_items'
      ? agreedChange(
          ctx,
          'return_delivered_order_items',
          { order_id: order.orderId, item_ids: items.flatMap((i) => i.itemId ?? []), payment_method_id: method },
          `${refund} I can return ${items.map(itemLine).join('; ')} from order ${order.orderId}. ${CONFIRM}`,
        )
      : reply(
          `${refund.replace(' back,', ` back for ${items.map(itemLine).join('; ')} from order ${order.orderId},`)} I can return ${items.length === 1 ? 'it' : 'them'} for you: just ask.`,
        );
  }
  // "Refund to my card" for an order paid by gift card: the store pays back to the original method or a gift card only.
  const pref = ctx.entities.paymentPreference;
  const args = {
    order_id: order.orderId,
    item_ids: items.flatMap((i) => i.itemId ?? []),
    payment_method_id: method,
  };
  if (pref && pref !== 'gift_card' && !method?.startsWith(pref) && !ctx.entities.confirms) {
    if (!user && ctx.customerId) return callTool(ctx, 'get_user_details', { user_id: ctx.customerId });
    return agreedChange(
      ctx,
      'return_delivered_order_items',
      args,
      `A refund goes back to the payment the order was made with, or to a gift card; order ${order.orderId} was paid with ${methodLabel(method, user)}, so the refund can't go to ${pref === 'paypal' ? 'PayPal' : 'a card'}. I can return ${items.map(itemLine).join('; ')} with the refund of ${money(total(items))} to ${methodLabel(method, user)} once the items arrive. ${CONFIRM}`,
    );
  }
  // "To my gift card" from a shopper who has none: said, not passed over.
  const noGiftCard =
    pref === 'gift_card' && user && !gift
      ? `There is no gift card on your account, so the refund can only go back to ${methodLabel(method, user)}, which paid for the order. `
      : '';
  return agreedChange(
    ctx,
    'return_delivered_order_items',
    args,
    `${noGiftCard}I can return ${items.map(itemLine).join('; ')} from order ${order.orderId}. The refund of ${money(total(items))} goes to ${methodLabel(method, user)} once the items arrive. ${CONFIRM}`,
  );
}

/** Status questions read the named order, or every order of a small account. */
function trackStep(ctx: TaskContext): Decision | undefined {
  return claimedStatusStep(ctx) ?? targetOrder(ctx, () => false, 'do you mean').decision;
}

/**
 * "Do I have any other orders?" after talking about one: it asks for the account's orders, not for the order named
 * earlier in the conversation again. The reply lists them past the one named before (reply-templates).
 */
function asksForOtherOrders(ctx: TaskContext): boolean {
  return (
    ASKS_PAST_NAMED.test(ctx.request) &&
    /\borders?\b/i.test(ctx.request) &&
    extractEntities(ctx.request).orderIds.length === 0 &&
    !!ctx.offered('get_user_details')
  );
}

/** "No, I changed my mind" right after a change was proposed (and held for a yes): nothing is made. */
export function declinedChange(ctx: TaskContext): Decision | undefined {
  if (ctx.transcript.heldAgo !== 0 || !declinesChange(ctx.hints.userMessage)) return undefined;
  return reply("All right, I've left it as it is: nothing has changed. Is there anything else I can help with?");
}

/** The order recipe for the task's intent, with identity first; undefined when the task is not about orders. */
export function orderRecipe(ctx: TaskContext): Decision | undefined {
  // "Do I have any other orders?", "what cards do I have on file?": the account itself, read once the shopper is known.
  if (asksForOtherOrders(ctx) || (ctx.accountDetails && ctx.offered('get_user_details')))
    return (
      identityStep(ctx) ?? (latestUser(ctx) ? ANSWER : callTool(ctx, 'get_user_details', { user_id: ctx.customerId }))
    );
  if (!needsIdentity(ctx)) return undefined;
  return identityStep(ctx) ?? orderIntentStep(ctx) ?? ANSWER;
}

function orderIntentStep(ctx: TaskContext): Decision | undefined {
  switch (ctx.intent) {
    case 'track':
      return trackStep(ctx);
    case 'cancel':
      return ctx.offered('cancel_pending_order') ? cancelStep(ctx) : trackStep(ctx);
    case 'address':
      return addressStep(ctx);
    case 'payment':
      return paymentStep(ctx);
    case 'modify_items':
    case 'exchange':
      return SWAP_TOOLS.some((name) => ctx.offered(name)) ? swapStep(ctx) : trackStep(ctx);
    case 'return':
    case 'refund':
      return ctx.offered('return_delivered_order_items') ? returnStep(ctx) : trackStep(ctx);
    default:
      return undefined;
  }
}
