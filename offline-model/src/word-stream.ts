/** Splits text into word-sized deltas ("Your ", "order ", "#W1 "...) whose concatenation is the text. */
export function wordDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}
