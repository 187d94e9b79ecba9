import { ENGLISH_WORDS } from './english-words.js';
import type { Entities } from './entity-extractor.js';
import type { CardSummary } from './plan-brief.js';
import { COLOURS, MATERIALS, PRODUCT_NOUNS } from './product-lexicon.js';
import { RELATED_WORDS } from './synonyms.js';
import { createTextAnalyzer, stem, type TextFeatures } from './text-features.js';

/** How much a word counts, by where on the card it appears. The name is the most deliberate choice. */
const SOURCE_WEIGHT = { name: 1.2, skill: 1, description: 0.7 } as const;

/**
 * Words that describe the object of a request (a product, its colour or size, the shopper's email)
 * rather than the request itself. They count half: "red sneakers" says what, "do you have" or
 * "what goes with" says who should answer.
 */
const ATTRIBUTE_WEIGHT = 0.5;
/** Whether a stem describes the object of a request rather than the request. */
export const isAttributeStem = (s: string) => ATTRIBUTE_STEMS.has(s);

/** A word the spelling corrector guessed ("stove" read as "store") counts for less than one written as such. */
const CORRECTED_WEIGHT = 0.7;
/** Words implied by entities (an order id implies "order") are weaker still than words written. */
const CONCEPT_WEIGHT = 0.3;
const ATTRIBUTE_STEMS: ReadonlySet<string> = new Set(
  [...PRODUCT_NOUNS, ...COLOURS, ...MATERIALS, 'size', 'color', 'material', 'product', 'item', 'email', 'address']
    .flatMap((p) => p.split(' '))
    .map(stem),
);

export interface CardProfile {
  name: string;
  /** stem → best source weight on this card. */
  terms: Map<string, number>;
  /** Each comma-separated skill fragment as stems, for phrase bonuses. */
  fragments: string[][];
  /** Each skill whole, as stems: a clause that names all of one asks for what the card is for. */
  skills: string[][];
  /** stem → the card's own word for it ending in -ing ("shipping"), where it has one: how it names a topic. */
  gerunds: Map<string, string>;
  /** The card's words as written, lower-cased: where stems run words together ("subscription" is read as "newsletter"). */
  written: ReadonlySet<string>;
}

export interface CardScore {
  agent: string;
  score: number;
  /** Message words that matched this card, as written. */
  matched: string[];
}

export interface CardIndex {
  profiles: CardProfile[];
  /** ln(1 + N/df): words on few cards are specific and count more. */
  idf: Map<string, number>;
  analyze: (text: string) => TextFeatures;
}

/** A word made from a card's word counts a little less than the word itself. */
const DERIVED_WEIGHT = 0.9;
/** An everyday word for a card's word ("fix" for a card's "repair") counts less again: it is the shopper's, not the card's. */
const RELATED_WEIGHT = 0.8;
/**
 * An everyday word for a word the card uses in several places (its name, several skills, its description) is for what
 * the card is about, not for a word in passing: "fix" for a card that says "repair" four times outweighs "fix" written
 * once in another card's list of remedies. Each further place adds this much, up to three. Only for related words: a
 * card's own words keep their weights.
 */
const REPEAT_BONUS = 0.05;

/** A card's word → stems of the everyday words shoppers use for it (RELATED_WORDS), read as messages are. */
let relatedStems: ReadonlyMap<string, readonly string[]> | undefined;
/**
 * Looked up by the word as the card writes it, singular or plural, not by its stem: stems run words of different
 * meaning together ("instalment" and "install").
 */
function relatedOf(word: string, analyze: (text: string) => TextFeatures): readonly string[] {
  relatedStems ??= new Map(
    Object.entries(RELATED_WORDS).map(([w, related]) => [w, related.map((r) => analyze(r).tokens[0]?.stem ?? stem(r))]),
  );
  const w = word.toLowerCase();
  return relatedStems.get(w) ?? relatedStems.get(w.replace(/s$/, '')) ?? relatedStems.get(w.replace(/es$/, '')) ?? [];
}

/**
 * The word a card's derived noun is made from, when it is an English word: "rental" → rent, "sponsorship" → sponsor,
 * "membership" → member, "donation" → donate, "removal" → remove, "safety" → safe. Designers name what a card handles with such nouns;
 * shoppers ask with the verb ("can I rent a kayak?", "would you sponsor our team?").
 */
export function derivationBase(word: string): string | undefined {
  const w = word.toLowerCase();
  let candidates: string[] = [];
  if (w.endsWith('ship') && w.length > 7) candidates = [w.slice(0, -4)];
  else if (w.endsWith('ety') && w.length > 5) candidates = [w.slice(0, -2)];
  else if (w.endsWith('al') && w.length > 5) {
    const b = w.slice(0, -2);
    candidates = [b, `${b}e`, b.replace(/([bdglmnprt])\1$/, '$1')];
  } else if (w.endsWith('ion') && w.length > 6) candidates = [`${w.slice(0, -3)}e`];
  return candidates.find((c) => ENGLISH_WORDS.has(c));
}

/**
 * The verb by which a card says that it does its work ("Handles returns, refunds and exchanges", "requests no other agent
 * can handle"): it names no topic. Shoppers use the word for things ("one of the handles is bent", "the kettle's
 * handle"), which no card is about.
 */
const CARD_WORK: ReadonlySet<string> = new Set(['handle'].map(stem));

/** Splits `OrderManagementAgent` into ["order", "management"]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/Agent$/, '')
    .split(/(?<=[a-z0-9])(?=[A-Z])|_/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

/** Indexes cards for scoring. Built per call from the cards given: a card added today is scored like any other. */
export function buildCardIndex(cards: ReadonlyArray<CardSummary>): CardIndex {
  const vocabulary = cards.flatMap((c) => [
    ...nameWords(c.name),
    ...`${c.description} ${c.skills.join(' ')}`.toLowerCase().split(/[^a-z]+/),
  ]);
  const analyze = createTextAnalyzer(vocabulary);
  const profiles = cards.map((card) => {
    // The card's own words (and the words they are made from), and apart from them the everyday words for them with
    // the best weight of any place they come from and in how many places they do.
    const terms = new Map<string, number>();
    const gerunds = new Map<string, string>();
    const related = new Map<string, number>();
    const places = new Map<string, number>();
    const keep = (map: Map<string, number>, s: string, weight: number) => map.set(s, Math.max(map.get(s) ?? 0, weight));
    const add = (text: string, weight: number) => {
      const here = new Set<string>();
      for (const t of analyze(text).tokens) {
        if (CARD_WORK.has(t.stem)) continue;
        keep(terms, t.stem, weight);
        if (/^[a-z]+ing$/.test(t.surface) && !gerunds.has(t.stem)) gerunds.set(t.stem, t.surface);
        const base = derivationBase(t.surface);
        if (base) keep(terms, stem(base), weight * DERIVED_WEIGHT);
        for (const r of relatedOf(t.surface, analyze)) {
          keep(related, r, weight * RELATED_WEIGHT);
          here.add(r);
        }
      }
      for (const h of here) places.set(h, (places.get(h) ?? 0) + 1);
    };
    add(nameWords(card.name).join(' '), SOURCE_WEIGHT.name);
    for (const skill of card.skills) add(skill, SOURCE_WEIGHT.skill);
    add(card.description, SOURCE_WEIGHT.description);
    for (const [s, weight] of related) {
      // A word the card writes itself keeps its own weight (or the related one, when that is higher), without the bonus.
      if (terms.has(s)) keep(terms, s, weight);
      else terms.set(s, weight * (1 + REPEAT_BONUS * Math.min((places.get(s) ?? 1) - 1, 3)));
    }
    const fragments = card.skills
      .flatMap((s) => s.split(/,|\bor\b/))
      .map((f) => analyze(f).tokens.map((t) => t.stem))
      .filter((f) => f.length >= 2);
    const skills = card.skills.map((s) => analyze(s).tokens.map((t) => t.stem)).filter((s) => s.length > 0);
    const written = new Set(
      [
        ...nameWords(card.name),
        ...`${card.description} ${card.skills.join(' ')}`.toLowerCase().split(/[^a-z]+/),
      ].filter(Boolean),
    );
    return { name: card.name, terms, fragments, skills, gerunds, written };
  });
  const df = new Map<string, number>();
  for (const p of profiles) for (const stem of p.terms.keys()) df.set(stem, (df.get(stem) ?? 0) + 1);
  const idf = new Map([...df].map(([stem, n]) => [stem, Math.log(1 + profiles.length / n)]));
  return { profiles, idf, analyze };
}

/** Words a clause implies through its entities: an order id is about an order, "size 9" about sizes. */
export function entityConcepts(entities: Entities): string[] {
  const out: string[] = [];
  if (entities.orderIds.length) out.push('order');
  if (entities.products.length || entities.productIds.length) out.push('product');
  if (entities.colours.length) out.push('color');
  if (entities.sizes.length) out.push('size');
  if (entities.materials.length) out.push('material');
  if (entities.maxPrice !== undefined || entities.minPrice !== undefined) out.push('price');
  return out.map(stem);
}

/**
 * Scores every card for one clause: the sum, over the clause's distinct words, of how specific the
 * word is (idf) times how prominently the card uses it, plus a bonus for covering a whole skill.
 * Ranked best first; on a tie the `preferred` card (the default agent) goes first, then card order.
 */
export function scoreCards(
  index: CardIndex,
  features: TextFeatures,
  concepts: string[] = [],
  preferred?: string,
): CardScore[] {
  const words = new Map<string, { surface: string; factor: number }>();
  for (const t of features.tokens)
    if (!words.has(t.stem))
      words.set(t.stem, {
        surface: t.surface,
        factor: (ATTRIBUTE_STEMS.has(t.stem) ? ATTRIBUTE_WEIGHT : 1) * (t.corrected ? CORRECTED_WEIGHT : 1),
      });
  const written = new Set(words.keys());
  for (const c of concepts) if (!words.has(c)) words.set(c, { surface: c, factor: CONCEPT_WEIGHT });
  const scores = index.profiles.map((profile) => {
    let score = 0;
    const matched: string[] = [];
    for (const [stem, { surface, factor }] of words) {
      const weight = profile.terms.get(stem);
      if (weight === undefined) continue;
      score += weight * (index.idf.get(stem) ?? 0) * factor;
      matched.push(surface);
    }
    let bonus = 0;
    // A phrase counts when it was said: "delivered order" is the returns card's phrase, but "#W1 delivered" says
    // "order" only through the id, which counts as little towards the phrase as towards the score.
    for (const fragment of profile.fragments) {
      const covered = fragment.reduce((n, s) => n + (written.has(s) ? 1 : words.has(s) ? CONCEPT_WEIGHT : 0), 0);
      if (covered >= 2) bonus = Math.max(bonus, (0.3 * covered) / fragment.length);
    }
    return { agent: profile.name, score: score + bonus, matched };
  });
  return scores
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        round(b.s.score) - round(a.s.score) ||
        Number(b.s.agent === preferred) - Number(a.s.agent === preferred) ||
        a.i - b.i,
    )
    .map(({ s }) => s);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
