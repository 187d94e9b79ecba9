import { answersSinceShopper, cardAnswers, historyBefore } from './answers-since-shopper.js';
import type { CardIndex } from './card-scorer.js';
import { type Entities, extractEntities } from './entity-extractor.js';
import { CHANGES, INTENT_ANCHORS } from './intent-anchors.js';
import { isSmallTalk } from './message-checks.js';
import type { PlanBrief } from './plan-brief.js';
import { listedProducts, PRICE_OF_IT, propertyAsked, SETS_AGAINST } from './product-list.js';
import {
  ASKS_FOR_ADDRESS,
  ASKS_REFUND_AMOUNT,
  ASKS_WHAT_NOW,
  answersWhich,
  asksTotalOfIt,
  givesAddressPart,
  picksFromOffer,
  SAYS_PURPOSE,
} from './request-cues.js';
import { ownerOf } from './routing-principles.js';
import { classifyIntent, type TaskIntent } from './task-intent.js';
import { stem } from './text-features.js';

/**
 * What a short follow-up refers to ("how much is it?", "how much are they?", "the waterproof one", "both", "how much
 * was it in total?", "which is cheaper?"), found in what was said just before it, and the card that said it.
 */
export interface Referent {
  /** The card whose answer named the thing (or things) referred to. */
  agent: string;
  /** A pick among what the answer offered, or the part of an address it asked for: the request before goes on. */
  continues: boolean;
  /** The one order the answer was about, when the follow-up acts on it or asks its amount. */
  orderId?: string;
}

/** The message being planned, and the answer just before it. */
interface FollowUp {
  index: CardIndex;
  hints: PlanBrief;
  message: string;
  entities: Entities;
  /** The last answer given by a card since the shopper's previous message. */
  last?: PlanBrief['history'][number] & { agentName: string };
}

/**
 * A short follow-up whose subject is a pronoun or an elided noun goes to the card whose last answer named what it
 * refers to: the options that answer offered or asked which of, the order it was about, the products it showed, the
 * products the shopper listed for it. Each reading below is one way a follow-up takes its referent up, tried in turn;
 * none applies to a message that names its own thing or asks anew.
 */
export function referentOf(index: CardIndex, hints: PlanBrief, message: string): Referent | undefined {
  const last = answersSinceShopper(hints, message).at(-1);
  const followUp: FollowUp = {
    index,
    hints,
    message,
    entities: extractEntities(message),
    last: last?.agentName ? { ...last, agentName: last.agentName } : undefined,
  };
  for (const read of READINGS) {
    const referent = read(followUp);
    if (referent) return referent;
  }
  return undefined;
}

const READINGS: ((f: FollowUp) => Referent | undefined)[] = [
  comparesWhatWasListed,
  picksFromLastAnswer,
  changesOrderShown,
  amountOfOrderShown,
  addressPartAsked,
  productsShown,
  // "What are my options now?": what the last answer left open, asked of the card that gave it.
  (f) => (f.last && ASKS_WHAT_NOW.test(f.message) ? { agent: f.last.agentName, continues: false } : undefined),
];

/**
 * "Which is cheaper?" after "do you have headphones or earbuds?": a comparison naming no product sets the products of
 * the shopper's previous message against each other, and goes to the card that answered it.
 */
function comparesWhatWasListed({ hints, message, entities }: FollowUp): Referent | undefined {
  if (!comparesAlone(message) || entities.products.length) return undefined;
  const history = historyBefore(hints, message);
  const users = history.flatMap((h, i) => (h.role === 'user' ? [i] : [])).slice(-2);
  const listed = users.findLast((i) => listedProducts(history[i]!.text).length >= 2);
  if (listed === undefined) return undefined;
  const agent = cardAnswers(hints, history.slice(listed + 1)).at(-1)?.agentName;
  return agent ? { agent, continues: false } : undefined;
}

/**
 * "10 please" after a card offered sizes and asked which; "the one with the keyboard", "both", "sorry I mean the tablet"
 * after a card asked which: that card's question, answered, for the request it asked it for.
 */
function picksFromLastAnswer({ last, message }: FollowUp): Referent | undefined {
  return last && (picksFromOffer(message, last.text) || answersWhich(message, last.text))
    ? { agent: last.agentName, continues: true }
    : undefined;
}

/**
 * "Can you ship it to 12 Oak St, Austin, TX 78701 instead?" right after an answer about an order: a change of that
 * order (its address, its payment, its items), for the card that answered about it, though "ship" alone asks how
 * shipping works. The card must make that change: its words name it ("address", "pay"), as for a clause of its own.
 */
function changesOrderShown({ index, hints, message, entities }: FollowUp): Referent | undefined {
  if (entities.orderIds.length || !REFERS_TO_ORDER.test(message)) return undefined;
  const intent = classifyIntent(index.analyze(message), entities);
  if (!CHANGES.has(intent)) return undefined;
  const answer = answerAboutAnOrder(hints, message);
  const terms = index.profiles.find((p) => p.name === answer?.agentName)?.terms;
  return answer && terms && INTENT_ANCHORS[intent]!.some((a) => terms.has(stem(a)))
    ? { agent: answer.agentName!, continues: false, orderId: onlyOrder(answer.text) }
    : undefined;
}

/**
 * "How much was it in total?", "how much will I get back?" right after an answer about one order: that order's amount
 * (its total, the refund of its return), from the card that answered; a question for the help articles when no order
 * was just shown.
 */
function amountOfOrderShown({ last, message, entities }: FollowUp): Referent | undefined {
  if (!(asksTotalOfIt(message) || ASKS_REFUND_AMOUNT.test(message)) || entities.orderIds.length || !last)
    return undefined;
  const orderId = onlyOrder(last.text);
  return orderId ? { agent: last.agentName, continues: false, orderId } : undefined;
}

/** "88 Lake View Rd, Plano, TX" right after a card asked for an address: part of it, for that card. */
function addressPartAsked({ last, message }: FollowUp): Referent | undefined {
  return last && ASKS_FOR_ADDRESS.test(last.text) && givesAddressPart(message)
    ? { agent: last.agentName, continues: true }
    : undefined;
}

/**
 * "What colours?", "does it have auto shutoff?", "how much are they?", "she likes yoga", "under 150 please", right
 * after the card that searches the catalogue (or finds presents) answered: the talk about those products goes on with
 * that card, which reads the products from its answer or the earlier message. A question of its own ("what's your
 * return policy?", "where is my order?") or a thank-you is planned as any message is.
 */
function productsShown({ index, last, message, entities: e }: FollowUp): Referent | undefined {
  const productCards = [ownerOf(index, 'search'), ownerOf(index, 'gift')];
  if (!last || !productCards.includes(last.agentName) || message.split(/\s+/).length > 12) return undefined;
  if (e.products.length + e.orderIds.length + e.emails.length + e.itemIds.length + e.productIds.length > 0)
    return undefined;
  const features = index.analyze(message);
  const intent = classifyIntent(features, e);
  // "How much is it?" reads as a question for the articles; of the product just shown, it is the product's price.
  const priceOfIt = PRICE_OF_IT.test(message) && !SHOP_TOPIC.test(message);
  // "How long does the battery last?", "how heavy is it?": a property of the product shown, whatever "how long" says.
  const propertyOfIt = !!propertyAsked(message) && !SHOP_TOPIC.test(message);
  if (isSmallTalk(features.words) || !(PRODUCT_TALK_INTENTS.has(intent) || priceOfIt || propertyOfIt)) return undefined;
  // "Do they run true to size?" asks how sizes fit, which the sizing guide says, not the product's options.
  return (MORE_OF_IT.test(message) || propertyOfIt || SAYS_PURPOSE.test(message)) && !ASKS_FIT.test(message)
    ? { agent: last.agentName, continues: false }
    : undefined;
}

/**
 * "Can I remove the desk lamp from it?" after an answer about order #W7634667: "it" is that order. The latest answer
 * since the shopper's previous message that names an order.
 */
export function answerAboutAnOrder(hints: PlanBrief, message: string): PlanBrief['history'][number] | undefined {
  return answersSinceShopper(hints, message).findLast((h) => extractEntities(h.text).orderIds.length > 0);
}

/** The one order an answer names; undefined when it names none or several. */
function onlyOrder(text: string): string | undefined {
  const ids = new Set(extractEntities(text).orderIds);
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** "It", "they", "the blue one", "that one", "the second one": words that point at a thing without naming it. */
const POINTS_AT_THING =
  /\b(?:it|its|they|them|their|this|that|these|those)\b|\b(?:the|that|this)\s+(?:[\w-]+\s+){0,2}ones?\b/i;
const PLACES = ['first', 'second', 'third', 'fourth', 'fifth'];
/**
 * "the second one", "the 3rd", "the last": the place of a pick among the lines of a list (0-based). A place word after
 * "the" or before "one" only: "how long does the battery last?" picks nothing.
 */
function placePicked(text: string, count: number): number | undefined {
  const m =
    /\bthe\s+(?:(first|second|third|fourth|fifth)|([1-9])(?:st|nd|rd|th)|(last))\b|\b(?:(first|second|third|fourth|fifth)|([1-9])(?:st|nd|rd|th)|(last))\s+one\b/i.exec(
      text,
    );
  if (!m) return undefined;
  const [word, digit, last] = [m[1] ?? m[4], m[2] ?? m[5], m[3] ?? m[6]];
  const at = last ? count - 1 : word ? PLACES.indexOf(word.toLowerCase()) : Number(digit) - 1;
  return at < count ? at : undefined;
}
/** One kind of product however a line writes it: "Bluetooth Speakers" and "bluetooth speaker" are one. */
const kindOf = (product: string) => product.toLowerCase().split(/\s+/).map(stem).join(' ');

/**
 * "How much is the blue one?", "is it waterproof?", "add the second one to my alert" right after an answer that showed
 * products (and was about no order): the product the task's words point at, which the task names as it names an order
 * pointed at, so that the card acts on that product. The one kind of product the answer showed; among several kinds,
 * the one in the place picked ("the second one") or the one whose lines have the option picked ("the blue one");
 * undefined when the words name a thing of their own, point at nothing, or could mean more than one kind. A line picked
 * by its place brings its options too ("the second one": the red Bluetooth Speaker), as the shopper saw them; the one
 * kind the shopper asked for brings the options they asked for it in ("a blue t-shirt in S", then "let me know when
 * it's back"). Talk about the listing that points at nothing ("which is the cheapest?", "what colours?") stays with the
 * card that showed it, which reads its own results.
 */
export function productReferred(hints: PlanBrief, message: string, text: string): ProductReferred | undefined {
  const e = extractEntities(text);
  if (e.products.length + e.orderIds.length + e.itemIds.length + e.productIds.length > 0) return undefined;
  if (!POINTS_AT_THING.test(text) && placePicked(text, 5) === undefined) return undefined;
  const answer = answersSinceShopper(hints, message).at(-1)?.text;
  if (!answer || extractEntities(answer).orderIds.length) return undefined;
  const listed = [...answer.matchAll(/^\s*(?:[-*•]|\d+[.)])\s+(.+)$/gm)].map((m) => m[1]!);
  const lines = (listed.length ? listed : [answer])
    .map((line) => extractEntities(line))
    .filter((l) => l.products.length > 0);
  if (!lines.length) return undefined;
  const at = listed.length > 1 ? placePicked(text, lines.length) : undefined;
  if (at !== undefined) {
    const { products, colours, sizes, materials } = lines[at]!;
    return { products: products.slice(0, 1), colours, sizes, materials };
  }
  const options = [...e.colours, ...e.sizes, ...e.materials].map((o) => o.toLowerCase());
  const fitting = lines.filter((l) =>
    options.every((o) => [...l.colours, ...l.sizes, ...l.materials].some((x) => x.toLowerCase() === o)),
  );
  const kinds = new Map((fitting.length ? fitting : lines).flatMap((l) => l.products.map((p) => [kindOf(p), p])));
  if (kinds.size !== 1) return undefined;
  const [kind, product] = [...kinds][0]!;
  const asked = historyBefore(hints, message).findLast((h) => h.role === 'user');
  const before = asked && extractEntities(asked.text);
  const same = before?.products.some((p) => kindOf(p) === kind) ? before : undefined;
  return {
    products: [product],
    colours: same?.colours ?? [],
    sizes: same?.sizes ?? [],
    materials: same?.materials ?? [],
  };
}
/** The product a task points at, and the options of the line picked, if one was. */
export type ProductReferred = Pick<Entities, 'products' | 'colours' | 'sizes' | 'materials'>;

/** "It", "that order": a clause that names no order of its own but points at one. */
export const REFERS_TO_ORDER = /\b(?:it|that|this|the order|that order|this order|the same order)\b/i;

const ASKS_FIT = /\btrue to size\b|\b(?:run|runs|running|fit|fits)\s+(?:small|large|big|narrow|wide|true)\b/i;
const PRODUCT_TALK_INTENTS: ReadonlySet<TaskIntent> = new Set([
  'unknown',
  'product_search',
  'product_detail',
  'recommend',
]);
const SHOP_TOPIC = /\b(?:ship\w*|deliver\w*|return\w*|refund\w*|warrant\w*|fee|fees|tax|taxes|insurance)\b/i;
/** Words that ask more of the products just shown, or say more of whom they are for. */
const MORE_OF_IT =
  /\b(?:it|its|they|them|their|one|ones|this|that|these|those)\b|\b(?:colou?rs?|sizes?|materials?|options?|styles?|versions?|models?|price|prices|cost|cheap\w*|expensive|stock|available|under|below|budget)\b|\$\s?\d|^\s*(?:and\s+|what about\s+|how about\s+)?(?:in|with|without)\b|\b(?:she|he|they)\s+(?:likes?|loves?|enjoys?|is into|are into|is a fan)\b|\b(?:something|anything)\s+(?:a bit\s+|a little\s+|much\s+|even\s+)?(?:\w{3,}er|more\s+\w+|less\s+\w+)\b/i;

/** A comparison asked on its own: "which is cheaper?", "which one is better?", "what's the difference?". */
const comparesAlone = (message: string) =>
  /^\s*(?:and\s+|so\s+|ok\s+)?(?:which|what)\b/i.test(message) && SETS_AGAINST.test(message);
