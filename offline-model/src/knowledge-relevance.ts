import { optsOut } from './task-intent.js';
import { analyzeText, stem, type TextFeatures } from './text-features.js';

/**
 * Words every shop's help text uses, whatever it is about: sharing one of them with a question ("what would I need
 * to make a cappuccino?" and "to make a warranty claim") says nothing about what the question asks.
 */
const UNTOPICAL = new Set(
  `make made use used take took give gave find found see look keep put come came send sent try help work works
  order orders ordered item items product products customer customers shop store buy bought time times day days
  first new home last long need needs needed want wanted business name names`
    .split(/\s+/)
    .filter(Boolean)
    .map(stem),
);
const UNSUBSCRIBE = stem('unsubscribe');
const SERVICE_ASKED =
  /\b(?:do|does|can|could|will|would) (?:you|u|ya|the shop|your shop|your store)(?: guys)? (offer|provide|have|sell|carry|give)\b/gi;

/** Asking for a time limit ("what's the return window?", "is it too late to return…"), and a line that states one. */
export const ASKS_DEADLINE =
  /\b(?:window|deadline|time limit|time frame|timeframe|how long do i have|how many days|until when|how late|too late)\b/i;
export const STATES_DEADLINE = /\bwithin \d+ (?:business |calendar )?days\b|\b\d+ days (?:of|after|from)\b/i;

/** Asking leave to do something: "can I return …", "am I allowed to exchange …". */
const ASKS_LEAVE_TO =
  /\b(?:can|could|may) (?:i|we) (?:still )?(return|exchange|refund|cancel)\b|\ballowed to (return|exchange|refund|cancel)\b/;

/**
 * The articles that share a topical word with the question: those whose title has one first, each group in the order
 * given (the knowledge base's: it weighs a word by how rare it is among all the articles, which three cannot tell).
 */
export function topicalArticles<A extends { title: string; content: string }>(
  articles: readonly A[],
  question: TextFeatures,
): A[] {
  // "Do you offer gift wrapping?": what the shop is asked to offer is the topic, not the offering ("offers" are deals).
  const framed = new Set([...question.words.join(' ').matchAll(SERVICE_ASKED)].map((m) => stem(m[1]!.toLowerCase())));
  const stems = new Set(question.tokens.map((t) => t.stem).filter((s) => !UNTOPICAL.has(s) && !framed.has(s)));
  const read = articles.map((a) => ({ a, words: analyzeText(`${a.title} ${a.content}`).tokens }));
  // "Stop sending me promotional emails" asks how to unsubscribe, whichever article says "promotion" more.
  if (optsOut(question.words)) {
    const says = read.filter((r) => r.words.some((t) => t.stem === UNSUBSCRIBE));
    if (says.length) return says.map((r) => r.a);
  }
  // A question for a time limit is answered by an article that states one ("what's the return window for shoes?" is
  // not for the sizing guide, whose title names shoes). Then an article whose title names what the question asks
  // about: "how long do refunds take to show up on my card?" is for "Returns and refunds", though "take" and "show"
  // are in the shipping article's tracking line too.
  // A title word counts only if some article given does not use it: "account" is in all three of "what happens to my
  // saved cards if I delete my account?" (privacy, payment methods, account address) and tells them apart no more
  // than the knowledge base's own order does.
  const inEvery = (s: string) => read.length > 1 && read.every((r) => r.words.some((t) => t.stem === s));
  const asksDeadline = ASKS_DEADLINE.test(question.words.join(' '));
  // "Can I return shoes I already wore?" asks about returning, of a thing of some kind: an article whose title names the
  // act asked leave for comes before one whose title names the kind (the sizing guide, for shoes).
  const act = ASKS_LEAVE_TO.exec(question.words.join(' '));
  const actStem = act ? stem((act[1] ?? act[2])!) : undefined;
  const rank = (r: (typeof read)[number]) => {
    const title = analyzeText(r.a.title).tokens;
    return (
      (asksDeadline && STATES_DEADLINE.test(r.a.content) ? 0 : 4) +
      (actStem && title.some((t) => t.stem === actStem) ? 0 : 2) +
      (title.some((t) => stems.has(t.stem) && !inEvery(t.stem)) ? 0 : 1)
    );
  };
  const topical = read.filter((r) => r.words.some((t) => stems.has(t.stem)));
  return topical
    .map((r, i) => ({ r, i, rank: rank(r) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ r }) => r.a);
}
