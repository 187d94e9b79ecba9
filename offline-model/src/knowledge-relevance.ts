import { optsOut } from './task-intent.js';
import { analyzeText, stem, type TextFeatures } from './text-features.js';

/**
 * Words every shop's help text uses, whatever it is about: sharing one of them with a question ("what would I need
 * to make a cappuccino?" and "to make a warranty claim") says nothing about what the question asks.
 */
const UNTOPICAL = new Set(
  `make made use used take took give gave find found see look keep put come came send sent try help work works
  order orders ordered item items product products customer customers shop store buy bought time times day days
  first new home`
    .split(/\s+/)
    .filter(Boolean)
    .map(stem),
);
const UNSUBSCRIBE = stem('unsubscribe');

/**
 * The articles that share a topical word with the question: those whose title has one first, each group in the order
 * given (the knowledge base's: it weighs a word by how rare it is among all the articles, which three cannot tell).
 */
export function topicalArticles<A extends { title: string; content: string }>(
  articles: readonly A[],
  question: TextFeatures,
): A[] {
  const stems = new Set(question.tokens.map((t) => t.stem).filter((s) => !UNTOPICAL.has(s)));
  const read = articles.map((a) => ({ a, words: analyzeText(`${a.title} ${a.content}`).tokens }));
  // "Stop sending me promotional emails" asks how to unsubscribe, whichever article says "promotion" more.
  if (optsOut(question.words)) {
    const says = read.filter((r) => r.words.some((t) => t.stem === UNSUBSCRIBE));
    if (says.length) return says.map((r) => r.a);
  }
  // An article whose title names what the question asks about comes first: "how long do refunds take to show up on my
  // card?" is for "Returns and refunds", though "take" and "show" are in the shipping article's tracking line too.
  const titled = (r: (typeof read)[number]) => analyzeText(r.a.title).tokens.some((t) => stems.has(t.stem));
  const topical = read.filter((r) => r.words.some((t) => stems.has(t.stem)));
  return [...topical.filter(titled), ...topical.filter((r) => !titled(r))].map((r) => r.a);
}
