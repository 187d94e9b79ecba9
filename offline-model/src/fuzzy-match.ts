/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("cancle" → "cancel" is 1). */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[rows - 1]![cols - 1]!;
}

/** Edits allowed between two words: none under 5 letters, 1 from 5, 2 from 8 (longer word counts). */
function allowedEdits(a: string, b: string): number {
  const len = Math.max(a.length, b.length);
  if (len >= 8) return 2;
  if (len >= 5) return 1;
  return 0;
}

/**
 * Whether two words may be one misspelling of the other. Typos rarely touch the first letter, and
 * a changed last letter is usually a different word ("charged" is not "charger"), unless the last
 * two letters were swapped.
 */
function plausibleTypo(word: string, candidate: string): boolean {
  if (word[0] !== candidate[0] || Math.min(word.length, candidate.length) < 4) return false;
  const [w1, w2, c1, c2] = [word.at(-1), word.at(-2), candidate.at(-1), candidate.at(-2)];
  return w1 === c1 || (w1 === c2 && w2 === c1);
}

/** Misspelling match within the allowed edits ("cancle" ~ "cancel", "match" !~ "watch"). */
export function isFuzzyMatch(a: string, b: string): boolean {
  if (a === b) return true;
  if (!plausibleTypo(a, b)) return false;
  const allowed = allowedEdits(a, b);
  return allowed > 0 && editDistance(a, b, allowed) <= allowed;
}

/**
 * Corrects words that are not in `known` to the closest known word within the allowed edits.
 * Known words are never changed; ties go to the alphabetically first candidate (determinism).
 */
export function createSpellCorrector(known: Iterable<string>): (word: string) => string {
  const knownSet = new Set(known);
  // Candidates share the first letter with the typo, so bucket by it.
  const byInitial = new Map<string, string[]>();
  for (const w of [...knownSet].filter((x) => x.length >= 4).sort()) {
    const bucket = byInitial.get(w[0]!) ?? [];
    bucket.push(w);
    byInitial.set(w[0]!, bucket);
  }
  return (word: string) => {
    if (knownSet.has(word) || word.length < 4 || /\d/.test(word)) return word;
    let best = word;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of byInitial.get(word[0]!) ?? []) {
      if (!plausibleTypo(word, candidate)) continue;
      const allowed = allowedEdits(word, candidate);
      if (allowed === 0) continue;
      const distance = editDistance(word, candidate, allowed);
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  };
}
