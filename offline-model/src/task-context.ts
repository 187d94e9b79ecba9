import { type Entities, extractEntities } from './entity-extractor.js';
import { withoutNegatedRequests } from './negation.js';
import { listingBefore, PRICE_OF_IT, propertyAsked, SETS_AGAINST } from './product-list.js';
import { MAX_EARLIER_READ_CHARS, readable } from './read-limit.js';
import {
  type AccountDetail,
  ADDRESS_LINE_2,
  ASKS_FOR_ADDRESS,
  ASKS_ORDER_TOTAL,
  ASKS_PAST_NAMED,
  ASKS_REFUND_AMOUNT,
  ASKS_WHAT_NOW,
  accountDetailsAsked,
  amendsProposal,
  answersWhich,
  asksForCodeAgain,
  asksForGift,
  asksTotalOfIt,
  BARE_SIZE,
  CHARGED_TWICE,
  givesAddressPart,
  givesOnlyDetails,
  LACKS_ORDER_NUMBER,
  LATEST_ORDER,
  LEGAL_THREAT,
  leftUnhelped,
  ORIGINAL_METHOD,
  PAID_FOR_NOTHING,
  picksFromOffer,
  replacedMethod,
  requestConcepts,
  SAME_AGAIN,
  SAYS_PURPOSE,
  TELLS_MORE,
} from './request-cues.js';
import type { TaskBrief } from './task-brief.js';
import { classifyIntent, type TaskIntent } from './task-intent.js';
import {
  conversationSteps,
  readTaskTranscript,
  type TaskTranscript,
  type ToolStep,
  toolPart,
} from './task-transcript.js';
import { analyzeText, rawWords, stem, type TextFeatures } from './text-features.js';
import type { ArgumentValues } from './tool-arguments.js';
import { readUser, readUserId, readVariants } from './tool-output-readers.js';
import type { ChatRequest, ToolSpec } from './wire.js';

/** Everything the specialist rules look at for one model call. */
export interface TaskContext {
  hints: TaskBrief;
  tools: ToolSpec[];
  transcript: TaskTranscript;
  /** The shopper's words for this task (quoted from the instruction when the planner quoted them). */
  request: string;
  features: TextFeatures;
  entities: Entities;
  intent: TaskIntent;
  /** From the hints, or identified by a tool earlier in this task. */
  customerId?: string;
  /**
   * The message goes on from the question before, answered from the articles ("and for clothes?"): `request` holds both,
   * and the articles are searched for them rather than taken from the hints (found for this message alone).
   */
  followsUp: boolean;
  /** What of the account the shopper asked to see ("what cards do I have on file?"), here or in the request continued. */
  accountDetails?: AccountDetail[];
  /** The shopper's earlier request this message goes on with (a "yes", a code, an order number or an option), if any. */
  continues?: string;
  /** An address the shopper has begun to give, in parts, when it is not whole yet ("88 Lake View Rd"). */
  addressSoFar?: string;
  /** Not verified, but the shopper claimed who they are (the prompt says so, or an identity tool recorded it). */
  claimed: boolean;
  /** "Yes please", "send me the code" right after an answer that offered to send the one-time code. */
  acceptsCode: boolean;
  /** The assistant's last words before this message, if any. */
  lastAnswer?: string;
  values: ArgumentValues;
  /** The offered tool whose name (after its server) is `tool`, if any. */
  offered(tool: string): ToolSpec | undefined;
  /** Steps of this task that called `tool`, oldest first. */
  called(tool: string): ToolStep[];
  /** The latest successful output of `tool` in this task, or earlier in this run. */
  latest(tool: string): ToolStep | undefined;
  /** Every step of the conversation so far, earlier runs' too, oldest first (read when asked). */
  conversationSteps(): ToolStep[];
}

const QUOTED = /The customer wrote: "([\s\S]*)"/;
/**
 * "What colours?", "what thickness options?", "a cheaper one?", "which one has the most storage?": questions about
 * the product asked for before, which name none (as is PRICE_OF_IT).
 */
const ASKS_OPTION_VALUES =
  /^\W*(?:and\s+|so\s+|ok\s+)?(?:(?:what|which|any other|other)\s+(?:other\s+)?(?:colou?rs?|sizes?|materials?|styles?|options?)\b|(?:what|which)\s+(?:[a-z-]+\s+){1,2}(?:options?|choices?)\b|(?:do you have |is there |are there |any )?(?:an?\s+)?(?:cheaper|less expensive|pricier|more expensive|bigger|smaller|larger|lighter)\s+(?:one|ones|option|options|version|model)\b|(?:do you have |is there |have you got )?(?:anything|something)\s+(?:a bit\s+|a little\s+|even\s+)?(?:cheaper|less expensive|pricier|more expensive|bigger|smaller|larger|lighter)\b|which (?:one|ones)\s+(?:has|have|is|are)\b|(?:which|what)(?:'s|\s+is|\s+are)?\s+(?:one\s+|ones\s+)?(?:is\s+|are\s+)?the\s+(?:cheapest|least expensive|most expensive|priciest|best|lightest|heaviest|biggest|smallest|newest)\b)/i;
const THAT_ORDER = /\b(?:that|this|the same|the last|same) order\b/i;
/** "Which orders do I have?", "where are my orders": the account's orders, not the one named a message ago. */
const ACCOUNT_ORDERS = /\b(?:which|what|all|my|how many)\s+(?:\w+\s+){0,2}?orders\b/i;

/** A question that only goes on from the one before: "and for clothes?", "what if it's unopened?", "what about sale items?". */
const FOLLOWS_UP =
  /^\W*(?:(?:and|but|so|ok|okay|also)\W+)?(?:what|how)\s+(?:if|about)\b|^\W*(?:and|but|also)\s+(?:for|with|if|in|on|when|after|before)\b/i;
/** An answer the stand-in gave from a help article. */
const ARTICLE_ANSWER = /^According to our "[^"]+" article:/;

const RETURNS: ReadonlySet<TaskIntent> = new Set(['refund', 'return', 'exchange']);

/** A short return, refund or exchange that names no item or order of its own: how a return asked before should go. */
function namesNothing(text: string, e: Entities, intent: TaskIntent): boolean {
  return (
    (RETURNS.has(intent) || !!e.paymentPreference || ORIGINAL_METHOD.test(text)) &&
    e.products.length + e.orderIds.length + e.itemIds.length === 0 &&
    rawWords(text).length <= 8
  );
}

/** The latest return, refund or exchange before, when it names what it is about. */
function returnBefore(
  texts: string[],
  analyze: (text: string) => TextFeatures,
): { intent: TaskIntent; entities: Entities } | undefined {
  for (let i = texts.length - 1; i >= 0; i--) {
    if (givesOnlyDetails(texts[i]!)) continue;
    const e = extractEntities(texts[i]!);
    const intent = classifyIntent(analyze(texts[i]!), e);
    // The email and the code that identified the shopper came between.
    if (intent === 'unknown' || intent === 'greeting' || looksLikeCode(texts[i]!)) continue;
    if (!RETURNS.has(intent)) return undefined;
    if (e.products.length + e.orderIds.length + e.itemIds.length > 0) return { intent, entities: e };
  }
  return undefined;
}

/** An answer that offers to send the one-time code ("… I can send a one-time code to the email address …: just ask"). */
const OFFERED_CODE = /\bI can send a one-time code\b/i;

/** An answer that proposed a change and waits for the shopper's yes (the order recipes' CONFIRM). */
const ASKED_TO_CONFIRM = /\breply "yes" to confirm\b/i;

/** An answer that proposed a return or an exchange and waits for the shopper's yes. */
export const PROPOSED_RETURN = /\bI can (?:return|exchange)\b[\s\S]*\breply "yes"/i;

/** The assistant's last words before the task message, if any. */
function lastAnswer(messages: ChatRequest['messages']): string | undefined {
  for (let i = messages.length - 2; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user') continue;
    if (m.role === 'assistant' && typeof m.content === 'string' && m.content.trim()) return m.content;
  }
  return undefined;
}

const PLACES = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
/** The order the text picks by its place among those the answer listed ("the second one", "the 3rd", "the last"). */
function orderInPlace(text: string, answer: string | undefined): string | undefined {
  const listed = extractEntities(readable(answer ?? '', 4_000)).orderIds;
  if (listed.length < 2) return undefined;
  const m = /\b(?:(first|second|third|fourth|fifth|sixth)|(\d)(?:st|nd|rd|th)|(last))\b/i.exec(text);
  if (!m) return undefined;
  const at = m[3] ? listed.length - 1 : m[1] ? PLACES.indexOf(m[1].toLowerCase()) : Number(m[2]) - 1;
  return listed[at];
}

/** "Is it …?", "does it come in blue?", "how much is it?": a question about a product pointed at, not named. */
const ASKS_ABOUT_IT =
  /^\s*(?:and\s+|so\s+|ok\s+)?(?:is|are|does|do|can|will)\s+(?:it|they|this one|that one)\b|\bhow much (?:is|are|does|do|would) (?:it|they|this|that)\b/i;

/** The one product the assistant's last answer showed (its lines name one product, in one or more variants). */
function productShown(messages: ChatRequest['messages']): Entities | undefined {
  const answer = lastAnswer(messages);
  if (!answer) return undefined;
  const e = extractEntities(readable(answer, 4_000));
  return new Set(e.products).size === 1 ? { ...e, products: [e.products[0]!] } : undefined;
}

/** An order action on "it": "cancel it", "can I still change it?", "ship it to … instead". */
const ACTS_ON_IT = /\b(?:cancel|change|modify|update|return|exchange|swap|redirect|ship|send|deliver)\s+it\b/i;

/** The one order the last answer was about; undefined when it named none or several. */
function onlyOrderOfLastAnswer(messages: ChatRequest['messages']): string | undefined {
  const ids = new Set(extractEntities(readable(lastAnswer(messages) ?? '', 4_000)).orderIds);
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** The order id named last in the conversation before the task message, by the shopper or the assistant. */
function lastNamedOrder(messages: ChatRequest['messages']): string | undefined {
  for (let i = messages.length - 2; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const ids = typeof m.content === 'string' ? extractEntities(readable(m.content, 4_000)).orderIds : [];
    if (ids.length) return ids.at(-1);
  }
  return undefined;
}

/** Builds the task context: entities from the instruction, the message, then earlier user messages. */
export function buildTaskContext(request: ChatRequest, hints: TaskBrief): TaskContext {
  const transcript = readTaskTranscript(request.messages);
  const tools = request.tools ?? [];
  const quote = QUOTED.exec(hints.instruction);
  const quoted = quote?.[1];
  const analyze = analyzeText;
  // "And for clothes?", "what if it's unopened?" right after an answer from the articles: the question before, asked
  // on, which is what the articles are searched and read for.
  const previousText = transcript.earlierUserTexts.filter((t) => t.trim() !== hints.userMessage.trim()).at(-1);
  const ownAsk = quoted ?? hints.instruction;
  const followsUp =
    !!previousText && FOLLOWS_UP.test(ownAsk) && ARTICLE_ANSWER.test(lastAnswer(request.messages) ?? '');
  const ask = followsUp ? `${previousText!.trim().replace(/[?.!\s]*$/, '')}, ${ownAsk.trim()}` : ownAsk;
  const features = analyze(ask);
  const message = extractEntities(hints.userMessage);
  // "Yes, and add apartment 5B": the change proposed, amended; proposed again with the amendment, not made.
  const amends =
    amendsProposal(hints.userMessage, message) && ASKED_TO_CONFIRM.test(lastAnswer(request.messages) ?? '');
  // "Yes please", "send me the code" after "… I can send a one-time code …: just ask".
  const acceptsCode =
    OFFERED_CODE.test(lastAnswer(request.messages) ?? '') && (message.confirms || asksForCodeAgain(hints.userMessage));
  // "9" after "which size would you like?": a size, though a bare number names none.
  const bareSize = BARE_SIZE.exec(hints.userMessage)?.[1];
  const stated = extractEntities(hints.instruction);
  const own = bareSize && !stated.sizes.length ? { ...stated, sizes: [bareSize] } : stated;
  // Earlier messages, latest first, read only as far back as a fact is missing.
  function* earlier(): Generator<Entities> {
    const texts = transcript.earlierUserTexts;
    for (let i = texts.length - 1; i >= 0; i--) yield extractEntities(texts[i]!);
  }
  const first = <T>(pick: (e: Entities) => T | undefined, sources: Iterable<Entities>) => {
    for (const s of sources) {
      const v = pick(s);
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) return v;
    }
    return undefined;
  };
  // "that order", "the same order": the order the conversation last named, the assistant's words included.
  // "Can I still cancel it?" right after an answer about one order: that order.
  const thatOrder = THAT_ORDER.test(ask)
    ? lastNamedOrder(request.messages)
    : ACTS_ON_IT.test(ask) || asksTotalOfIt(ask) || ASKS_REFUND_AMOUNT.test(ask)
      ? onlyOrderOfLastAnswer(request.messages)
      : undefined;
  const withEarlier = function* () {
    yield own;
    yield message;
    if (thatOrder) yield { ...own, orderIds: [thatOrder] };
    yield* earlier();
  };
  // Identity and order details carry over from earlier messages; product words stay with their task.
  // Asked past the one named ("any other orders"), the named one still counts: the reply leaves it out.
  const accountOrders = ACCOUNT_ORDERS.test(ask) && !ASKS_PAST_NAMED.test(ask);
  const entities: Entities = {
    ...own,
    orderIds: first((e) => e.orderIds, accountOrders ? [own, message] : withEarlier()) ?? [],
    emails: first((e) => e.emails, withEarlier()) ?? [],
    name: first((e) => e.name, withEarlier()),
    zip: first((e) => e.zip, withEarlier()),
    address: first((e) => e.address, [own, message]),
    // A "yes" confirms only what the last answer proposed and asked to confirm: after anything else it changes nothing.
    confirms: message.confirms && !amends && ASKED_TO_CONFIRM.test(lastAnswer(request.messages) ?? ''),
    // "Under 50 please" is a budget as the shopper's whole message, which the job line around it is not.
    maxPrice: own.maxPrice ?? (quoted ? extractEntities(quoted).maxPrice : undefined),
  };
  keepMethod(entities, ask);
  const all = [...transcript.runSteps, ...transcript.steps];
  // "How much did I pay for my last order?": the account's latest order (the store lists them in the order they were
  // placed), once the account is read; till then none, so that the account is read rather than an older order named.
  const latestOrder = !own.orderIds.length && LATEST_ORDER.test(ask);
  if (latestOrder) {
    const account = all.findLast((s) => s.ok && s.tool === 'get_user_details');
    const latest = account ? readUser(account.output)?.orderIds.at(-1) : undefined;
    entities.orderIds = latest ? [latest] : [];
  }
  let earlierSteps: ToolStep[] | undefined;
  const identified = [...transcript.steps]
    .reverse()
    .find((s) => s.ok && /^find_user_id/.test(s.tool) && readUserId(s.output));
  const customerId = hints.customerId ?? (identified ? readUserId(identified.output) : undefined);
  const claimed =
    !customerId &&
    (hints.claimed ||
      all.some((s) => s.ok && /^find_user_id/.test(s.tool) && !!(s.output as { claimed?: unknown } | null)?.claimed));
  // Classify on what this task's text says, not on ids carried over from earlier messages, and not on a request it
  // rules out: "don't cancel anything, I just want to know when it arrives" asks where the order is.
  const asked = withoutNegatedRequests(ask);
  let intent = classifyIntent(asked === ask ? features : analyze(asked), own);
  // "How much was it in total?" right after an answer about one order: that order's details, its amount first.
  if (thatOrder && asksTotalOfIt(ask) && !own.orderIds.length) intent = 'track';
  // "How much will I get back?" right after an answer about one order (the planner may name it): the refund of its return.
  if (ASKS_REFUND_AMOUNT.test(ask) && (thatOrder || own.orderIds.length) && !RETURNS.has(intent)) intent = 'return';
  // "How much did I pay for my last order?", "where's my most recent order?": a question about that order.
  if (latestOrder && (intent === 'knowledge' || intent === 'unknown' || ASKS_ORDER_TOTAL.test(ask))) intent = 'track';
  // "yes", "it's jane@example.com" or "the blue one" continues the earlier request: take its intent and
  // what the shopper said then (address, item, size, colour...), unless this message says otherwise.
  const details =
    entities.confirms ||
    // "Okay, do it" after a question asked about the change proposed just before: that change, proposed again (the
    // server takes a yes only to the message right after a proposal).
    (message.confirms &&
      (transcript.heldAgo === 0 ||
        // The message before this one (earlierUserTexts ends with this one).
        (transcript.heldAgo === 1 && /\?\s*$/.test(transcript.earlierUserTexts.at(-2) ?? '')))) ||
    looksLikeCode(hints.userMessage) ||
    acceptsCode ||
    // "I didn't get the code, send it again": the request it was for, verified afresh.
    asksForCodeAgain(hints.userMessage) ||
    own.emails.length ||
    own.orderIds.length ||
    own.name ||
    own.address ||
    refersToOption(ask, own) ||
    // "I ordered it by mistake" after "cancel W3614011": the reason for the cancellation asked before.
    own.byMistake ||
    // "I don't have the order number": still the request before, found from who the shopper is.
    LACKS_ORDER_NUMBER.test(ask) ||
    // "What are my options?", "it's been 10 days": the request before, asked on or told more of.
    ASKS_WHAT_NOW.test(ask) ||
    (TELLS_MORE.test(ask) && rawWords(ask).length <= 10 && intent === 'unknown') ||
    // "and under $300?": a budget alone changes the earlier request.
    (!own.products.length && (own.maxPrice !== undefined || own.minPrice !== undefined));
  let accountDetails = accountDetailsIn(ask);
  let continues: string | undefined;
  let addressSoFar: string | undefined;
  // "10 please" after "… Which size would you like?": the pick the last answer asked for, of the request before.
  // "The one with the keyboard", "sorry I mean the tablet" after "… Which one should I cancel?": the shopper's pick.
  const picked = picksFromOffer(ask, lastAnswer(request.messages)) || answersWhich(ask, lastAnswer(request.messages));
  // "The second one" after "You have 3 orders that fit: #A, #B, #C. Which one …?": the order in that place.
  const placed = picked && !own.orderIds.length ? orderInPlace(ask, lastAnswer(request.messages)) : undefined;
  if (placed) entities.orderIds = [placed];
  // "Yes" to "Order #W5183325 is pending: … Shall I cancel it?": the one order the proposal named, however it was picked.
  const proposedOrder = entities.confirms && !own.orderIds.length ? onlyOrderOfLastAnswer(request.messages) : undefined;
  if (proposedOrder) entities.orderIds = [proposedOrder];
  // "Refund to my card", "replacement please", "to the gift card please" right after a return or an exchange was
  // proposed: the same items, paid back that way, or swapped for the same again instead.
  const original = ORIGINAL_METHOD.test(ask);
  // "88 Lake View Rd, Plano, TX" after "What is the new address?": part of the address asked for.
  const addressPart =
    !own.address && ASKS_FOR_ADDRESS.test(lastAnswer(request.messages) ?? '') && givesAddressPart(hints.userMessage);
  // "How much will I get back?" right after a return was proposed: the refund of those items, asked.
  const reworks =
    (['refund', 'return', 'exchange'].includes(intent) ||
      !!own.paymentPreference ||
      original ||
      ASKS_REFUND_AMOUNT.test(ask)) &&
    PROPOSED_RETURN.test(lastAnswer(request.messages) ?? '') &&
    own.products.length + own.orderIds.length + own.itemIds.length === 0 &&
    rawWords(ask).length <= 10;
  // "A new one instead of a refund" names the refund it does not want: a new one of the same is an exchange.
  const reworkedTo = reworks && (intent === 'exchange' || SAME_AGAIN.test(ask)) ? 'exchange' : undefined;
  // "My email is jane@x.com and my phone is …" gives details whatever "email" suggests on its own.
  // "Ok the size 10 leather then" to a card with no catalogue search: the option for the item it is changing, not a
  // product question.
  const optionForItem =
    refersToOption(ask, own) && !own.products.length && !tools.some((t) => /(?:^|\.)search_products$/.test(t.name));
  if (
    ((intent === 'unknown' || intent === 'greeting' || givesOnlyDetails(hints.userMessage) || optionForItem) &&
      details) ||
    picked ||
    reworks ||
    amends ||
    addressPart
  ) {
    const continued = continueEarlierRequest(transcript.earlierUserTexts, ask, analyze, earlierPicks(request.messages));
    if (continued) {
      intent = reworkedTo ?? (continued.intent === 'refund' && reworks ? 'return' : continued.intent);
      accountDetails ??= accountDetailsIn(continued.text);
      continues = continued.text;
      const before = continued.entities;
      for (const key of ['products', 'colours', 'sizes', 'materials', 'itemIds', 'productIds'] as const)
        if (entities[key].length === 0) entities[key] = before[key];
      keepConstraints(entities, before);
      entities.address ??= before.address;
      if (!own.address) entities.address = withSecondLine(entities.address, hints.userMessage);
      // The address given in parts since the request: read whole, or kept as far as it goes, to ask for the rest.
      if (addressPart && !entities.address) {
        const parts = [...continued.addressParts, hints.userMessage.trim()];
        entities.address = extractEntities(parts.join(', ')).address;
        if (!entities.address) addressSoFar = parts.join(', ');
      }
      entities.paymentPreference ??= before.paymentPreference;
      entities.cardBrand ??= before.cardBrand;
      // "To my original payment please" after the refund was proposed to a gift card: back where it came from.
      if (original && !own.paymentPreference) entities.paymentPreference = undefined;
      entities.byMistake ||= before.byMistake;
    }
  }
  // "Can you let me know when it's back?" after asking for a blue polyester t-shirt in S: the alert is for the thing
  // asked about before, with the options asked for then.
  if (intent === 'restock' && !entities.products.length && !entities.itemIds.length && !entities.productIds.length) {
    const before = first((e) => (e.products.length ? e : undefined), earlier());
    if (before) {
      entities.products = before.products;
      for (const key of ['colours', 'sizes', 'materials'] as const)
        if (!entities[key].length) entities[key] = before[key];
    }
  }
  // "Does it come in blue?" right after an answer that showed one product: a question about that product.
  const shown = ASKS_ABOUT_IT.test(ask) ? productShown(request.messages) : undefined;
  // "She likes yoga", "under 150 please" after "a gift for my sister": more said of the present asked for.
  if (
    intent === 'unknown' &&
    !shown &&
    !own.products.length &&
    !own.orderIds.length &&
    transcript.earlierUserTexts
      .filter((t) => t.trim() !== hints.userMessage.trim())
      .slice(-3)
      .some(asksForGift)
  )
    intent = 'recommend';
  const propertyOfIt = !!propertyAsked(ask);
  // "What about in size 10?", "and in red?", "is it waterproof?": options or a question alone, after the shopper asked
  // for a product, ask for that product again with them, and the budget and measures they gave (a new product or id
  // starts afresh).
  const optionsAlone =
    own.sizes.length + own.colours.length + own.materials.length > 0 ||
    own.maxPrice !== undefined ||
    own.minPrice !== undefined ||
    // "Is it waterproof?", "are they leather?": the product asked about before.
    /^\s*(?:and\s+|so\s+|ok\s+)?(?:is|are|does|do)\s+(?:it|they|this one|that one)\b/i.test(ask) ||
    // "What colours?", "how much is it?", "a cheaper one?": the product's options, price or extremes.
    ASKS_OPTION_VALUES.test(ask) ||
    PRICE_OF_IT.test(ask) ||
    // "How long does the battery last?", "how heavy is it?": a property of the product asked about before.
    propertyOfIt ||
    // "Mostly for gaming": what the product asked about is for.
    SAYS_PURPOSE.test(ask);
  // "Which is cheaper?" after "do you have headphones or earbuds?": a question about the products listed before.
  if (
    (intent === 'unknown' || intent === 'knowledge') &&
    !entities.products.length &&
    SETS_AGAINST.test(ask) &&
    listingBefore(transcript.earlierUserTexts, hints.userMessage) !== undefined
  )
    intent = 'product_detail';
  // "Is it machine washable?" names nothing of the shop's, so it reads as no intent at all: after a product was asked
  // about, it is a question about that product.
  const aboutIt =
    /^\s*(?:and\s+|so\s+|ok\s+)?(?:is|are|does|do|can|will)\s+(?:it|they|this one|that one)\b/i.test(ask) ||
    ASKS_OPTION_VALUES.test(ask) ||
    PRICE_OF_IT.test(ask) ||
    propertyOfIt ||
    SAYS_PURPOSE.test(ask);
  // "Does it come in blue?" after the present shown for someone into yoga: that product's options, not more presents.
  if (shown && intent === 'recommend' && !own.products.length) intent = 'product_search';
  if (
    (intent === 'product_search' ||
      intent === 'product_detail' ||
      (intent === 'unknown' && aboutIt) ||
      // "How long does the battery last?" reads as a question of time for the articles.
      (intent === 'knowledge' && propertyOfIt)) &&
    optionsAlone &&
    !entities.products.length &&
    !entities.productIds.length &&
    !entities.itemIds.length
  ) {
    // The product the last answer showed, when it showed one ("- Yoga Mat (blue, PVC, 4mm): $92.53" for a present
    // for someone into yoga); else the one the shopper asked about before.
    const before = shown ?? first((e) => (e.products.length ? e : undefined), earlier());
    if (before) {
      entities.products = before.products;
      // What the shopper said of it before; the answer's own lines are the product's, not their constraints.
      if (before !== shown) keepConstraints(entities, before);
      if (intent === 'unknown' || intent === 'knowledge') intent = 'product_detail';
    }
  }
  const stems = new Set(rawWords(`${ask} ${hints.userMessage}`).map(stem));
  // What the planner's job line names is what to look for: "Find case for the customer. The customer wrote: 'My
  // daughter loved the headphones I bought, do you have a matching case'" searches for a case, not headphones.
  const jobProducts = quote?.index ? extractEntities(hints.instruction.slice(0, quote.index)).products : [];
  // The shopper's qualifiers ("men's") stay in the query: the store decides what they mean.
  // "A portable charger for my phone": the phone is what it is for, not a second thing to look for.
  const forWhat = (p: string) =>
    new RegExp(`\\bfor (?:my|the|a|an|our|his|her|their) ${p.replace(/[^a-z0-9 ]/gi, '')}\\b`, 'i').test(ask);
  const sought = entities.products.length > 1 ? entities.products.filter((p) => !forWhat(p)) : entities.products;
  const searchWords = [
    ...(entities.fit ? [entities.fit] : []),
    ...entities.colours,
    ...entities.materials,
    ...(jobProducts.length ? jobProducts : sought.length ? sought : entities.products),
    ...entities.specs,
  ];
  const values: ArgumentValues = {
    text: ask.trim(),
    query: searchWords.join(' '),
    email: entities.emails[0],
    orderId: entities.orderIds[0],
    customerId,
    productId: entities.productIds[0],
    itemIds: entities.itemIds,
    firstName: entities.name?.firstName,
    lastName: entities.name?.lastName,
    zip: entities.zip,
    phone: /(\+?\d[\d\s().-]{7,}\d)/.exec(hints.userMessage.replace(/#?W\d+|\b\d{10}\b/g, ' '))?.[1]?.trim(),
    address: entities.address,
    color: entities.colours[0],
    size: entities.sizes[0],
    material: entities.materials[0],
    maxPrice: entities.maxPrice,
    minPrice: entities.minPrice,
    // Product words go in the search query, which the store interprets; an exact type filter would drop synonyms.
    productType: undefined,
    inStock: /\b(in stock|available now|can (i )?order now)\b/i.test(ask) ? true : undefined,
    numbers: entities.numbers,
    urgent: entities.urgent,
    upset:
      features.tokens.some((t) => t.stem === stem('upset') || t.stem === stem('complaint')) ||
      leftUnhelped(ask) ||
      // Money taken for nothing, or twice, and a threat of the law are as pressing as a complaint; so is shouting.
      PAID_FOR_NOTHING.test(ask) ||
      CHARGED_TWICE.test(ask) ||
      LEGAL_THREAT.test(ask) ||
      shouts(hints.userMessage) ||
      // The contact details asked for by the form: the request they were asked for says how it went.
      (givesOnlyDetails(hints.userMessage) && leftUnhelped(previousText ?? '')),
    stems,
  };
  return {
    hints,
    tools,
    transcript,
    request: ask,
    followsUp,
    accountDetails,
    continues,
    addressSoFar,
    acceptsCode,
    lastAnswer: lastAnswer(request.messages),
    features,
    entities,
    intent,
    customerId,
    claimed,
    values,
    offered: (tool) => tools.find((t) => toolPart(t.name) === tool),
    called: (tool) => transcript.steps.filter((s) => s.tool === tool),
    latest: (tool) => [...all].reverse().find((s) => s.tool === tool && s.ok),
    conversationSteps: () => {
      earlierSteps ??= [...conversationSteps(request.messages), ...transcript.steps];
      return earlierSteps;
    },
  };
}

/** What the shopper said of an earlier request that this one did not change: measures, budget, fit. */
function keepConstraints(entities: Entities, before: Entities): void {
  if (!entities.specs.length) entities.specs = before.specs;
  entities.maxPrice ??= before.maxPrice;
  entities.minPrice ??= before.minPrice;
  entities.fit ??= before.fit;
}

/**
 * "Charge my visa instead of paypal": the way to pay is the one not replaced, which the words alone ("paypal" read
 * first) do not say.
 */
function keepMethod(entities: Entities, text: string): Entities {
  const { kept, replaced } = replacedMethod(text);
  if (replaced) {
    const stated = extractEntities(kept);
    entities.paymentPreference = stated.paymentPreference;
    entities.cardBrand = stated.cardBrand;
  }
  return entities;
}

/** "And add apartment 5B" after an address was given: that address, with this second line. */
function withSecondLine(address: Entities['address'], text: string): Entities['address'] {
  const line2 = address && ADDRESS_LINE_2.exec(text);
  if (!line2) return address;
  const kind = line2[1]!.charAt(0).toUpperCase() + line2[1]!.slice(1).toLowerCase();
  return { ...address, address2: `${kind} ${line2[2]!.toUpperCase()}` };
}

/** Six digits on their own: a verification code the shopper typed (the core checks it before planning). */
export const looksLikeCode = (text: string) => /(?<![\w#-])\d{6}(?![\w-])/.test(text);

/** Product and item ids from earlier search results of this run ("what goes with it?"). */
export function runProductIds(ctx: TaskContext): { productId?: string; itemId?: string } {
  for (const s of [...ctx.transcript.runSteps, ...ctx.transcript.steps].reverse()) {
    if (!s.ok) continue;
    const v = readVariants(s.output).variants[0];
    if (v?.productId || v?.itemId) return { productId: v.productId, itemId: v.itemId };
  }
  return {};
}

/** "the blue one", "that one", "the second one", "the XL": a choice among options listed before. */
function refersToOption(text: string, e: Entities): boolean {
  const short = text.trim().split(/\s+/).length <= 8;
  const pointer =
    /\b(the|that|this)\s+([\w-]+\s+){0,2}(one|option|variant)\b|^\s*(the\s+)?(first|second|third|last)\b/i.test(text);
  return short && (pointer || e.colours.length + e.sizes.length + e.materials.length > 0);
}

/**
 * Where a message's pieces part: after a sentence end, a comma or a semicolon, and after an email address. The
 * look-behinds run only where a space is: at every letter of a long word, one would scan back over all of it.
 */
const PIECES = /(?=\s)(?:(?<=[,;.!?])|(?<=@[\w-]+(?:\.[\w-]+)+))\s+/;
/**
 * What of the account the text asks to see, read past the pieces in which the shopper gives their own details ("my
 * email is jane@x.com, what's the address on my account?"): an email given there says who they are, and is neither
 * the detail asked for nor a reason to read the rest as something else.
 */
function accountDetailsIn(text: string): AccountDetail[] | undefined {
  const asked = text
    .split(PIECES)
    .filter((piece) => !givesOnlyDetails(piece))
    .join(' ');
  return accountDetailsAsked(asked.trim() ? asked : text);
}

/**
 * Earlier shopper messages that picked from what the answer right before them offered and asked to choose ("the
 * kettle" after "… the first is the Electric Kettle; … Which would you like to return?"): answers, not requests.
 */
function earlierPicks(messages: ChatRequest['messages']): Set<string> {
  const picks = new Set<string>();
  const last = messages.findLastIndex((m) => m.role === 'user');
  let answer: string | undefined;
  for (const m of messages.slice(0, Math.max(last, 0))) {
    if (m.role === 'assistant' && typeof m.content === 'string' && m.content.trim()) answer = m.content;
    if (m.role !== 'user') continue;
    const text = readable(m.content, MAX_EARLIER_READ_CHARS).trim();
    if (picksFromOffer(text, answer) || answersWhich(text, answer)) picks.add(text);
    answer = undefined;
  }
  return picks;
}

/**
 * The latest earlier request this message continues: the most recent earlier shopper message with an
 * intent of its own, and everything stated from it up to now (later statements win: a corrected
 * address replaces the first one).
 */
function continueEarlierRequest(
  earlierTexts: string[],
  current: string,
  analyze: (text: string) => TextFeatures,
  picks: ReadonlySet<string> = new Set(),
): { intent: TaskIntent; entities: Entities; text: string; addressParts: string[] } | undefined {
  // The history ends with this turn's own message; the request it continues came before.
  const texts = earlierTexts.at(-1)?.trim() === current.trim() ? earlierTexts.slice(0, -1) : earlierTexts;
  for (let i = texts.length - 1; i >= 0; i--) {
    // "W2417020" after "cancel my order" gave the order; the request is the one before it.
    if (givesOnlyDetails(texts[i]!)) continue;
    const before = keepMethod({ ...extractEntities(texts[i]!) }, texts[i]!);
    // "Size 10 in leather please" answered the request before with options; their values are merged below.
    if (i > 0 && !before.products.length && !before.orderIds.length && refersToOption(texts[i]!, before)) continue;
    // "88 Lake View Rd" gave part of the address the request needs; its parts are read whole below.
    if (i > 0 && givesAddressPart(texts[i]!)) continue;
    // "The kettle" picked from the items an answer listed for the request before: that request, with the pick merged.
    if (i > 0 && picks.has(texts[i]!.trim())) continue;
    // "How much will I get back?" asked of the return proposed before: a question about that request, not one of its own.
    if (i > 0 && ASKS_REFUND_AMOUNT.test(texts[i]!) && !before.products.length && !before.orderIds.length) continue;
    // Read as the planner reads it: "we need 30 office chairs" implies a bulk enquiry.
    let intent = classifyIntent(
      analyze([withoutNegatedRequests(texts[i]!), ...requestConcepts(texts[i]!)].join(' ')),
      before,
    );
    if (intent === 'unknown' || intent === 'greeting') continue;
    let merged = { ...before };
    // "Replacement please" or "refund to my card" after "my water bottle leaks": how the return asked before should go,
    // which names nothing of its own; the request is that return, swapped instead or paid back that way.
    const base =
      i > 0 && namesNothing(texts[i]!, before, intent) ? returnBefore(texts.slice(0, i), analyze) : undefined;
    if (base) {
      const original = ORIGINAL_METHOD.test(texts[i]!) && !before.paymentPreference;
      merged = {
        ...base.entities,
        paymentPreference: original ? undefined : (before.paymentPreference ?? base.entities.paymentPreference),
      };
      intent = intent === 'exchange' ? 'exchange' : base.intent;
    }
    for (const text of texts.slice(i + 1)) {
      const later = extractEntities(text);
      merged.address = later.address ?? withSecondLine(merged.address, text);
      merged.byMistake ||= later.byMistake;
      for (const key of ['colours', 'sizes', 'materials', 'itemIds', 'products'] as const)
        if (later[key].length) merged[key] = later[key];
    }
    // "88 Lake View Rd", then "Plano, TX 75024": an address given in parts, read whole.
    const addressParts = texts.slice(i + 1).filter(givesAddressPart);
    if (!merged.address && addressParts.length) merged.address = extractEntities(addressParts.join(', ')).address;
    return { intent, entities: merged, text: texts[i]!, addressParts };
  }
  return undefined;
}

/** Letters in capitals that are names, not raised voices. */
const ABBREVIATIONS = new Set(
  'USB LED LCD OLED HDMI USA UPS DHL FAQ PDF SKU GPS XXL XXS BBB RAM SSD CEO DIY PIN ETA VAT EUR USD GBP CAD AUD PST EST CET'.split(
    ' ',
  ),
);

/** "You charged me TWICE … I want a person NOW": two words or more in capitals that are no abbreviation. */
function shouts(message: string): boolean {
  return (message.match(/\b[A-Z]{3,}\b/g) ?? []).filter((w) => !ABBREVIATIONS.has(w)).length >= 2;
}
