import type { Entities } from './entity-extractor.js';
import { shopperError } from './error-wording.js';
import { ASKS_DEADLINE, STATES_DEADLINE, topicalArticles } from './knowledge-relevance.js';
import { goesWith } from './product-areas.js';
import { propertyAsked } from './product-list.js';
import { type AccountDetail, ASKS_ORDER_TOTAL, ASKS_PAST_NAMED } from './request-cues.js';
import type { ShownPick } from './shown-pick.js';
import { optsOut } from './task-intent.js';
import type { ToolStep } from './task-transcript.js';
import { describeProduct } from './task-wording.js';
import { analyzeText, COMMON_WORDS, rawWords, STOP_WORDS, stem } from './text-features.js';
import {
  type ArticleView,
  alternativesMatched,
  brandCased,
  field,
  nested,
  type OrderView,
  paymentMethodLabel,
  readArticles,
  readOrder,
  readRecommendations,
  readUser,
  readVariants,
  type UserView,
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

/** Whether the order has left the warehouse, said plainly, with when, carrier and tracking when known. */
function shippingPhrase(order: OrderView): string {
  const when = (at?: string) => (at ? ` on ${at}` : '');
  const carrier = order.carriers.length ? ` with ${list(order.carriers)}` : '';
  const tracking = order.trackingIds.length
    ? ` Tracking number: ${order.trackingIds.join(', ')}${order.carriers.length ? '' : ' (the tracking page shows the carrier and each scan)'}.`
    : '';
  switch (order.status) {
    case 'pending':
      return 'has not shipped yet: it is still being prepared, so it can still be changed or cancelled.';
    case 'pending (item modified)':
      return 'has not shipped yet. Its items were changed, so it can no longer be changed or cancelled.';
    case 'processed':
      return `has shipped${when(order.shippedAt)}${carrier}: it is packed and on its way to you.${tracking}`;
    case 'delivered':
      return `was delivered${when(order.deliveredAt)}${carrier}.${tracking}`;
    case 'cancelled':
      return 'was cancelled and will not ship.';
    case 'return requested':
      return `was delivered, and a return is in progress.${tracking}`;
    case 'exchange requested':
      return `was delivered, and an exchange is in progress.${tracking}`;
    default: {
      const status = order.status ? `is ${order.status}` : 'is on file';
      return order.trackingIds.length
        ? `${status}. It has shipped${when(order.shippedAt)}${carrier}.${tracking}`
        : `${status}.`;
    }
  }
}

/** "Your order #W2611340 has shipped: it is packed and on its way to you. Tracking number: ..." */
export function orderState(order: OrderView): string {
  return `Your order ${order.orderId} ${shippingPhrase(order)}`;
}

/**
 * Where a return or exchange of the order stands ("Your return of Indoor Security Camera from order #W3638028 is
 * requested. The refund of $274.98 goes to …"), from what the store records on the order; undefined when it has none.
 */
export function requestState(order: OrderView): string | undefined {
  if (order.status === 'return requested') return renderOrderChange('return_delivered_order_items', order);
  if (order.status === 'exchange requested') return renderOrderChange('exchange_delivered_order_items', order);
  return undefined;
}

/** "Your order #W2611340 has shipped: ... Tracking number: 357962501027. Items: ..." */
/**
 * The order's amount from its lines, and what pays for it now: each method's payments less its refunds (a changed
 * payment method is refunded in full, a cancelled order on every method).
 */
function orderTotal(order: OrderView): string | undefined {
  const prices = order.items.map((i) => i.price);
  if (!prices.length || prices.some((p) => p === undefined)) return undefined;
  const total = prices.reduce<number>((sum, p) => sum + (p ?? 0), 0);
  const net = new Map<string, number>();
  for (const p of order.payments) {
    const label = paymentMethodLabel(p.methodId);
    net.set(label, (net.get(label) ?? 0) + (p.type === 'refund' ? -1 : 1) * (p.amount ?? 0));
  }
  const paying = [...net].filter(([, n]) => n > 0.005).map(([label]) => label);
  const refunded = order.payments.length > 0 && paying.length === 0;
  const count = order.items.length === 1 ? '1 item' : `${order.items.length} items`;
  return `The total of order ${order.orderId} is ${money(total)} (${count})${
    paying.length ? `, paid with ${list(paying)}` : ''
  }.${refunded ? ' It has been refunded in full.' : ''}`;
}

/** "Where is it and how much was it?": a question about where the order is, beside its amount. */
const ASKS_WHERE_IT_IS = /\b(?:where|status|ship(?:ped|ping)?|arriv\w*|deliver\w*|track\w*|when)\b/i;

function renderOrder(order: OrderView, question = ''): string {
  const total = ASKS_ORDER_TOTAL.test(question) ? orderTotal(order) : undefined;
  const items = order.items.length ? `Items: ${order.items.map(itemLine).join('; ')}.` : '';
  // "How much was it in total?" is answered by the amount and what it paid for; where the order is, only when asked.
  if (total)
    return ASKS_WHERE_IT_IS.test(question) ? `${total} ${renderOrder(order)}` : [total, items].join(' ').trim();
  const parts = [orderState(order)];
  if (items) parts.push(items);
  if (order.address && order.status?.startsWith('pending')) parts.push(`Shipping to ${order.address}.`);
  return parts.join(' ');
}

/**
 * What a cancellation, return or exchange did, from the fields the store records on the order; the new items of an
 * exchange by their options, from the product details the task read (`variant`), not by id.
 */
function renderOrderChange(
  tool: string,
  order: OrderView,
  variant?: (itemId: string) => VariantView | undefined,
): string {
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
  const fresh = order.exchangeNewItemIds.map((id) => {
    if (order.exchangeItemIds.includes(id)) return 'a new one of the same';
    const v = variant?.(id);
    return v && Object.keys(v.options).length ? optionText(v.options) : `item ${id}`;
  });
  return `Your exchange of ${named(order.exchangeItemIds) || 'the items'} from order ${order.orderId} is requested, for ${fresh.join('; ')}.${settle}`;
}

/** What the shopper asked to see besides name, options and price. */
export interface ListingView {
  /** Item ids, only when the shopper asks for them. */
  ids: boolean;
  /** Out-of-stock variants, only when the shopper asks for them. */
  outOfStock: boolean;
  /** Ordered by price when the shopper asks for the cheapest or the most expensive. */
  byPrice?: 'lowest' | 'highest';
  /** "How much is it?": what the product costs is said first. */
  asksPrice?: boolean;
  /** Whether a variant has the yes/no options the question asks for ("waterproof hiking boots": waterproof yes). */
  fits: (v: VariantView) => boolean;
}

/** Whether an option's name stands whole in the question ("waterproof boots"), not after "not", "non", "no" or "without". */
export function optionNamedIn(question: string): (key: string) => boolean {
  const words = rawWords(question).map(stem);
  return (key) => {
    const keyWords = rawWords(key).map(stem);
    const at = words.findIndex((_, i) => keyWords.every((k, j) => words[i + j] === k));
    return at >= 0 && !['not', 'non', 'no', 'without'].includes(words[at - 1] ?? '');
  };
}

/** A yes/no option ("waterproof": yes or no). */
export const isYesNo = (value: string) => /^(yes|no)$/i.test(value);

/** The option names the variants have, each once. */
const optionKeys = (variants: readonly VariantView[]) => [...new Set(variants.flatMap((v) => Object.keys(v.options)))];
/** The values the variants take for an option, each once, in the catalogue's order. */
const valuesOf = (variants: readonly VariantView[], key: string) => [
  ...new Set(variants.flatMap((v) => (v.options[key] === undefined ? [] : [v.options[key]!]))),
];

/** Words that ask for the values an option takes: "what sizes…", "which colours…", "size options", "available in". */
const ASKS_FOR_VALUES = /\b(what|which|options?|choices?|available|range)\b/i;
const keyWord = (w: string) => stem(w.toLowerCase().replace(/colour/g, 'color'));

/**
 * The option whose values a question asks for, among the variants' options: "what sizes do the hiking boots come in?"
 * → size. The option is named in the question, is not a yes/no option ("which boots are waterproof?" picks variants),
 * and none of its values is named ("which colours in size 10?" asks the colours, not the sizes).
 */
export function optionAskedFor(question: string, variants: readonly VariantView[]): string | undefined {
  if (!ASKS_FOR_VALUES.test(question)) return undefined;
  const words = new Set(rawWords(question).map(keyWord));
  const said = new Set(rawWords(question));
  return optionKeys(variants).find((key) => {
    if (!rawWords(key).every((w) => words.has(keyWord(w)))) return false;
    const values = valuesOf(variants, key);
    return !values.some(isYesNo) && !values.some((value) => rawWords(value).every((w) => said.has(w)));
  });
}

/**
 * "How long does the speaker's battery last?": the option that holds it, by its values; else that the product's details
 * do not list it, and what they list (a listing of variants would only look like an answer).
 */
function propertyAnswer(question: string, name: string, variants: readonly VariantView[], named: readonly string[]) {
  const property = propertyAsked(question);
  if (!property) return undefined;
  const keys = optionKeys(variants);
  const key = keys.find((k) => property.key.test(k));
  if (key)
    return renderOptionValues(
      variants.map((v) => ({ ...v, name: v.name ?? name })),
      key,
      named,
    );
  const options = keys.map((k) => `${k} (${optionOrder(valuesOf(variants, k)).join(', ')})`);
  return `The ${name} details don't list its ${property.name}: its options are ${list(options)}.`;
}

/** "The most storage", "the biggest screen", "the longest battery life", "the smallest size": an option's extreme. */
export const SUPERLATIVE =
  /\b(?:(most|biggest|largest|highest|longest|max(?:imum)?)|(least|smallest|lowest|shortest|min(?:imum)?))\s+(?!expensive|affordable|popular|price|priced|cost)([a-z]+(?:\s+[a-z]+)?)/i;
/** An amount in an option's own unit, comparable across its values ("1TB SSD" above "512GB SSD", "1L" above "500ml"). */
function amountOf(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(tb|gb|mb|l|ml|kg|g)?\b/i.exec(value);
  if (!m) return undefined;
  const scale: Record<string, number> = { tb: 1000, gb: 1, mb: 0.001, l: 1000, ml: 1, kg: 1000, g: 1 };
  return Number(m[1]) * (scale[(m[2] ?? '').toLowerCase()] ?? 1);
}

/**
 * "Which one has the most storage?": the variants with the largest (or smallest) amount of the option the question
 * names, in stock first.
 */
function superlativeAnswer(question: string, name: string, variants: readonly VariantView[]): string | undefined {
  const m = SUPERLATIVE.exec(question);
  if (!m) return undefined;
  const said = rawWords(m[3]!).map(stem);
  const key = optionKeys(variants).find((k) => rawWords(k).some((w) => said.includes(stem(w))));
  if (!key) return undefined;
  const amounts = valuesOf(variants, key).flatMap((v) => {
    const n = amountOf(v);
    return n === undefined ? [] : [{ v, n }];
  });
  if (amounts.length < 2) return undefined;
  const best = amounts.reduce((a, b) => ((m[1] ? b.n > a.n : b.n < a.n) ? b : a));
  const these = variants.filter((v) => v.options[key] === best.v);
  const inStock = these.filter((v) => v.available !== false);
  const heading = `${name} with the ${(m[1] ?? m[2])!.toLowerCase()} ${key} (${best.v})${
    inStock.length ? '' : ', none in stock right now'
  }:`;
  const lines = [...(inStock.length ? inStock : these)]
    .sort((a, b) => (a.price ?? 0) - (b.price ?? 0))
    .slice(0, 5)
    .map((v) => variantLine({ ...v, name: v.name ?? name }, { ids: false, outOfStock: true, fits: () => true }));
  return [heading, ...lines].join('\n');
}

/** Words that ask how variants differ: "what's the difference between…", "leather vs synthetic", "which is better". */
export const COMPARES = /\b(difference|differ\w*|compar\w*|vs|versus|better)\b/i;

/**
 * The option two or more of whose values the question sets side by side ("the difference between the leather and
 * synthetic hiking boots" → material: leather, synthetic), among the variants' options.
 */
export function valuesCompared(
  question: string,
  variants: readonly VariantView[],
): { key: string; values: string[] } | undefined {
  if (!COMPARES.test(question)) return undefined;
  const said = new Set(rawWords(question));
  for (const key of optionKeys(variants)) {
    const named = valuesOf(variants, key).filter(
      (value) => !isYesNo(value) && rawWords(value).every((w) => said.has(w)),
    );
    // In the order the shopper named them.
    const at = (value: string) => rawWords(question).indexOf(rawWords(value)[0]!);
    if (named.length >= 2) return { key, values: named.sort((a, b) => at(a) - at(b)) };
  }
  return undefined;
}

/**
 * "Hiking Boots, leather against synthetic:" then a line for each: its prices, the other options where the two differ,
 * and how many are in stock.
 */
function renderComparison(variants: readonly VariantView[], key: string, values: string[], name: string): string {
  const groups = values.map((value) => ({ value, vs: variants.filter((v) => v.options[key] === value) }));
  const others = optionKeys(variants).filter((k) => k !== key);
  // Only the options whose values differ between the groups say anything.
  const differing = others.filter((k) => new Set(groups.map((g) => valuesOf(g.vs, k).sort().join('|'))).size > 1);
  const lines = groups.map(({ value, vs }) => {
    const prices = vs.flatMap((v) => (v.price === undefined ? [] : [v.price]));
    const low = Math.min(...prices);
    const high = Math.max(...prices);
    const price = prices.length ? (high > low ? `${money(low)} to ${money(high)}` : money(low)) : '';
    const options = differing.map((k) => `${k} ${list(optionOrder(valuesOf(vs, k)))}`);
    const stock = `${vs.filter((v) => v.available !== false).length} of ${vs.length} in stock`;
    return `- ${capitalise(value)}: ${[price, ...options, stock].filter(Boolean).join('; ')}`;
  });
  const same =
    differing.length < others.length
      ? ` Otherwise the same choice of ${list(others.filter((k) => !differing.includes(k)))}.`
      : '';
  return [`${name}, ${values.join(' against ')}:`, ...lines].join('\n') + (same ? `\n${same.trim()}` : '');
}

/** Sizes in the order a shopper reads them; amounts ("500ml", "10") by number; anything else as the catalogue has it. */
const SIZE_ORDER = ['xxs', 'xs', 's', 'small', 'm', 'medium', 'l', 'large', 'xl', 'extra large', 'xxl', 'xxxl'];
function optionOrder(values: string[]): string[] {
  const rank = (v: string) => SIZE_ORDER.indexOf(v.toLowerCase());
  if (values.every((v) => rank(v) >= 0)) return [...values].sort((a, b) => rank(a) - rank(b));
  const amount = /^(\d+(?:\.\d+)?)\s*[-a-z%"]*(?: [a-z]+)?$/i;
  if (values.every((v) => amount.test(v))) return [...values].sort((a, b) => parseFloat(a) - parseFloat(b));
  return values;
}

/** Options a product comes "in": "in colors red and blue", "in sizes 8 and 9", "in materials ...". */
const IN_KEYS = /\b(?:colou?r|size|material|style|finish|pattern|flavou?r|scent|fabric|shade)$/i;

/**
 * "We carry the Hiking Boots in sizes 7, 8, 9, 10, 11 and 12. In stock now: 8, 9 and 10." Values the shopper named
 * of other options narrow it ("colours in size XL": the XL variants' colours).
 */
function renderOptionValues(variants: readonly VariantView[], key: string, named: readonly string[]): string {
  const byProduct = new Map<string, VariantView[]>();
  for (const v of variants) byProduct.set(v.name ?? 'Item', [...(byProduct.get(v.name ?? 'Item') ?? []), v]);
  const plural = (n: number) => (n === 1 ? key : /y$/.test(key) ? `${key.slice(0, -1)}ies` : `${key}s`);
  // "In colors red and blue", "in sizes 8 and 9"; a measure reads as a choice: "in 2 battery life options: 10 hours and
  // 20 hours", not "in battery lifes".
  const isAttribute = IN_KEYS.test(key);
  return [...byProduct]
    .map(([name, all]) => {
      const narrowing = named.filter((w) =>
        all.some((v) => Object.entries(v.options).some(([k, o]) => k !== key && o.toLowerCase() === w.toLowerCase())),
      );
      const vs = all.filter((v) =>
        narrowing.every((w) => Object.values(v.options).some((o) => o.toLowerCase() === w.toLowerCase())),
      );
      const values = optionOrder(valuesOf(vs, key));
      if (!values.length) return `We don't carry the ${name} in ${list(narrowing)}.`;
      const inStock = values.filter((x) => vs.some((v) => v.options[key] === x && v.available !== false));
      const stock =
        inStock.length === values.length
          ? values.length > 1
            ? isAttribute
              ? ` In stock in every ${key}.`
              : ' Each is in stock.'
            : ''
          : inStock.length
            ? ` In stock now: ${list(inStock)}.`
            : ' None is in stock right now.';
      const sayNamed = (w: string) => {
        const k = Object.keys(vs[0]!.options).find((o) => vs[0]!.options[o]!.toLowerCase() === w.toLowerCase());
        return k && /size/i.test(k) ? `size ${w}` : w;
      };
      const within = narrowing.length ? ` in ${list(narrowing.map(sayNamed))}` : '';
      const choice = isAttribute
        ? `${plural(values.length)} ${list(values)}`
        : values.length > 1
          ? `${values.length} ${key} options: ${list(values)}`
          : `one ${key}: ${values[0]}`;
      return `We carry the ${name}${within} in ${choice}.${stock}`;
    })
    .join('\n');
}

/** "Your cheapest tablet", "the most expensive laptop you have": the listing is ordered by price, that way. */
export function priceOrderAsked(question: string): 'lowest' | 'highest' | undefined {
  if (LOWEST_PRICE.test(question)) return 'lowest';
  if (HIGHEST_PRICE.test(question)) return 'highest';
  return undefined;
}
const LOWEST_PRICE =
  /\b(?:cheapest|least expensive|lowest[- ]priced|lowest price|most affordable)\b|\b(?:cheaper|less expensive|more affordable)\s+(?:one|ones|option|options|version|model)\b|\b(?:anything|something)\s+(?:a bit\s+|a little\s+|even\s+)?(?:cheaper|less expensive|more affordable)\b/i;
const HIGHEST_PRICE =
  /\b(?:most expensive|priciest|highest[- ]priced|highest price|top of the range)\b|\b(?:pricier|more expensive)\s+(?:one|ones|option|options|version|model)\b|\b(?:anything|something)\s+(?:a bit\s+|a little\s+|even\s+)?(?:pricier|more expensive)\b/i;

/** Reads what a question asks to see: "with the item ids", "even if sold out". */
export function listingFor(question: string): ListingView {
  const named = optionNamedIn(question);
  return {
    ids: /\b(item|product|variant)[ -]?(ids?|numbers?)\b|\bsku\b|\bids\b/i.test(question),
    outOfStock: /\b(out[ -]of[ -]stock|sold[ -]out|unavailable|not in stock|even if)\b/i.test(question),
    byPrice: priceOrderAsked(question),
    asksPrice: /\bhow much\b|\bwhat(?:'s| is| are) (?:the|its|their) prices?\b|\bprice of\b/i.test(question),
    fits: (v) =>
      Object.entries(v.options).every(
        ([key, value]) => !isYesNo(value) || !(named(key) || saysOption(question, key)) || /^yes$/i.test(value),
      ),
  };
}

/** "- Running Shoes (size 10, white, leather, sole EVA): $154.75" */
function variantLine(v: VariantView, show: ListingView, said?: string): string {
  const stock = v.available === false ? ', out of stock' : '';
  const id = show.ids && v.itemId ? ` (item ${v.itemId})` : '';
  const head = said ?? variantLabel(v);
  return `- ${head}${v.price !== undefined ? `: ${money(v.price)}` : ''}${stock}${id}`;
}

/** A variant as a listing names it: "Bluetooth Speaker (blue, 20 hours, water resistance no)". */
function variantLabel(v: VariantView): string {
  const opts = optionText(v.options);
  return `${v.name ?? 'Item'}${opts ? ` (${opts})` : ''}`;
}

/** Up to five variants: in stock only unless the shopper asked, available ones first. */
function renderVariants(variants: VariantView[], heading: string, show: ListingView): string {
  const shown = show.outOfStock ? variants : variants.filter((v) => v.available !== false);
  const sorted = [...shown].sort((a, b) => Number(b.available ?? true) - Number(a.available ?? true));
  return [heading, ...sorted.slice(0, 5).map((v) => variantLine(v, show))].join('\n');
}

/** The options the shopper asked for, each with the option keys that may hold it. */
function wantedOptions(e: Entities): { key: RegExp; value: string; say: (v: string) => string }[] {
  const out: { key: RegExp; value: string; say: (v: string) => string }[] = [];
  if (e.sizes[0]) out.push({ key: /size/i, value: e.sizes[0], say: (v) => `size ${v}` });
  if (e.colours[0]) out.push({ key: /colou?r/i, value: e.colours[0], say: (v) => v });
  if (e.materials[0]) out.push({ key: /material/i, value: e.materials[0], say: (v) => v });
  return out;
}

/**
 * A near miss, said by what matches and what differs: "Running Shoes in size 9, but yellow (...)".
 * Options the shopper did not ask about follow in brackets.
 */
function alternativeText(v: VariantView, wants: ReturnType<typeof wantedOptions>): string {
  const same: string[] = [];
  const differs: string[] = [];
  const asked = new Set<string>();
  for (const w of wants) {
    const key = Object.keys(v.options).find((k) => w.key.test(k));
    if (!key) continue;
    asked.add(key);
    const value = v.options[key]!;
    (value.toLowerCase() === w.value.toLowerCase() ? same : differs).push(w.say(value));
  }
  const rest = optionText(Object.fromEntries(Object.entries(v.options).filter(([k]) => !asked.has(k))));
  return `${v.name ?? 'Item'}${same.length ? ` in ${list(same)}` : ''}${differs.length ? `${same.length ? ',' : ''} but ${list(differs)}` : ''}${rest ? ` (${rest})` : ''}`;
}

/** Size is fit: a near miss in the right size comes before one in the wrong size, whatever else differs. */
function sizeFits(v: VariantView, e: Entities): boolean {
  const size = e.sizes[0];
  if (!size) return true;
  const key = Object.keys(v.options).find((k) => /size/i.test(k));
  return !key || v.options[key]!.toLowerCase() === size.toLowerCase();
}

function renderAlternatives(alternatives: VariantView[], e: Entities, what: string, show: ListingView): string {
  const wants = wantedOptions(e);
  const shown = (show.outOfStock ? alternatives : alternatives.filter((v) => v.available !== false))
    .map((v, i) => ({ v, i, fits: sizeFits(v, e) }))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || a.i - b.i)
    .slice(0, 5);
  if (!shown.length) return `Nothing matches ${what} exactly, and nothing close is in stock right now.`;
  const lines = shown.map(({ v }) => variantLine(v, show, alternativeText(v, wants)));
  return [`Nothing matches ${what} exactly. The closest options in stock, and how they differ:`, ...lines].join('\n');
}

function renderSearch(step: ToolStep, e: Entities, show: ListingView): string {
  const { variants, alternatives } = readVariants(step.output);
  const query = typeof step.args.query === 'string' ? step.args.query : '';
  const described = e.products.length ? describeProduct(e) : undefined;
  // Option values the search was narrowed by ("induction", "19 bar"), which the shopper's product words do not say.
  const said = new Set(rawWords(described ?? '').map(stem));
  const narrowed = described ? rawWords(query).filter((w) => !said.has(stem(w))) : [];
  const what = described ? `${described}${narrowed.length ? ` with ${narrowed.join(' ')}` : ''}` : query || 'that';
  const available = show.outOfStock ? variants : variants.filter((v) => v.available !== false);
  // "Waterproof hiking boots": the store matches the word in "waterproof: no" too; list the ones that are.
  const fitting = available.filter(show.fits);
  const inStock = fitting.length ? fitting : available;
  const filters = (step.args.filters ?? {}) as { max_price?: unknown; min_price?: unknown };
  // The search again without the budget (beyondBudget), which speaks for the empty one before it: nothing within the
  // budget, then the cheapest matches, or the nearest options.
  if (e.maxPrice !== undefined && typeof filters.max_price !== 'number') {
    const wanted = describeProduct({ ...e, maxPrice: undefined });
    const none = `We have ${wanted === 'products' ? 'nothing' : `no ${wanted}`} under $${e.maxPrice}.`;
    if (inStock.length) {
      const cheapest = [...inStock].sort((a, b) => (a.price ?? Infinity) - (b.price ?? Infinity));
      return renderVariants(cheapest.slice(0, 3), `${none} The lowest-priced:`, show);
    }
    const near = renderAlternatives(alternatives, e, wanted, show).split('\n').slice(1);
    return near.length ? [`${none} The closest options in stock, and how they differ:`, ...near].join('\n') : none;
  }
  if (inStock.length) {
    // "Do you sell sneakers in red?": the Running Shoes in red are in stock, the Sneakers in red are not. The product
    // named as asked is said to be out of stock rather than left out.
    const head = e.products[0] ? stem(rawWords(e.products[0]).at(-1)!) : undefined;
    const listedNames = new Set(inStock.map((v) => v.name));
    const soldOut = show.outOfStock
      ? []
      : variants.filter(
          (v) =>
            head !== undefined &&
            v.available === false &&
            !listedNames.has(v.name) &&
            rawWords(v.name ?? '')
              .map(stem)
              .includes(head),
        );
    const sold = soldOut.length
      ? `\nOut of stock right now: ${list(soldOut.slice(0, 3).map((v) => `${v.name} (${optionText(v.options)})`))}.`
      : '';
    if (show.byPrice) {
      const sign = show.byPrice === 'lowest' ? 1 : -1;
      const ordered = [...inStock].sort((a, b) => sign * ((a.price ?? Infinity) - (b.price ?? Infinity)));
      const heading = `Here is what I found for ${what}, ${show.byPrice} price first:`;
      return renderVariants(ordered, heading, show) + sold;
    }
    // "Something for a friend who loves music": no product named, so one of each product found, not five of the first.
    const shown = e.products.length
      ? inStock
      : inStock.filter((v, i) => inStock.findIndex((w) => w.name === v.name) === i);
    // "How much is it?": the price, from the lowest, before the variants. A page of variants holds the lowest price
    // (the store orders a product's variants by price), not always the highest.
    const prices = inStock.flatMap((v) => (v.price === undefined ? [] : [v.price]));
    if (show.asksPrice && prices.length && new Set(inStock.map((v) => v.name)).size === 1) {
      const sorted = [...inStock].sort((a, b) => (a.price ?? 0) - (b.price ?? 0));
      const heading = `The ${inStock[0]!.name} in stock starts at ${money(Math.min(...prices))}:`;
      return renderVariants(sorted, heading, show) + sold;
    }
    return renderVariants(shown, `Here is what I found for ${what}:`, show) + sold;
  }
  if (variants.length)
    return `${what.charAt(0).toUpperCase()}${what.slice(1)}: we carry it, but it is out of stock right now.${alternatives.length ? `\n${renderAlternatives(alternatives, e, what, show).split('\n').slice(1).join('\n')}` : ''}`;
  // "A phone case": the near misses are phones, which match the word before the thing asked for, not the thing. The
  // last word of a product named is what it is; near misses that the store matched on other words only are something
  // else (the store says which words each matched; "sneakers" matches Running Shoes through its synonyms).
  const head = e.products[0] ? rawWords(e.products[0]).at(-1) : undefined;
  const matched = alternativesMatched(step.output).map(stem);
  const sayNoMatches = head !== undefined && matched.length > 0 && !matched.includes(stem(head));
  if (alternatives.length && !sayNoMatches) return renderAlternatives(alternatives, e, what, show);
  // describeProduct already says the shopper's budget ("hiking boots under $150").
  const budgetSaid = e.products.length > 0 && e.maxPrice !== undefined;
  const limit = [
    typeof filters.min_price === 'number' ? `over ${money(filters.min_price)}` : '',
    typeof filters.max_price === 'number' && !budgetSaid ? `under ${money(filters.max_price)}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const sought = e.products.length ? withArticle(what, e.products[0]) : query ? `anything for ${query}` : what;
  return `I couldn't find ${sought}${limit ? ` ${limit}` : ''} in our catalogue.`;
}

/** "a case", "an umbrella", "running shoes": a single thing named without a determiner gets its article. */
function withArticle(what: string, noun?: string): string {
  if (!noun || /s$/i.test(noun) || /^(a|an|the|any|some|your|my)\b/i.test(what)) return what;
  return `${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what}`;
}

/** The variants in a product document's table ("| item id | size | ... | price | availability |"), as the store writes it. */
function variantsOfDocument(doc: string): VariantView[] {
  const rows = doc.split('\n').filter((l) => /^\s*\|/.test(l) && !/^\s*\|\s*-/.test(l));
  const cells = (l: string) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const [header, ...body] = rows.map(cells);
  if (!header) return [];
  const keys = header.map((h, i) => ({ h, i })).filter(({ h }) => !/^(item id|price|availability)$/i.test(h));
  const availability = header.findIndex((h) => /^availability$/i.test(h));
  return body.map((row) => ({
    options: Object.fromEntries(keys.map(({ h, i }) => [h, row[i] ?? ''])),
    available: availability < 0 ? undefined : row[availability] === 'in stock',
  }));
}

/** "Are the hiking boots waterproof?", "is it waterproof?": a short yes/no question ending on what is asked about. */
const YES_NO =
  /^\s*(?:and\s+|so\s+|ok\s+)?(is|are)\s+(?:(?:it|they|this|that|these|those)(?:\s+[a-z-]+)?|the\s+[^?]+?)\s+([a-z-]+)\s*\??\s*$/i;
/**
 * What a yes/no question asks about when it is no property of the thing: what it is good or fit for ("is the espresso
 * machine any good for lattes?", "are they suitable for kids?"), an opinion the options cannot answer.
 */
const NOT_A_PROPERTY =
  /\b(?:good|great|worth|suitable|ok|okay|enough|better|best|right|ideal|fit|compatible|work|works)\b|\b(?:for|to|in|on|at|of|with|from|by|about)\s+(?:[a-z-]+\s+){0,2}[a-z-]+\s*\??\s*$/i;
/** Whether the question is a short yes/no question about what something is ("is it waterproof?"). */
export const asksYesNo = (question: string) => YES_NO.test(question) && !NOT_A_PROPERTY.test(question);
const NOT_ATTRIBUTES = new Set(['stock', 'available', 'sale', 'cheap', 'expensive', 'here', 'there', 'ready', 'back']);

/**
 * What a short yes/no question asks of a product's options: the yes/no option it names (`named`: "waterproof") or
 * means in other words ("is it water resistant?" of "water resistance"), if any, and the word asked about.
 */
function yesNoAsked(
  question: string,
  name: string,
  variants: readonly VariantView[],
): { option?: string; named: boolean; they: boolean; attribute: string; keys: string[] } | undefined {
  const m = YES_NO.exec(question);
  if (!m || !variants.length || !asksYesNo(question)) return undefined;
  const [, verb, word] = m as unknown as [string, string, string];
  const attribute = word.toLowerCase();
  const keys = optionKeys(variants);
  const yesNoKeys = keys.filter((k) => valuesOf(variants, k).every(isYesNo));
  const key = yesNoKeys.find((k) => stem(k) === stem(attribute));
  // "Is the speaker waterproof?", "is it water resistant?" of an option named "water resistance": a yes/no option in
  // other words. What it has is said in the option's own words: water resistance is not waterproofing.
  const meant = key ? undefined : yesNoKeys.find((k) => saysOption(askedQuality(question, name, attribute), k));
  return { option: key ?? meant, named: !!key, they: verb.toLowerCase() === 'are', attribute, keys };
}

/**
 * A yes or a no first, from the product's options: a yes/no option the question names ("waterproof: yes" in how many
 * variants), or a word that is no option of the product at all, which its details then do not promise
 * ("are the running shoes waterproof?": the running shoes have no such option). Undefined for other questions.
 */
export function yesNoAnswer(
  question: string,
  name: string,
  variants: readonly VariantView[],
): { text: string; noSuchOption: boolean } | undefined {
  const asked = yesNoAsked(question, name, variants);
  if (!asked) return undefined;
  const { they, attribute, keys } = asked;
  const inStock = variants.filter((v) => v.available !== false);
  const pool = inStock.length ? inStock : variants;
  const where = inStock.length ? ' in stock' : '';
  const key = asked.named ? asked.option : undefined;
  const option = asked.option;
  if (option) {
    const yes = pool.filter((v) => /^yes$/i.test(v.options[option] ?? '')).length;
    const all = yes === pool.length;
    const text = key
      ? all
        ? `Yes: every ${name} variant${where} is ${key}.`
        : yes
          ? `Some are: ${yes} of the ${pool.length} ${name} variants${where} are ${key}.`
          : `No: none of the ${name} variants${where} is ${key}.`
      : all
        ? `Every ${name} variant${where} has ${option}.`
        : yes
          ? `Some have ${option}: ${yes} of the ${pool.length} ${name} variants${where}; the others do not.`
          : `None of the ${name} variants${where} has ${option}.`;
    return { text, noSuchOption: false };
  }
  const said = new Set(
    [name, ...keys, ...keys.flatMap((k) => valuesOf(variants, k))].flatMap((t) => rawWords(t)).map(stem),
  );
  if (
    attribute.length < 4 ||
    said.has(stem(attribute)) ||
    STOP_WORDS.has(attribute) ||
    COMMON_WORDS.includes(attribute) ||
    NOT_ATTRIBUTES.has(attribute)
  )
    return undefined;
  const options = keys.map((k) => `${k} (${valuesOf(variants, k).join(', ')})`);
  return {
    text: `The ${name} details don't say ${they ? 'they are' : 'it is'} ${askedQuality(question, name, attribute)}: ${they ? 'their' : 'its'} options are ${list(options)}.`,
    noSuchOption: true,
  };
}

/** "The last one, is it waterproof?": the question after a pick said first, as a question of its own. */
const PICK_FIRST =
  /^\W*(?:(?:ok|okay|and|so|hmm)\W+)*(?:the|that)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:one|option)\s*[,:-]+\s*/i;

/**
 * The one variant the shopper picked among those just shown (shown-pick.ts), answered for alone: "No: the first one,
 * Bluetooth Speaker (blue, 20 hours, water resistance no) at $271.89, has no water resistance." Undefined when no
 * variant read is the line picked.
 */
function answerForPicked(
  pick: ShownPick,
  variants: readonly VariantView[],
  question: string,
  named: readonly string[],
): string | undefined {
  const v = variants.find((x) => variantLabel(x).toLowerCase() === pick.label.toLowerCase());
  if (!v) return undefined;
  const name = v.name ?? 'the item';
  const it = `${pick.which}, ${pick.label} at ${money(v.price ?? pick.price)}${v.available === false ? ' (out of stock)' : ''}`;
  const asked = question.replace(PICK_FIRST, '');
  const yesNo = yesNoAsked(asked, name, [v]);
  if (yesNo?.option) {
    const yes = /^yes$/i.test(v.options[yesNo.option] ?? '');
    const says = yesNo.named ? `is ${yes ? '' : 'not '}${yesNo.option}` : `has ${yes ? '' : 'no '}${yesNo.option}`;
    return `${yes ? 'Yes' : 'No'}: ${it}, ${says}.`;
  }
  const { reply, answer } = answerFromVariants(asked, name, [v], named);
  const more = reply ?? answer?.text;
  return `${it[0]!.toUpperCase()}${it.slice(1)}.${more ? `\n${more}` : ''}`;
}

const ASKS = /\?\s*$|^\s*(?:is|are|does|do|can|will|would|could)\b/i;

/**
 * A question naming a value of one of the product's options ("is the smart thermostat compatible with google home?":
 * its compatibility "Google Assistant"): the variants with that value, and how many of them are in stock. Only what
 * the options say, so the value is quoted as the product has it.
 */
function valueAnswer(question: string, name: string, variants: readonly VariantView[]): string | undefined {
  if (!ASKS.test(question)) return undefined;
  const keys = optionKeys(variants);
  const named = new Set([name, ...keys].flatMap((t) => rawWords(t)).map(stem));
  const asked = new Set(
    rawWords(question)
      .filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !QUESTION_FRAME.has(w) && !named.has(stem(w)))
      .map(stem),
  );
  for (const key of keys) {
    const values = valuesOf(variants, key).filter((v) => !isYesNo(v) && rawWords(v).some((w) => asked.has(stem(w))));
    if (!values.length) continue;
    const inStock = variants.filter((v) => v.available !== false);
    const pool = inStock.length ? inStock : variants;
    const n = pool.filter((v) => values.includes(v.options[key] ?? '')).length;
    return `${name} with ${key} ${values.join(' or ')}: ${n} of the ${pool.length} variants${inStock.length ? ' in stock' : ''}.`;
  }
  return undefined;
}

/**
 * Whether words name a multi-word option: its first word begins them ("waterproof", "water-resistant": water
 * resistance), or each of its words is there by its first five letters ("water resistant").
 */
function saysOption(words: string, key: string): boolean {
  const keyWords = rawWords(key);
  const said = rawWords(words.replace(/-/g, ' '));
  if (keyWords.length < 2) return false;
  const first = keyWords[0]!;
  return (
    (first.length >= 4 && said.some((w) => w.startsWith(first))) ||
    keyWords.every((k) => said.some((w) => w.slice(0, 5) === k.slice(0, 5)))
  );
}

/**
 * What a yes/no question says the thing is, whole: "dishwasher safe" in "is the coffee maker dishwasher safe?", the
 * words after the product's name up to the one asked about (at most three).
 */
function askedQuality(question: string, name: string, attribute: string): string {
  const words = rawWords(question);
  const end = words.lastIndexOf(attribute);
  const named = new Set(rawWords(name).map(stem));
  let start = end;
  while (start > 0 && end - start < 2 && !named.has(stem(words[start - 1]!)) && !STOP_WORDS.has(words[start - 1]!))
    start--;
  return end < 0 ? attribute : words.slice(start, end + 1).join(' ');
}

/**
 * What a product's variants answer of a question, whichever tool listed them (its details or its document): two
 * values side by side, an option's extreme, an option's values, a value named, a property listed or not, in that
 * order (`reply`); else a yes/no about an option (`answer`), which a listing may follow. "No such option" is a reply:
 * a listing would only look like an answer.
 */
function answerFromVariants(
  question: string,
  name: string,
  variants: readonly VariantView[],
  named: readonly string[],
): { reply?: string; answer?: { text: string; noSuchOption: boolean } } {
  const compared = valuesCompared(question, variants);
  if (compared) return { reply: renderComparison(variants, compared.key, compared.values, name) };
  const most = superlativeAnswer(question, name, variants);
  if (most) return { reply: most };
  const asked = optionAskedFor(question, variants);
  if (asked)
    return {
      reply: renderOptionValues(
        variants.map((v) => ({ ...v, name: v.name ?? name })),
        asked,
        named,
      ),
    };
  const answer = yesNoAnswer(question, name, variants);
  const byValue = answer && !answer.noSuchOption ? undefined : valueAnswer(question, name, variants);
  const reply = byValue ?? propertyAnswer(question, name, variants, named);
  if (reply) return { reply };
  return answer?.noSuchOption ? { reply: answer.text } : { answer };
}

function renderProduct(step: ToolStep, e: Entities, show: ListingView, question: string): string {
  const { variants } = readVariants(step.output);
  const name = field(step.output, 'name') ?? 'This product';
  if (!variants.length) return `${name}: I have no variants on file.`;
  const { reply, answer } = answerFromVariants(question, name, variants, [...e.colours, ...e.sizes, ...e.materials]);
  if (reply) return reply;
  const available = variants.filter((v) => v.available !== false);
  const priced = (vs: readonly VariantView[]) => vs.flatMap((v) => (v.price === undefined ? [] : [v.price]));
  // "9 in stock, from $236.57" reads as the price of what is in stock: the range of sold-out variants is said apart.
  const inStock = priced(available);
  const all = priced(variants);
  const range = (ps: number[]) => `from ${money(Math.min(...ps))} to ${money(Math.max(...ps))}`;
  const wanted = [...e.colours, ...e.sizes, ...e.materials].map((w) => w.toLowerCase());
  const matching = wanted.length
    ? variants.filter((v) => wanted.every((w) => Object.values(v.options).some((o) => o.toLowerCase() === w)))
    : variants;
  const head = `${name} comes in ${variants.length} variants, ${available.length} in stock${
    inStock.length ? `, ${range(inStock)}` : all.length ? ` (listed ${range(all)})` : ''
  }.`;
  const shown = matching.length ? matching : variants;
  // "Which is the cheapest?" after a listing: the lowest (or highest) price in stock first, said first.
  if (show.byPrice) {
    const sign = show.byPrice === 'lowest' ? 1 : -1;
    const ranked = shown
      .filter((v) => v.available !== false && v.price !== undefined)
      .sort((a, b) => sign * (a.price! - b.price!));
    const top = ranked[0];
    if (top)
      return renderVariants(
        ranked,
        `The ${show.byPrice}-priced ${name} in stock is ${optionText(top.options)} at ${money(top.price)}. ${head}`,
        { ...show, byPrice: undefined },
      );
  }
  // "Are the hiking boots waterproof?": the waterproof ones, as a search lists them.
  const fitting = shown.filter(show.fits);
  const listed = renderVariants(fitting.length ? fitting : shown, head, { ...show, outOfStock: true });
  return answer ? `${answer.text}\n${listed}` : listed;
}

/**
 * The lines of a document or article that share the most words with the question. Among lines that share as
 * many, one with the question's own phrasing ranks first: its word pairs ("ship to"), then its word forms
 * ("ship" over "shipping"). "Do you ship to Canada?" found three lines about shipping times before the one
 * that says where the shop ships.
 */
const ASKS_COST = /\bhow much\b|\b(?:cost|costs|price|fee|fees|charge)\b/i;
const STATES_COST = /\$\s?\d|\bfree\b|\b(?:costs?|fee)\b/i;
const COST = '(cost)';
const DEADLINE = '(deadline)';

/**
 * Products set against each other ("which is cheaper, the wireless earbuds or the headphones?"), from one search each:
 * what each costs in stock, from the lowest price, and which is cheaper when that is the question.
 */
export function renderProductsCompared(
  searches: readonly { product: string; plain: boolean; step: ToolStep }[],
  question: string,
  asksPrice: boolean,
): string {
  const lowest = searches.map(({ product, plain, step }) => {
    const { variants } = readVariants(step.output);
    const inStock = variants.filter((v) => v.available !== false && typeof v.price === 'number');
    // The catalogue's name when it was asked for by name alone; what the shopper said with it otherwise.
    const name = (plain && variants[0]?.name) || capitalise(product);
    const price = inStock.length ? Math.min(...inStock.map((v) => v.price!)) : undefined;
    // "The difference between the e-reader and the tablet": what each comes in, as far as its page of variants shows.
    const own = variants.filter((v) => v.name === variants[0]?.name);
    const choices = !COMPARES.test(question)
      ? ''
      : optionKeys(own)
          .map((k) => `${k} ${list(optionOrder(valuesOf(own, k)))}`)
          .join('; ');
    return { name, price, found: variants.length > 0, choices };
  });
  // A search returns a page of variants: its lowest price in stock is the product's, its count need not be.
  const lines = lowest.map((l) => {
    const line =
      l.price !== undefined
        ? `- ${l.name}: from ${money(l.price)} in stock`
        : l.found
          ? `- ${l.name}: none in stock right now`
          : `- ${l.name}: nothing matches exactly`;
    return `${line}${l.choices ? `; comes in ${l.choices}` : ''}.`;
  });
  const priced = lowest.filter((l) => l.price !== undefined).sort((a, b) => a.price! - b.price!);
  const more = /\b(?:more expensive|pricier|costs? more)\b/i.test(question);
  const verdict =
    asksPrice && priced.length >= 2
      ? more
        ? `The ${priced.at(-1)!.name} ${/s$/i.test(priced.at(-1)!.name) ? 'cost' : 'costs'} more: from ${money(priced.at(-1)!.price)}, against ${money(priced[0]!.price)} for the ${priced[0]!.name}.`
        : `The ${priced[0]!.name} ${/s$/i.test(priced[0]!.name) ? 'are' : 'is'} cheaper: from ${money(priced[0]!.price)}, against ${money(priced[1]!.price)} for the ${priced[1]!.name}.`
      : undefined;
  return [verdict, ...lines].filter(Boolean).join('\n');
}

/** A text's sentences and lines, without list marks. */
function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((l) => l.replace(/^[#*\-\s]+/, '').trim())
    .filter((l) => l.length > 3);
}

/** A word made negative by its prefix: "unused", "unopened", "nonrefundable", "non-returnable". */
const NEGATED = /^(?:un|non-?|in)([a-z]{3,})$/;

/**
 * "Can I return shoes I already wore?": wearing, washing or trying on is using, and the box or the tags are the
 * packaging, which is how a help article states what condition a returned thing must be in ("unused and in their
 * original packaging"). The question with the condition in those words beside its own.
 */
function withConditionNamed(question: string): string {
  const extra = [
    /\b(?:wore|worn|wearing|washed|tried (?:it |them )?on)\b/i.test(question) ? 'used' : '',
    /\b(?:box|boxes|tags?|wrapping)\b/i.test(question) ? 'packaging' : '',
  ].filter(Boolean);
  return extra.length ? `${question} ${extra.join(' ')}` : question;
}

function relevantLines(text: string, question: string, max = 3): string[] {
  const asked = rawWords(withConditionNamed(question));
  const q = new Set(asked.filter((w) => w.length > 2 && !STOP_WORDS.has(w)).map(stem));
  // "How much is it?" asks what it costs, which a line says with an amount or "free".
  const asksCost = ASKS_COST.test(question);
  // "What's the return window?" asks for a time limit, which a line says as "within 30 days".
  const asksDeadline = ASKS_DEADLINE.test(question);
  const forms = new Set(asked.filter((w) => q.has(stem(w))));
  const pairs = new Set(asked.slice(1).map((w, i) => `${asked[i]} ${w}`));
  const scored = sentencesOf(text).map((l, i) => {
    const words = rawWords(l);
    const named = new Set(words.map(stem).filter((w) => q.has(w)));
    // "Can I return a used item?" and "…unused and in their original packaging": a line that states the negated
    // condition ("unused", "unopened", "non-refundable", "not worn") states what decides the question.
    let condition = false;
    for (const [j, w] of words.entries()) {
      const negated = NEGATED.exec(w)?.[1] ?? (j > 0 && /^(?:not|never)$/.test(words[j - 1]!) ? w : undefined);
      if (negated && q.has(stem(negated))) {
        named.add(stem(negated));
        condition = true;
      }
    }
    if (asksCost && STATES_COST.test(l)) named.add(COST);
    if (asksDeadline && STATES_DEADLINE.test(l)) named.add(DEADLINE);
    return {
      l,
      i,
      named,
      condition,
      n: named.size,
      phrased: words.slice(1).filter((w, j) => pairs.has(`${words[j]} ${w}`)).length,
      exact: new Set(words.filter((w) => forms.has(w))).size,
    };
  });
  const ranked = scored
    .filter((s) => s.n > 0)
    // The line with the condition first: it is the answer, whatever else the others share with the question.
    .sort(
      (a, b) =>
        Number(b.condition) - Number(a.condition) ||
        b.n - a.n ||
        b.phrased - a.phrased ||
        b.exact - a.exact ||
        a.i - b.i,
    );
  // Each line taken is the best one that names something of the question no line taken yet names, if any: "the
  // difference between standard and express shipping" is answered with a line on each, not two on express.
  const best: typeof ranked = [];
  const covered = new Set<string>();
  while (best.length < max && ranked.length) {
    const k = ranked.findIndex((s) => [...s.named].some((w) => !covered.has(w)));
    // Once every word asked is answered, only a line as good as the best one adds to the answer ("how long does
    // shipping take": standard and express); others add length ("shipping for a bicycle": the line on bicycles, not
    // the shipping times too).
    const first = best[0];
    if (k < 0 && !(first && ranked[0]!.n === first.n && ranked[0]!.phrased === first.phrased)) break;
    const [taken] = ranked.splice(Math.max(k, 0), 1);
    best.push(taken!);
    for (const w of taken!.named) covered.add(w);
  }
  return (best.length ? best : scored.slice(0, Math.min(max, 2))).sort((a, b) => a.i - b.i).map((s) => s.l);
}

/** First words of a line that tells the specialist what to do, rather than saying something a shopper may be told. */
const DIRECTIVE = new Set(
  `always never don dont do be ask answer keep use say tell offer recommend search quote identify create summarise
  summarize check respond reply greet help make avoid try if when whenever you your please remember note ensure follow
  refer escalate hand transfer mention explain provide give confirm verify collect gather suggest stay treat focus`
    .split(/\s+/)
    .filter(Boolean),
);
/** "Tell customers that parking is free" says what to tell: "Parking is free". */
const TELL =
  /^(?:please\s+)?(?:tell|inform|let)\s+(?:the\s+)?(?:customers?|shoppers?|users?|people|them|visitors?)\s+(?:know\s+)?(?:that\s+)?/i;

/**
 * A card with no tools answers from its own instructions, as a model would: the lines that state something a shopper
 * may be told ("Our Austin store is open 10am to 8pm", "Tell customers that parking is free"), the ones that share
 * words with the question. Undefined when none does: the card's instructions do not cover it.
 */
export function answerFromInstructions(instructions: string, question: string): string | undefined {
  const asked = new Set(
    rawWords(question)
      .filter((w) => w.length > 2 && !STOP_WORDS.has(w))
      .map(stem),
  );
  const statements = instructions
    .split(/(?<=[.!?])\s+|\n+/)
    // List markers, not a statement's own first number ("30-day returns are free").
    .map((l) => l.replace(/^(?:[#*-]+|\d+[.)])\s+/, '').trim())
    .map((l) => (TELL.test(l) ? capitalise(l.replace(TELL, '')) : l))
    .filter((l) => l.length > 3 && !DIRECTIVE.has(rawWords(l)[0] ?? ''))
    .map((l) => ({
      l,
      n: new Set(
        rawWords(l)
          .map(stem)
          .filter((w) => asked.has(w)),
      ).size,
    }));
  const most = Math.max(0, ...statements.map((s) => s.n));
  if (!most) return undefined;
  // The statements that share the most words with the question: "is parking free?" is not about free returns.
  const best = statements.filter((s) => s.n === most).map((s) => (/[.!?]$/.test(s.l) ? s.l : `${s.l}.`));
  return relevantLines(best.join('\n'), question, 2).join(' ');
}

/** Asking what is on a gift card or account: "balance", "how much is left", "how much do I have on". */
const ASKS_BALANCE = /\bbalance\b|\bhow much\b[^?.!]*\b(?:left|on|in|remaining|have)\b/i;
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];
/** ": the payment methods saved are your Visa card ending 9182 and PayPal", or nothing when none is. */
const savedMethods = (user: UserView) =>
  user.paymentMethods.length
    ? `; the payment methods saved are ${list(user.paymentMethods.map((m) => brandCased(m.label)))}`
    : '';

/** What the shopper asked to see of their account; card numbers are never more than the store keeps (brand, last four). */
function renderAccountDetails(user: UserView, details: readonly AccountDetail[], question: string): string {
  const lines = details.map((d) => {
    switch (d) {
      case 'address':
        return user.address
          ? `The default address on your account is ${user.address}.`
          : "I don't see a default address on your account.";
      case 'payment': {
        // "What's my gift card balance?", "how much is left on my gift card?": the cards' balances are the answer.
        if (ASKS_BALANCE.test(question)) {
          const cards = user.paymentMethods.filter((m) => m.source === 'gift_card');
          if (!cards.length) return `I don't see a gift card on your account${savedMethods(user)}.`;
          return cards
            .map(
              (m, i) =>
                `Your ${cards.length > 1 ? `${ORDINALS[i] ?? `${i + 1}th`} ` : ''}gift card has ${
                  m.balance === undefined ? 'a balance I cannot see from here' : `a balance of ${money(m.balance)}`
                }.`,
            )
            .join(' ');
        }
        const methods = user.paymentMethods.map((m) =>
          m.source === 'gift_card' && m.balance !== undefined ? `${m.label} (balance ${money(m.balance)})` : m.label,
        );
        return methods.length
          ? `The payment ${methods.length === 1 ? 'method' : 'methods'} saved on your account: ${list(methods)}.`
          : "I don't see any saved payment methods on your account.";
      }
      case 'email':
        return user.email
          ? `The email address on your account is ${user.email}.`
          : "I don't see an email address on your account.";
      default:
        return user.phone
          ? `The phone number on your account is ${user.phone}.`
          : "Your account doesn't have a phone number; I can't add one here, but a colleague can.";
    }
  });
  return lines.join('\n');
}

/** A line that says where a rule stops: "We currently ship to addresses in the United States only." */
const LIMIT = /\b(only|not|cannot|can't|except|excluding|outside|unless)\b/i;
/** Words that frame a question rather than name what it is about ("how long", "how soon", "does it take"). */
const QUESTION_FRAME = new Set([
  'long',
  'soon',
  'often',
  'take',
  'takes',
  'took',
  'cost',
  'costs',
  'work',
  'works',
  'difference',
  'between',
  'compare',
  'versus',
]);

/**
 * Answer from knowledge articles, citing the title. When the question names something the article never mentions
 * ("how long does shipping take to Canada?"), the article's answer to it is where its rule stops: the line that
 * says so ("… in the United States only") is quoted too, instead of the times that do not apply.
 */
export function renderArticles(articles: ArticleView[], asked: string): string {
  // "Take me off your mailing list", "stop sending me emails": what the articles call unsubscribing.
  const question = optsOut(rawWords(asked)) ? `${asked} (unsubscribe)` : asked;
  const best = articles[0];
  if (!best)
    return "I couldn't find anything about that in our help articles. A colleague can help: just ask for a person.";
  let lines = relevantLines(best.content, question);
  const known = new Set(rawWords(best.content).map(stem));
  const common = new Set(COMMON_WORDS);
  const unnamed = rawWords(question).filter(
    (w) => w.length > 3 && !/\d/.test(w) && !STOP_WORDS.has(w) && !common.has(w) && !QUESTION_FRAME.has(w),
  );
  if (unnamed.some((w) => !known.has(stem(w))) && !lines.some((l) => LIMIT.test(l))) {
    const asked = new Set(unnamed.map(stem));
    const limit = sentencesOf(best.content).find((l) => LIMIT.test(l) && rawWords(l).some((w) => asked.has(stem(w))));
    // The two lines that answer best, and the limit.
    if (limit) lines = [...relevantLines(best.content, question, 2).filter((l) => l !== limit), limit];
  }
  return `According to our "${best.title}" article: ${lines.join(' ')}`;
}

/**
 * What customers add to what the shopper has, of what goes with it (goesWith: a skateboard's buyers may often have
 * bought perfume too, which is no suggestion for a skateboard). With nothing that stands out, or nothing of it related,
 * that is said in the shop's words: the tool's note ("do not push a recommendation") is addressed to the assistant,
 * never quoted to the shopper.
 */
function renderRecommendations(step: ToolStep, e: Entities): string {
  const { recommendations } = readRecommendations(step.output);
  const what = e.products[0] ? `the ${e.products[0]}` : 'that';
  if (!recommendations.length)
    return `Nothing stands out as often bought with ${what}, so I won't push anything on you. Is there something specific you're looking for?`;
  const related = recommendations.filter((r) => !r.because || goesWith(r.because, r.name) !== false);
  if (!related.length)
    return `Nothing that goes with ${what} stands out among what customers buy with it, so I won't suggest something unrelated. Is there something specific you're looking for?`;
  const lines = related.slice(0, 3).map((r) => {
    const why = r.because
      ? ` (often bought with the ${r.because}${r.ordersTogether ? `: together in ${r.ordersTogether} orders` : ''})`
      : '';
    const item = r.items[0];
    const offer = item ? `, e.g. ${optionText(item.options) || 'item'} at ${money(item.price)}` : '';
    return `- ${r.name}${why}${offer}`;
  });
  return ['Customers who bought this often add:', ...lines].join('\n');
}

function renderTicket(output: unknown, hours: { open: boolean; summary: string }): string {
  const ticket = nested(output, 'ticket') ?? output;
  // The reference is for people; a store without one gives only its id.
  const id = field(ticket, 'reference', 'ticket_id', 'id');
  const priority = field(ticket, 'priority');
  const head = `I've passed your request to a colleague${id ? ` (ticket ${id}${priority ? `, ${priority} priority` : ''})` : ''}.`;
  return hours.open
    ? `${head} A person will pick it up shortly.`
    : `${head} Our team is available ${hours.summary}; someone will get back to you then.`;
}

/** The store's reads of a product's variants. */
const PRODUCT_READS: ReadonlySet<string> = new Set(['search_products', 'get_product_details', 'read_product_document']);

/** The variants a product read lists, named (a document's table names none: its product's name is theirs). */
function variantsRead(step: ToolStep): VariantView[] {
  if (step.tool !== 'read_product_document') return readVariants(step.output).variants;
  const doc = field(step.output, 'document', 'content', 'text');
  const name = field(step.output, 'name');
  return doc ? variantsOfDocument(doc).map((v) => ({ ...v, name })) : [];
}

/** How one tool result reads in the reply, or undefined for results the reply does not mention. */
export function renderStep(
  step: ToolStep,
  ctx: {
    entities: Entities;
    question: string;
    hours: { open: boolean; summary: string };
    accountDetails?: readonly AccountDetail[];
    /** A variant the task read (get_product_details), by item id. */
    variant?: (itemId: string) => VariantView | undefined;
    /** The line of the last answer's list the shopper picked ("is the first one waterproof?"), if any. */
    picked?: ShownPick;
  },
): string | undefined {
  if (!step.ok) return undefined;
  const o = step.output;
  // "Is the first one waterproof?" right after a list: that item as shown, not every variant of its kind.
  if (ctx.picked && PRODUCT_READS.has(step.tool)) {
    const named = [...ctx.entities.colours, ...ctx.entities.sizes, ...ctx.entities.materials];
    const alone = answerForPicked(ctx.picked, variantsRead(step), ctx.question, named);
    if (alone) return alone;
  }
  switch (step.tool) {
    case 'find_user_id_by_email':
    case 'find_user_id_by_name_zip':
    case 'send_verification_code':
      return undefined;
    case 'get_order_status':
    case 'get_order_details':
    case 'modify_pending_order_address':
    case 'modify_pending_order_payment':
    case 'modify_pending_order_items': {
      const order = readOrder(o);
      if (!order) return renderGeneric(step);
      // What was just changed is said first; the order's state follows.
      const done =
        step.tool === 'modify_pending_order_address'
          ? `Done: the shipping address of order ${order.orderId} is changed.\n\n`
          : step.tool === 'modify_pending_order_payment'
            ? `Done: the payment method of order ${order.orderId} is changed.\n\n`
            : '';
      return `${done}${renderOrder(order, done ? '' : ctx.question)}`;
    }
    case 'cancel_pending_order':
    case 'return_delivered_order_items':
    case 'exchange_delivered_order_items': {
      const order = readOrder(o);
      return order ? renderOrderChange(step.tool, order, ctx.variant) : renderGeneric(step);
    }
    case 'get_user_details': {
      const user = readUser(o);
      if (!user) return renderGeneric(step);
      if (ctx.accountDetails) return renderAccountDetails(user, ctx.accountDetails, ctx.question);
      // "Do I have any other orders?" asks past the order(s) the conversation is about.
      const known = ASKS_PAST_NAMED.test(ctx.question)
        ? user.orderIds.filter((id) => ctx.entities.orderIds.includes(id))
        : [];
      const rest = user.orderIds.filter((id) => !known.includes(id));
      const count = (n: number, other: string) => (n === 1 ? `one ${other}order` : `${n} ${other}orders`);
      if (known.length)
        return rest.length
          ? `Besides ${list(known)}, I see ${count(rest.length, 'other ')} on your account: ${list(rest)}.`
          : `${list(known)} ${known.length === 1 ? 'is the only order' : 'are the only orders'} on your account.`;
      return user.orderIds.length
        ? `I see ${count(user.orderIds.length, '')} on your account: ${list(user.orderIds)}.`
        : "I don't see any orders on your account.";
    }
    case 'modify_user_address':
      return 'Your default address is updated; existing orders keep the address they were placed with.';
    case 'search_products': {
      const listed = renderSearch(step, ctx.entities, listingFor(ctx.question));
      const { variants } = readVariants(o);
      const name = variants[0]?.name;
      const answer =
        name && variants.every((v) => v.name === name) ? yesNoAnswer(ctx.question, name, variants) : undefined;
      return answer && listed.startsWith('Here is what I found') ? `${answer.text}\n${listed}` : listed;
    }
    case 'get_product_details':
      return renderProduct(step, ctx.entities, listingFor(ctx.question), ctx.question);
    case 'read_product_document': {
      const doc = field(o, 'document', 'content', 'text') ?? (typeof o === 'string' ? o : undefined);
      const name = field(o, 'name') ?? 'the product';
      // Quoted as sentences: a table's rows, the headings and the product's id read as noise ("| item id | size | ...").
      const prose = doc
        ?.split('\n')
        .filter((l) => !/^\s*(\||#|product id:)/i.test(l))
        .join('\n');
      const variants = doc ? variantsOfDocument(doc) : [];
      if (variants.length) {
        const { reply, answer } = answerFromVariants(ctx.question, name, variants, []);
        if (reply ?? answer) return reply ?? answer!.text;
      }
      // "The difference between the E-Reader models": the options its variants differ in, and what each can be.
      const differ = optionKeys(variants).filter((k) => valuesOf(variants, k).length > 1);
      if (COMPARES.test(ctx.question) && differ.length && ctx.entities.products.length <= 1)
        return `The ${name} variants differ in ${list(differ.map((k) => `${k} (${valuesOf(variants, k).join(', ')})`))}.${
          prose?.trim() ? ` ${relevantLines(prose, ctx.question, 1).join(' ')}` : ''
        }`;
      return prose?.trim()
        ? `From the product document for ${name}: ${relevantLines(prose, ctx.question).join(' ')}`
        : renderGeneric(step);
    }
    case 'list_all_product_types': {
      const names = o && typeof o === 'object' ? (Array.isArray(o) ? o.map(String) : Object.keys(o)) : [];
      return names.length ? `We sell: ${list(names)}.` : renderGeneric(step);
    }
    case 'recommend_related':
      return renderRecommendations(step, ctx.entities);
    case 'search_knowledge':
      return renderArticles(topicalArticles(readArticles(o), analyzeText(ctx.question)), ctx.question);
    case 'validate_email':
      return nested(o, 'valid') === false
        ? `That email address doesn't look right: ${field(o, 'reason') ?? 'please check it'}.`
        : undefined;
    case 'create_lead': {
      const interest = field(o, 'interest') ?? 'updates';
      // A sales enquiry is answered by the sales team (the newsletter article says within two business days).
      if (/^bulk order: /i.test(interest))
        return `Thank you: our sales team will contact you at ${field(o, 'email') ?? 'your email address'} about your enquiry ("${interest.replace(/^bulk order: /i, '')}").`;
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
    // A `note` is the tool's word to the assistant, not something to read out to the shopper.
    .filter(([k, v]) => k !== 'note' && v !== null && ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 6)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${String(v)}`);
  return entries.length ? `${capitalise(label)}: ${entries.join('; ')}.` : `Done: ${label}.`;
}

/** A failed tool call, explained without jargon. */
/** A failed call, told to the shopper (shopperError); `seen` are the calls before it, which name what it names. */
export function explainError(step: ToolStep, seen: readonly ToolStep[] = []): string {
  return shopperError(step, seen);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
