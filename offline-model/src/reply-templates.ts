import type { Entities } from './entity-extractor.js';
import type { ToolStep } from './task-transcript.js';
import { describeProduct } from './task-wording.js';
import { rawWords, STOP_WORDS, stem } from './text-features.js';
import {
  type ArticleView,
  field,
  nested,
  type OrderView,
  paymentMethodLabel,
  readArticles,
  readOrder,
  readRecommendations,
  readUser,
  readVariants,
  type VariantView,
} from './tool-output-readers.js';

/** Prices as shoppers read them: $47.84. */
export const money = (x: number | undefined) => (x === undefined ? '' : `$${x.toFixed(2)}`);
/** Option values, with their name where a bare value would be unclear ("size 12", "waterproof yes"). */
export const optionText = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => (/^(\d+(\.\d+)?|yes|no|true|false)$/i.test(v) ? `${k} ${v}` : v))
    .join(', ');
const list = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

export function itemLine(i: { name: string; options: Record<string, string>; price?: number }): string {
  const opts = optionText(i.options);
  return `${i.name}${opts ? ` (${opts})` : ''}${i.price !== undefined ? ` ${money(i.price)}` : ''}`;
}

const STATUS_NOTE: Record<string, string> = {
  pending: "It hasn't shipped yet, so it can still be changed or cancelled.",
  processed: 'It has been processed for shipping.',
};
const STATUS_PHRASE: Record<string, string> = {
  delivered: 'was delivered',
  'return requested': 'has a return in progress',
  'exchange requested': 'has an exchange in progress',
};

/** "Your order #W2611340 is processed. Items: ... Tracking: 357962501027." */
function renderOrder(order: OrderView): string {
  const status = order.status ? (STATUS_PHRASE[order.status] ?? `is ${order.status}`) : 'is on file';
  const parts = [`Your order ${order.orderId} ${status}.`];
  if (order.status && STATUS_NOTE[order.status]) parts.push(STATUS_NOTE[order.status]!);
  if (order.items.length) parts.push(`Items: ${order.items.map(itemLine).join('; ')}.`);
  if (order.trackingIds.length) parts.push(`Tracking: ${order.trackingIds.join(', ')}.`);
  if (order.address && order.status === 'pending') parts.push(`Shipping to ${order.address}.`);
  return parts.join(' ');
}

/** What a cancellation, return or exchange did, from the fields the store records on the order. */
function renderOrderChange(tool: string, order: OrderView): string {
  const named = (ids: string[]) =>
    list(order.items.filter((i) => i.itemId && ids.includes(i.itemId)).map((i) => i.name));
  if (tool === 'cancel_pending_order') {
    const refunds = order.payments.filter((p) => p.type === 'refund');
    const refund = refunds.length
      ? ` ${refunds.map((r) => `${money(r.amount)} goes back to ${paymentMethodLabel(r.methodId)}`).join('; ')}.`
      : '';
    return `Order ${order.orderId} is now ${order.status ?? 'cancelled'}${order.cancelReason ? ` (${order.cancelReason})` : ''}.${refund}`;
  }
  if (tool === 'return_delivered_order_items') {
    const items = order.items.filter((i) => i.itemId && order.returnItemIds.includes(i.itemId));
    return `Your return of ${named(order.returnItemIds) || 'the items'} from order ${order.orderId} is requested. The refund of ${money(items.reduce((s, i) => s + (i.price ?? 0), 0))} goes to ${paymentMethodLabel(order.returnMethodId)} once the items arrive.`;
  }
  const diff = order.exchangeDifference;
  const settle =
    diff === undefined || diff === 0
      ? ''
      : ` The price difference of ${money(Math.abs(diff))} is ${diff > 0 ? 'charged to' : 'refunded to'} ${paymentMethodLabel(order.exchangeMethodId)}.`;
  return `Your exchange of ${named(order.exchangeItemIds) || 'the items'} from order ${order.orderId} is requested (new item ${order.exchangeNewItemIds.join(', ')}).${settle}`;
}

function variantLine(v: VariantView): string {
  const opts = Object.entries(v.options)
    .map(([k, x]) => `${k} ${x}`)
    .join(', ');
  const stock = v.available === undefined ? '' : v.available ? ', in stock' : ', out of stock';
  const id = v.itemId ? ` (item ${v.itemId})` : '';
  return `- ${v.name ?? 'Item'}${opts ? `: ${opts}` : ''}${v.price !== undefined ? `, ${money(v.price)}` : ''}${stock}${id}`;
}

/** Up to five variants, available ones first. */
function renderVariants(variants: VariantView[], heading: string): string {
  const sorted = [...variants].sort((a, b) => Number(b.available ?? true) - Number(a.available ?? true));
  return [heading, ...sorted.slice(0, 5).map(variantLine)].join('\n');
}

function renderSearch(step: ToolStep, e: Entities): string {
  const { variants, alternatives } = readVariants(step.output);
  const query = typeof step.args.query === 'string' ? step.args.query : '';
  const what = e.products.length ? describeProduct(e) : query || 'that';
  if (variants.length) return renderVariants(variants, `Here is what I found for ${what}:`);
  if (alternatives.length) return renderVariants(alternatives, `Nothing matches ${what} exactly. The closest options:`);
  return `I couldn't find ${what} in our catalogue.`;
}

function renderProduct(step: ToolStep, e: Entities): string {
  const { variants } = readVariants(step.output);
  const name = field(step.output, 'name') ?? 'This product';
  if (!variants.length) return `${name}: I have no variants on file.`;
  const available = variants.filter((v) => v.available !== false);
  const prices = variants.flatMap((v) => (v.price === undefined ? [] : [v.price]));
  const wanted = [...e.colours, ...e.sizes, ...e.materials].map((w) => w.toLowerCase());
  const matching = wanted.length
    ? variants.filter((v) => wanted.every((w) => Object.values(v.options).some((o) => o.toLowerCase() === w)))
    : variants;
  const head = `${name} comes in ${variants.length} variants, ${available.length} in stock${
    prices.length ? `, from ${money(Math.min(...prices))} to ${money(Math.max(...prices))}` : ''
  }.`;
  return renderVariants(matching.length ? matching : variants, head);
}

/** The lines of a document or article that share the most words with the question. */
function relevantLines(text: string, question: string, max = 3): string[] {
  const q = new Set(
    rawWords(question)
      .filter((w) => w.length > 2 && !STOP_WORDS.has(w))
      .map(stem),
  );
  const lines = text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((l) => l.replace(/^[#*\-\s]+/, '').trim())
    .filter((l) => l.length > 3);
  const scored = lines.map((l, i) => ({
    l,
    i,
    n: new Set(
      rawWords(l)
        .map(stem)
        .filter((w) => q.has(w)),
    ).size,
  }));
  const best = scored
    .filter((s) => s.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, max);
  return (best.length ? best : scored.slice(0, Math.min(max, 2))).sort((a, b) => a.i - b.i).map((s) => s.l);
}

/** Answer from knowledge articles, citing the title. */
export function renderArticles(articles: ArticleView[], question: string): string {
  const best = articles[0];
  if (!best) return "I couldn't find anything about that in our help articles.";
  const lines = relevantLines(best.content, question);
  return `According to our "${best.title}" article: ${lines.join(' ')}`;
}

function renderRecommendations(step: ToolStep): string {
  const { recommendations, note } = readRecommendations(step.output);
  if (!recommendations.length)
    return note ? `I have no strong recommendation to add: ${note}` : 'I have no recommendation to add for that.';
  const lines = recommendations.slice(0, 3).map((r) => {
    const why = r.because
      ? ` (often bought with the ${r.because}${r.ordersTogether ? `: together in ${r.ordersTogether} orders` : ''})`
      : '';
    const item = r.items[0];
    const offer = item
      ? `, e.g. ${optionText(item.options) || 'item'} at ${money(item.price)} (item ${item.itemId})`
      : '';
    return `- ${r.name}${why}${offer}`;
  });
  return ['Customers who bought this often add:', ...lines].join('\n');
}

function renderTicket(output: unknown, hours: { open: boolean; summary: string }): string {
  const ticket = nested(output, 'ticket') ?? output;
  const id = field(ticket, 'ticket_id', 'id');
  const priority = field(ticket, 'priority');
  const head = `I've passed your request to a colleague${id ? ` (ticket ${id}${priority ? `, ${priority} priority` : ''})` : ''}.`;
  return hours.open
    ? `${head} A person will pick it up shortly.`
    : `${head} Our team is available ${hours.summary}; someone will get back to you then.`;
}

/** How one tool result reads in the reply, or undefined for results the reply does not mention. */
export function renderStep(
  step: ToolStep,
  ctx: { entities: Entities; question: string; hours: { open: boolean; summary: string } },
): string | undefined {
  if (!step.ok) return undefined;
  const o = step.output;
  switch (step.tool) {
    case 'find_user_id_by_email':
    case 'find_user_id_by_name_zip':
      return undefined;
    case 'get_order_details':
    case 'modify_pending_order_address':
    case 'modify_pending_order_payment':
    case 'modify_pending_order_items': {
      const order = readOrder(o);
      return order ? renderOrder(order) : renderGeneric(step);
    }
    case 'cancel_pending_order':
    case 'return_delivered_order_items':
    case 'exchange_delivered_order_items': {
      const order = readOrder(o);
      return order ? renderOrderChange(step.tool, order) : renderGeneric(step);
    }
    case 'get_user_details': {
      const user = readUser(o);
      if (!user) return renderGeneric(step);
      return user.orderIds.length
        ? `I see ${user.orderIds.length === 1 ? 'one order' : `${user.orderIds.length} orders`} on your account: ${list(user.orderIds)}.`
        : "I don't see any orders on your account.";
    }
    case 'modify_user_address':
      return 'Your default address is updated; existing orders keep the address they were placed with.';
    case 'search_products':
      return renderSearch(step, ctx.entities);
    case 'get_product_details':
      return renderProduct(step, ctx.entities);
    case 'read_product_document': {
      const doc = field(o, 'document', 'content', 'text') ?? (typeof o === 'string' ? o : undefined);
      const name = field(o, 'name') ?? 'the product';
      return doc
        ? `From the product document for ${name}: ${relevantLines(doc, ctx.question).join(' ')}`
        : renderGeneric(step);
    }
    case 'list_all_product_types': {
      const names = o && typeof o === 'object' ? (Array.isArray(o) ? o.map(String) : Object.keys(o)) : [];
      return names.length ? `We sell: ${list(names)}.` : renderGeneric(step);
    }
    case 'recommend_related':
      return renderRecommendations(step);
    case 'search_knowledge':
      return renderArticles(readArticles(o), ctx.question);
    case 'validate_email':
      return nested(o, 'valid') === false
        ? `That email address doesn't look right: ${field(o, 'reason') ?? 'please check it'}.`
        : undefined;
    case 'create_lead': {
      const interest = field(o, 'interest') ?? 'updates';
      return `You're signed up: we'll write to ${field(o, 'email') ?? 'you'} about ${interest}.`;
    }
    case 'subscribe_back_in_stock': {
      const name = field(o, 'product_name') ?? 'the item';
      const opts = optionText((nested(o, 'options') as Record<string, string>) ?? {});
      const already = nested(o, 'already_subscribed') === true;
      return `${already ? 'You were already on the list: we' : 'Done: we'}'ll email ${field(o, 'email') ?? 'you'} when the ${name}${opts ? ` (${opts})` : ''} is back in stock.`;
    }
    case 'create_ticket':
    case 'transfer_to_human_agents':
      return renderTicket(o, ctx.hours);
    case 'request_user_info':
      return `Please fill in the short form (${
        (nested(o, 'fields') as { label?: string }[] | undefined)
          ?.map((f) => f.label)
          .filter(Boolean)
          .join(', ') || 'your details'
      }) so a colleague can reach you.`;
    default:
      return renderGeneric(step);
  }
}

/** A tool this provider has no template for: its scalar fields, plainly. */
function renderGeneric(step: ToolStep): string {
  const label = step.tool.replace(/_/g, ' ');
  const o = step.output;
  if (o === null || o === undefined) return `Done: ${label}.`;
  if (typeof o !== 'object') return `${label}: ${String(o)}`;
  const entries = Object.entries(o as Record<string, unknown>)
    .filter(([, v]) => v !== null && ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 6)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${String(v)}`);
  return entries.length ? `${capitalise(label)}: ${entries.join('; ')}.` : `Done: ${label}.`;
}

/** A failed tool call, explained without jargon. */
export function explainError(step: ToolStep): string {
  const message = (step.error ?? 'it failed').replace(/\s+/g, ' ').trim();
  if (step.code === 'TIMEOUT') return 'Our system took too long to answer. Please try again in a moment.';
  if (step.code === 'FORBIDDEN') return `I can't do that: ${message}`;
  return `I couldn't ${step.tool.replace(/_/g, ' ')}: ${message}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
