import { type Entities, extractEntities } from './entity-extractor.js';
import { rawWords } from './text-features.js';

/**
 * What a message says by its shape rather than its words. "200 water bottles" is a bulk purchase whether
 * or not the shopper writes "bulk": a count that no household buys is a sales enquiry.
 */

/** From this many units of one thing, a purchase is bulk. */
const BULK_QUANTITY = 20;
/** Counts of these are amounts of time, money or measure, not of goods. */
const NOT_GOODS =
  /^(days?|weeks?|months?|years?|hours?|hrs|minutes?|mins|seconds?|dollars?|bucks|euros?|pounds?|percent|times|miles?|km|inch(es)?|cm|mm|kg|kgs|lbs?|ounces?|oz|gb|tb|mb|gigabytes?|megabytes?|terabytes?|watts?|volts?|degrees?|pixels?|pages|people|persons?|guests?)$/;

/** Words the text implies by its shape, to be scored as if written ("bulk" for a count of hundreds). */
export function requestConcepts(text: string): string[] {
  const out: string[] = [];
  const counts = text.toLowerCase().matchAll(/(?<![$#\w.])(\d{2,6})\s+(?:[a-z-]+\s+){0,2}?([a-z-]+s)\b/g);
  for (const [, n, unit] of counts) {
    const before = text.slice(0, text.toLowerCase().indexOf(n!)).toLowerCase();
    if (Number(n) >= BULK_QUANTITY && !NOT_GOODS.test(unit!) && !/\b(size|sizes|no|number|zip)\s*$/.test(before))
      out.push('bulk');
  }
  if (asksWhenBack(text)) out.push('restock');
  if (forSomeoneInto(text)) out.push('gift');
  if (asksWhatElseToGet(text)) out.push('complementary');
  if (ASKS_BALANCE.test(text)) out.push('balance');
  return [...new Set(out)];
}

/** "How much money is still on my gift card?", "what's left on my voucher": the balance of a card, asked. */
const ASKS_BALANCE =
  /\b(?:how much|what(?:'s| is)?)\s+(?:money\s+|credit\s+|value\s+)?(?:is\s+|do i have\s+|have i got\s+)?(?:still\s+)?(?:left|remaining|still)\s+(?:on|in)\s+(?:my|the|this|our|a)\b|\bhow much\s+(?:money\s+|credit\s+)?(?:is\s+)?(?:still\s+)?(?:on|in)\s+(?:my|the|this|our)\s+(?:\w+\s+)?(?:gift\s?cards?|cards?|vouchers?|certificates?|accounts?)\b/i;

/**
 * "What else should I pick up for the trip?", "which chargers would be worth getting along with it?", "what do people
 * buy together with the tent?": more to buy
 * beside what the shopper has or chose, which the card that recommends complements answers, whatever it is called.
 */
export const asksWhatElseToGet = (text: string) => ASKS_WHAT_ELSE_TO_GET.test(text);
const ASKS_WHAT_ELSE_TO_GET =
  /\b(?:what|which|anything)\b[^.?!]{0,40}?\b(?:buy|get|order|grab|pick\s+up|use)\s+(?:together\s+with|along\s+with|with)\s+(?:the|a|an|my|your|it|this|that|these|those|them)\b(?!\s*(?:gift\s?cards?|cards?|vouchers?|paypal|points|credit|discount|codes?|coupons?|budget|money)\b)|\bwh?at\s+else\s+(?:should|would|do|could|can|might|must)\s+(?:i|we|u)\s+(?:also\s+)?(?:get|buy|grab|pick\s+up|add|need|bring|order|pack)\b|\b(?:worth|good)\s+(?:getting|buying|adding|grabbing)\s+(?:along\s+)?with\b|\balong\s+with\s+(?:it|them|this|that|those|these|my)\b/i;

/**
 * "Tell me when the fleece jacket is back", "when will you have the skillet again?", "are you getting more?", "any plans
 * to restock the mats?", "shout if more turn up": a back-in-stock alert, in whichever words the shopper asks after
 * stock coming again. Also read in the shopper's shorthand expanded ("wen do they come bak").
 */
export function asksWhenBack(text: string): boolean {
  return [text, rawWords(text).join(' ')].some(
    (t) =>
      TOLD_WHEN_BACK.test(t) ||
      (COMES_AGAIN.test(t) && !NOT_STOCK.test(t)) ||
      SHOP_GETS_MORE.test(t) ||
      SHOP_REORDERS.test(t) ||
      TOLD_IF_MORE.test(t),
  );
}
const TOLD_WHEN_BACK =
  /\b(?:(?:tell|text|ping|email|message|notify|inform) (?:me|us)|let (?:me|us) know) when\b[^.?!]{0,80}?\b(?:is|are|comes?|gets?) back(?: in stock)?\s*(?:$|[.?!,;]|please\b|again\b)/i;
/** "When can I get size 10 again?", "will the blue ones come back", "do they come bak": the same goods, later. */
const COMES_AGAIN =
  /\b(?:when|will|would|can|could|do|does)\b[^.?!]{0,50}?\b(?:have|get|stock|sell|carry|come|be (?:in|around))\b[^.?!]{0,40}?\b(?:again|back)\b(?! to\b)/i;
/**
 * What comes again that is not stock: a charge, a code, a parcel, a problem, money (a deposit), a thing sent back, a
 * thing of the shopper's own ("when do I get my bike back?").
 */
const NOT_STOCK =
  /\b(?:get (?:my|our) (?!sizes?\b)|deposits?|bond|cash|have to|send|sent|give|gave|take|took|bring|brought|ship\w*|post\w*|return\w*|charg\w*|bill\w*|refund\w*|pa(?:y|id)\w*|money|code|password|log\s?in|email\w*|error|happen\w*|broke\w*|order\w*|parcel|package|deliver\w*|call\w*|hear|touch|contact\w*|help)\b/i;
/** "Are you ever getting more?", "will you get them in again": the shop's next delivery of something. */
const SHOP_GETS_MORE =
  /\b(?:you|u|they|y'?all)\s+(?:\w+\s+)?(?:getting|get|bringing|ordering|reordering|restocking)\s+(?:any\s+|some\s+)?(?:more|them|those|these)(?:\s+(?:in|back|again|soon|ever|anytime soon))*\s*(?:$|[?.!,;])/i;
/** "Any plans to reorder the yoga mats?": the shop ordering in more, not the shopper placing an order again. */
const SHOP_REORDERS = /\b(?:plans?|planning|going|gonna)\s+(?:\w+\s+){0,2}?(?:re-?order|replenish|restock)\w*\b/i;
/** "Shout if more turn up", "let me know once it's in again": told when more of it comes in. */
const TOLD_IF_MORE =
  /\b(?:tell|text|ping|email|message|notify|inform|shout|let)\s+(?:(?:me|us)\s+)?(?:know\s+)?(?:when|if|once|as soon as)\b[^.?!]{0,60}?\b(?:more\s+(?:turn|come|arrive|land|show|are|get)\w*|restocked|in stock|(?:in|available)\s+again)\b/i;

/** "Do I have any other orders?", "anything else on my account": asks past what the conversation named already. */
export const ASKS_PAST_NAMED = /\b(other|others|else|besides|another)\b/i;

/**
 * "I didn't get the code, can you send it again?", "resend the code", "the code doesn't work": the one-time code asked
 * for again.
 */
export function asksForCodeAgain(message: string): boolean {
  return (
    message.length <= 200 &&
    /\bcode\b/i.test(message) &&
    // A discount or gift code is something else the shop has.
    !/\b(?:discount|promo|promotional|coupon|gift|voucher|referral|zip|postal|area)\s+code\b/i.test(message) &&
    /\b(?:send|sent|resend|re-send|again|another|new|didn'?t (?:get|receive|come|work)|doesn'?t work|not working|expired|never (?:got|came|arrived|received)|no code|not (?:get|got|received|arrived))\b/i.test(
      message,
    )
  );
}

/**
 * "What was my order total?", "how much did I pay for it?", "what did that order cost?": the amount of the order, not
 * only its lines.
 */
export const ASKS_ORDER_TOTAL =
  /\b(?:grand )?total\b|\bhow much (?:was|were) (?:it|that|this|the order|my order)\b|\bhow much\b[^?.!]*\b(?:pay|paid|cost|costs|charged|spend|spent)\b|\bwhat did (?:i|we) (?:pay|spend)\b|\bwhat did (?:it|that|the order|my order|this order|my (?:last|latest|most recent|newest) order) cost\b|\bamount (?:i |we )?(?:paid|charged)\b/i;

/**
 * "How much was it in total?", "what did that cost?": the amount of something the conversation named, with no name
 * of its own.
 */
export function asksTotalOfIt(message: string): boolean {
  return message.length <= 120 && ASKS_ORDER_TOTAL.test(message) && /\b(?:it|that|this)\b/i.test(message);
}

/**
 * "How much will I get back?", "what would my refund be?": the amount a return pays back, asked. A question, not a
 * request to return anything.
 */
export const ASKS_REFUND_AMOUNT =
  /\bhow much (?:money )?(?:will|would|do|did|can|could|should|'ll) (?:i|we) (?:get|be getting|receive|be refunded|have refunded)(?: back)?\b|\bhow much (?:will|would|do|did) (?:you|they) (?:refund|pay back|give back)\b|\bhow much (?:is|will be|would be) (?:the|my) refund\b|\bwhat(?:'s| is| will be| would be) (?:the|my) refund(?: amount)?\b|\bwhat (?:would|will) (?:the|my) refund be\b/i;

/** An offer to do something, in the stand-in's words: "I can email you when it's back: just ask". */
const OFFER = /\bI can ([^.:!?\n]{3,80}?)(?::\s*just ask\b|,? if you(?:'d| would) like\b)/gi;

/**
 * "Sounds good", "ok let's do that" right after an answer that offered to do something ("… I can email you when
 * they're back: just ask"): what was offered, in the shopper's words ("email me when they're back"). Not a yes to a
 * change proposed for a yes, nor to the one-time code offered (each has its own reading), nor a yes that says more.
 */
export function offerTaken(message: string, answer: string | undefined): string | undefined {
  const e = extractEntities(message);
  // "Ok let's do that, my email is kim@example.com": the yes and the address it needs.
  const email = e.emails[0];
  const words = message.split(/\s+/).length;
  if (!answer || !e.confirms || words > (email ? 12 : 6) || amendsProposal(message, e)) return undefined;
  if (/\breply "yes" to confirm\b/i.test(answer)) return undefined;
  const offer = [...answer.matchAll(OFFER)].at(-1)?.[1];
  if (!offer || /\bcode\b/i.test(offer)) return undefined;
  const asked = offer
    .replace(/\byours\b/gi, 'mine')
    .replace(/\byour\b/gi, 'my')
    .replace(/\byou\b/gi, 'me');
  return email ? `${asked}, my email is ${email}` : asked;
}

/** "My last order", "the most recent one I placed": the account's latest order, which the shopper need not number. */
export const LATEST_ORDER =
  /\b(?:my|the|our)\s+(?:very\s+)?(?:last|latest|most recent|newest)\s+(?:order|purchase)\b|\bthe (?:last|latest|most recent) (?:one|order) i (?:placed|made|ordered)\b/i;

/** A phone number as shoppers type it: "555 123 4567", "+1 (555) 010-0100". */
export const PHONE = /\+?\d[\d\s().-]{5,}\d/;
/**
 * An email, a phone number, an order id, a zip: the details a shopper is asked for, as written. An email starts where
 * a word starts: without the look-behind, every letter of a long word would start a scan to its end.
 */
const DETAIL = new RegExp(
  `(?<![\\w.+-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+|#?W\\d{5,}|${PHONE.source}|\\b\\d{5}\\b`,
  'gi',
);
/** What a shopper writes around the details they give: "my email is …, and my phone is …". */
const DETAIL_WORDS = new Set(
  `my email e mail address is was it its it's phone number mobile cell telephone tel and or here you go sure ok okay yes
  the i im i'm am reach me at on call text thanks thank please zip code name order this that`
    .split(/\s+/)
    .filter(Boolean),
);

/** A message that gives details and asks for nothing: its words, once the details are out, are only the frame. */
export function givesOnlyDetails(message: string): boolean {
  const rest = message.replace(DETAIL, ' ');
  if (rest === message) return false;
  return (rest.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).every((w) => DETAIL_WORDS.has(w));
}

/**
 * "Something for my brother who is into gaming", "ideas for a friend who loves music": a present, though no word says
 * "gift".
 */
export function forSomeoneInto(text: string): boolean {
  return /\b(?:something|anything|ideas?|suggestions?)\s+(?:nice\s+|good\s+)?for\s+(?:my|a|an|our|his|her)\s+[a-z]+(?:\s+[a-z]+)?\s*,?\s+(?:who|that|he|she|they)(?:'s|\s+is|\s+are)?\s+(?:really\s+)?(?:into|loves?|likes?|enjoys?|(?:a\s+)?(?:big\s+)?fan\s+of)\b/i.test(
    text,
  );
}

const GIFT = /\b(?:gifts?|presents?|birthday|christmas|anniversary)\b/i;
/** A present asked for ("a gift for my sister", "something for my dad who likes hiking"), not a gift card. */
export function asksForGift(text: string): boolean {
  return (
    (GIFT.test(text) || forSomeoneInto(text)) &&
    !/\bgift ?(?:cards?|certificates?|wrap\w*|receipts?|messages?)\b/i.test(text) &&
    // "What if the item was a gift?": one already given.
    !/\b(?:was|were|is|got|received|given)\s+(?:it\s+)?(?:as\s+)?an?\s+(?:gift|present)\b/i.test(text)
  );
}

/** "I don't have the order number", "lost my order id": the shopper's orders are found from who they are. */
export const LACKS_ORDER_NUMBER =
  /\b(?:don'?t|do not|dont|can'?t|cannot|cant|didn'?t|did not|no longer)\s+(?:have|know|find|remember|see|get|got|keep)\b[^.?!]{0,25}\border\s*(?:number|id|no|#)|\b(?:lost|forgot|deleted|misplaced)\s+(?:my|the)\s+order\s*(?:number|id|confirmation)\b|\bno order\s*(?:number|id)\b/i;

/** "What are my options?", "what can I do?": asks the card that just answered what comes next. */
export const ASKS_WHAT_NOW =
  /^\W*(?:ok\W+|so\W+|and\W+)?(?:what are my options|what (?:can|should|do) i do(?: now| next)?|what now|what next|what happens (?:now|next))\W*$/i;
/** "It's been 10 days", "that was last week": says more of what the last answer was about, asking nothing new. */
export const TELLS_MORE =
  /^\W*(?:but\s+|and\s+|well\s+)?(?:it|its|it's|it has|it was|that|that's|this|they|they're|still)\b/i;

/** What of the account a shopper may ask to see. */
export type AccountDetail = 'address' | 'payment' | 'email' | 'phone';
const ACCOUNT_DETAIL_WORDS: ReadonlyArray<readonly [AccountDetail, RegExp]> = [
  ['address', /\baddress(?:es)?\b/i],
  [
    'payment',
    /\b(?:payment (?:methods?|options?|details|info(?:rmation)?)|(?:credit |debit )?cards?|paypal|balance)\b/i,
  ],
  ['email', /\be-?mail(?: address)?\b/i],
  ['phone', /\bphone(?: number)?\b/i],
];
/** Where the shop keeps it: "on file", "saved", "on my account", "my address". */
const KEPT_ON_ACCOUNT =
  /\b(?:on|in) (?:file|record)\b|\bsaved\b|\b(?:on|in|of|for|to) (?:my|the) account\b|\bregistered\b|\b(?:you|u) have (?:for|on) me\b|\bmy (?:saved |default |current |registered )?(?:address(?:es)?|payment methods?|cards?|e-?mail(?: address)?|phone(?: number)?)\b|\bmy gift ?cards?\b/i;
/** Asking to see, not to change: "what's", "which", "show me", "can you tell me", "do I have". */
const ASKS_TO_SEE =
  /^\W*(?:(?:and|so|ok|okay|hi|hey|also)\W+)?(?:what|which|whats|how many|how much)\b|\b(?:show me|list (?:my|all|the)|see (?:my|the)|tell me|remind me|confirm|check|read (?:me|out)|do i have|have i got|do you (?:have|keep|hold) my|you have (?:for|on|on (?:file|record) for) me)\b/i;
const CHANGES_IT =
  /\b(?:change[sd]?|update[sd]?|edit|add|remove|delete|replace|correct|fix|use|pay with|charge[sd]?|refund\w*|new|put|sign|subscribe)\b/i;

/**
 * "What credit cards do I have on file?", "show me my saved addresses", "what's the email on my account?": the
 * account's own details, read from it, not how the shop handles them. A change, an order named or a question about
 * an order ("the address of my order") is something else. Returns what was asked for, every detail for "my account
 * details".
 */
export function accountDetailsAsked(text: string): AccountDetail[] | undefined {
  if (!ASKS_TO_SEE.test(text) || CHANGES_IT.test(text) || /\border|#?\bw\d{5,}/i.test(text)) return undefined;
  const named = ACCOUNT_DETAIL_WORDS.filter(([, re]) => re.test(text)).map(([d]) => d);
  if (named.length && KEPT_ON_ACCOUNT.test(text)) return named;
  if (
    /\b(?:my|the) account(?:'s)? (?:details|info(?:rmation)?)\b|\bwhat (?:do|does) (?:you|your shop|the shop) (?:have|know|keep|store) (?:on|about) me\b/i.test(
      text,
    )
  )
    return ['address', 'payment', 'email'];
  return undefined;
}

/** Words that frame a pick and say nothing of it: "10 please", "the gray one", "ok that one thanks". */
const PICK_FRAME = new Set(
  'the a an one that this please pls ok okay yes yeah sure then thanks thank you i ill take go with want like would d in size'.split(
    ' ',
  ),
);

/**
 * "10 please" or "the gray one" after "… size 10, gray, leather at $189.50. Would one of these suit you?": a pick of
 * what the last answer offered, which ended in a question. Every word the message says beyond its frame is in the
 * offer, and at least one is (a number counts whole: "10" is not in "$189.50").
 */
export function picksFromOffer(message: string, offer: string | undefined): boolean {
  if (!offer || !/\?\s*$/.test(offer)) return false;
  // "What about my visa then", "how about the blue one": a pick put as a question.
  const pick = message.replace(/^\W*(?:(?:ok(?:ay)?|so|and)\W+)?(?:what|how)\s+about\s+(?:my\s+)?/i, '');
  const words = pick.toLowerCase().match(/[\p{L}\p{N}.'-]+/gu) ?? [];
  if (!words.length || words.length > 8) return false;
  const offered = new Set(offer.toLowerCase().match(/\d+(?:\.\d+)?|[\p{L}\p{N}'-]+/gu) ?? []);
  const said = words.map((w) => w.replace(/\.$/, '')).filter((w) => !PICK_FRAME.has(w));
  return said.length > 0 && said.every((w) => offered.has(w));
}

/**
 * Help asked for before and not given: "nobody helps me", "this is the third time I'm writing", "still no answer".
 * A shopper let down that way is for a person, whatever the shop's cards say about the rest, and sooner than others.
 */
const UNANSWERED =
  /\b(?:no ?one|nobody|no body)\s+(?:\w+\s+)?(?:helps?|helping|helped|answers?|answering|answered|responds?|responded|replies|replied|gets? back|got back|cares?|fixe[sd]|fixing|listens?)\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)|how many) times?\s+(?:\w+\s+){0,3}?(?:writing|written|wrote|asking|asked|contacting|contacted|messaging|messaged|emailing|emailed|calling|called|reaching out|explaining|explained)\b|\bi keep (?:writing|asking|contacting|messaging|emailing|calling|explaining)\b|\bstill (?:no|have ?n[o']?t (?:had|got|gotten|received)(?: an?| any)?)\s+(?:answer|reply|response|help|word)\b|\bno (?:answer|reply|response) (?:yet|from (?:you|anyone|anybody))\b|\b(?:no ?one|nobody|anyone|anybody) (?:who|that) (?:can|could|will|would) (?:help|answer)\b|\bdoes (?:anyone|anybody) (?:\w+ )?(?:read|answer|respond|work)\b/i;

/** Whether the text tells of help asked for and not given (UNANSWERED). */
export function leftUnhelped(text: string): boolean {
  return UNANSWERED.test(text);
}

/** "Mostly for gaming", "it's for work", "for hiking": what the product asked about is for, said on its own. */
export const SAYS_PURPOSE =
  /^\W*(?:(?:mostly|mainly|mostly just|just|it'?s|its|it is|they'?re|i need it|i want it)\s+)?(?:for|to use for)\s+(?:\w+ing|work|school|travel|the gym|the office|kids|outdoors)\b/i;

/** "9", "size 9.5 please", "in 10 then": a size alone, as an answer to "which size would you like?". */
export const BARE_SIZE =
  /^\s*(?:(?:a|in)\s+)?(?:size\s+)?(\d{1,2}(?:\.5)?)\s*(?:please|pls|then|instead)?\s*[.!]?\s*$/i;

/** Money taken with no order to show for it: "charged but the order never went through", "paid and got no order". */
export const PAID_FOR_NOTHING =
  /\b(?:charged|paid|billed|debited)\b.{0,50}\b(?:never went through|didn'?t go through|did not go through|never came through|no order|never got (?:an?|the|my|any) (?:order|confirmation)|no confirmation|(?:was|wasn'?t|is|isn'?t) never placed|not placed|never placed|failed)\b/i;

/**
 * Money taken more than once for one thing: "charged me twice", "billed two times", "two identical payments on my card",
 * "a duplicate charge". A billing error only a person can put right, however the shopper words it.
 */
export const CHARGED_TWICE =
  /\b(?:charged|billed|debited|took|taken|paid|charging|billing)\s+(?:(?:me|us|my card|(?:the |my )?(?:payment|money))\s+)?(?:twice|two times|2 times|2x|three times|double)\b|\bdouble[- ]?(?:charged|billed|charge|payment)\b|(?<!\b(?:in|into|over|across|as|make|making|split|splitting)\s)\b(?:two|2|three|3|duplicate|duplicated|double|identical|repeated)\s+(?:identical\s+|separate\s+|same\s+)?(?:charges?|payments?|transactions?|debits?)\b/i;

/**
 * "My lawyer will be in touch", "I'm taking legal action", "I'll report you to consumer protection": a threat of the
 * law, which a person takes up, whatever else is asked.
 */
export const LEGAL_THREAT =
  /\b(?:lawyers?|attorneys?|solicitors?|legal action|legal proceedings|lawsuit|sue|suing|small claims|take (?:you|this|it) to court|see you in court|consumer (?:protection|rights|ombudsman)|trading standards|ombudsman|better business bureau|bbb)\b/i;

/**
 * "I'd rather not go through a bot", "I'm not comfortable giving my details to a chatbot", "tired of talking to a
 * machine": the shopper turning the bot down, which asks for a person as plainly as naming one.
 */
export function refusesTheBot(text: string): boolean {
  return BOT.test(text) && TURNS_DOWN.test(text);
}
const BOT =
  /\b(?:bot|chat ?bot|robot|machine|automated (?:\w+ )?(?:assistant|system|chat|replies|answers)|an? ai|ai assistant)\b/i;
const TURNS_DOWN =
  /\b(?:not|n'?t|never|rather|prefer|instead|uncomfortable|hate|tired of|sick of|fed up|done with|enough of|no more|stop|useless|pointless)\b/i;

/** Words by which the shopper asks for a person themselves, or escalates ("can I talk to someone?", "I want to complain"). */
export const ASKS_FOR_A_PERSON =
  /\b(?:human|person|people|someone|somebody|agent|representative|rep|manager|supervisor|colleague|talk|speak|call|escalat\w*|complain\w*)\b/i;

const DECLINE =
  /^\W*(?:(?:actually|hmm+|um+|sorry|oh)\W+)?(?:no|nope|nah|no thanks?|no thank you|don'?t|do not|never ?mind|forget it|leave it|keep it|not now|i(?:'ve| have)? changed my mind)\b/i;
const CORRECTS = /\b(?:instead|rather|but|other|another|different|change|wrong|only|just)\b|\d/i;

/** "No", "no, I changed my mind", "leave it": a change proposed just before declined, with nothing asked instead. */
export function declinesChange(message: string): boolean {
  return DECLINE.test(message) && !CORRECTS.test(message) && message.split(/\s+/).length <= 10;
}

/** A new one of the same item: "replacement please", "send me a new one", "replace it". */
export const SAME_AGAIN =
  /\b(?:replacement|replace it|replace them|a new one|new ones|the same one|same again|same item|another one of the same)\b/i;

/** "Apartment 5B", "apt. 12", "suite 300", "unit 4": an address's second line, given on its own. */
export const ADDRESS_LINE_2 =
  /\b(apt|apartment|suite|ste|unit|flat)\.?\s*(?:no\.?\s*|number\s+|#\s*)?(\d{1,5}[a-z]?|[a-z]\d{0,4})(?![\w-])/i;

/** Words beside a yes that change what it agrees to: "yes, but …", "yes, and add …", "ok, only the kettle". */
const CHANGES_PROPOSAL = /\b(?:but|instead|rather|actually|except|add|also|only|make it)\b/i;

/**
 * "Yes, and add apartment 5B", "yes, but refund it to my gift card": a yes that changes the proposal it answers. It
 * agrees to the change as amended, which the shopper has not seen yet, so it is proposed again, never made as it was
 * (nor as amended) on this message. What it carries beside the yes tells: a word that corrects, or a detail of the change
 * (an address or its second line, a way to pay, an option).
 */
export function amendsProposal(message: string, e: Entities): boolean {
  if (!e.confirms) return false;
  return (
    CHANGES_PROPOSAL.test(message) ||
    ADDRESS_LINE_2.test(message) ||
    !!e.address ||
    !!e.paymentPreference ||
    e.colours.length + e.sizes.length + e.materials.length > 0
  );
}

/**
 * An answer that ends asking which, maybe with other questions after it: "… Which one should I cancel?", "Which one
 * should I let you know about (or all of them)? And what email address should we use?".
 */
const ASKS_WHICH = /\bwhich\b[^.!?]*\?(?:\s+[^.!?]*\?)*\s*$/i;
/** What a shopper may say before the pick itself: "sorry, I mean …", "oh it's …", "no, make it …". */
const PICK_LEAD =
  /^\W*(?:(?:sorry|oops|oh|no|nope|actually|ok|okay|um+|hmm+|well|wait)\b\W*)*(?:(?:i\s+)?(?:mean|meant|want|wanted|need|needed)\s+|i'?d like\s+|it'?s\s+|its\s+|it is\s+|it was\s+|that'?s\s+|make it\s+|go with\s+)?/i;
/** The pick: a thing pointed at, an order, a place in a list ("the one with the keyboard", "#W…", "the 3rd", "my visa"). */
const PICK =
  /^(?:the|that|this|my|order\b|#?W\d{5,}|\d{1,2}(?:st|nd|rd|th)\b|(?:first|second|third|fourth|fifth|last)\b|(?:both|either|all|each|every)\b(?!\s+(?:right|set|good|done|fine|okay|ok|i|we|you|that|is|are)\b))/i;
/** A sentence of its own rather than a pick: "the tablet is broken", "this is ridiculous". */
const SAYS_MORE = /\b(?:is|are|was|were|isn'?t|aren'?t|wasn'?t|doesn'?t|don'?t|didn'?t|can|could|will|would|should)\b/i;
/** What sets the one picked apart, said as a clause of it: "the one that isn't waterproof", "the ones which are red". */
const DESCRIBES_ONE = /\b(?:one|ones)\s+(?:that|which)\s+(?:is|are|isn'?t|aren'?t|has|have|doesn'?t|don'?t)\b/gi;

/**
 * "The one with the keyboard", "sorry I mean the tablet", "the 3rd", "it's order #W…" right after an answer that asked
 * which (order, item, method), or that was about an order (the shopper says which one they meant): the shopper's pick,
 * for the request that answer was for. A question or a sentence of its own is not a pick.
 */
export function answersWhich(message: string, lastAnswer: string | undefined): boolean {
  const answer = lastAnswer?.trim() ?? '';
  const asked = ASKS_WHICH.test(answer);
  if (!(asked || /#W\d{5,}/.test(answer)) || message.includes('?')) return false;
  if (message.trim().split(/\s+/).length > 8) return false;
  const pick = message.replace(PICK_LEAD, '');
  if (!PICK.test(pick) || SAYS_MORE.test(pick.replace(DESCRIBES_ONE, 'one'))) return false;
  // Unasked, a pick points at an order or an item ("the office chair one", "the 3rd"): "the return policy" asks anew.
  return (
    asked ||
    /\bone\b|#?W\d{5,}|^(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last)\b/i.test(pick) ||
    extractEntities(pick).products.length > 0
  );
}

/** A way to pay as shoppers name it. */
const METHOD =
  '(?:my\\s+|the\\s+|a\\s+)?(pay\\s?pal|gift\\s?cards?|(?:credit|debit)\\s?cards?|visa|master\\s?card|amex|american express|discover|card)\\b';
/** The method a change moves away from: "instead of paypal", "rather than my visa", "switch from my gift card". */
const REPLACED = new RegExp(
  `\\b(?:instead of|rather than|(?:switch|chang|mov)\\w*\\s+(?:it\\s+|that\\s+)?(?:over\\s+)?from)\\s+${METHOD}`,
  'gi',
);

/**
 * "Charge my visa instead of paypal": the method to pay with is the one not replaced, and the order meant is the one
 * paid with the method replaced. Returns the text without what is replaced, and the kind of method replaced.
 */
export function replacedMethod(text: string): {
  kept: string;
  replaced?: 'paypal' | 'gift_card' | 'credit_card';
} {
  const m = new RegExp(REPLACED.source, 'i').exec(text);
  if (!m) return { kept: text };
  const named = m[1]!.toLowerCase().replace(/\s+/g, '');
  const replaced = named === 'paypal' ? 'paypal' : named.startsWith('giftcard') ? 'gift_card' : 'credit_card';
  return { kept: text.replace(REPLACED, ' '), replaced };
}

/** "To my original payment", "back to the card I paid with": the refund to the way the order was paid. */
export const ORIGINAL_METHOD =
  /\b(?:original|same|usual)\s+(?:payment|method|card|account|way)\b|\b(?:card|method|account|way)\s+(?:that\s+)?i\s+(?:paid|used|bought|ordered)\b|\bback to (?:where|how) i paid\b/i;

/** An answer that asks for an address: "What is the new address? Please write it as: street, …". */
export const ASKS_FOR_ADDRESS = /\baddress\b[^.!?]*\?/i;
/** The start of a street address: a house number, words, a street word ("88 Lake View Rd", "12 Oak Street"). */
const STREET =
  /^\W*\d{1,6}\s+(?:[a-z0-9.'-]+\s+){0,4}?(?:st|street|rd|road|ave|avenue|blvd|boulevard|ln|lane|dr|drive|ct|court|way|pl|place|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|sq|square|trl|trail)\b\.?/i;
/** The rest of one: "Plano, TX 75024", "Austin TX". */
const CITY_STATE_ZIP = /^\W*[a-z][a-z .']{1,40}?,?\s+[a-z]{2}\b,?(?:\s+\d{5})?\W*$/i;

/**
 * "88 Lake View Rd", "88 Lake View Rd, Plano, TX", "Plano, TX 75024", "75024": part of an address, written as the answer to a
 * question that asked for one. The whole address is read from the parts given since (extractEntities).
 */
export function givesAddressPart(message: string): boolean {
  return (
    message.length <= 120 && (STREET.test(message) || CITY_STATE_ZIP.test(message) || /^\W*\d{5}\W*$/.test(message))
  );
}

/**
 * "My knees ache after a run", "our flat gets so dry in winter", "my phone dies by lunchtime", "the baby keeps waking at
 * dawn": a need told as the trouble the shopper lives with, which something from the catalogue may answer. Not a thing
 * bought here that fails (a return), nor an order, an account or money.
 */
export function toldAsNeed(text: string): boolean {
  return [text, rawWords(text).join(' ')].some((t) => LIVES_WITH.test(t)) && !SHOP_MATTER.test(text);
}
const LIVES_WITH =
  /\b(?:my|our)\s+(?:\w+\s+){0,2}?(?:(?:is|are|gets?|goes|go|always|so|really)\s+){0,2}(?:aches?|aching|hurts?|hurting|sore|numb|stiff|blister\w*|cold|freezing|wet|sweaty|itch\w*|dies|dying|(?:can'?t|can not|cannot) (?:take|handle|cope|stand))\b|\b(?:i|we)\s+(?:am\s+|'m\s+)?(?:always|constantly|keep|never)\s+(?:\w+\s+){0,2}?(?:running out|run out|losing|lose|spilling|spill|dropping|drop|forgetting|forget|cold|freezing|wet|near a)\b|\balways\s+(?:running out|losing|spilling|dropping|forgetting|cold|freezing)\b|\b(?:keeps?|kept)\s+(?:waking|falling|slipping|spilling|dying|running out)\b|\b(?:it'?s|it is|gets?|getting)\s+(?:so\s+|really\s+|too\s+|always\s+)?(?:freezing|cold|hot|dry|dark|bright|noisy|loud|humid|damp)\b/i;
/** Matters of the shop's own: an order, its delivery, money back, the account, a purchase told as made here. */
const SHOP_MATTER =
  /#?\bw\d{5,}\b|\b(?:orders?|ordered|parcel|package|deliver\w*|shipp\w*|refund\w*|return\w*|account|website|app|checkout|charged|bought|purchased|received|arrived|from you|warranty)\b/i;
