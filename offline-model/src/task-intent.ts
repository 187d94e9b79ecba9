import { NOT_YET_DELIVERED } from './delivery-state.js';
import { type Entities, extractEntities } from './entity-extractor.js';
import { isSmallTalk } from './message-checks.js';
import { asksWhenBack, forSomeoneInto } from './request-cues.js';
import { stem, type TextFeatures } from './text-features.js';

/** What a piece of text asks for, in shop terms. Used to word plans and to pick store tools. */
export type TaskIntent =
  | 'human'
  | 'cancel'
  | 'exchange'
  | 'return'
  | 'refund'
  | 'address'
  | 'payment'
  | 'modify_items'
  | 'restock'
  | 'newsletter'
  | 'bulk'
  | 'recommend'
  | 'track'
  | 'product_detail'
  | 'product_search'
  | 'knowledge'
  | 'greeting'
  | 'unknown';

const KNOWLEDGE_TOPICS = new Set(
  [
    'policy',
    'shipping',
    'ship',
    'hours',
    'pay',
    'card',
    'giftcard',
    'warranty',
    'guarantee',
    'privacy',
    'account',
    'contact',
    'located',
    'location',
    'faq',
    'time',
    'international',
    'free',
    'loyalty',
    'program',
    'membership',
    'promotion',
  ].map(stem),
);

/**
 * Where one thing of the shopper's is on its way ("has it shipped yet?", "why hasn't it shipped?", "did my parcel
 * arrive", "is it on its way", "where's my stuff", "order not here yet", "when is my grill coming", "it's still not
 * here", "when will it turn up?"): a state of that thing, not how shipping works in general ("does it ship to Canada?").
 */
const THING_IN_TRANSIT =
  // "Nothing has shown up", "my porch is still empty": where deliveries land, told empty, asks where the thing is.
  // Money is no parcel: "where is my money?" asks after a refund.
  /\b(?:has|have|had|did|is|are|was|were)\s+(?:not\s+)?(?:it|they|(?:my|our|the)\s+\w+)\s+(?:already\s+|even\s+|actually\s+|finally\s+)?(?:been\s+)?(?:ship(?:ped)?|sent(?:\s+out)?|dispatched|arrived?|delivered|left|gone out|out for delivery|on (?:its|their|the) way)\b|\bwhere(?:'s|\s+is|\s+are|\s+s)?\s+(?:it|they|my\s+(?!(?:money|refund|cash|credit|reimbursement)\b)\w+|(?:order\s+)?#?w\d{5,})\b|\b(?:order|package|parcel|delivery|shipment|stuff)\s+(?:is\s+|are\s+|has\s+|have\s+)?(?:still\s+)?(?:(?:is|has|have)\s+)?not\s+(?:yet\s+)?(?:here|come|arrived|delivered|shown up|showed up|turned up)\b|\bwhen\s+(?:is|are|will|does|do|would)\s+(?:my|our)\s+(?:\w+\s+){1,2}?(?:coming|come|arriving|arrive|getting here|get here|be here|be delivered|ship|shipping|be shipped)\b|\b(?:it|its|it is|they|they are|theyre)\s+(?:still\s+)?(?:(?:has|have)\s+)?(?:still\s+)?(?:not|never)\s+(?:yet\s+)?(?:here|come|arrived|turned up|shown up|showed up|been delivered|got here|reached me)\b|\bwhen\s+(?:is\s+|are\s+|will\s+|would\s+)?(?:it|they)\s+(?:will\s+|is going to\s+|are going to\s+)?(?:actually\s+|finally\s+|ever\s+)?(?:turn up|show up|get here|be here|arrive|be delivered|reach me)\b|\b(?:still\s+)?nothing\s+(?:has\s+|have\s+)?(?:yet\s+)?(?:shown up|showed up|turned up|arrived|come|came|been delivered|been dropped off)\b|\b(?:still\s+)?nothing\s+(?:in|at|on|through)\s+(?:my|the|our)\s+(?:mailbox|mail box|letterbox|letter box|post\s?box|door|doorstep|porch)\b|\b(?:my|the|our)\s+(?:doorstep|porch|mailbox|mail box|letterbox|letter box|post\s?box)\s+(?:is\s+|was\s+|stays\s+|remains\s+)?(?:still\s+)?empty\b/i;

/** Taking an item off an order: "remove the lamp from it", "take the kettle off my order", "drop one from the order". */
const TAKES_ITEM_OFF =
  /\b(?:remove|delete|drop|take)\s+(?:\S+\s+){0,4}?(?:from|off|out of)\s+(?:it|(?:my|the|this|that|our)\s+(?:order|purchase))\b/;

/**
 * Asking for fewer emails: unsubscribing, opting out, being taken off a list, no more mail. Not "stop sending me the
 * box" nor "the coffee": a thing sent, which a card that sends it stops.
 */
const OPTS_OUT =
  /\b(?:cancel\s+(?:my\s+|the\s+|your\s+)?(?:newsletter\s+)?subscription|unsubscribe|unsubscribing|opt\s*out|opting\s*out|stop\s+(?:emailing|mailing|spamming|texting|messaging)|stop\s+sending\b(?:\s+(?:me|us))?(?:\s+(?:your|the|these|those|all|any|so\s+many))?(?:\s+\w+)?\s+(?:e-?mails?|mails?|mailings?|newsletters?|texts?|messages?|offers?|promo\w*|marketing|spam|junk|notifications?|adverts?|ads)\b|stop\s+sending\s+(?:me\s+|us\s+)?(?:these|them|this)\s*$|(?:remove|take|delete)\s+(?:me|my\s+email(?:\s+address)?)\s+(?:from|off)|no\s+(?:more|longer\s+want)\s+(?:\w+\s+)?(?:emails?|newsletters?|mails?))\b/;

/** Whether the words ask for fewer emails (OPTS_OUT): never a sign-up. */
export function optsOut(words: readonly string[]): boolean {
  return OPTS_OUT.test(words.join(' '));
}

/** Whether the words ask to take an item off an order (TAKES_ITEM_OFF). */
export function takesItemOff(words: readonly string[]): boolean {
  return TAKES_ITEM_OFF.test(words.join(' '));
}

/** The shop's own things, which can fail but are never sent back. */
const SHOP_THINGS = new Set([
  'app',
  'website',
  'site',
  'page',
  'link',
  'checkout',
  'login',
  'account',
  'code',
  'coupon',
  'tracking',
]);
const FAULTS = new Set([
  'broken',
  'broke',
  'working',
  'work',
  'works',
  'crash',
  'crashes',
  'crashing',
  'error',
  'bug',
  'down',
  'load',
  'loading',
  'fails',
  'failing',
  'failed',
]);
const names = (words: readonly string[], set: ReadonlySet<string>) => words.some((w) => set.has(w));

/**
 * "The checkout page is broken", "the discount code is not working": a fault of the shop's own (its app, site,
 * checkout or codes), a support question, not something of the shopper's to send back.
 */
export function isShopFault(words: readonly string[]): boolean {
  return names(words, SHOP_THINGS) && names(words, FAULTS);
}

/** Whether the words ask where one thing of the shopper's is (THING_IN_TRANSIT). */
export function isThingInTransit(words: readonly string[]): boolean {
  return THING_IN_TRANSIT.test(words.join(' '));
}

/** "Stuck in transit", "hasn't moved": an order of the shopper's on its way that does not come. */
const STALLED = /\b(?:stuck|in transit|not moving|not moved|has not moved|no update|no updates)\b/;

const CHANGES_ACCOUNT_DETAIL =
  /\b(?:change|update|edit|correct|fix|replace|reset)\b(?:\s+\w+){0,3}?\s+(?:email|e mail|phone|phone number|mobile number|username|password)\b|\b(?:forgot|forgotten|lost)\s+(?:my\s+)?(?:password|username|login)\b|\b(?:can not|cannot|unable to)\s+(?:log|sign)\s*in(?:to)?\b|\blocked out\b/;

/**
 * "How do I contact customer service?", "what's your phone number?": how to reach the shop's people, which the help
 * articles say, not a request to be put through now.
 */
export function asksHowToReach(text: string): boolean {
  return /\bhow (?:do|can|could|should|would) (?:i|we|you) (?:contact|reach|call|phone|ring|email|e-mail|write to|get in touch with|get hold of)\b|\bwhat(?:'s| is) (?:your|the) (?:phone number|email address|contact (?:email|number|details))\b/i.test(
    text,
  );
}

/** Intents that read or change a customer's orders or account. */
export const ORDER_INTENTS: ReadonlySet<TaskIntent> = new Set([
  'track',
  'cancel',
  'address',
  'payment',
  'modify_items',
  'return',
  'exchange',
  'refund',
]);

/** When the shop's people work: its hours, its days. */
const WHEN_PEOPLE_WORK =
  /\b(?:what time|hours|open|opens|close|closes|closing|weekends?|holidays?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b|\bwhen\s+(?:\S+\s+){0,4}(?:open|available|working|start|back)\b/i;
/** Asking for a person now: talk, call, connect, transfer. */
const ASKS_FOR_PERSON = /\b(?:talk|speak|chat|connect|put me through|call me|transfer|get me|want|need)\b/i;

/**
 * "What time does customer service close today?", "is customer service open on Sundays?": when the shop's people work
 * is a question of its business hours, not a request for one of them.
 */
export function asksWhenPeopleWork(text: string): boolean {
  return WHEN_PEOPLE_WORK.test(text) && !ASKS_FOR_PERSON.test(text);
}

/**
 * Classifies text by its words and entities. Order matters: a request to talk to a person wins
 * over everything, a change to an order over a question about one.
 */
export function classifyIntent(features: TextFeatures, entities: Entities): TaskIntent {
  const intent = classifyWords(features, entities);
  // "I'm frustrated, the sneakers are too small, can I exchange them": a feeling beside an order action is how the
  // shopper feels about it; alone, or beside anything else, it is for a person.
  if (intent !== 'human' && !ORDER_INTENTS.has(intent) && features.tokens.some((t) => t.stem === UPSET)) return 'human';
  return intent;
}
/** The concept the synonyms give every word of feeling upset ("frustrated", "not happy"). */
export const UPSET = stem('upset');

const OTHER_THAN_CHOSEN =
  /\b(?:arrived|came|received|got|delivered|inside|sent me|showed up)\b.{0,60}\b(?:but|yet|when|though|and)?\s*(?:i|we) (?:definitely |clearly |specifically )?(?:ordered|picked|chose|selected|wanted|asked for|paid for)\b/;
/** The same told the other way round: "ordered the bagless vacuum and got a bagged one", "I chose white but received black". */
const CHOSEN_THEN_OTHER =
  /\b(?:ordered|picked|chose|selected|asked for|paid for)\b(.{0,60}?)\s(?:(?:but|yet|and|instead)\s+)?(?:i\s+|we\s+)?(?:got|received|was sent|were sent|you sent(?: me)?|they sent(?: me)?)\s+(?!(?:it|them|my|our|the same|this|that|these|those|today|yesterday|back|nothing|here|there|fast|quickly|early|late|safely|on time)\b)(\w.{0,40})/;
/** "The bagless vacuum", "size 9": a thing, or an option of one, as opposed to "on monday". */
function namesAThing(text: string): boolean {
  const e = extractEntities(text);
  return e.products.length + e.colours.length + e.sizes.length + e.materials.length > 0;
}
/** Whether what came (`got`) is the thing chosen again: the same product, in no option the shopper did not choose. */
function sameAsChosen(chosen: string, got: string): boolean {
  const [a, b] = [extractEntities(chosen), extractEntities(got)];
  const options = (e: Entities) => [...e.colours, ...e.sizes, ...e.materials].map((o) => o.toLowerCase());
  return b.products.some((p) => a.products.includes(p)) && options(b).every((o) => options(a).includes(o));
}

/**
 * What came is not what was chosen, told either way round and across the message's pieces ("the box arrived, the
 * kettle inside is black, I definitely picked white"): a wrong item received, whatever words say so.
 */
export function receivedOtherThanChosen(text: string): boolean {
  const t = text.toLowerCase().replace(/[^\w\s'$#]+/g, ' ');
  const told = CHOSEN_THEN_OTHER.exec(t);
  return OTHER_THAN_CHOSEN.test(t) || (!!told && namesAThing(told[1]!) && !sameAsChosen(told[1]!, told[2]!));
}

/**
 * "Was cancelled", "got refunded", "has been returned", "you cancelled it", "I already sent them back": what already
 * happened to an order or a thing, told as its state. Not "was not cancelled" (what the shopper still wants done), nor
 * "can it be cancelled?" (asks for it).
 */
const DONE_VERB = String.raw`(?:cancel+ed|canceled|refunded|returned|(?:sent|posted|mailed|shipped|brought|took|dropped)\s+(?:\w+\s+){0,2}?back)`;
const SOMEONE = '(?:i|we|you|they|u|someone|somebody|you guys|u guys)';
const BARELY = String.raw`(?:(?:already|just|suddenly|automatically|apparently|randomly|also|all|actually|even)\s+)?`;
const HAPPENED = new RegExp(
  [
    // "was cancelled", "they already refunded", "I sent them back", "cancelled and refunded"
    String.raw`\b(?:was|were|got|been|is|are|${SOMEONE}(?:\s+(?:have|had|already|just|accidentally))?)\s+${BARELY}${DONE_VERB}(?:\s*(?:,|and)?\s+${DONE_VERB})*\b`,
    // "why did they cancel", "have you refunded", "did someone send it back"
    String.raw`\b(?:did|have|has)\s+${SOMEONE}\s+${BARELY}(?:cancel\w*|refund\w*|return\w*|sen[dt]\s+(?:\w+\s+)?back)\b`,
    // "the parcel went back to you on the 3rd": the thing itself on its way to the shop
    String.raw`\b(?:went|gone)\s+back\s+to\s+you\b`,
  ].join('|'),
  'g',
);
/** "Refunded without me asking", a piece of "my order got cancelled and refunded …": told as done, as the piece before. */
const GOES_ON_DONE = new RegExp(String.raw`^\s*(?:and\s+|also\s+)?${DONE_VERB}\b`);
type Done = 'cancel' | 'refund' | 'return';
const DONE_KIND = (verb: string): Done =>
  /^cancel/.test(verb) ? 'cancel' : /^refund/.test(verb) ? 'refund' : 'return';

/**
 * What the words tell as already done to the order (HAPPENED) and do not also ask for: "my order was cancelled with no
 * explanation" asks after its state; "it was cancelled, please cancel the other one too" asks for a cancellation as well.
 */
export function toldAsDone(text: string): ReadonlySet<Done> {
  const kinds = new Set<Done>();
  const rest = text.replace(HAPPENED, told).replace(GOES_ON_DONE, told);
  function told(phrase: string): string {
    for (const [verb] of phrase.matchAll(
      /\b(?:cancel|refund|return|sen[dt]|posted|mailed|shipped|brought|took|dropped|went|gone)\w*/g,
    ))
      kinds.add(DONE_KIND(verb));
    return ' ';
  }
  const asked = { cancel: /\bcancel/, refund: /\brefund/, return: /\breturn|\bsend\b.{0,20}\bback\b/ };
  for (const k of kinds) if (asked[k].test(rest)) kinds.delete(k);
  return kinds;
}
/** A parcel the carrier took back: where it is, not a return of the shopper's. */
const BACK_TO_SENDER = /\breturn(?:ed|ing)?\s+(?:back\s+)?to\s+(?:the\s+)?(?:sender|warehouse|depot|you)\b/;

/**
 * "We moved and the parcel still goes to the old flat", "my account still has my old place": a move told as a story,
 * which asks for the address to change, though no one says "address".
 */
const MOVED_HOME =
  /\b(?:old|previous|former)\s+(?:place|flat|apartment|house|home|address|building)\b|\b(?:moved|relocated|moving)\b(?:\s+\w+){0,8}?\s+(?:still\s+)?(?:goes|going|go|sent|ships?|shipping|set)\s+to\b/;

const PAY_ORDER_WITH =
  /\bpay\b(?:\s+for)?\s+(?:it|this|that|(?:the\s+|my\s+)?order|w\d{5,})\b(?:\s+\S+){0,6}?\s+with\b/;

function classifyWords(features: TextFeatures, entities: Entities): TaskIntent {
  const stems = new Set(features.tokens.map((t) => t.stem));
  const has = (...ws: string[]) => ws.some((w) => stems.has(stem(w)));
  const word = (...ws: string[]) => ws.some((w) => features.words.includes(w));
  const orderish = entities.orderIds.length > 0 || has('order', 'package', 'delivery');
  if (
    has('human', 'talk') &&
    (has('human') || word('agent')) &&
    !asksWhenPeopleWork(features.words.join(' ')) &&
    !asksHowToReach(features.words.join(' '))
  )
    return 'human';
  if (has('complaint')) return 'human';
  // "Unsubscribe me", "take me off your mailing list", "cancel my subscription": the opposite of signing up, which no
  // lead is wanted for, and no order to cancel.
  if (optsOut(features.words)) return 'knowledge';
  // "My order was cancelled with no explanation", "got refunded for one item only": the state of what was done,
  // asked after or complained of, which the card that tracks it reads; no request to do it again.
  const done = toldAsDone(features.words.join(' '));
  if (has('cancel') && !done.has('cancel')) return 'cancel';
  // Nothing that has not reached the shopper can be sent back: "I ordered the wrong size, it hasn't shipped yet, can I
  // change to a 9?" changes the order's items.
  if (
    NOT_YET_DELIVERED.test(features.words.join(' ')) &&
    has('exchange', 'return', 'change', 'wrong') &&
    (entities.sizes.length || entities.colours.length || has('size', 'color', 'item'))
  )
    return 'modify_items';
  // "Can I remove the desk lamp from it?", "take the kettle off my order": a change to the order's items.
  if (takesItemOff(features.words)) return 'modify_items';
  if (has('exchange')) return 'exchange';
  // "The backpack is the wrong size, I'd like a bigger one": another size of it, not the money back.
  if (
    has('wrong', 'fit') &&
    /\b(?:bigger|larger|smaller|another size|different size|other size|size up|size down)\b/.test(
      features.words.join(' '),
    ) &&
    !has('refund')
  )
    return 'exchange';
  if (has('refund') && !done.has('refund')) return 'refund';
  // "Where is my money?!" after sending something back: money is no parcel to track; where it is asks after a refund.
  if (/\bwhere(?:'s| is| has)? (?:my|the) (?:money|cash|credit|reimbursement)\b/.test(features.words.join(' ')))
    return 'refund';
  if (has('return') && !has('policy') && !done.has('return')) return 'return';
  // Cancelled, or sent back by the carrier: where the order stands. A refund or a return done: where its money is.
  if (done.has('cancel') || (done.has('return') && BACK_TO_SENDER.test(features.words.join(' ')))) return 'track';
  if (done.size) return 'refund';
  // "The pet bed arrived in beige but I ordered brown", "the kettle inside is black, I picked white": what came is
  // not what was chosen, a wrong item received, whatever word says so.
  if (receivedOtherThanChosen(features.words.join(' '))) return 'return';
  // Something of the shop's own that breaks (the app, a link, the checkout) is no item to send back.
  if (
    (has('damaged') && !(names(features.words, SHOP_THINGS) && entities.products.length === 0)) ||
    (has('wrong') && (has('item', 'size', 'color', 'material') || entities.products.length > 0 || has('received')))
  )
    return 'return';
  // "Change my email address on my account", "I forgot my password": an account detail no tool changes, which a
  // person does; an email address is no postal one.
  if (CHANGES_ACCOUNT_DETAIL.test(features.words.join(' '))) return 'human';
  if (
    entities.address ||
    (has('address') && (has('change') || word('new', 'moved', 'wrong', 'incorrect', 'old'))) ||
    MOVED_HOME.test(features.words.join(' '))
  )
    return 'address';
  // "Could you switch my payment to the gift card?", "pay it with my visa instead of paypal", "pay for #W… with a
  // different card": the shopper's own payment, which only an order has to change ("instead", "another" say one is
  // there already).
  const ownPayment = /\bmy (?:payment|card|credit card|debit card|paypal|visa|mastercard|amex|gift ?card)\b/.test(
    features.words.join(' '),
  );
  if (
    has('pay', 'card', 'giftcard') &&
    (has('change') || word('instead', 'different', 'another', 'other')) &&
    (orderish || ownPayment)
  )
    return 'payment';
  // "Pay #W… with my visa please": a way to pay an order, named ("paid … with" tells what was).
  if (ownPayment && PAY_ORDER_WITH.test(features.words.join(' '))) return 'payment';
  if (has('change') && orderish && (entities.sizes.length || entities.colours.length || has('item', 'size', 'color')))
    return 'modify_items';
  // "Can I change the boots to size 11?", "change the hose to a different color": a thing of the shopper's to another
  // option (named, or only its kind), not how changes work.
  if (
    has('change') &&
    entities.products.length &&
    /\bto\s+(?:(?:a|an|the)\s+)?(?:size\s+)?\S/.test(features.words.join(' ')) &&
    (entities.sizes.length ||
      entities.colours.length ||
      entities.materials.length ||
      /\b(?:different|another|other)\s+(?:colou?r|size|material)\b/.test(features.words.join(' ')))
  )
    return 'modify_items';
  // "Let me know when it's back": a thing coming back (in stock), which the newsletter is not.
  if (
    has('restock') ||
    (has('notify') && (entities.products.length > 0 || has('stock', 'available') || word('back'))) ||
    asksWhenBack(features.words.join(' '))
  )
    return 'restock';
  if (has('newsletter', 'notify') || (has('promotion') && entities.emails.length > 0)) return 'newsletter';
  if (has('bulk', 'wholesale', 'business')) return 'bulk';
  if (has('complement', 'recommend', 'accessory', 'bundle', 'gift') || forSomeoneInto(features.words.join(' ')))
    return 'recommend';
  // Delivery and shipping words are about the shopper's own order when it is theirs ("my package", "our order") or on
  // its way ("when will the parcel arrive"); otherwise they ask about the shop's delivery ("do you offer free delivery",
  // "how long do orders take to ship"): a question for the knowledge base, not a lookup.
  const ownOrder = orderish && word('my', 'our', 'mine', 'arrive', 'arrived', 'arrives', 'arriving', 'yet', 'still');
  const text = features.words.join(' ');
  if (
    entities.orderIds.length > 0 ||
    has('track', 'status') ||
    (ownOrder && (has('shipping', 'ship', 'delivery', 'time') || STALLED.test(text))) ||
    isThingInTransit(features.words)
  )
    return 'track';
  if (word('where') && has('order', 'package', 'stuff')) return 'track';
  // "What orders do I have?", "show me all my orders": the shopper's orders and where each one is.
  if (word('orders', 'purchases') && word('what', 'which', 'list', 'show', 'all', 'many') && word('my', 'i', 'mine'))
    return 'track';
  // "What did I order last time?", "what have I bought from you": the account's orders.
  if (/\bwhat (?:did|have|had) i (?:just |last )?(?:order|ordered|buy|bought|purchase|purchased)\b/.test(text))
    return 'track';
  if (has('policy')) return 'knowledge';
  const knowledgeTopic = features.tokens.some((t) => KNOWLEDGE_TOPICS.has(t.stem));
  // "The difference between the two air fryers" compares products; "between standard and express shipping", a rule.
  if (entities.productIds.length > 0 || has('specification', 'detail') || (has('comparison') && !knowledgeTopic))
    return 'product_detail';
  if (
    has('search', 'stock', 'available', 'price', 'size', 'color', 'material') ||
    entities.products.length > 0 ||
    entities.maxPrice !== undefined
  )
    return features.tokens.some((t) => KNOWLEDGE_TOPICS.has(t.stem)) && entities.products.length === 0
      ? 'knowledge'
      : 'product_search';
  if (features.tokens.some((t) => KNOWLEDGE_TOPICS.has(t.stem))) return 'knowledge';
  if (isSmallTalk(features.words)) return 'greeting';
  return 'unknown';
}
