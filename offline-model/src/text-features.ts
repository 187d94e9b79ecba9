import { ENGLISH_WORDS } from './english-words.js';
import { buildSpellIndex, createSpellCorrector, MAX_SPELL_SEARCHES, type SpellIndex } from './fuzzy-match.js';
import { memoByText } from './memo-by-text.js';
import { OFF_TOPIC_WORDS } from './message-checks.js';
import { COLOURS, MATERIALS, PRODUCT_NOUNS } from './product-lexicon.js';
import { PHRASE_SYNONYMS, SHOP_WORDS, WORD_SYNONYMS } from './synonyms.js';

/** A content word of a text after correction, synonyms and stemming. */
export interface Token {
  /** Stemmed, canonical form used for matching. */
  stem: string;
  /** The word as written (after spelling correction). */
  surface: string;
  /** Position in `words`, for phrase and proximity checks. */
  index: number;
  /** The spelling corrector changed a word of it: a guess, weaker evidence than a word as written. */
  corrected?: boolean;
}

export interface TextFeatures {
  /** Lower-case words in order, chat-speak expanded and misspellings corrected, stop words kept. */
  words: string[];
  /** Content words only. */
  tokens: Token[];
}

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a an the i me my mine myself we our ours us you your yours he she him her his it its they them their this that
  these those is am are was were be been being have has had do does did doing will would shall should can could may
  might must to of in on at by for with about from into over up down out off and or but if so than then too very
  just also as any some all what which who whom whose when where why how there here please want wants wanted like
  need needs needed get gets got getting know tell let one ones thing things something anything everything
  much many more most really still yet already now ever even well able bit lot lots kind sort maybe oh hey
  again way ask asking go going am via else other another own same sure okay ok yes no not im id`
    .split(/\s+/)
    .filter(Boolean),
);

/** Real words that sit one typo away from shop words; never "corrected" ("shows" is not "shoes"). */
export const COMMON_WORDS: readonly string[] = `shows show house horse charged charges charging bought brought thought
  though through sold told held wanted waited wait asked looked looks works worked working arrived arrives
  received receive reached still cold colder later letter better bigger smaller larger longer sent spent meant
  sister brother mother father friend friends birthday weekend today tomorrow yesterday week weeks month months
  year years time times day days morning evening night lover lovers loves loved great good nice fine happy sorry
  problem problems issue issues question questions answer reply cards card shirts shorts boxes paid said says
  which while white whole where there these those three thanks thank hello hours house around about above
  country countries state states city cities street address number numbers email emails stock stocks stocked
  price prices priced cheap cheaper cheapest expensive sale deal deals stuff present presents`
  .split(/\s+/)
  .filter(Boolean);

/** Shorthand shoppers type, expanded before anything else. */
const CHAT_SPEAK: Readonly<Record<string, string>> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  thnks: 'thanks',
  ty: 'thanks',
  wanna: 'want to',
  gonna: 'going to',
  gimme: 'give me',
  wat: 'what',
  whats: 'what is',
  thats: 'that is',
  wheres: 'where is',
  hows: 'how is',
  hasnt: 'has not',
  havent: 'have not',
  didnt: 'did not',
  doesnt: 'does not',
  dont: 'do not',
  cant: 'can not',
  wont: 'will not',
  isnt: 'is not',
  im: 'i am',
  ive: 'i have',
  wen: 'when',
  bak: 'back',
  btw: 'by the way',
  lmk: 'let me know',
  pic: 'picture',
  info: 'information',
  asap: 'urgently',
  w: 'with',
};

/**
 * Lower-cases and unifies punctuation; hyphenated one-letter prefixes fuse (t-shirt → tshirt, e-mail → email), and so
 * does a product's feature that holds an action's word ("noise-cancelling headphones" cancel no order).
 */
function normaliseText(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/\bnoise[- ]?(cancel+(?:ing|ation)|reduc(?:ing|tion))\b/g, 'noise$1')
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/\bcan't\b/g, 'can not')
      .replace(/\bwon't\b/g, 'will not')
      .replace(/n't\b/g, ' not')
      // "Can someone put a new strap on?", "send somebody to mount the TV", "someone who can fix it": a person to do work on
      // a thing, which is a service the shop may sell, not a person to talk to ("can I talk to someone?"). So is work to
      // be done on a thing of the shopper's ("how much to get my boots resoled?").
      .replace(SOMEONE_TO_WORK, 'service')
      .replace(SENT_OUT, '$1 service')
      .replace(DONE_TO_MINE, '$& service')
      // "What suits someone short?": a kind of wearer described, no person to talk to either.
      .replace(SOMEONE_DESCRIBED, 'anyone')
      // Services that split a purchase into later payments are named by brand ("do you do klarna?"): paying later, not
      // a way to pay now such as paypal or a card.
      .replace(PAY_LATER_BRANDS, 'pay later')
      .replace(MAKES_THINGS, 'maker')
      // "How do I get them onto your website?", "open a shop on your platform": goods put on the shop's own site, to sell
      // there. The shop's site is where every card works, no card's topic ("websites" of a card for creators are theirs).
      .replace(SELLS_ON_OURS, (all, goods: string | undefined) => (goods && ACCOUNT_THINGS.test(goods) ? all : 'sell'))
      .replace(SOLD_ON_OURS, '$1')
      // "Do I need a business licence?": the seller's paperwork, not a purchase by a business.
      .replace(BUSINESS_PAPERS, '$1')
      // "someone's registry" is another shopper's, as "someone else's" is (synonyms), before the possessive goes; so is
      // the someone who did something ("someone bought the chair off our registry"): neither asks for a person to talk to.
      .replace(/\b(some(?:one|body))'s\b/g, '$1 else')
      // "someone elses order": the possessive typed without its apostrophe.
      .replace(/\belses\b/g, 'else')
      .replace(
        /(?<!\b(?:can|could|would|will) )\b(some(?:one|body)) (?=(?:already |just )?(?:\w{2,}ed|bought|took|stole|got|made|sent|gave|left|broke|sold|paid|wrote|put)\b)/g,
        '$1 else ',
      )
      .replace(/'(s|re|ll|d|ve|m)\b/g, '')
      .replace(/\b([a-z])-([a-z]{3,})/g, '$1$2')
  );
}

/** Verbs of work done on a thing, by hand, where it is: what a person is sent or asked to do in a service. */
const WORK_VERBS =
  '(?:come(?! back)|pop|put|fit|mount|install|fix|repair|mend|set|assemble|build|hang|visit|clean|service|replace|wire|plumb|hook|measure|tune|adjust)' +
  // "Someone to fix this mess", "someone to fix my account": the shopper's problem, for a person.
  String.raw`\b(?! (?:this|that|things|the (?:problem|issue|mess|situation)|my (?:account|order|orders|refund|payment|problem|issue)\b))`;
/**
 * "Can someone put a new one on", "someone to mount", "somebody who can fix it": a person to do work. Without "to" the
 * verb must follow a modal: "someone put the wrong label on" tells what another did.
 */
const SOMEONE_TO_WORK = new RegExp(
  `(?<=\\b(?:can|could|would|will) )some(?:one|body)\\b(?= ${WORK_VERBS})|\\bsome(?:one|body)\\b(?=\\s+(?:(?:who|that)\\s+(?:can|could|will)\\s+|to\\s+)${WORK_VERBS})`,
  'g',
);
/** "Suits someone tall", "someone like me", "someone my size": anyone of that kind, described. */
const SOMEONE_DESCRIBED =
  /(?<=\b(?:suits?|fits?|flatters?|on) )some(?:one|body)\b(?= (?:short|tall|petite|curvy|slim|skinny|plus|broad|older|younger|like me|my (?:age|size|height|build|shape)|with (?:wide|broad|narrow|long|short|big|small)))|\bsome(?:one|body)\b(?= (?:like me|my (?:age|size|height|build|shape))\b)/g;
/** Buy-now-pay-later services by name. */
const PAY_LATER_BRANDS = /\b(?:klarna|afterpay|clearpay|sezzle|laybuy|paybright|splitit|zippay)\b/g;
/**
 * "I make candles", "we hand make leather bags": a shopper who makes things (a maker), told, not "can I make a return?"
 * or "I make sure…".
 */
const MAKES_THINGS =
  /(?<!\b(?:can|could|do|does|did|should|would|will|may|shall|might|must|to|how|where|when|why)\s)\b(?:i|we)\s+(?:hand\s?)?make\b(?!\s+(?:a|an|the|my|our|your|it|them|this|that|these|those|sure|any|some|changes?|payments?|purchases?|returns?|orders?|mistakes?|complaints?|claims?|up)\b)/g;
/** The shop's own site, as the shopper names it. */
const OUR_SITE = String.raw`(?:your|ur)\s+(?:web\s?site|site|platform|marketplace|online\s+(?:store|shop)|store|shop|app)\b`;
const SELLS_ON_OURS = new RegExp(
  String.raw`\b(?:get|getting|put|putting|list|listing|place|upload|uploading|feature)\s+((?:them|these|those|my|our)\b(?:\s+[a-z-]+){0,3}?)\s+(?:on|onto|in|into|up on)\s+${OUR_SITE}` +
    String.raw`|\b(?:open|opening|start|starting|set up|setting up|run|running)\s+(?:a|an|my|our)\s+(?:own\s+|little\s+|small\s+)?(?:shop|store|storefront|stall|boutique)\s+(?:on|with|in|at|through)\s+(?:you\b|${OUR_SITE})`,
  'g',
);
/** What a shopper puts on the shop's site that is no goods: their details, a review. */
const ACCOUNT_THINGS =
  /\b(?:address|details|e-?mail|card|payment|info|information|number|name|account|review|photo|picture|order)\b/;
/** "Sell my candles through your site": the shopper selling, the site being where. */
const SOLD_ON_OURS = new RegExp(
  String.raw`\b(sell|selling)(\s+(?:my|our|them|these|those)\b(?:\s+[a-z-]+){0,3}?)\s+(?:on|onto|in|through|via|at)\s+${OUR_SITE}`,
  'g',
);
/** The paperwork of the shopper's own business. */
const BUSINESS_PAPERS = /\bbusiness\s+(licen[cs]es?|permits?|registration|insurance)\b/g;
/**
 * "Get my espresso machine serviced", "have the bike tuned up", "getting it fixed": work done on a thing of the
 * shopper's, which is a service, asked for or priced ("how much to get my boots resoled?").
 */
const DONE_TO_MINE =
  /\b(?:get|gets|getting|have|having)\s+(?:my|our|the|it|them|this|these|those)\b(?:\s+[\w-]+){0,3}?\s+(?:cleaned|fixed|repaired|serviced|mended|installed|mounted|fitted|assembled|tuned|engraved|altered|hemmed|resoled|sharpened|calibrated|descaled|restrung|reupholstered|plumbed)\b/g;
/** "Send someone out", "send somebody round to measure up": a visit. */
const SENT_OUT = /\b(send|sending|sent)\s+some(?:one|body)\b(?=\s+(?:to|out|round|around|over|here)\b)/g;

/** Words of a text, in order, with chat-speak expanded. Digits stay (sizes, ids) but `#` and `$` go. */
export function rawWords(text: string): string[] {
  const out: string[] = [];
  for (const w of normaliseText(text).match(/[a-z0-9]+(?:\.[0-9]+)?/g) ?? []) {
    // Own keys only: "constructor" is a word a shopper may write, and an inherited member of every object.
    const expanded = Object.hasOwn(CHAT_SPEAK, w) ? CHAT_SPEAK[w] : undefined;
    if (expanded) out.push(...expanded.split(' '));
    else out.push(w);
  }
  return out;
}

/** Light suffix stripping: enough to make "shipping", "shipped" and "shipment" meet, no more. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ication') && w.length > 9) w = `${w.slice(0, -7)}y`;
  else if (w.endsWith('ation') && w.length > 8) w = undouble(w.slice(0, -5));
  else if (w.endsWith('ing') && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ment') && w.length > 6) w = w.slice(0, -4);
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  if (w.endsWith('ery') && w.length > 6) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([bdglmnprt])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** Every word the analyser treats as correctly spelled, besides the caller's own vocabulary. */
function baseLexicon(): string[] {
  const words = new Set<string>([...STOP_WORDS, ...COMMON_WORDS, ...OFF_TOPIC_WORDS, ...SHOP_WORDS]);
  for (const w of [...PRODUCT_NOUNS, ...COLOURS, ...MATERIALS].flatMap((p) => p.split(' '))) words.add(w);
  for (const [phrase, canonical] of PHRASE_SYNONYMS) {
    for (const w of phrase.split(' ')) words.add(w);
    words.add(canonical);
  }
  for (const [word, canonical] of Object.entries(WORD_SYNONYMS)) {
    words.add(word);
    words.add(canonical);
  }
  for (const v of Object.values(CHAT_SPEAK)) for (const w of v.split(' ')) words.add(w);
  return [...words];
}

/**
 * Builds an analyser whose spelling corrector knows `vocabulary` (card words, product words...).
 * Phrase synonyms become one canonical token ("do you sell" → search), word synonyms map onto a
 * shared word, and stop words drop out of `tokens` but stay in `words` for phrase matching.
 */
export function createTextAnalyzer(vocabulary: Iterable<string>): (text: string) => TextFeatures {
  const correct = createSpellCorrector(vocabulary, BASE_SPELL_INDEX, ENGLISH_WORDS);
  return (text: string) => {
    const raw = rawWords(text);
    const budget = { searches: MAX_SPELL_SEARCHES };
    const words = raw.map((w) => correct(w, budget));
    const changed = (from: number, n: number) => words.slice(from, from + n).some((w, k) => w !== raw[from + k]);
    const tokens: Token[] = [];
    for (let i = 0; i < words.length; ) {
      const phrase = PHRASES_BY_FIRST_WORD.get(words[i]!)?.find(([p]) => p.every((w, k) => words[i + k] === w));
      if (phrase) {
        // "a different size than I ordered" says "wrong" once, at "different".
        const said = tokens.some(
          (t) => t.stem === canonical(phrase[1]) && i - t.index <= 4 && saysNotAsOrdered(words, t.index),
        );
        if (!said)
          tokens.push({
            stem: canonical(phrase[1]),
            surface: phrase[0].join(' '),
            index: i,
            ...(changed(i, phrase[0].length) && { corrected: true }),
          });
        i += phrase[0].length;
        continue;
      }
      if (saysNotAsOrdered(words, i)) tokens.push({ stem: canonical('wrong'), surface: words[i]!, index: i });
      if (saysSendBack(words, i)) tokens.push({ stem: canonical('return'), surface: words[i]!, index: i });
      const w = words[i]!;
      if (!STOP_WORDS.has(w) && w.length > 1 && !/\d/.test(w) && !isOccasion(words, i) && !isCapacity(words, i)) {
        tokens.push({ stem: canonical(w), surface: w, index: i, ...(changed(i, 1) && { corrected: true }) });
      }
      i++;
    }
    return { words, tokens };
  };
}

const ATTRIBUTE_WORDS = new Set(
  `colour color size model one item thing product version style variant kind type shade pair brand material design
  pattern`.split(/\s+/),
);
const CHOSE_WORDS = new Set(['ordered', 'picked', 'chose', 'selected', 'bought', 'asked', 'paid', 'expected']);

/**
 * Whether words[i] starts "not the colour I ordered", "not what we picked", "a different size than I ordered": the
 * shopper got something other than what they chose, which the shop calls a wrong item. Only an attribute may sit
 * between ("not the first time I ordered" is no complaint).
 */
function saysNotAsOrdered(words: readonly string[], i: number): boolean {
  let k = i + 1;
  const at = (...ws: string[]) => ws.includes(words[k] ?? '');
  if (words[i] === 'not') {
    if (at('the', 'what', 'exactly', 'quite')) k++;
    if (at('same')) return false;
    if (ATTRIBUTE_WORDS.has(words[k] ?? '')) k++;
  } else if (words[i] === 'different') {
    if (ATTRIBUTE_WORDS.has(words[k] ?? '')) k++;
    if (!at('than', 'from')) return false;
    k++;
    if (at('what', 'the')) k++;
    if (words[k - 1] === 'the' && ATTRIBUTE_WORDS.has(words[k] ?? '')) k++;
  } else return false;
  if (!at('i', 'we')) return false;
  return CHOSE_WORDS.has(words[k + 1] ?? '');
}

const SEND_WORDS = new Set(['send', 'ship', 'mail', 'post']);
const DETERMINERS = new Set(['the', 'my', 'this', 'these', 'those', 'that', 'both', 'all', 'our']);

/**
 * Whether words[i] starts "send the headphones back", "ship these back", "mail both of them back": a return, with the
 * thing between the verb and "back" (the phrase synonyms have "send it back" and "send back" only).
 */
function saysSendBack(words: readonly string[], i: number): boolean {
  if (!SEND_WORDS.has(words[i] ?? '')) return false;
  let k = i + 1;
  if (!DETERMINERS.has(words[k] ?? '')) return false;
  k++;
  for (let n = 0; n < 3 && words[k] && words[k] !== 'back'; n++) k++;
  return words[k] === 'back';
}

/** Words before "time(s)" that make it a count of occasions: "the third time", "every time", "three times". */
const OCCASION_BEFORE = new Set(
  `first second third fourth fifth sixth seventh eighth ninth tenth umpteenth nth last next this that every each
  another two three four five six seven eight nine ten dozen several many few multiple numerous countless same
  whole`.split(/\s+/),
);

/**
 * Whether words[i] is "time" or "times" counting occasions ("the third time my refund failed", "I asked three times"),
 * not a time of day or a duration ("what time do you open", "delivery time"). An occasion says how often something
 * happened, which is no topic to route on.
 */
function isOccasion(words: readonly string[], i: number): boolean {
  if (words[i] !== 'time' && words[i] !== 'times') return false;
  const before = words[i - 1];
  return before !== undefined && (OCCASION_BEFORE.has(before) || /^\d+(st|nd|rd|th)?$/.test(before));
}

/** "A 2-person tent", "a four person hot tub": how many a thing holds, no person to talk to. */
function isCapacity(words: readonly string[], i: number): boolean {
  const before = words[i - 1];
  return CAPACITY_UNITS.has(words[i]!) && before !== undefined && (/^\d+$/.test(before) || COUNT_WORDS.has(before));
}
const CAPACITY_UNITS: ReadonlySet<string> = new Set(['person', 'people', 'man', 'men', 'seater', 'player']);
const COUNT_WORDS: ReadonlySet<string> = new Set('two three four five six seven eight nine ten twelve'.split(' '));

/** Phrase synonyms as word lists, grouped by first word, longest first. */
const PHRASES_BY_FIRST_WORD: ReadonlyMap<string, ReadonlyArray<readonly [string[], string]>> = (() => {
  const map = new Map<string, Array<readonly [string[], string]>>();
  for (const [phrase, target] of PHRASE_SYNONYMS) {
    const words = phrase.split(' ');
    const list = map.get(words[0]!) ?? [];
    list.push([words, target]);
    map.set(words[0]!, list);
  }
  for (const list of map.values()) list.sort((a, b) => b[0].length - a[0].length);
  return map;
})();

const WORD_SYNONYM_STEMS: ReadonlyMap<string, string> = new Map(
  Object.entries(WORD_SYNONYMS).map(([k, v]) => [stem(k), stem(v)]),
);

/** Stem, then the shared word of its synonym group. */
function canonical(w: string): string {
  const s = stem(w);
  return WORD_SYNONYM_STEMS.get(s) ?? s;
}

/** Built once from constant word lists (pure, so safe to share); each analyser adds only its own vocabulary. */
const BASE_SPELL_INDEX: SpellIndex = buildSpellIndex(baseLexicon());

/**
 * The analyser with no vocabulary of its own, shared, its results memoised (frozen: copy one to change it).
 * 128 texts: a long message's features hold a token per word (about 26 KB for 8,000 characters), and the
 * reuse is within a run and its conversation's latest messages.
 */
export const analyzeText: (text: string) => TextFeatures = memoByText(createTextAnalyzer([]), 128);
