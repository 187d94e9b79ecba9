/**
 * How much of one message the stand-in reads, and how many earlier messages. A shopper states what
 * they want early; reading further adds nothing a rule can use and costs time on the server's one
 * thread (an 8,000-character message held it for tens of milliseconds per call). With these bounds a
 * call costs about the same whatever the shopper sent.
 */
export const MAX_READ_CHARS = 2_000;
export const MAX_EARLIER_MESSAGES = 20;

/** The part of `text` the stand-in reads: all of it, or its first MAX_READ_CHARS cut at a word boundary. */
export function readable(text: string): string {
  if (text.length <= MAX_READ_CHARS) return text;
  const space = text.lastIndexOf(' ', MAX_READ_CHARS);
  return text.slice(0, space > MAX_READ_CHARS * 0.8 ? space : MAX_READ_CHARS);
}
