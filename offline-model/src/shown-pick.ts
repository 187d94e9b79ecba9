import { extractEntities } from './entity-extractor.js';
import { propertyAsked, SETS_AGAINST } from './product-list.js';

/**
 * One line of a list the last answer showed ("- Bluetooth Speaker (blue, 20 hours, water resistance no): $271.89"),
 * picked by the shopper's words: its place ("the first one", "the 2nd", "the last one") or its price ("the cheaper
 * one", "the most expensive one"). A question about it ("is the first one waterproof?") is about that item as shown,
 * not about every variant of its kind.
 */
export interface ShownPick {
  /** How the shopper's pick reads back to them: "the first one", "the cheapest one". */
  which: string;
  /** The line's label as shown: the product's name and options, without its price. */
  label: string;
  price?: number;
}

/** The place words of a pick, 0-based. */
const PLACES = ['first', 'second', 'third', 'fourth', 'fifth'];
const ORDINAL = 'first|second|third|fourth|fifth|[1-9](?:st|nd|rd|th)|last';
/** "the second one", "the 3rd", "the last one", "2nd one": a place after "the" or before "one" (not "lasts"). */
const BY_PLACE = new RegExp(
  `\\bthe\\s+(${ORDINAL})\\b(?!\\s+(?:time|week|month|year|order|night))|\\b(${ORDINAL})\\s+(?:one|option)\\b`,
  'i',
);
/**
 * "the cheaper one", "the least expensive option": the lowest price shown, pointed at to ask something of it. "Which is
 * the cheapest?" asks which, of everything in stock, and picks nothing.
 */
const LOWEST =
  /\bthe\s+(?:cheaper|cheapest|less expensive|least expensive|lower[- ]priced|lowest[- ]priced)\s+(?:one|option)\b/i;
/** "the pricier one", "the most expensive option": the highest price shown. */
const HIGHEST =
  /\bthe\s+(?:pricier|priciest|dearer|dearest|more expensive|most expensive|higher[- ]priced|highest[- ]priced)\s+(?:one|option)\b/i;
/** "Which one is the cheapest one?": a question which it is, not a pick. */
const ASKS_WHICH = /^\W*(?:(?:ok|okay|and|so)\W+)?which\b/i;
/** A list line as the stand-in writes one: "- <label>: $12.34[, out of stock][ (item 123)]". */
const LINE = /^\s*[-*•]\s+([^\n:]+?):\s*(?:from\s+)?\$([\d,]+(?:\.\d\d)?)/gm;

/** The lines of a list an answer showed, in order, each with its label and price. */
export function shownLines(answer: string | undefined): { label: string; price: number }[] {
  return [...(answer ?? '').matchAll(LINE)].map((m) => ({
    label: m[1]!.trim(),
    price: Number(m[2]!.replace(/,/g, '')),
  }));
}

/**
 * The line of the last answer's list that `request` picks, by place or by price; undefined when the answer showed no
 * list of two or more, the place is past its end, or the request picks nothing ("which is cheaper?" compares, and
 * "how long does the battery last?" says "last" of no place).
 */
export function pickedLine(request: string, lastAnswer: string | undefined): ShownPick | undefined {
  const lines = shownLines(lastAnswer);
  if (lines.length < 2) return undefined;
  const place = BY_PLACE.exec(request);
  if (place) {
    const word = (place[1] ?? place[2]!).toLowerCase();
    const at = word === 'last' ? lines.length - 1 : /^\d/.test(word) ? Number(word[0]) - 1 : PLACES.indexOf(word);
    const line = lines[at];
    const name = word === 'last' ? 'last' : (PLACES[at] ?? word);
    return line ? { which: `the ${name} one`, ...line } : undefined;
  }
  const lowest = LOWEST.test(request);
  if ((!lowest && !HIGHEST.test(request)) || ASKS_WHICH.test(request)) return undefined;
  const sign = lowest ? 1 : -1;
  const line = [...lines].sort((a, b) => sign * (a.price - b.price))[0]!;
  return { which: lowest ? 'the cheapest one' : 'the most expensive one', ...line };
}

/** "that one", "this one", "which of those": a thing pointed at among several, by no place or price. */
const POINTED = /\b(?:that|this)\s+one\b|\bwhich\s+of\s+(?:those|these|them|the two)\b/i;
/** What only goods have: a make, options, a price, stock. */
const OF_GOODS =
  /\b(?:in stock|available|price|cost|costs|colou?rs?|sizes?|materials?|made of|come in|comes in|waterproof|water resistant)\b/i;

/**
 * "Whats the 2nd one made of", "does the last one come in a size 11", "which of those is cheaper?": a question of a
 * product's make, options or price about an item of a list, pointed at and not named. Whatever the list was, only goods
 * have such things.
 */
export function asksOfListedItem(text: string): boolean {
  if (!(BY_PLACE.test(text) || LOWEST.test(text) || HIGHEST.test(text) || POINTED.test(text))) return false;
  const e = extractEntities(text);
  if (e.orderIds.length + e.products.length) return false;
  return (
    !!propertyAsked(text) ||
    SETS_AGAINST.test(text) ||
    OF_GOODS.test(text) ||
    e.colours.length + e.sizes.length + e.materials.length > 0
  );
}
