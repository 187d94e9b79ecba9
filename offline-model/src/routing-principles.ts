import { type CardIndex, type CardScore, isAttributeStem, nameWords } from './card-scorer.js';
import { opensAsQuestion } from './clause-splitter.js';
import type { Entities } from './entity-extractor.js';
import { isAccountCompromise } from './message-checks.js';
import { propertyAsked } from './product-list.js';
import {
  ASKS_FOR_A_PERSON,
  accountDetailsAsked,
  asksWhatElseToGet,
  asksWhenBack,
  CHARGED_TWICE,
  LEGAL_THREAT,
  leftUnhelped,
  PAID_FOR_NOTHING,
  refusesTheBot,
  requestConcepts,
} from './request-cues.js';
import { asksOfListedItem } from './shown-pick.js';
import {
  asksHowToReach,
  asksWhenPeopleWork,
  isShopFault,
  isThingInTransit,
  optsOut,
  type TaskIntent,
  toldAsDone,
  UPSET,
} from './task-intent.js';
import { rawWords, stem } from './text-features.js';

/**
 * How the planner's clauses are routed beyond their scores: principles that hold whatever the cards' exact
 * words (policy questions vs doing the thing, someone else on the account, the story of an escalation), and how
 * pieces without a request of their own join a neighbour.
 */

/** A clause whose score for a neighbour's agent is this close to its own best belongs with the neighbour. */
const NEIGHBOUR_RATIO = 0.6;

export interface ScoredClause {
  text: string;
  /** The text without the requests it rules out ("don't want to pay shipping for …"), where it rules any out. */
  stated?: string;
  intent?: TaskIntent;
  entities: Entities;
  scores: CardScore[];
  smallTalk: boolean;
  question: boolean;
  words: string[];
  agent?: string;
  /** Joined a neighbour's request as its context (a story, the order it is about): its words quote, its things come second. */
  context?: boolean;
}

/**
 * "I ordered the wrong colour chair, can I change it before it ships?": the first piece leans to
 * returns on its own, but scores nearly as well for the second piece's agent, which is clear-cut.
 * Such a piece joins its clear-cut neighbour.
 */
export function joinAmbiguousNeighbours(clauses: ScoredClause[]): void {
  const scoreFor = (c: ScoredClause, agent: string) => c.scores.find((s) => s.agent === agent)?.score ?? 0;
  // A question asks for itself unless its own words favour the neighbour's agent; a statement ("I ordered the
  // wrong colour chair") or a bare fragment ("... also bought what?") is context for its neighbour.
  // A question's words favour the neighbour's agent only when no other card scores as high on them: "Do you offer
  // free delivery?" scores the orders and the returns card alike, and next to a refund it is still a question of
  // its own.
  const favours = (c: ScoredClause, agent: string) =>
    c.scores.every((s) => s.agent === agent || s.score < scoreFor(c, agent));
  // A request for an order action ("I'd like to exchange my sneakers") is a task of its own, not context.
  // So is where a thing is ("the kettle from my other order still hasn't shown up").
  const asksForAction = (c: ScoredClause) =>
    (!!c.intent && ORDER_ACTIONS.has(c.intent) && REQUEST_WORDS.test(c.text)) ||
    (c.intent === 'track' && isThingInTransit(c.words));
  const ambiguousWith = (c: ScoredClause, agent: string) =>
    c.agent !== undefined &&
    !asksForAction(c) &&
    (!c.question || favours(c, agent)) &&
    scoreFor(c, agent) > 0 &&
    c.agent !== agent &&
    scoreFor(c, agent) >= NEIGHBOUR_RATIO * scoreFor(c, c.agent);
  for (let i = 0; i + 1 < clauses.length; i++) {
    const [a, b] = [clauses[i]!, clauses[i + 1]!];
    if (!a.agent || !b.agent || a.agent === b.agent) continue;
    const aLeans = ambiguousWith(a, b.agent);
    const bLeans = ambiguousWith(b, a.agent);
    if (aLeans && !bLeans) a.agent = b.agent;
    else if (bLeans && !aLeans) b.agent = a.agent;
  }
}

/** Words by which a card says it owns a kind of work, whatever else its skills list. */
const OWNER_WORDS = {
  knowledge: ['policy', 'faq', 'question', 'knowledge', 'information'],
  search: ['search', 'find', 'available', 'stock', 'catalogue'],
  human: ['human', 'person', 'talk', 'complaint', 'escalation'],
  track: ['track', 'tracking', 'status'],
  gift: ['gift'],
  account: ['account', 'saved', 'file', 'details'],
  restock: ['restock', 'notify'],
  returns: ['return', 'refund', 'exchange'],
} as const;

/** The card that most clearly owns a kind of work, by the owner words on it; undefined when none has any. */
export function ownerOf(index: CardIndex, kind: keyof typeof OWNER_WORDS): string | undefined {
  const stems = OWNER_WORDS[kind].map(stem);
  let best: { name: string; n: number } | undefined;
  for (const p of index.profiles) {
    const n = stems.filter((s) => p.terms.has(s)).length;
    if (n > 0 && (!best || n > best.n)) best = { name: p.name, n };
  }
  return best?.name;
}

/** A first-person request to do something ("I want to", "please", "can you"), as opposed to asking how things work. */
const REQUEST_WORDS =
  /\b(i want|i'd like|i would like|i need|i wish|please|can you|could you|help me|let me|i'm trying|i am trying|want to|need to)\b/i;
/** "something I bought", "items I ordered": any such thing, not one of the shopper's. */
const GENERIC_OBJECT =
  /\b(?:something|anything|an item|items|a product|products|stuff|things)\s+(?:that\s+)?i\s+(?:just\s+)?(?:received|bought|ordered|got)\b/gi;
/**
 * Words that point at nothing of the shopper's: "is it possible", "my money back" (the money is the question), "if I
 * change my mind", "after it's delivered" (any thing, the rule being the question), where
 * money lands ("how long do refunds take to show up on my card?": the card is no thing to act on), a relative "that"
 * ("a water bottle that keeps drinks cold").
 */
const NO_REFERENT =
  /\b(?:is|was|would|will|does|do) it (?:possible|ok|okay|allowed|true|normal|free|cost|take)\b|\b(?:after|once|when|before) (?:it|they)(?:'s|'re| is| are| was| were| has been| have been| has| have| gets?)? (?:delivered|arrived|arrives?|received|shipped|bought)\b|\bmy (?:money|mind)\b|\b(?:that|which) (?:keeps?|works?|fits?|comes?|holds?|lasts?|stays?|folds?|charges?|connects?|does|has|supports?|uses|takes|plays|runs|can|will|would|doesn'?t|won'?t)\b|\b(?:on|to|onto|into|in|back (?:on|to|into)) my (?:(?:credit|debit|bank) )?(?:card|bank(?: account)?|statement|paypal)\b/gi;
const REFERS_TO_THING =
  /\b(my|it|them|this|that|these|those|mine)\b|\bi (just |already )?(received|bought|ordered|got)\b|\b(?:did|have|had) i (?:just |last )?(?:order|ordered|buy|bought|purchase|purchased)\b|\b(?:orders?|purchases?|packages?) (?:do|did) i have\b|\bi have (?:any |some |\d+ )?(?:other |more )?(?:orders?|purchases?)\b|\b(?:on|in) file\b|\bi (?:have )?saved\b/i;
/** An add-on to something the shopper has or looks at: "to go with", "for my", "bought together". */
const ADD_ON =
  /\b(with|for my|to my|bought|ordered|got|together|bundles?|accessor\w*|complement\w*|match\w*|pair\w*)\b/i;

/** An add-on asked for, as written or with shorthand expanded ("wat else should i grab w them"). */
const addsOn = (c: ScoredClause) => ADD_ON.test(c.text) || ADD_ON.test(c.words.join(' '));

/**
 * Routing principles that hold whatever the cards' exact words:
 * - someone else acting on the shopper's account is a security matter for a person;
 * - a question about how things work (a policy, a time limit), with nothing of the shopper's to act on,
 *   is answered from the knowledge base, not by the card that would do the thing; a question on a topic that names
 *   one of a card's skills whole goes to that card (cardWhoseSkillIsNamed);
 * - so the rules of returns, refunds and exchanges asked in general ("what's your return policy?", "how long do I have
 *   to send something back if I change my mind?", "can sale items be exchanged?", "how long does a refund take?") are
 *   the knowledge base's: its articles state the rule, and the answer needs no identity nor any tool of the returns
 *   card. The returns card takes the question when it is about a thing or an order of the shopper's ("what's the
 *   deadline to return the speaker from #W…?", "the jacket I got, can I still send it back?") or asks for the return
 *   done. Routing sets written by others label the general question either way; this rule is kept whichever of them
 *   it costs, as one rule read the same way everywhere. A card named for the rule itself ("WarrantyAgent") answers it;
 * - "recommend X" with nothing bought to add it to is a product search;
 * - where a thing of the shopper's is ("has it shipped yet?") is not a question for the knowledge base: the card
 *   that tracks orders answers it; nor is a product's battery life or what it works with: the catalogue's card does;
 * - a fault of the shop's own ("the checkout page is broken") is a support question, not a return;
 * - when the shop's people work ("what time does customer service close?") is a question of business hours;
 * - asking for fewer emails ("unsubscribe me", "take me off your mailing list") is never a sign-up: the knowledge base
 *   says how; ending a subscription or a membership that names no mail goes to the card that keeps such things in its
 *   own words (a monthly box, a members' club), else to the knowledge base, never to the orders card;
 * - the price of a quantity no household buys is a sales enquiry, for the card that takes bulk enquiries;
 * - a thing needed by a day, told beside where an order is, is the deadline of that question, not a search.
 * Beside them, joinFaultToRepair reads a thing from the shop that failed while new as faulty goods for returns, with
 * "someone to fix it" beside it asking for that, not a paid repair.
 */
export function applyPrinciples(index: CardIndex, clauses: ScoredClause[], message: string): void {
  const human = ownerOf(index, 'human');
  const knowledge = ownerOf(index, 'knowledge');
  const search = ownerOf(index, 'search');
  const tracker = ownerOf(index, 'track');
  const gifts = ownerOf(index, 'gift');
  const accounts = ownerOf(index, 'account');
  const alerts = ownerOf(index, 'restock');
  const returns = ownerOf(index, 'returns');
  const sales = salesOwner(index);
  const compromised = isAccountCompromise(message);
  for (const c of clauses) {
    // "What cards do I have on file?", "what address do you have for me?": the account's own details, read by the card
    // that keeps them, not how the shop handles cards or addresses.
    // Unless another card has a skill the clause names whole ("gift card balance", or "check a gift card's balance"
    // but for the verb, which a question does not say): the card made for that thing.
    if (accounts && !compromised && accountDetailsAsked(c.text)) {
      const named = cardWhoseSkillIsNamed(index, c, 2, true);
      c.agent = named && named !== knowledge ? named : accounts;
      continue;
    }
    // "I was charged but the order never went through", "you billed me twice": money taken for nothing, which only a
    // person can put right; so is a threat of the law, or the shopper turning the bot down.
    if (
      human &&
      (PAID_FOR_NOTHING.test(c.text) ||
        CHARGED_TWICE.test(c.text) ||
        LEGAL_THREAT.test(c.text) ||
        refusesTheBot(c.text))
    ) {
      c.agent = human;
      continue;
    }
    if (!c.agent) {
      if (compromised && human && isAccountCompromise(c.text)) c.agent = human;
      else if (human && !c.smallTalk && leftUnhelped(c.text)) c.agent = human;
      else if (tracker && !c.smallTalk && isThingInTransit(c.words)) c.agent = tracker;
      else if (returns && returnToldAsSent(c)) c.agent = returns;
      // "Also, do you wrap gifts?": whether the shop offers a service, which no card's words name, asked beside another
      // request, is a question of its own for the knowledge base, not part of its neighbour.
      else if (knowledge && c.question && clauses.length > 1 && ASKS_SERVICE.test(c.text) && !POINTS_BACK.test(c.text))
        c.agent = knowledge;
      else if (search && !c.smallTalk && asksForGoods(c, clauses.length === 1)) c.agent = search;
      else if (search && (BUYS_ANOTHER.test(c.text) || (c.question && ASKS_ANOTHER.test(c.words.join(' '))))) {
        // "Return the laptop, it's too slow, and buy a faster one": another of the thing named before, from the
        // catalogue; the thing stays with the clause so that no join takes it for a piece of the return.
        // Asked as a question ("u got a stronger one?"), it is a search even when the thing has no name we know.
        const named = clauses.slice(0, clauses.indexOf(c)).findLast((p) => p.entities.products.length);
        if (named) {
          c.agent = search;
          c.entities = { ...c.entities, products: named.entities.products };
        } else if (c.question && ASKS_ANOTHER.test(c.words.join(' '))) c.agent = search;
      }
      continue;
    }
    const e = c.entities;
    const inTransit = isThingInTransit(c.words);
    const ownThing =
      inTransit ||
      e.orderIds.length + e.itemIds.length + e.productIds.length > 0 ||
      REFERS_TO_THING.test(c.text.replace(GENERIC_OBJECT, ' ').replace(NO_REFERENT, ' ')) ||
      // As the spelling corrector reads it: "the one i aready got".
      REFERS_TO_THING.test(c.words.join(' ').replace(GENERIC_OBJECT, ' ').replace(NO_REFERENT, ' ')) ||
      // "I ordered the wrong size sneakers, can I change to a 9?": a change asked right after the shopper's own thing is
      // a change to that thing, not a question about the rule.
      (ASKS_CHANGE.test(c.text) && previousIsOwnThing(clauses, c)) ||
      // "I just received my tablet … What's the tracking number of the order?": the order is the one just spoken of.
      (THE_ORDER.test(c.text) && previousIsOwnThing(clauses, c));
    if (compromised && human && (isAccountCompromise(c.text) || tellsWhatWasDone(c))) c.agent = human;
    // "Can I get the linen shirt in XL again?": stock asked after for later, which the card that sends alerts takes,
    // though the goods' words score the catalogue's card higher.
    else if (alerts && c.agent !== alerts && c.intent === 'restock' && asksWhenBack(c.text)) c.agent = alerts;
    // "Cancel my subscription", "end my membership": the shop's cards may keep subscriptions of goods or memberships,
    // beside the newsletter. Naming no mail, it ends the one a card speaks of in its own words; with none, the knowledge
    // base says how (or asks which): there is no order to cancel, nor a sign-up.
    else if (knowledge && ENDS_ARRANGEMENT.test(c.text) && !NAMES_MAIL.test(c.text))
      c.agent = arrangementCard(index, c) ?? knowledge;
    else if (knowledge && c.agent !== knowledge && optsOut(c.words)) c.agent = knowledge;
    // "Can I return shoes I already wore?": whether the rule allows it for a thing in that state, which the returns
    // article says; nothing of the shopper's is named for a card to act on, so no one needs to know who they are.
    else if (knowledge && c.agent !== knowledge && c.question && !e.orderIds.length && asksIfUsedMayGoBack(c.text))
      c.agent = knowledge;
    // "I'd like to order a gift card": buying a thing that both the knowledge base and a card that sells it speak of,
    // tied on the thing's words, is for the card that trades in it.
    else if (knowledge && c.agent === knowledge && !c.question && TRADES.test(c.text) && traderTied(index, c))
      c.agent = traderTied(index, c)!;
    else if (knowledge && c.agent === human && (asksWhenPeopleWork(c.text) || asksHowToReach(c.text)))
      c.agent = knowledge;
    else if (tracker && c.agent === knowledge && inTransit) c.agent = tracker;
    // "I posted the toaster back two weeks ago", "returned the boots last month, no money yet": a return the shopper
    // sent already, which asks where it stands, for the card that follows returns; not a new return, nor a parcel.
    else if (returns && c.agent !== returns && returnToldAsSent(c)) c.agent = returns;
    // "My package was returned to sender", "my order was cancelled with no explanation": what was done to the order,
    // told as where it stands, which the card that tracks orders reads ("returned" is the returns card's word).
    else if (tracker && c.agent !== tracker && c.intent === 'track' && toldAsDone(c.words.join(' ')).size)
      c.agent = tracker;
    // "Does the water bottle leak?", "do the headphones break easily?": asked of a product before buying it, not of
    // one of the shopper's that did.
    // So is a worry about one not yet bought: "I'm worried the sneakers will be too tight".
    else if (
      search &&
      c.agent !== search &&
      (c.question ? ASKS_OF_A_PRODUCT.test(c.text) : WORRIES_BEFORE_BUYING.test(c.text)) &&
      !ownThing &&
      e.products.length > 0 &&
      e.orderIds.length === 0 &&
      ['return', 'exchange'].includes(c.intent ?? '')
    )
      c.agent = search;
    // "Is my card saved securely?", "what happens to my data if I delete my account?": how the shop keeps and
    // deletes what it holds, which the privacy article says; no card reads or changes it.
    else if (
      knowledge &&
      c.agent !== knowledge &&
      (c.question || REQUEST_WORDS.test(c.text)) &&
      asksHowDataIsKept(c.text)
    )
      c.agent = knowledge;
    // "Bulk price for 60 tents?", "how much for 40 yoga mats?": the price of a quantity no household buys is a sales
    // enquiry, for the card that takes them, though the goods and "price" are the catalogue's (or the help articles')
    // words. Stock of so many ("do you have 40 in stock?") is still the catalogue's question.
    else if (
      sales &&
      c.agent !== sales &&
      (c.agent === search || c.agent === knowledge) &&
      c.intent === 'bulk' &&
      ASKS_PRICE.test(c.words.join(' ')) &&
      !INVOICE.test(c.text)
    )
      c.agent = sales;
    // "I need an invoice with my company name on it": a document for an order, not a sales enquiry ("company").
    else if (knowledge && c.intent === 'bulk' && INVOICE.test(c.text) && !/\b(?:bulk|wholesale)\b/i.test(c.text))
      c.agent = knowledge;
    // "How long does the speaker's battery last?", "is the smart watch compatible with iPhone?": a question about a
    // product of the catalogue, which its details answer, not a help article.
    else if (search && c.agent === knowledge && c.question && !ownThing && e.products.length && propertyAsked(c.text))
      c.agent = search;
    // "What colour is that one?", "how much does the last one cost?": of an item of a list, pointed at, not named.
    else if (search && c.agent === knowledge && asksOfListedItem(c.text)) c.agent = search;
    // "Any special offers on headphones?" asks what deals there are, and "my discount code doesn't apply" why a code
    // fails, which the help articles say; the card that takes sign-ups for offers cannot answer either.
    else if (
      knowledge &&
      c.agent !== knowledge &&
      (c.question || CODE_FAILS.test(c.text) || DEMANDS_DEAL.test(c.text)) &&
      !(ownThing && !CODE_FAILS.test(c.text)) &&
      !e.orderIds.length &&
      ASKS_DEALS.test(c.text) &&
      !SIGNS_UP.test(c.text) &&
      !e.emails.length &&
      !['restock', 'bulk', 'newsletter'].includes(c.intent ?? '')
    )
      c.agent = knowledge;
    else if (
      knowledge &&
      (c.question || namesPolicy(c)) &&
      !ownThing &&
      !outweighsKnowledge(index, c, knowledge) &&
      !REQUEST_WORDS.test(c.text) &&
      // "what's your return window for shoes": shoes in general, the rule being the question.
      (e.products.length === 0 || namesPolicy(c)) &&
      ['return', 'refund', 'exchange', 'cancel', 'knowledge', 'track', 'unknown'].includes(c.intent ?? '')
    )
      c.agent =
        (TOPICAL.has(c.intent ?? 'unknown') &&
          (topicCardOf(index, c, knowledge) ?? cardWhoseSkillIsNamed(index, c) ?? cardActedOn(index, c, knowledge))) ||
        knowledge;
    else if (search && /\b(recommend|suggest)/i.test(c.text) && e.products.length > 0 && !ADD_ON.test(c.text))
      c.agent = search;
    // "Which cases would be worth getting along with the tablet?": more to buy beside a thing, though goods are named.
    else if (gifts && c.agent === search && asksWhatElseToGet(c.text)) c.agent = gifts;
    // "Looking for a birthday present for my dad who likes fishing": a gift with no product named is the gift ideas
    // card's, though "looking for" is the catalogue's word.
    else if (gifts && c.agent !== gifts && c.intent === 'recommend' && GIFT_FOR.test(c.text) && e.products.length === 0)
      c.agent = gifts;
    else if (
      knowledge &&
      isShopFault(c.words) &&
      e.products.length + e.orderIds.length === 0 &&
      !(c.intent && ORDER_ACTIONS.has(c.intent))
    )
      c.agent = knowledge;
  }
  // "Has my order shipped? I need the speaker for a party on saturday": the thing wanted by a day, beside a question
  // where an order is, is why the shopper asks (a deadline), not a search: "the speaker" is one already ordered.
  const order = clauses.find(
    (c) => c.agent && c.agent !== search && (isThingInTransit(c.words) || c.entities.orderIds.length > 0),
  );
  if (!order || !search) return;
  for (const c of clauses)
    if (c.agent === search && !c.question && NEEDED_BY.test(c.text) && !c.entities.orderIds.length) {
      c.agent = order.agent;
      c.context = true;
    }
}

/** A thing of the shopper's wanted by a day or an occasion: "I need the dress by friday", "need it for the weekend". */
const NEEDED_BY =
  /\b(?:need|needed|want|wanted)\s+(?:it|them|the|my|our|this|that|these|those)\b[^.?!,;]{0,30}?\b(?:by|for|before|until|on)\s+(?:the\s+|this\s+|next\s+|a\s+|my\s+|our\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tomorrow|tonight|week|christmas|birthday|wedding|party|trip|holiday|vacation|\d{1,2}(?:st|nd|rd|th)?)\b/i;

/** The price of a purchase asked: "price", "how much", "a quote", "a discount". */
const ASKS_PRICE = /\b(?:pric(?:e|es|ed|ing)|how much|costs?|quotes?|discounts?|rates?|deal)\b/i;
/** Words by which a card says it takes sales enquiries (INTENT_ANCHORS' bulk). */
const SALES_STEMS = ['bulk', 'wholesale', 'business'].map(stem);
/**
 * The card that takes sales enquiries: the one that owns most of SALES_STEMS, when one owns more than any other (a
 * card for corporate gifts that sends "bulk gift cards" owns one; a card for bulk and wholesale enquiries owns more).
 */
function salesOwner(index: CardIndex): string | undefined {
  const owned = index.profiles
    .map((p) => ({ name: p.name, n: SALES_STEMS.filter((s) => p.terms.has(s)).length }))
    .filter((o) => o.n > 0)
    .sort((a, b) => b.n - a.n);
  return owned[0] && owned[0].n > (owned[1]?.n ?? 0) ? owned[0].name : undefined;
}

/** An arrangement that goes on, ended: "cancel my subscription", "end the monthly membership", "unsubscribe me from…". */
const ENDS_ARRANGEMENT =
  /\b(?:cancel\w*|end|ending|stop|stopping|quit|quitting|leave|terminate|close)\s+(?:my|the|our|this|that|your)?\s*(?:\w+\s+){0,2}?(?:subscriptions?|memberships?)\b|\bunsubscrib\w*\s+(?:me\s+|us\s+)?from\b/i;
/** Mail of the shop's: what an opt-out of emails names. */
const NAMES_MAIL =
  /\b(?:e-?mails?|newsletters?|mailing|mailings|mail|marketing|promo\w*|texts?|sms|spam|offers|deals|notifications?|messages|updates)\b/i;
/** The word of each arrangement as cards write it, by the word the shopper ends it with. */
const ARRANGEMENT_WORDS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/subscri/i, ['subscription', 'subscriptions', 'subscribe', 'subscriber', 'subscribers']],
  [/\bmember/i, ['membership', 'memberships', 'member', 'members']],
];

/** The card, best scored first, whose own words name the arrangement the clause ends; undefined when none does. */
function arrangementCard(index: CardIndex, c: ScoredClause): string | undefined {
  const words = ARRANGEMENT_WORDS.filter(([re]) => re.test(c.text)).flatMap(([, w]) => w);
  const names = (agent: string) => {
    const written = index.profiles.find((p) => p.name === agent)?.written;
    return !!written && words.some((w) => written.has(w));
  };
  return c.scores.find((s) => names(s.agent))?.agent ?? index.profiles.find((p) => names(p.name))?.name;
}

const ASKS_SERVICE =
  /^\W*(?:(?:and|also|plus|so|oh)\W+)?(?:do|does)\s+(?:you|u|your (?:shop|store|team))\s+(?!(?:have|sell|carry|stock|got|recommend|suggest|know|think|mean|see)\b)[a-z]+/i;
const POINTS_BACK = /\b(?:it|its|them|they|that|this|these|those|one|ones)\b/i;

/** A return told as sent by the shopper, not one the carrier brought back to the shop (which is where a parcel is). */
const returnToldAsSent = (c: ScoredClause) =>
  c.intent === 'refund' &&
  toldAsDone(c.words.join(' ')).has('return') &&
  !/\b(?:return(?:ed|ing)?\s+(?:back\s+)?to\s+(?:the\s+)?(?:sender|warehouse|depot))\b/i.test(c.text);

/** What was done: "(and) changed my address", "placed two orders", "used my card". */
const DONE =
  /^\s*(?:and\s+|then\s+)?(?:they\s+|he\s+|she\s+)?(?:\w+\s+)?(?:changed|used|placed|ordered|bought|made|added|removed|deleted|took|spent|charged|cancel+ed|emptied|redeemed)\b/i;
/**
 * In an account taken over, "… and changed my address" tells what the intruder did: part of the security matter, no
 * request of the shopper's to carry out.
 */
function tellsWhatWasDone(c: ScoredClause): boolean {
  return !c.question && !REQUEST_WORDS.test(c.text) && DONE.test(c.text);
}

const ASKS_CHANGE = /\b(?:change|switch|swap|make it|instead)\b/i;
/** A present for someone: "a birthday present for my dad", "a gift for my wife". */
const GIFT_FOR = /\b(?:gifts?|presents?)\b.{0,40}\bfor\b|\bfor\b.{0,40}\b(?:birthday|christmas|anniversary)\b/i;
const THE_ORDER = /\b(?:the|this|that) (?:order|package|parcel|delivery|shipment)\b/i;
/** Whether a clause before `c` speaks of a thing of the shopper's ("I ordered the wrong size sneakers"). */
function previousIsOwnThing(clauses: readonly ScoredClause[], c: ScoredClause): boolean {
  return clauses
    .slice(0, clauses.indexOf(c))
    .some((before) => REFERS_TO_THING.test(before.text.replace(GENERIC_OBJECT, ' ').replace(NO_REFERENT, ' ')));
}

/**
 * "Cheapest backpack?", "show me backpacks", "I need a new backpack": a question or a request for a product of the
 * catalogue, naming nothing of the shopper's and asking nothing else, which no card's own words matched.
 */
function asksForGoods(c: ScoredClause, alone: boolean): boolean {
  const e = c.entities;
  return (
    e.products.length > 0 &&
    e.orderIds.length + e.itemIds.length === 0 &&
    // A want ruled out ("don't want to pay shipping for a dumbbell set") asks for no goods.
    (c.question ||
      SHOW_ME.test(c.stated ?? c.text) ||
      REQUEST_WORDS.test(c.stated ?? c.text) ||
      TERSE_REQUEST.test(c.stated ?? c.text) ||
      (alone && namesOnlyGoods(c))) &&
    (PRODUCT_INTENTS.has(c.intent ?? 'unknown') || (c.intent ?? 'unknown') === 'unknown') &&
    !REFERS_TO_THING.test(c.text.replace(GENERIC_OBJECT, ' ').replace(NO_REFERENT, ' ')) &&
    // "What goes with a tent? Maybe a lamp?": an example of what the question before asks for, not a search of its own.
    (alone || !HEDGED_EXAMPLE.test(c.text))
  );
}
const HEDGED_EXAMPLE = /^\W*(?:maybe|perhaps|possibly|like|such as|e\.?g\.?|for example|for instance)\b/i;

/** "(and) buy a faster one", "get a new one instead", "order a bigger one": another of the thing spoken of. */
const BUYS_ANOTHER =
  /^\W*(?:and\s+|then\s+|but\s+)?(?:i(?:'d| would)? (?:like|want|wanna|need) to\s+|i'?ll\s+|i want\s+|i need\s+)?(?:buy|get|order|purchase|pick)\s+(?:up\s+)?(?:a|an|the)\s+(?:new|newer|faster|better|bigger|smaller|larger|lighter|cheaper|different|another|more \w+)\s+(?:one|model|version)\b/i;
/** "U got a bigger one that's tougher?", "any cheaper ones?": another of the thing spoken of, asked for. */
const ASKS_ANOTHER =
  /\b(?:a|an|any|some)\s+(?:\w+er|different|better|sturdier|another)\s+(?:\w+\s+)?(?:one|ones|model|models|version)\b/i;
const SHOW_ME = /\b(show|find|get) me\b|\blooking for\b/i;
/** "Need new headphones", "want a backpack": a request with its "I" left out, as chats are written. */
const TERSE_REQUEST =
  /^\W*(?:(?:hi|hello|hey|ok|so)\W+)?(?:need|needing|want|wanting|searching for|shopping for|in the market for)\b/i;
/** Words that go with goods named alone ("a new backpack", "red sneakers size 9 under 100"): they ask nothing else. */
const WITH_GOODS = new Set(
  'a an some any new the please pls plz in size for me of with and or cheap cheaper good nice under below max budget'.split(
    ' ',
  ),
);

/**
 * "Headphones", "red sneakers in size 9": a message of nothing but goods and what they are wanted in is a search (a
 * clause of them after "return all the items from my order" says which items).
 */
function namesOnlyGoods(c: ScoredClause): boolean {
  const e = c.entities;
  const named = new Set([...e.products, ...e.colours, ...e.materials, ...e.sizes].flatMap((p) => rawWords(p)));
  return c.words.every((w) => named.has(w) || WITH_GOODS.has(w) || /^\d+(?:\.\d+)?$/.test(w));
}

/** Intents that name no action of a card's (no return, refund, cancellation or tracking to do): a topic. */
const TOPICAL: ReadonlySet<string> = new Set(['knowledge', 'unknown']);

/**
 * The card one of whose skills the clause names whole ("do you sell gift cards?" and a card with the skill "gift
 * cards"): the card the clause was scored for when it is one, else the one with the longest skill named. Such a
 * question asks for what that card is for: a card added for one topic would otherwise lose its own questions to the
 * knowledge base's owner. A question about what an action card does ("can I return a delivered item?") is still a
 * question about the shop's rule (TOPICAL).
 */
function cardWhoseSkillIsNamed(
  index: CardIndex,
  c: ScoredClause,
  minLength = 1,
  butTheVerb = false,
): string | undefined {
  const stems = new Set(index.analyze([c.text, ...requestConcepts(c.text)].join(' ')).tokens.map((t) => t.stem));
  // A skill's opening verb ("check", "track") is what the card does; the rest names the thing.
  const named = (skill: string[]) =>
    skill.every((s) => stems.has(s)) ||
    (butTheVerb && skill.length > minLength && skill.slice(1).every((s) => stems.has(s)));
  const longestNamed = (skills: string[][]) =>
    Math.max(0, ...skills.filter((skill) => skill.length >= minLength && named(skill)).map((skill) => skill.length));
  let best: { name: string; length: number } | undefined;
  for (const p of index.profiles) {
    const length = longestNamed(p.skills);
    if (length > 0 && (p.name === c.agent || !best || length > best.length)) best = { name: p.name, length };
    if (best?.name === c.agent) break;
  }
  return best?.name;
}

/**
 * The card the clause was scored for, when the question is on that card's own topic rather than the knowledge base's:
 * the clause names a word of the card's name that no other card has ("where is your showroom?" and ShowroomAgent),
 * since the name is the designer's most deliberate word for what the card is about; or another word only that card
 * uses, where the knowledge base's card matched nothing of the question that this one lacks. A card added as a row
 * would otherwise lose its own questions to the knowledge base's owner.
 */
function topicCardOf(index: CardIndex, c: ScoredClause, knowledge: string): string | undefined {
  const own = index.profiles.find((p) => p.name === c.agent);
  if (!own) return undefined;
  const named = nameWords(own.name)
    .map((w) => index.analyze(w).tokens[0]?.stem)
    .filter((s) => s !== undefined);
  const stems = new Set(index.analyze(c.text).tokens.map((t) => t.stem));
  // "What's your return policy?" asks for the rule, which the knowledge base states, not for the card that acts on it;
  // but a card named for the rule itself ("WarrantyAgent" and "what does the warranty cover?") is the one that answers.
  if (namesPolicy(c)) {
    const cue = rawWords(c.text.match(POLICY_CUE)?.[0] ?? '').map((w) => index.analyze(w).tokens[0]?.stem);
    return cue.some((s) => s !== undefined && named.includes(s) && onlyInNameOf(index, own, s)) ? own.name : undefined;
  }
  const onlyHere = (s: string) => index.profiles.every((p) => p === own || !p.terms.has(s));
  if (named.some((s) => stems.has(s) && onlyHere(s))) return own.name;
  // So is any word of the card's that no other card uses ("how many points do I have?" and a card about "loyalty
  // points"; "can I rent a kayak?" and one about "renting tents, kayaks"), unless the knowledge base's card matched a
  // word of the question this card lacks: "what's the difference between standard and express shipping?" is about
  // shipping, though only the product card speaks of comparisons.
  const knowledgeWords = c.scores.find((s) => s.agent === knowledge)?.matched ?? [];
  if (knowledgeWords.some((w) => index.analyze(w).tokens.some((t) => !own.terms.has(t.stem)))) return undefined;
  // A word as written, not a synonym's reading of it: "do you have" reads as "search" and "offer" as "promotion", which
  // say nothing of what is asked about.
  const written = index.analyze(c.text).tokens.filter((t) => !t.corrected && t.stem === stem(t.surface.toLowerCase()));
  const ownWord = (s: string) => own.terms.has(s) && !isAttributeStem(s) && onlyHere(s);
  return written.some((t) => ownWord(t.stem)) ? own.name : undefined;
}

/** How far a card's own words must outscore the knowledge base's card before a question is the card's, not a rule's. */
const OUTWEIGH_RATIO = 1.5;

/**
 * Whether the card the clause was scored for answers the question itself, though it is asked as a question of the
 * shop's rules ("Do I get my money back or a fixed one?"): two or more of the clause's words are that card's and not
 * the knowledge base's card's, and they outscore whatever the knowledge base's card matched. A card a designer adds
 * for a topic (its remedies, its commission rates) is where its questions go; the knowledge base answers for rules it
 * shares words with. Policy words ("what's your policy on…") still go to the knowledge base.
 */
function outweighsKnowledge(index: CardIndex, c: ScoredClause, knowledge: string): boolean {
  if (!c.agent || c.agent === knowledge || namesPolicy(c)) return false;
  // The card that owns a kind of work the shop's rules govern (returns, tracking…): "can sale items be exchanged?" asks
  // the rule, which the knowledge base states, however many of the returns card's words it uses.
  const kinds = Object.keys(OWNER_WORDS) as (keyof typeof OWNER_WORDS)[];
  if (kinds.some((k) => ownerOf(index, k) === c.agent)) return false;
  const own = c.scores.find((s) => s.agent === c.agent);
  const theirs = c.scores.find((s) => s.agent === knowledge);
  const kb = index.profiles.find((p) => p.name === knowledge);
  if (!own || !kb) return false;
  const ownOnly = own.matched.filter((w) => index.analyze(w).tokens.some((t) => !kb.terms.has(t.stem)));
  return ownOnly.length >= 2 && own.score >= OUTWEIGH_RATIO * (theirs?.score ?? 0);
}

/** Buying or selling a thing: what a card for that thing does, whatever its skills call it. */
const TRADES = /\b(?:buy|buying|bought|sell|sells|selling|sold|purchas(?:e|es|ed|ing)|order (?:a|an|some))\b/i;
const TRADE_STEMS = ['buy', 'sell', 'purchase'].map(stem);

/** The one card, among those tied with the clause's top card, whose own words say it buys or sells. */
function traderTied(index: CardIndex, c: ScoredClause): string | undefined {
  const top = c.scores[0];
  if (!top || top.score <= 0) return undefined;
  const tied = c.scores.filter((s) => top.score - s.score <= Math.max(1e-3, 0.05 * top.score));
  const traders = tied.filter((s) =>
    TRADE_STEMS.some((t) => index.profiles.find((p) => p.name === s.agent)?.terms.has(t)),
  );
  return traders.length === 1 ? traders[0]!.agent : undefined;
}

/**
 * A card whose whole name the question says ("gift card" and GiftCardAgent), when it asks to act on that thing rather than what the rule is: buying or selling it ("what's the
 * smallest gift card you sell?"), or doing with it what the card's own words say and the knowledge base's do not ("can
 * a gift card be sent by email on a set date?"). "Do gift cards expire?" names nothing beyond the topic the knowledge
 * base also has, and stays a question for its article; so does any question that names a rule (POLICY_CUE).
 */
function cardActedOn(index: CardIndex, c: ScoredClause, knowledge: string): string | undefined {
  if (namesPolicy(c)) return undefined;
  const stems = new Set(index.analyze(c.text).tokens.map((t) => t.stem));
  // The name read as a phrase: "gift card" is one term to the analyser, as in the question.
  const nameStems = (p: CardIndex['profiles'][number]) =>
    index.analyze(nameWords(p.name).join(' ')).tokens.map((t) => t.stem);
  const namedWhole = index.profiles.filter(
    (p) => p.name !== knowledge && nameStems(p).length > 0 && nameStems(p).every((s) => stems.has(s)),
  );
  // The card the clause was scored for when it is one; else the one card named ("do you sell gift cards over $500?"
  // scores the catalogue's card on "do you sell").
  const own = namedWhole.find((p) => p.name === c.agent) ?? (namedWhole.length === 1 ? namedWhole[0] : undefined);
  if (!own) return undefined;
  const named = nameStems(own);
  if (TRADES.test(c.text)) return own.name;
  const matched = (agent: string) =>
    new Set(
      (c.scores.find((s) => s.agent === agent)?.matched ?? []).flatMap((w) =>
        index.analyze(w).tokens.map((t) => t.stem),
      ),
    );
  const theirs = matched(knowledge);
  const beyond = [...matched(own.name)].filter((s) => !named.includes(s) && !theirs.has(s));
  return beyond.length ? own.name : undefined;
}

/** Whether the stem `word` is a word of `own`'s name and of no other card's name. */
function onlyInNameOf(index: CardIndex, own: CardIndex['profiles'][number], word: string): boolean {
  const nameStems = (name: string) => nameWords(name).map((w) => index.analyze(w).tokens[0]?.stem);
  return index.profiles.every((p) => p === own || !nameStems(p.name).includes(word));
}

/** Whether the clause names a rule (POLICY_CUE), as written or with its typos corrected ("ur return polcy"). */
const namesPolicy = (c: Pick<ScoredClause, 'text' | 'words'>) =>
  POLICY_CUE.test(c.text) || POLICY_CUE.test(c.words.join(' '));

/** Words of a rule of the shop's: its policy, a time window, what is allowed. */
const POLICY_CUE =
  /\b(polic\w*|warrant\w*|guarantee\w*|window|time limit|deadline|how long|how many days|eligible|allowed)\b/i;

const ORDER_ACTIONS: ReadonlySet<TaskIntent> = new Set(['cancel', 'return', 'exchange', 'modify_items', 'address']);

/**
 * "Do you have the running shoes in size 11 in red? And what's the price?": a question about a product's details that
 * names no product (the price, the colours, what it is made of) asks about the product next to it, and goes with it.
 * So does a bare "any recommendations?" after "looking for a waterproof backpack": the same search, not an add-on.
 */
export function joinDetailQuestions(clauses: ScoredClause[]): void {
  const namesProduct = (c?: ScoredClause) =>
    c?.agent &&
    c.entities.products.length + c.entities.productIds.length > 0 &&
    PRODUCT_INTENTS.has(c.intent ?? '') &&
    !namesPolicy(c)
      ? c
      : undefined;
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    const e = c.entities;
    if (
      !c.agent ||
      !(c.question || ASKS.test(c.text)) ||
      e.products.length + e.productIds.length + e.orderIds.length > 0 ||
      !(PRODUCT_INTENTS.has(c.intent ?? '') || (c.intent === 'recommend' && !addsOn(c))) ||
      namesPolicy(c)
    )
      continue;
    const product =
      namesProduct(clauses.slice(0, i).findLast((n) => n.agent)) ??
      namesProduct(clauses.slice(i + 1).find((n) => n.agent));
    if (product) c.agent = product.agent;
  }
  // "I want to exchange my skateboard for a shorter one. What options are available and what do they cost?": the
  // options and prices asked after a swap are the swap's, which the card doing it looks up.
  let swap: ScoredClause | undefined;
  for (const c of clauses) {
    const e = c.entities;
    if (
      swap &&
      (c.question || ASKS.test(c.text)) &&
      e.products.length + e.productIds.length + e.orderIds.length === 0 &&
      SWAP_DETAIL.test(c.text) &&
      !namesPolicy(c)
    )
      c.agent = swap.agent;
    else if (c.agent) swap = SWAPS.has(c.intent ?? '') ? c : undefined;
  }
}
const SWAPS: ReadonlySet<string> = new Set(['exchange', 'modify_items']);
const SWAP_DETAIL = /\b(?:options?|available|cost|costs|price|prices|colou?rs|sizes|choices?|difference|how much)\b/i;

const PRODUCT_INTENTS: ReadonlySet<string> = new Set(['product_search', 'product_detail']);
/** A piece worded as a question even without its question mark ("and what's the price"). */
const ASKS = /^\s*(?:and\s+|also\s+|plus\s+)?(?:what|what's|whats|how|which|is|are|does|do|can)\b/i;
const CONSEQUENCE: ReadonlySet<TaskIntent> = new Set(['refund', 'payment', 'unknown', 'knowledge']);

/**
 * A piece that only follows from an order action next to it joins that action: the refund of a cancellation
 * or a return ("cancel it and give me a full refund"), how it is paid back ("I want store credit"), the
 * story behind it ("found it for half the price elsewhere", "I bought a jacket last week"), the order it is
 * about when that is all the piece says ("order #W2611340. It's too small"), or the same action said twice.
 * A piece that joined an action counts as part of it, so the story before the order reaches the action too.
 */
export function joinDependentClauses(clauses: ScoredClause[]): void {
  const joined = new Map<ScoredClause, TaskIntent>();
  const intentOf = (c: ScoredClause) => joined.get(c) ?? c.intent;
  // "My order got cancelled and refunded without me asking": a cancellation told as done has its refund as well.
  const cancelled = (c: ScoredClause) => toldAsDone(c.words.join(' ')).has('cancel');
  const action = (c?: ScoredClause) => {
    const intent = c && intentOf(c);
    // A return sent already is one too: "(order #W…), and posted the wristwatch back" names the order it is from.
    return c?.agent &&
      intent &&
      (ORDER_ACTIONS.has(intent) ||
        (intent === 'track' && cancelled(c)) ||
        (intent === 'refund' && returnToldAsSent(c)))
      ? c
      : undefined;
  };
  const story = (c: ScoredClause) =>
    !c.question &&
    /\b(bought|found|paid|saw|elsewhere|another store|other store)\b/i.test(c.text) &&
    !REQUEST_WORDS.test(c.text) &&
    c.entities.orderIds.length === 0 &&
    ['product_search', 'product_detail', 'recommend', 'knowledge', 'unknown'].includes(c.intent ?? '');
  // Names an order and asks nothing about it: no question, no request, nothing about where it is or when it comes.
  const orderReference = (c: ScoredClause) =>
    !c.question &&
    c.intent === 'track' &&
    c.entities.orderIds.length > 0 &&
    !REQUEST_WORDS.test(c.text) &&
    !ASKS_AFTER_ORDER.test(c.text) &&
    !isThingInTransit(c.words);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < clauses.length; i++) {
      const c = clauses[i]!;
      if (!c.agent || joined.has(c) || (c.intent && ORDER_ACTIONS.has(c.intent) && c.entities.orderIds.length))
        continue;
      // Neighbours are the nearest pieces with an agent: a piece with none ("It's too small") goes with them anyway.
      const next = action(clauses.slice(i + 1).find((n) => n.agent));
      const prev = action(clauses.slice(0, i).findLast((n) => n.agent));
      const neighbour = prev ?? next;
      if (!neighbour || neighbour.agent === c.agent) continue;
      // A refund of something it names itself ("a refund for the damaged kettle") is a request of its own.
      const consequence =
        !c.question &&
        c.entities.orderIds.length === 0 &&
        c.entities.products.length === 0 &&
        CONSEQUENCE.has(c.intent ?? 'unknown');
      // The same action, unless the piece's own words are plainly another card's: "do you fix cracked screens?" reads as
      // a return by "cracked", but it asks the repair card, far ahead, whatever the return beside it.
      const sameAction =
        c.intent !== undefined && c.intent === intentOf(neighbour) && !plainlyOther(c, neighbour.agent!);
      const context = story(c) || orderReference(c);
      if (consequence || sameAction || context) {
        c.agent = neighbour.agent;
        c.context = context;
        joined.set(c, intentOf(neighbour)!);
        changed = true;
      }
    }
  }
}

/** A question whose own card scores more than twice what it scores for `agent`. */
const plainlyOther = (c: ScoredClause, agent: string) => {
  const scoreFor = (a: string | undefined) => c.scores.find((s) => s.agent === a)?.score ?? 0;
  return c.question && scoreFor(c.agent) > 2 * scoreFor(agent);
};

/** Words that ask after an order itself: where it is, when it comes, what state it is in. */
const ASKS_AFTER_ORDER =
  /\b(track\w*|status|where|when|arriv\w*|deliver\w*|ship\w*|dispatch\w*|yet|still|late|lost|missing|stuck|delay\w*)\b/i;

/**
 * "Can I hire a tent and two sleeping bags?", "return the kettle, and the toaster too": goods named after "and" or a
 * comma with no verb of their own are more objects of the request before them, not a search of their own.
 */
export function joinListedGoods(clauses: ScoredClause[]): void {
  for (let i = 1; i < clauses.length; i++) {
    const [before, c] = [clauses[i - 1]!, clauses[i]!];
    if (!before.agent || before.smallTalk || c.agent === before.agent) continue;
    if (!c.entities.products.length || c.entities.orderIds.length || REQUEST_WORDS.test(c.text)) continue;
    if (!PRODUCT_INTENTS.has(c.intent ?? 'unknown') && (c.intent ?? 'unknown') !== 'unknown') continue;
    // The goods open the piece: a count or an article, then the thing within a few words ("two sleeping bags").
    const opening = LISTED_GOODS.exec(c.text.toLowerCase());
    const head = opening ? c.text.toLowerCase().slice(opening[0].length).split(/\s+/).slice(0, 3).join(' ') : '';
    if (!opening || !c.entities.products.some((p) => head.includes(p.toLowerCase().split(' ')[0]!))) continue;
    c.agent = before.agent;
  }
}
const LISTED_GOODS =
  /^\W*(?:(?:and|or|plus)\s+)?(?:a|an|the|some|another|a couple of|a few|a pair of|a set of|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+/;

/**
 * "We're a registered charity, can we buy without paying VAT?": a question the rule principle gave the knowledge base,
 * beside a piece for another card, that uses a word of that card's which no other card has ("VAT"), asks on the
 * neighbour's topic: the same request, not a second one for the knowledge base.
 */
export function joinRuleQuestionToTopic(index: CardIndex, clauses: ScoredClause[]): void {
  const knowledge = ownerOf(index, 'knowledge');
  if (!knowledge) return;
  clauses.forEach((c, i) => {
    if (c.agent !== knowledge || !c.question || c.entities.orderIds.length) return;
    const neighbours = [clauses.slice(0, i).findLast((n) => n.agent), clauses.slice(i + 1).find((n) => n.agent)];
    const stems = index.analyze(c.text).tokens.filter((t) => !t.corrected && !isAttributeStem(t.stem));
    const topics = neighbours.filter((n): n is ScoredClause => {
      const own = n && n.agent !== knowledge ? index.profiles.find((p) => p.name === n.agent) : undefined;
      return (
        !!own &&
        stems.some((t) => own.terms.has(t.stem) && index.profiles.every((p) => p === own || !p.terms.has(t.stem)))
      );
    });
    if (topics.length === 1) c.agent = topics[0]!.agent;
  });
}

/** A past purchase told as a story: "the headphones I bought", "I got a tent last year", "my son received". */
const PURCHASE_STORY = /\b(bought|got|received|ordered|purchased|gave|gift(?:ed)?|loved?|loves)\b/i;
/** How the thing was had, told: "I picked it up in store", "collected the lamp from your shop last week". */
const PICKUP_STORY = /\b(?:picked\s+(?:[\w-]+\s+){0,3}?up|collected)\b/i;

/**
 * "My daughter loved the headphones I bought. Do you have a matching case?", "I picked the kettle up in store, can I
 * post it back?": a statement about something the shopper bought or collected, asking nothing itself (no question, no
 * request, no order, no action), is the context of the request next to it, and goes to that request's agent rather
 * than being a task of its own.
 */
export function joinPurchaseStory(clauses: ScoredClause[]): void {
  // "… and it's still not here": where the thing is, asked without a question mark.
  const asks = (c: ScoredClause) =>
    !!c.agent && (c.question || REQUEST_WORDS.test(c.text) || (c.intent === 'track' && isThingInTransit(c.words)));
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    if (
      !c.agent ||
      c.question ||
      REQUEST_WORDS.test(c.text) ||
      !(PURCHASE_STORY.test(c.text) || PICKUP_STORY.test(c.text)) ||
      c.entities.orderIds.length > 0 ||
      !['product_search', 'product_detail', 'recommend', 'unknown'].includes(c.intent ?? 'unknown')
    )
      continue;
    // The request it tells of is the next one asked, past the order and what is wrong with it ("I bought a jacket,
    // order #W…. It's too small, can I swap it?").
    // A pickup told is how the thing was had, never a request itself: what is told of the thing next ("…, it
    // flickers") is what the shopper wants seen to, even unasked.
    const told = PICKUP_STORY.test(c.text) ? clauses.slice(i + 1).find((n) => n.agent) : undefined;
    const request = told ?? clauses.slice(i + 1).find(asks) ?? clauses.slice(0, i).findLast(asks);
    if (request) {
      c.agent = request.agent;
      c.context = true;
    }
  }
}

/** Words that place a thing as bought here, or on its way from the shop. */
const BOUGHT_HERE =
  /\b(bought|got|received|ordered|purchased|arrived|came|delivered|sent|from you|your (store|shop|site))\b/i;

/**
 * "My old pair is falling apart, the sole is peeling off. Which of your running shoes would work?": what is wrong
 * with something of the shopper's that nothing places as bought here (no order, no "I bought", nothing arrived),
 * told beside a question for something to buy, is why they shop: it is that question's context, not a return.
 */
export function joinReplacementStory(index: CardIndex, clauses: ScoredClause[]): void {
  const search = ownerOf(index, 'search');
  if (!search) return;
  const shops = (c: ScoredClause) =>
    c.agent === search && c.question && ['product_search', 'recommend'].includes(c.intent ?? '');
  const question = clauses.find(shops);
  if (!question) return;
  for (const c of clauses)
    if (
      c.agent &&
      c.agent !== search &&
      (c.intent === 'return' || c.intent === 'exchange') &&
      !c.question &&
      !REQUEST_WORDS.test(c.text) &&
      !c.entities.orderIds.length &&
      !BOUGHT_HERE.test(c.text) &&
      !BOUGHT_HERE.test(c.words.join(' '))
    ) {
      c.agent = question.agent;
      c.context = true;
    }
}

/**
 * "My kid broke the tablet screen, is that covered by the warranty?": what happened, told right before a question
 * whether the shop's rule covers it, is that question's case, not a return asked for. A request for the return
 * ("… I want a replacement") stays one of its own.
 */
export function joinCoveredCase(index: CardIndex, clauses: ScoredClause[]): void {
  const knowledge = ownerOf(index, 'knowledge');
  if (!knowledge) return;
  for (let i = 0; i + 1 < clauses.length; i++) {
    const [c, q] = [clauses[i]!, clauses[i + 1]!];
    if (
      q.agent === knowledge &&
      q.question &&
      ASKS_IF_COVERED.test(q.text) &&
      c.agent &&
      c.agent !== knowledge &&
      !c.question &&
      !REQUEST_WORDS.test(c.text) &&
      c.entities.orderIds.length === 0 &&
      ['return', 'exchange', 'refund'].includes(c.intent ?? '')
    ) {
      c.agent = knowledge;
      c.context = true;
    }
  }
}

/**
 * "The door seal on my washer is torn, can somebody fit a new one?", "… serviced? it's leaking": a fault told right
 * before or after a request to a card that repairs things is why the repair is asked, not a return of its own. A
 * request for the return stays one of its own.
 */
export function joinFaultToRepair(index: CardIndex, clauses: ScoredClause[]): void {
  const repairs = (agent: string | undefined) =>
    !!agent && !!index.profiles.find((p) => p.name === agent)?.terms.has(REPAIR);
  const asksRepair = (q: ScoredClause | undefined) =>
    !!q && repairs(q.agent) && (q.question || REQUEST_WORDS.test(q.text));
  sendEarlyFaultToReturns(index, clauses, asksRepair);
  clauses.forEach((c, i) => {
    const fault =
      c.agent &&
      !c.question &&
      !REQUEST_WORDS.test(c.text) &&
      c.entities.orderIds.length === 0 &&
      ['return', 'exchange'].includes(c.intent ?? '');
    if (!fault || repairs(c.agent)) return;
    const q = [clauses[i + 1], clauses[i - 1]].find(asksRepair);
    if (q) {
      c.agent = q.agent;
      c.context = true;
    }
  });
}
const REPAIR = stem('repair');

/**
 * "The kettle I bought last week already stopped working, I need someone to fix it", "the lamp you sent is broken, can
 * someone sort it out?": a thing from the shop that failed while new is faulty goods, which the shop puts right (a
 * return, a replacement); "someone to fix it" beside it asks for that, not for a paid repair, and the fault is no
 * recall without a word of safety. A thing the shopper damaged, or had for years, is still a repair's.
 */
function sendEarlyFaultToReturns(
  index: CardIndex,
  clauses: ScoredClause[],
  asksRepair: (q: ScoredClause | undefined) => boolean,
): void {
  const returns = ownerOf(index, 'returns');
  const human = ownerOf(index, 'human');
  if (!returns) return;
  clauses.forEach((c, i) => {
    if (!failedWhileNew(c)) return;
    const told = c.agent;
    if (c.agent && c.agent !== returns && (c.scores.find((s) => s.agent === returns)?.score ?? 0) > 0)
      c.agent = returns;
    // The request beside it, whether it went to the repair card, joined the fault already or asks "someone" to sort it
    // out (to speak to someone is still to ask for a person).
    for (const q of [clauses[i + 1], clauses[i - 1]])
      if (
        q &&
        (asksRepair(q) || (!!told && q.agent === told) || (q.agent === human && !TALKS.test(q.text))) &&
        PUT_IT_RIGHT.test(q.words.join(' ')) &&
        q.entities.products.length === 0
      )
        q.agent = c.agent;
  });
}
const TALKS = /\b(?:talk|speak|chat|call|phone|human|person|manager|supervisor|representative|agent)\b/i;
/** "Someone to fix it", "can you sort this out", "repair them": putting right the thing just told of. */
const PUT_IT_RIGHT =
  /\b(?:fix|fixed|repair|repaired|sort|sorted|deal with|look at|mend)\s+(?:it|this|that|them|these|those)\b/i;

/** A fault of a thing the shop sold or sent, told as coming while it was new, and not of the shopper's doing. */
function failedWhileNew(c: ScoredClause): boolean {
  if (!['return', 'exchange'].includes(c.intent ?? '') || c.question) return false;
  const text = c.text;
  return (
    (WHILE_NEW.test(text) || NEW_THING.test(text) || SENT_BY_US.test(text)) &&
    !SHOPPERS_DOING.test(text) &&
    !SAFETY.test(text)
  );
}
/** Come from the shop: "the lamp you sent", "it arrived", "was delivered". */
const SENT_BY_US = /\byou\s+(?:guys\s+)?(?:sent|delivered|shipped)\b|\b(?:arrived|came|delivered)\b/i;
const NEW_THING = /\b(?:my|our|the)\s+(?:brand\s+)?new\b/i;
/** Soon after it came: "already", "after three days", "within a week", "last week", "first use", "out of the box". */
const WHILE_NEW =
  /\balready\b|\b(?:after|within|in)\s+(?:just\s+|only\s+)?(?:a|an|one|two|three|four|five|six|a few|a couple of|\d{1,2})\s+(?:days?|weeks?|uses?|washes|goes)\b|\b(?:last|this)\s+week\b|\byesterday\b|\bfirst\s+(?:use|time|day|week|wash)\b|\bout of the box\b|\bbrand\s+new\b/i;
/** The shopper's own doing: "I dropped it", "my son sat on it", "spilled coffee on it". */
const SHOPPERS_DOING =
  /\b(?:dropped|drop|spilled|spilt|sat on|stood on|stepped on|knocked|fell|crashed|ran over|threw|my (?:kid|son|daughter|dog|cat)\b)/i;
const SAFETY = /\b(?:recall\w*|safe|safety|unsafe|hazard\w*|fire|smok\w*|burn\w*|shock\w*|danger\w*|notice|warning)\b/i;

const ASKS_IF_COVERED = /\b(?:covered|cover|covers|warrant\w*|guarantee\w*)\b/i;

/**
 * "I'm frustrated, the sneakers are too small, can I exchange them?": a feeling told beside a request a card can do is
 * how the shopper feels about that request, not a request for a person (the shop's scenarios send the upset to a
 * person after failed attempts, or when they ask). Alone, or with a story of help not given, it still goes to one.
 */
export function joinMoodToRequest(index: CardIndex, clauses: ScoredClause[]): void {
  const human = ownerOf(index, 'human');
  if (
    !human ||
    // As read: "someone to fix it" is someone to do a job (a service), no person asked for.
    clauses.some(
      (c) => leftUnhelped(c.text) || ASKS_FOR_A_PERSON.test(c.words.join(' ')) || GRIEVANCE_AGAIN.test(c.text),
    )
  )
    return;
  const asks = (c: ScoredClause) =>
    !!c.agent &&
    c.agent !== human &&
    (c.question ||
      REQUEST_WORDS.test(c.text) ||
      (c.intent !== undefined && ORDER_ACTIONS.has(c.intent)) ||
      // "My order hasn't arrived": where it is, asked without a question mark.
      c.intent === 'track');
  clauses.forEach((c, i) => {
    if (c.agent !== human || c.question || c.entities.orderIds.length) return;
    // Only a feeling: "I was charged twice" is a grievance of its own for the person.
    if (!c.scores[0]?.matched.length || !c.scores[0].matched.every((w) => namesOnlyUpset(index, w))) return;
    const request = clauses.slice(i + 1).find(asks) ?? clauses.slice(0, i).findLast(asks);
    if (request) {
      c.agent = request.agent;
      c.context = true;
    }
  });
}

/** A word or phrase the synonyms read as a feeling and nothing else ("frustrated", "not happy"). */
const namesOnlyUpset = (index: CardIndex, words: string) => {
  const tokens = index.analyze(words).tokens;
  return tokens.length > 0 && tokens.every((t) => t.stem === UPSET);
};
const GRIEVANCE_AGAIN = /\b(?:again|still|third|second|another time|every time|waiting)\b/i;

/**
 * "This is the third time I'm asking, nobody helps, get me a real person": next to a request for a person,
 * statements that ask for nothing themselves (no question, no request words, nothing of the shopper's named, no
 * action) are the reason for the escalation, and go to the person with it.
 */
export function joinEscalationStory(index: CardIndex, clauses: ScoredClause[]): void {
  const human = ownerOf(index, 'human');
  if (!human || !clauses.some((c) => c.agent === human && c.intent === 'human')) return;
  // Beside a return or a cancellation, the money back is that action's refund (joinDependentClauses).
  const orderAction = clauses.some((c) => c.intent && ORDER_ACTIONS.has(c.intent));
  for (const c of clauses) {
    const e = c.entities;
    const names = e.orderIds.length + e.itemIds.length + e.productIds.length + e.products.length + e.emails.length;
    if (!c.agent || c.agent === human) continue;
    // "My laptop order was cancelled with no explanation. I'd like this escalated.": what was done, told and asked
    // nothing of, is what the person is to look into, though it names the thing it was done to (not the order: an
    // order named is one a card can look up).
    if (!c.question && !REQUEST_WORDS.test(c.text) && !e.orderIds.length && toldAsDone(c.words.join(' ')).size) {
      c.agent = human;
      continue;
    }
    if (names > 0) continue;
    const story =
      !c.question &&
      !REQUEST_WORDS.test(c.text) &&
      ['knowledge', 'unknown', 'greeting'].includes(c.intent ?? 'unknown');
    // "I was charged twice. Can I get my money back?": the money back is what the person is asked to sort out,
    // not a question for the refund policy (a question about a rule of the shop's still is one).
    const moneyBack = !orderAction && ['refund', 'payment'].includes(c.intent ?? '') && !namesPolicy(c);
    if (story || moneyBack) c.agent = human;
  }
}

/**
 * "Can I return shoes I already wore?", "could I exchange a jacket I've washed?": asking leave to send back a thing in
 * a state of use. Not "can you return the shoes from my order": the shopper asks what is allowed, not for it done.
 */
const asksIfUsedMayGoBack = (text: string) =>
  /^\W*(?:(?:and|so|also|but)\s+)?(?:can|could|may|am i allowed to)\s+(?:i\s+|we\s+)?(?:still\s+)?(?:return|exchange|send back|get a refund (?:on|for))\b/i.test(
    text,
  ) && STATE_OF_USE.test(text);
/** A thing used, worn or opened by the shopper, or without what came with it. */
const STATE_OF_USE =
  /\b(?:i|we)(?:'ve| have)?\s+(?:already\s+|just\s+)?(?:wore|worn|used|opened|washed|tried on|assembled|installed|unboxed)\b|\b(?:worn|used|opened|washed|unboxed)\s+(?:once|already|before|a (?:few|couple of) times)\b|\bwithout (?:the |a |its |their )?(?:tags?|box|receipt|packaging)\b/i;
const ASKS_OF_A_PRODUCT = /^\W*(?:does|do|will|would|can|could|is|are)\s+(?:the|a|an|these|those|your)\b/i;
/** A worry about how a product will turn out, before it is bought: "worried the boots will be too small". */
const WORRIES_BEFORE_BUYING =
  /\b(?:worried|afraid|scared|concerned|not sure|unsure|wondering|wonder)\b.{0,50}\b(?:will|would|might|may|could)\s+(?:be|run|fit|feel|come)\b/i;
/** A demand for a deal: "give me a discount or I'm leaving", "I deserve a coupon". */
const DEMANDS_DEAL =
  /\b(?:give|get|offer|deserve|want|need)\s+(?:me\s+|us\s+)?(?:a|an|some|any)\s+(?:discount|deal|coupon|promo)\b/i;
const INVOICE = /\b(?:invoices?|receipts?|vat|tax (?:id|number))\b/i;
/** How safely the shop keeps the shopper's data, or what deleting the account does with it. */
function asksHowDataIsKept(text: string): boolean {
  return (
    /\b(?:cards?|payment|data|details|information|info|passwords?|account)\b.{0,30}\b(?:secure|securely|safe|safely|encrypted|protected)\b/i.test(
      text,
    ) ||
    /\b(?:secure|safe|encrypted|protected)\b.{0,20}\b(?:cards?|payment|data|details|information)\b/i.test(text) ||
    /\b(?:delete|close|remove|cancel)\s+my\s+(?:account|profile|data)\b/i.test(text)
  );
}
const ASKS_DEALS = /\b(?:offers|deals?|discounts?|promos?|promotions?|coupons?)\b/i;
const SIGNS_UP =
  /\b(?:sign (?:me )?up|signup|subscribe|notify|keep me (?:posted|updated)|let me know|email me|ping me|text me|send me|by email|newsletter|mailing list)\b/i;
/** "My discount code SAVE20 doesn't apply": a code that fails, which the rules on codes explain. */
const CODE_FAILS =
  /\b(?:code|coupon|voucher|discount|promo|promotion)\b.{0,40}\b(?:not|doesn'?t|does not|won'?t|isn'?t|is not|didn'?t|wasn'?t|was not|never|invalid|expired|fails?|rejected)\b/i;

/** Words of a grievance: a request for a person with one of these is an escalation, whatever else is asked. */
const GRIEVANCE =
  /\b(complain\w*|upset|angry|furious|frustrat\w*|ridiculous|unacceptable|terrible|awful|worst|manager|supervisor|again)\b/i;

/**
 * "We need 150 yoga mats, who can I talk to about pricing?": in a sales enquiry, asking for a person is asking
 * for a sales contact, which the card that takes the enquiry arranges. So is asking for its terms ("can we get
 * volume pricing?", "is there a discount?") when no product of its own is named, and the buyer saying who they are
 * is its context. A grievance still goes to a person.
 */
export function joinSalesContact(index: CardIndex, clauses: ScoredClause[]): void {
  const human = ownerOf(index, 'human');
  const enquiry = clauses.find((c) => c.agent && c.agent !== human && c.intent === 'bulk');
  if (!enquiry) return;
  for (const c of clauses) {
    if (c === enquiry || GRIEVANCE.test(c.text)) continue;
    // "..., who do I talk to?": whoever the card that was given it, the question is who takes the enquiry.
    if ((human && c.agent === human) || ASKS_WHOM.test(c.text)) c.agent = enquiry.agent;
    else if (c.agent && ASKS_TERMS.test(c.text) && c.entities.products.length === 0) c.agent = enquiry.agent;
    // "I'm opening a cafe, and want to buy coffee makers in bulk": who the buyer is, the enquiry's context.
    else if (c.agent && !c.question && SAYS_WHO_BUYS.test(c.text) && !REQUEST_WORDS.test(c.text)) {
      c.agent = enquiry.agent;
      c.context = true;
    }
  }
}

/** The buyer telling who they are: "I'm opening a cafe", "we run three gyms", "our school needs…". */
const SAYS_WHO_BUYS =
  /^\W*(?:(?:and|so|well|hi|hello)\W+)?(?:i'?m|i am|we'?re|we are|we run|i run|we own|i own|we have|our)\b/i;

/** The terms of a purchase: its price, a discount, a quote. */
const ASKS_TERMS = /\b(?:pric(?:e|es|ed|ing)|discounts?|quotes?|rates?|invoic\w*|payment terms)\b/i;

/** Asking whom to turn to, with nothing else asked: "who do I talk to?", "who can I contact about that?". */
const ASKS_WHOM =
  /^\W*(?:and\s+|so\s+)?who\s+(?:do|can|should|could|would|shall)\s+i\s+(?:talk|speak|reach|contact|write|email|call|ask|get in touch)\b[^?]*\??\W*$/i;

/**
 * "The grey pet beds are gone?? email me when they're back", "the tablet shows sold out and I won't keep checking":
 * goods told as sold out, beside asking to hear when they come again, are what the alert is for, not a search. Not
 * asking whether they are in stock ("is the hose available in black? if not, ping me"), which is a question of its own.
 * Not wanting to keep checking, next to goods told as sold out, asks for the alert in other words.
 */
export function joinSoldOutToAlert(index: CardIndex, clauses: ScoredClause[]): void {
  const alerts = ownerOf(index, 'restock');
  const told = clauses.filter((c) => SOLD_OUT.test(c.text) && !opensAsQuestion(c.words));
  if (!alerts || !told.length) return;
  for (const c of clauses) if (!c.smallTalk && KEEP_CHECKING.test(c.text)) c.agent = alerts;
  const alert = clauses.find((c) => c.agent === alerts && (c.intent === 'restock' || KEEP_CHECKING.test(c.text)));
  if (!alert) return;
  for (const c of told)
    if (
      c !== alert &&
      c.entities.orderIds.length === 0 &&
      ['product_search', 'product_detail', 'unknown'].includes(c.intent ?? 'unknown')
    ) {
      c.agent = alerts;
      c.context = true;
    }
}
const SOLD_OUT =
  /\b(?:sold\s+out|out\s+of\s+stock|none\s+left|no\s+longer\s+(?:available|in\s+stock)|unavailable|(?:all\s+)?gone|not\s+available)\b/i;
/** "I won't remember to keep checking", "I don't want to keep coming back to look". */
const KEEP_CHECKING =
  /\b(?:not|never|don'?t|do not|won'?t|can'?t|cannot|tired of|sick of|no time to)\b[^.?!]{0,40}\bkeep\s+(?:checking|looking|refreshing|coming back)\b/i;

/**
 * "I lost the gift card my aunt gave me, can you replace it?": a piece whose only object is "it", tied between cards,
 * is about what the piece before it named: it goes to that piece's card when that is one of the tied, or to the one card
 * both pieces are tied for (the card for the thing, which "it" is), with the piece before.
 */
export function joinTiedPronoun(clauses: ScoredClause[]): void {
  const tiedOf = (c: ScoredClause) => {
    const top = c.scores[0];
    if (!top || top.score <= 0) return [];
    return c.scores.filter((s) => top.score - s.score <= Math.max(1e-3, 0.05 * top.score)).map((s) => s.agent);
  };
  for (let i = 1; i < clauses.length; i++) {
    const c = clauses[i]!;
    const before = clauses.slice(0, i).findLast((p) => p.agent);
    const e = c.entities;
    if (!before?.agent || !c.agent || c.agent === before.agent) continue;
    if (!ONLY_IT.test(c.text) || e.products.length + e.orderIds.length + e.itemIds.length > 0) continue;
    const tied = tiedOf(c);
    if (tied.length < 2) continue;
    if (tied.includes(before.agent)) {
      c.agent = before.agent;
      continue;
    }
    const shared = tied.filter((a) => tiedOf(before).includes(a));
    if (shared.length === 1) c.agent = before.agent = shared[0]!;
  }
}
const ONLY_IT = /\b(?:it|them|one)\s*\W*$/i;

/**
 * "I posted the watch back on the 2nd. Could you see whether it has arrived with you yet?": beside a return the shopper
 * sent, whether the shop got it asks after that return, for the returns card, not where a parcel of theirs is. So for
 * anything else the shopper sent the shop ("I posted my old phone to you for trade-in, has it arrived?"): the card the
 * sending was told to.
 */
export function joinReturnArrival(index: CardIndex, clauses: ScoredClause[]): void {
  const returns = ownerOf(index, 'returns');
  const sent = clauses.find(
    (c) =>
      c.agent &&
      ((c.agent === returns && returnToldAsSent(c)) || (!c.question && SENT_TO_SHOP.test(c.words.join(' ')))),
  );
  if (!sent) return;
  for (const c of clauses) {
    const words = c.words.join(' ');
    if (c === sent || !c.agent || c.agent === sent.agent || c.entities.orderIds.length) continue;
    if (SHOP_GOT_IT.test(words) || ARRIVED_IT.test(words)) c.agent = sent.agent;
  }
}
/** "I posted my old tablet to you", "sent them to you last week": a thing on its way from the shopper to the shop. */
const SENT_TO_SHOP =
  /\b(?:i|we)\s+(?:have\s+|already\s+|just\s+)?(?:sent|posted|mailed|shipped|dropped off)\b(?:\s+[\w-]+){0,5}?\s+to\s+you\b/;
/** "Has it arrived?", "did you get them?": whether the thing came, asked of a thing the shopper sent. */
const ARRIVED_IT =
  /\b(?:has|have|did)\s+(?:it|they|them)\s+(?:arrived|arrive|got there|get there|come in|reached you)\b|\bdid\s+you\s+(?:get|receive)\s+(?:it|them)\b/;
const SHOP_GOT_IT =
  /\b(?:arrived|got|come|reached)\s+(?:back\s+)?(?:with|to)\s+you\b|\byou\s+(?:have\s+)?(?:got|received|have)\s+(?:it|them)\b|\b(?:with you|reached you|got to you)\s+(?:yet|already)\b/;
