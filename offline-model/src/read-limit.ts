/**
 * How much of one message the stand-in reads, and how many earlier messages. A shopper states what
 * they want early; reading further adds nothing a rule can use and costs time on the server's one
 * thread (an 8,000-character message held it for tens of milliseconds per call). With these bounds a
 * call costs about the same whatever the shopper sent.
 */
export const MAX_READ_CHARS = 2_000;
export const MAX_EARLIER_MESSAGES = 20;
/** Earlier messages give context (an order id, a product named before): their first few hundred characters. */
export const MAX_EARLIER_READ_CHARS = 400;

/** The part of `text` the stand-in reads: all of it, or its first `limit` characters cut at a word boundary. */
export function readable(text: string, limit = MAX_READ_CHARS): string {
  if (text.length <= limit) return text;
  const space = text.lastIndexOf(' ', limit);
  return text.slice(0, space > limit * 0.8 ? space : limit);
}
