import { type Entities, extractEntities } from './entity-extractor.js';

/** Asking which costs less or more: "which is cheaper", "the pricier one". */
export const CHEAPER = /\b(?:cheaper|cheapest|less expensive|more expensive|pricier|costs? (?:more|less))\b/i;
/** Products set against each other: by price (CHEAPER), or "the difference", "compare", "which one is better". */
export const SETS_AGAINST = new RegExp(
  `${CHEAPER.source}|\\b(?:difference|differ\\w*|compar\\w*|vs|versus|better|best)\\b`,
  'i',
);

/** What separates products asked for side by side: a comma, "or", "and". */
export const SIDE_BY_SIDE = /\s*(?:,|\bor\b|\band\b)\s*/i;
/** Words that make a piece a sentence of its own, not an item of a list ("I bought", "do you have"). */
const SAYS_MORE = /\b(?:i|you|we|my|bought|loved|got|ordered|have|need|want|do|does|did|is|are|was)\b/i;

/**
 * "Do you have red sneakers or a blue fleece jacket?": the products a text lists side by side, each with what was said
 * with it (the entities of its piece). Empty for one product, or products a sentence apart ("the headphones I
 * bought, do you have a matching case?" asks for a case).
 */
export function listedProducts(text: string): Entities[] {
  const parts = text.split(SIDE_BY_SIDE).map((part) => ({ part, e: extractEntities(part) }));
  const named = parts.filter((p) => p.e.products.length === 1);
  if (named.length < 2) return [];
  // Only a list: nothing but a connector and the next product's words between one product and the next.
  for (let i = 1; i < parts.length; i++)
    if (parts[i]!.e.products.length === 1 && parts[i - 1]!.e.products.length === 1 && SAYS_MORE.test(parts[i]!.part))
      return [];
  return named.map((p) => p.e);
}

/** Of the shopper's two messages before this one, the latest that lists products side by side ("which is cheaper?"). */
export function listingBefore(earlierUserTexts: readonly string[], now: string): string | undefined {
  return earlierUserTexts
    .filter((t) => t.trim() !== now.trim())
    .slice(-2)
    .findLast((t) => listedProducts(t).length >= 2);
}

/**
 * What shoppers ask of a product that its options may hold or not ("the e-reader's battery life", "how heavy is the
 * backpack?"), with the option names that would hold it.
 */
const PROPERTIES: readonly { name: string; asks: RegExp; key: RegExp }[] = [
  {
    name: 'battery life',
    asks: /\bbattery life\b|\bbattery\b[^.?!]*\blast|\blasts? on (?:a|one) (?:single |full )?charge\b/i,
    key: /\bbattery\b/i,
  },
  { name: 'weight', asks: /\bweigh(?:t|s)?\b|\bhow heavy\b|\b(?:lightest|heaviest)\b/i, key: /\bweight\b/i },
  { name: 'compatibility', asks: /\bcompatib\w*|\bworks? with\b/i, key: /\bcompatib/i },
  {
    name: 'material',
    asks: /\bwhat (?:material|fabric)\b|\bmade (?:of|from|out of)\b/i,
    key: /\b(?:material|fabric)\b/i,
  },
  {
    name: 'dimensions',
    asks: /\bdimensions?\b|\bmeasurements?\b|\bhow (?:big|large|tall|wide|deep)\b/i,
    key: /\b(?:dimensions?|size)\b/i,
  },
];
export const propertyAsked = (question: string) => PROPERTIES.find((p) => p.asks.test(question));

/** "How much is it?", "what's its price?": the price of what was just shown, which names no product. */
export const PRICE_OF_IT =
  /\bhow much (?:is|are|does|do|would) (?:it|they|this|that|these|those|one|the \w+ one|each|both)\b|\bwhat(?:'s| is| are) (?:the|its|their) prices?\b|\bwhat (?:do|does|would|will) (?:it|they|this|that|these|those|both|each) cost\b/i;

/**
 * "How much are they?", "what do those cost?": the price of several things just shown, which names none of them.
 * `shown` is the answer that showed them; its lines ("- Wireless Earbuds: from $226.49 in stock.") give each price.
 */
export function pricesShown(question: string, shown: string | undefined): string[] | undefined {
  if (!shown || !PRICE_OF_IT.test(question) || !/\b(?:they|them|their|these|those|both|each)\b/i.test(question)) return;
  if (extractEntities(question).products.length) return undefined;
  const lines = [...shown.matchAll(/^- ([^\n:]+):\s*((?:from )?\$[\d,]+(?:\.\d\d)?)/gm)].map(
    (m) => `- ${m[1]}: ${m[2]}`,
  );
  return lines.length >= 2 ? lines : undefined;
}
