import { opensWithYes } from './affirmative.js';
import { ENGLISH_WORDS } from './english-words.js';
import { createSpellCorrector, MAX_SPELL_SEARCHES, type SpellBudget } from './fuzzy-match.js';
import { memoByText } from './memo-by-text.js';
import { COLOURS, MATERIALS, PRODUCT_NOUNS } from './product-lexicon.js';
import { COMMON_WORDS, rawWords, STOP_WORDS, stem } from './text-features.js';

export interface PostalAddress {
  address1: string;
  address2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}

/** Facts a shopper's text states outright. Nothing here is guessed. */
export interface Entities {
  /** Normalised as `#W` + digits. */
  orderIds: string[];
  emails: string[];
  name?: { firstName: string; lastName: string };
  zip?: string;
  /** 10-digit ids written after "product". */
  productIds: string[];
  /** Other 10-digit ids (item ids). */
  itemIds: string[];
  /** Product nouns as written ("running shoes", "sneakers"), longest match first. */
  products: string[];
  colours: string[];
  /** Size values as a catalogue stores them: "9", "10.5", "XL", "M". */
  sizes: string[];
  /** "men's", "women's" or "kids'" when the size is qualified. */
  fit?: string;
  materials: string[];
  /** Measured specs as written: "16gb", "6mm", "1000ml". */
  specs: string[];
  maxPrice?: number;
  minPrice?: number;
  /** Stand-alone numbers (not ids, zips, prices or sizes). */
  numbers: number[];
  address?: PostalAddress;
  paymentPreference?: 'paypal' | 'gift_card' | 'credit_card';
  /** The card brand named ("my mastercard"), lower case as the store writes brands: visa, mastercard, amex, discover. */
  cardBrand?: string;
  urgent: boolean;
  /** The text says yes to a pending question ("yes", "go ahead", "confirm"). */
  confirms: boolean;
  byMistake: boolean;
}

const SIZE_WORDS: Readonly<Record<string, string>> = {
  xxs: 'XXS',
  xs: 'XS',
  s: 'S',
  small: 'S',
  m: 'M',
  medium: 'M',
  l: 'L',
  large: 'L',
  xl: 'XL',
  'extra large': 'XL',
  xxl: 'XXL',
  xxxl: 'XXXL',
};

const PRODUCT_STEMS: ReadonlySet<string> = new Set(PRODUCT_NOUNS.map(stem));
const productPhrases = PRODUCT_NOUNS.map((p) => p.split(' ').map(stem)).sort((a, b) => b.length - a.length);
/**
 * A pure function over constant word lists: safe to share. A word of English is spelled right ("is back" is no typo
 * of "black"), as in the text analyser.
 */
const correctWord = createSpellCorrector(
  [...[...PRODUCT_NOUNS, ...COLOURS, ...MATERIALS].flatMap((p) => p.split(' ')), ...STOP_WORDS, ...COMMON_WORDS],
  undefined,
  ENGLISH_WORDS,
);

/**
 * The work per message is bounded: facts are read from the first MAX_SCANNED_CHARS characters (a
 * shopper states them early; the rest of a very long message adds nothing a rule could use), at most
 * MAX_SPELL_SEARCHES unknown words are looked up, as in the text analyser, and every pattern runs in
 * time linear in the text, whatever its shape. An 8,000-character message costs about as much as a short one.
 */
const MAX_SCANNED_CHARS = 2_000;

/**
 * An email address. It starts where a run of address characters starts (the lookbehind): without
 * that, a long run with no valid address in it is scanned again from each of its characters, which
 * is quadratic (one 8,000-letter word took tens of milliseconds).
 */
/** An email address, tried only where no address character comes before it (one try per word). */
export const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Pulls order ids, emails, names and zips, products, colours, sizes, materials and prices out of text.
 * The result is shared with other callers of the same text (memoised, frozen): copy it to change it.
 */
export function extractEntities(fullText: string): Entities {
  return memoisedEntities(scanned(fullText));
}

/** extractEntities without the memo: every call does the work (what the cost tests measure). */
export function readEntities(fullText: string): Entities {
  return entitiesOf(scanned(fullText));
}

const scanned = (text: string) => (text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text);
const memoisedEntities = memoByText(entitiesOf, 512);

function entitiesOf(text: string): Entities {
  const corrected = new Map<string, string>();
  const budget: SpellBudget = { searches: MAX_SPELL_SEARCHES };
  const words = rawWords(text).map((w) => {
    const known = corrected.get(w);
    if (known !== undefined) return known;
    const fixed = correctWord(w, budget);
    corrected.set(w, fixed);
    return fixed;
  });
  const wordsAt = positions(words);
  const lower = text.toLowerCase();
  const orderIds = unique([...text.matchAll(/#\s?W(\d{3,})\b|\bW(\d{5,})\b/gi)].map((m) => `#W${m[1] ?? m[2]}`));
  const emails = text.includes('@') ? unique([...text.matchAll(EMAIL)].map((m) => m[0])) : [];
  const withoutEmails = emails.length ? text.replace(EMAIL, ' ') : text;

  const productIds: string[] = [];
  const itemIds: string[] = [];
  for (const m of withoutEmails.matchAll(/(product(?:\s+id)?\s*#?\s*)?\b(\d{10})\b/gi)) {
    (m[1] ? productIds : itemIds).push(m[2]!);
  }

  // Order ids hold digits that would read as a house number ("#W2417020 to 100 Main Street").
  const address = extractAddress(withoutEmails.replace(/#\s?W\d+|\bW\d{5,}\b/gi, ' '));
  const zip =
    /\b(?:zip|zipcode|zip code|postal code|postcode)\s*(?:is|:|=)?\s*(\d{5})\b/i.exec(withoutEmails)?.[1] ??
    address?.zip ??
    /(?:^|[\s,])(\d{5})(?:$|[\s,.!?])/.exec(withoutEmails.replace(/#?W\d+/gi, ' '))?.[1];

  const { sizes, fit } = extractSizes(text, lower);
  const products = extractProducts(words);
  const maxMatch =
    /\b(?:under|below|less than|cheaper than|max(?:imum)?|up to|no more than|at most|within|budget(?: of| is)?)\s*\$\s?(\d+(?:\.\d{1,2})?)|\b(?:under|below|less than|up to|no more than|at most)\s+(\d+(?:\.\d{1,2})?)\s*(?:dollars|usd|bucks|\$)/i.exec(
      text,
    );
  const minMatch = /\b(?:over|above|more than|at least|from)\s*\$\s?(\d+(?:\.\d{1,2})?)/i.exec(text);
  // "15in" is a size; "size 11 in red" and "2 in stock" are not: a spaced "in" is a preposition.
  const specs = unique(
    [...lower.matchAll(/\b(\d+(?:\.\d+)?)(?:\s?(gb|tb|mm|cm|ml|l|inch|inches|mp|mah|w|hz|k)|(in))\b/g)].map(
      (m) => `${m[1]}${m[2] ?? m[3]}`,
    ),
  );

  return {
    orderIds,
    emails,
    name: extractName(withoutEmails, zip !== undefined),
    zip,
    productIds: unique(productIds),
    itemIds: unique(itemIds),
    products,
    colours: unique(COLOURS.filter((c) => containsPhrase(wordsAt, words, c.split(' ')))),
    sizes,
    fit,
    // "The fleece jacket": a material word in a product's name is the name, not a wish for that material.
    materials: unique(
      MATERIALS.filter(
        (m) => containsPhrase(wordsAt, words, m.split(' ')) && !products.some((p) => ` ${p} `.includes(` ${m} `)),
      ),
    ),
    specs,
    maxPrice: maxMatch
      ? Number(maxMatch[1] ?? maxMatch[2])
      : products.length || ONLY_A_BUDGET.test(lower)
        ? barePriceLimit(lower)
        : undefined,
    minPrice: minMatch ? Number(minMatch[1]) : undefined,
    numbers: extractNumbers(withoutEmails, [zip, ...sizes]),
    address,
    paymentPreference: /\bpay\s?pal\b/i.test(text)
      ? 'paypal'
      : /\bgift\s?cards?\b/i.test(text)
        ? 'gift_card'
        : /\b(credit|debit)\s?cards?\b|\b(visa|mastercard|master card|amex|american express|discover)\b|\b(?:to|on|onto) my card\b/i.test(
              text,
            )
          ? 'credit_card'
          : undefined,
    cardBrand: cardBrandOf(text),
    urgent:
      /\b(urgent|urgently|asap|immediately|right now|emergency|as soon as possible|fraud\w*|stolen|hacked)\b/i.test(
        text,
      ),
    confirms:
      // "Ok thanks", "okay cool, that's all": a thank-you ends the talk, it agrees to nothing.
      !/^\W*(?:ok|okay|sure|great|cool|perfect|alright|fine)\W*(?:thanks?|thank you|thx|ty|cheers|bye|that'?s all|got it|cool|great|perfect)\b/i.test(
        text,
      ) &&
      // "Ok I'll think about it", "sure, but not now", "ok wait": a pause, which agrees to nothing either.
      !/^\W*(?:yes|yeah|sure|ok|okay|alright|fine)\W+(?:but\W+)?(?:i'?ll|i will|let me|maybe|not|never|wait|hold on|no|nah|hmm|actually|later)\b/i.test(
        text,
      ) &&
      (opensWithYes(text) || /\b(i confirm|go ahead|please proceed|proceed with|yes,? please)\b/i.test(text)),
    byMistake: /\b(mistake|mistakenly|accident|accidentally|by error|wrong order)\b/i.test(text),
  };
}

const MATERIAL_WORDS: ReadonlySet<string> = new Set(MATERIALS.filter((m) => !m.includes(' ')));

/** Things made for a product, named after it ("laptop sleeve", "phone charger", "bike lock"). */
const ACCESSORY_STEMS: ReadonlySet<string> = new Set(
  `case sleeve cover bag stand charger cable cord strap band lock mount holder protector lid filter battery adapter
  lace pad replacement part accessory skin dock remote refill brush head`
    .split(/\s+/)
    .map(stem),
);
const FOR_WHOSE: ReadonlySet<string> = new Set(['the', 'my', 'a', 'an', 'your', 'our', 'his', 'her', 'their']);
/** "The e-reader's battery life", "how long does the speaker battery last": the product's own part, described. */
const DESCRIBES_PART: ReadonlySet<string> = new Set(
  ['life', 'last', 'lasts', 'lasting', 'capacity', 'runtime'].map(stem),
);

/** "Under 150 please", "and max 80?": a message that is nothing but a budget, for what is being looked for. */
const ONLY_A_BUDGET =
  /^\W*(?:and\s+|ok\s+|okay\s+|maybe\s+|something\s+)?(?:under|below|less than|up to|no more than|at most|max|budget(?: of| is)?)\s+\d{2,5}(?:\.\d{1,2})?\s*(?:please|pls|thanks|ish|or so)?\W*$/;

/**
 * "Headphones under 300": with a product named, a bare amount after "under" is its price, unless a unit follows
 * ("under 500ml", "under 2 kg", "under 10 hours") or it is a size ("under size 10").
 */
function barePriceLimit(lower: string): number | undefined {
  const m =
    /\b(?:under|below|less than|up to|no more than|at most|max|budget(?: of| is)?)\s+(\d{2,5}(?:\.\d{1,2})?)\b(?!\s*(?:[a-z%]|\.\d|["'](?=\s*[a-z])))/.exec(
      lower,
    ) ??
    /\b(?:under|below|less than|up to|no more than|at most|max|budget(?: of| is)?)\s+(\d{2,5}(?:\.\d{1,2})?)\s*(?:$|[,.!?;]|\b(?:and|or|please|pls|thanks|ish)\b)/.exec(
      lower,
    );
  return m ? Number(m[1]) : undefined;
}

function extractProducts(words: string[]): string[] {
  // "hoodies" is the plural of "hoodie", not of "hoody": a noun ending in -ie takes a plain -s.
  const stemmed = new Map<string, string>();
  const stemOf = (w: string) =>
    w.endsWith('ies') && PRODUCT_STEMS.has(stem(w.slice(0, -1))) ? stem(w.slice(0, -1)) : stem(w);
  const stems = words.map((w) => {
    let st = stemmed.get(w);
    if (st === undefined) {
      st = stemOf(w);
      stemmed.set(w, st);
    }
    return st;
  });
  const at = positions(stems);
  const used = new Set<number>();
  const found: { at: number; text: string }[] = [];
  // Only where a phrase's first word occurs: linear in the message, not words × phrases.
  for (const phrase of productPhrases) {
    for (const i of at.get(phrase[0]!) ?? []) {
      if (i + phrase.length > stems.length) continue;
      // "The glass one", "a glass kettle": a material as written ("glass") is not the product its plural names ("glasses").
      if (phrase.length === 1 && MATERIAL_WORDS.has(words[i]!)) continue;
      if (phrase.every((p, k) => stems[i + k] === p && !used.has(i + k))) {
        // "A laptop sleeve", "a kettle lid": a product's part or accessory is the thing asked for, named with it.
        const part = words[i + phrase.length];
        const ownPart = DESCRIBES_PART.has(stems[i + phrase.length + 1] ?? '');
        const withPart = part !== undefined && ACCESSORY_STEMS.has(stem(part)) && !ownPart ? 1 : 0;
        for (let k = 0; k < phrase.length + withPart; k++) used.add(i + k);
        found.push({ at: i, text: words.slice(i, i + phrase.length + withPart).join(' ') });
      }
    }
  }
  const merged = new Set<(typeof found)[number]>();
  // "A spare battery for the e-reader", "a case for my tablet": the part named before what it is for is the thing
  // asked for ("ereader battery"), unless it is a product of its own ("a portable charger for my phone").
  for (const f of found) {
    const determiner = FOR_WHOSE.has(words[f.at - 1] ?? '') ? 1 : 0;
    const part = f.at - determiner - 2;
    if (words[f.at - determiner - 1] !== 'for' || part < 0) continue;
    if (!ACCESSORY_STEMS.has(stem(words[part]!)) || ACCESSORY_STEMS.has(stem(f.text.split(' ').at(-1)!))) continue;
    // The part found as a word of its own ("case") merges; a longer product holding it stays.
    const alone = found.findIndex((g) => g.at === part && g.text === words[part]);
    if (used.has(part) && alone < 0) continue;
    f.text = `${f.text} ${words[part]}`;
    if (alone >= 0) merged.add(found[alone]!);
  }
  return unique(
    found
      .filter((f) => !merged.has(f))
      .sort((a, b) => a.at - b.at)
      .map((f) => f.text),
  );
}

/** Where each word occurs, in order. */
function positions(words: readonly string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  words.forEach((w, i) => {
    const list = at.get(w);
    if (list) list.push(i);
    else at.set(w, [i]);
  });
  return at;
}

function extractSizes(text: string, lower: string): { sizes: string[]; fit?: string } {
  const sizes: string[] = [];
  let fit: string | undefined;
  const sized =
    /\b(?:(men|women|kid|kids|boy|girl)(?:'s|s'|s)?\s+)?size\s+(\d{1,2}(?:\.5)?|xxs|xs|s|m|l|xl|xxl|xxxl|small|medium|large|extra large)\b/gi;
  for (const m of lower.matchAll(sized)) {
    sizes.push(SIZE_WORDS[m[2]!] ?? m[2]!);
    if (m[1] && !fit)
      fit =
        m[1].startsWith('wom') || m[1] === 'girl'
          ? "women's"
          : m[1].startsWith('men') || m[1] === 'boy'
            ? "men's"
            : "kids'";
  }
  for (const m of text.matchAll(/\b(XXS|XS|XL|XXL|XXXL)\b/g)) sizes.push(m[1]!);
  const spoken =
    /\b(?:in|for)\s+(?:a|an)\s+(small|medium|large|extra large)\s*(?=$|[,.!?;]|and\b|instead\b|please\b)/i.exec(text);
  if (spoken) sizes.push(SIZE_WORDS[spoken[1]!.toLowerCase()]!);
  return { sizes: unique(sizes), fit };
}

const NAME_STOP = new Set([
  'really',
  'very',
  'so',
  'not',
  'just',
  'still',
  'trying',
  'looking',
  'going',
  'here',
  'the',
]);

/**
 * Words after "I'm" that say how or where the shopper is, not who ("i'm a bit confused", "i'm also waiting"), and words
 * of a request that a bare "first last zip" answer cannot start with ("cancel my 10083").
 */
const NOT_A_NAME = new Set(
  'a an in at on from back done sure fine ok okay good happy sorry new also currently interested about my your the it zip code order cancel return track'.split(
    ' ',
  ),
);

function extractName(text: string, zipGiven: boolean): Entities['name'] {
  const named =
    /\bmy name is\s+([A-Za-z][a-z'-]+)\s+([A-Za-z][a-z'-]+)/i.exec(text) ??
    // "James Li 10083": the whole answer to "your first name, last name and zip code".
    /(?:^|")\s*([A-Za-z][a-z'-]+)\s+([A-Za-z][a-z'-]+)\s*,?\s*(?:zip(?:\s*code)?\s*:?\s*)?\d{5}\s*[.!]?\s*(?:"|$)/i.exec(
      text,
    );
  // "hi i'm emma smith, zip 10001": typed in lower case, a name is read only beside the zip code it goes with.
  const capitalised = named ?? /\b(?:I am|I'm|Im|this is|name:)\s+([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)/.exec(text);
  const intro =
    capitalised ??
    (zipGiven
      ? /\b(?:i am|i'm|im|this is|name:)\s+([a-z][a-z'-]+)\s+([a-z][a-z'-]+)\s*(?=[,.;]|and\b|zip\b|\d{5}\b|$)/i.exec(
          text,
        )
      : null);
  if (!intro) return undefined;
  const [first, last] = [intro[1]!, intro[2]!];
  const notName = (w: string) => NAME_STOP.has(w) || NOT_A_NAME.has(w) || (!capitalised && /ing$/.test(w));
  if (notName(first.toLowerCase()) || notName(last.toLowerCase())) return undefined;
  return { firstName: capitalise(first), lastName: capitalise(last) };
}

/**
 * A US address: street, optional unit, city, state, zip. With commas the street ends at the first one ("12 Elm Street,
 * Apt 4, Austin TX 78701"); typed without them it ends at its street word ("12 Oak Street Springfield Illinois
 * 62704"). The state may be spelled out; the store keeps its two-letter code.
 */
function extractAddress(text: string): PostalAddress | undefined {
  if (!/\d{5}/.test(text)) return undefined;
  const m = COMMA_ADDRESS.exec(text) ?? BARE_ADDRESS.exec(text);
  if (!m) return undefined;
  const state = m[4]!.length === 2 ? m[4]! : STATE_CODES[m[4]!.toLowerCase().replace(/\s+/g, ' ')];
  if (!state) return undefined;
  return {
    address1: m[1]!.trim(),
    address2: m[2]?.trim() ?? '',
    city: m[3]!.trim(),
    state,
    zip: m[5]!,
    country: 'USA',
  };
}

/** The states and the District of Columbia, by name, with the code the store writes. */
const STATE_CODES: Record<string, string> = Object.fromEntries(
  (
    'alabama AL|alaska AK|arizona AZ|arkansas AR|california CA|colorado CO|connecticut CT|delaware DE|' +
    'district of columbia DC|florida FL|georgia GA|hawaii HI|idaho ID|illinois IL|indiana IN|iowa IA|kansas KS|' +
    'kentucky KY|louisiana LA|maine ME|maryland MD|massachusetts MA|michigan MI|minnesota MN|mississippi MS|' +
    'missouri MO|montana MT|nebraska NE|nevada NV|new hampshire NH|new jersey NJ|new mexico NM|new york NY|' +
    'north carolina NC|north dakota ND|ohio OH|oklahoma OK|oregon OR|pennsylvania PA|rhode island RI|' +
    'south carolina SC|south dakota SD|tennessee TN|texas TX|utah UT|vermont VT|virginia VA|washington WA|' +
    'west virginia WV|wisconsin WI|wyoming WY'
  )
    .split('|')
    .map((s) => [s.slice(0, -3), s.slice(-2)]),
);
/** A word in any case, inside a pattern that is otherwise case-sensitive (a state's code is written in capitals). */
const anyCase = (word: string) =>
  word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/ /g, String.raw`\s+`);
const STATE = `([A-Z]{2}|${Object.keys(STATE_CODES)
  .sort((a, b) => b.length - a.length)
  .map(anyCase)
  .join('|')})`;
const UNIT = String.raw`((?:[Aa]pt|[Aa]partment|[Ss]uite|[Uu]nit|#)\.?\s*[\w-]{1,20})`;
const STREET_WORD = `(?:${'street st avenue ave road rd lane ln drive dr boulevard blvd way court ct place pl terrace circle parkway pkwy highway hwy trail square loop'
  .split(' ')
  .map(anyCase)
  .join('|')})`;
const COMMA_ADDRESS = new RegExp(
  String.raw`(\d{1,8}\s+[A-Za-z0-9.' ]{1,60}?)(?:,\s*${UNIT})?,\s*([A-Za-z .']{1,40}?),?\s+${STATE},?\s+(\d{5})\b`,
);
const BARE_ADDRESS = new RegExp(
  String.raw`(\d{1,8}\s+(?:[A-Za-z0-9.']+\s+){0,4}?${STREET_WORD}\b\.?)(?:,?\s+${UNIT})?,?\s+([A-Za-z .']{1,40}?),?\s+${STATE},?\s+(\d{5})\b`,
);

function extractNumbers(text: string, exclude: Array<string | undefined>): number[] {
  const skip = new Set(exclude.filter(Boolean));
  const cleaned = text.replace(/#?\bW\d+\b/gi, ' ').replace(/\b\d{10}\b/g, ' ');
  return [...cleaned.matchAll(/(?<![\w.$])(\d+(?:\.\d+)?)(?![\w.])/g)]
    .map((m) => m[1]!)
    .filter((n) => !skip.has(n))
    .map(Number);
}

function containsPhrase(at: Map<string, number[]>, words: string[], phrase: string[]): boolean {
  for (const i of at.get(phrase[0]!) ?? [])
    if (i + phrase.length <= words.length && phrase.every((p, k) => words[i + k] === p)) return true;
  return false;
}

const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** "My Mastercard", "the amex": the brand as the store writes it. */
function cardBrandOf(text: string): string | undefined {
  const m = /\b(visa|master\s?card|amex|american express|discover)\b/i.exec(text);
  if (!m) return undefined;
  const brand = m[1]!.toLowerCase().replace(/\s+/g, '');
  return brand === 'americanexpress' ? 'amex' : brand;
}
