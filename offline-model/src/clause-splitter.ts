/** One piece of a message that may carry its own intent. */
export interface Clause {
  text: string;
  /** Asked as a question: ends a sentence with "?" or opens with a question word. */
  question: boolean;
}

/**
 * "What helmet and lights would you suggest?", "which case and charger fit it?": two things asked under one question
 * word, before the one verb they share. One question, not "what helmet" and a second request.
 */
const SHARED_QUESTION =
  /\b((?:what|which)\s+(?:kind of\s+|sort of\s+)?[a-z]+(?:\s+[a-z]+)?)\s+and\s+((?:a\s+|an\s+|some\s+)?[a-z]+(?:\s+[a-z]+)?\s+(?:would|should|could|can|do|does|will|might|go|goes|fit|fits|work|works|pair|pairs)\b)/gi;
/** Sentence ends (captured, to tell questions apart). */
const SENTENCE_END = /([?!;]+|\.(?=\s|$)|\n+)/;
/**
 * "Three things: 1) where is my order 2) do you have it in blue", "(a) … (b) …", "1. … 2. …": the items of a list the
 * shopper numbered, each a request of its own, though no full stop or "and" divides them. A marker stands alone after a
 * space or a colon ("501(c)(3)" holds none).
 */
const LIST_ITEM = /(?:^|(?<=[\s:;,]))\(?(?:[1-9]|[a-e])[).]\s+/gi;

/**
 * The message with each item of a numbered list on a line of its own. Only a list: two items or more, counted in order
 * from 1 or "a" ("the boots (size 9) for a 10", "I bought 2. Then…" number nothing).
 */
function withListItemsApart(message: string): string {
  const items = message.match(LIST_ITEM)?.map((m) => m.replace(/[^0-9a-z]/gi, '').toLowerCase());
  if (!items || items.length < 2) return message;
  const first = items[0] === '1' ? '1' : items[0] === 'a' ? 'a' : undefined;
  const inOrder = first && items.every((m, n) => m === String.fromCharCode(first.charCodeAt(0) + n));
  return inOrder ? message.replace(LIST_ITEM, '\n') : message;
}
/** Commas and the connectors that usually start a new request ("+" and "&" standing alone, as texted). */
const CONNECTOR =
  /\s*,?\s*\b(?:and also|and by the way|by the way|btw|oh and|one more thing|another thing|additionally|as well as|and then|also|plus|and)\b\s*,?\s*|\s*,\s*|\s+[+&]\s+/gi;
/** "between standard and express shipping", "both the red and the blue": one thing, not two requests. */
const PAIRED = /\b(between|both)\b([^,;]{1,40}?)\s+and\s+/gi;
/**
 * "What's the status and total of order #W1?", "tell me the price and weight of the tent": two nouns asked for under
 * one determiner, the second with the holder both belong to ("of", "for", "on" it). One question of two facts about one
 * thing, not two requests: split, the first ("what's the status") asks about nothing of the shopper's.
 */
const SHARED_HOLDER =
  /\b((?:what(?:['’]s|s)?|what\s+(?:is|are|was|were)|tell me|give me|show me|send me|know|check|confirm|need)\s+(?:the|my|your|its|their)\s+[a-z]+(?:\s+[a-z]+)?)\s+and\s+((?:(?:the|my|its|their)\s+)?[a-z]+(?:\s+[a-z]+)?\s+(?:of|for|on)\b)/gi;
const QUESTION_START =
  /^(is|are|am|was|were|does|do|did|can|could|would|will|should|what|whats|which|when|where|wheres|who|why|how|any|tell me|(?:you|u) got (?:any|some)|got any)\b/i;

/** Whether words (a clause's, typos corrected: "wat is ur return polcy") open as a question. */
export function opensAsQuestion(words: readonly string[]): boolean {
  return QUESTION_START.test(words.join(' '));
}

/** A question asked as a statement: "I want to know if you sell candles", "I'm wondering whether...". */
const INDIRECT_QUESTION =
  /\b(?:want|like|need|love) to know\b|\bwondering\b|\bi wonder\b|^\W*wonder (?:if|whether)\b|\bcurious (?:if|whether|about)\b|\b(?:can|could) you tell me\b/i;

/**
 * Splits a message into clauses on sentence ends, commas and connectors ("and", "also", "by the
 * way", "plus"...). Over-splitting is fine: the planner re-joins pieces that have no intent of their
 * own and adjacent pieces that go to the same agent.
 */
export function splitClauses(message: string): Clause[] {
  const out: Clause[] = [];
  const parts = withListItemsApart(message).split(SENTENCE_END);
  for (let i = 0; i < parts.length; i += 2) {
    const asked = (parts[i + 1] ?? '').includes('?');
    const pieces = parts[i]!.replace(PAIRED, '$1$2 and_ ')
      .replace(SHARED_HOLDER, '$1 and_ $2')
      .replace(SHARED_QUESTION, '$1 and_ $2')
      .split(CONNECTOR)
      .map(
        (p) =>
          p
            ?.replace(/ and_ /g, ' and ')
            .trim()
            .replace(/^[-–—:]+\s*|\s*[-–—:]+$/g, '') ?? '',
      )
      .filter((p) => /[a-z0-9]/i.test(p));
    pieces.forEach((text, k) => {
      out.push({
        text,
        question: QUESTION_START.test(text) || INDIRECT_QUESTION.test(text) || (asked && k === pieces.length - 1),
      });
    });
  }
  return out;
}
