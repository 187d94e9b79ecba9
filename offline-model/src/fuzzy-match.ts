/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("cancle" → "cancel" is 1). */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  // Three rolling rows (two back for transpositions), not a matrix: no garbage per call.
  let before = new Int32Array(cols);
  let previous = Int32Array.from({ length: cols }, (_, j) => j);
  let current = new Int32Array(cols);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[cols - 1]!;
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
 * Known words, and the ones a typo could be (four letters or more) bucketed by first and last letter,
 * sorted: a plausible typo shares its first letter and its last (or has the last two swapped), so
 * only two small buckets are ever searched.
 */
export interface SpellIndex {
  known: ReadonlySet<string>;
  byEnds: ReadonlyMap<string, readonly string[]>;
}

const ends = (first: string, last: string) => `${first}${last}`;

/**
 * Unknown words searched for in one message at most: each costs a search, and past a few dozen of them
 * a message is noise, not typos. The rest is left as written, so no message holds the server's thread.
 */
export const MAX_SPELL_SEARCHES = 48;
/** What is left of one message's searches (see MAX_SPELL_SEARCHES). */
export interface SpellBudget {
  searches: number;
}

export function buildSpellIndex(known: Iterable<string>): SpellIndex {
  const knownSet = new Set(known);
  const byEnds = new Map<string, string[]>();
  for (const w of [...knownSet].filter((x) => x.length >= 4).sort()) {
    const key = ends(w[0]!, w.at(-1)!);
    const bucket = byEnds.get(key) ?? [];
    bucket.push(w);
    byEnds.set(key, bucket);
  }
  return { known: knownSet, byEnds };
}

/** The words `word` may inflect regularly: plural -s/-es/-ies, past -ed/-d, -ing. */
function baseForms(word: string): string[] {
  const forms: string[] = [];
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  if (word.endsWith('ed')) forms.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) forms.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return forms.filter((f) => f.length >= 3);
}

/**
 * Corrects words that are not in `known` (nor in `base`, nor among `spelledRight`) to the closest known word within
 * the allowed edits. Known words are never changed; ties go to the alphabetically first candidate (determinism).
 * A prebuilt `base` index is shared, so a corrector over it plus a few words costs only those words. `spelledRight`
 * are words left as written that no other word is corrected to (common English: "charge" is no typo of "change").
 */
export function createSpellCorrector(
  known: Iterable<string>,
  base?: SpellIndex,
  spelledRight?: ReadonlySet<string>,
): (word: string, budget?: SpellBudget) => string {
  const indexes = base ? [base, buildSpellIndex(known)] : [buildSpellIndex(known)];
  return (word: string, budget?: SpellBudget) => {
    if (word.length < 4 || /\d/.test(word) || spelledRight?.has(word) || indexes.some((i) => i.known.has(word)))
      return word;
    // "Speakers" is the plural of "speaker", not a typo of "sneakers": an inflection of a known word is spelled right.
    if (baseForms(word).some((b) => indexes.some((i) => i.known.has(b)))) return word;
    if (budget) {
      if (budget.searches <= 0) return word;
      budget.searches--;
    }
    const keys = new Set([ends(word[0]!, word.at(-1)!), ends(word[0]!, word.at(-2)!)]);
    let best = word;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const index of indexes)
      for (const key of keys)
        for (const candidate of index.byEnds.get(key) ?? []) {
          if (!plausibleTypo(word, candidate)) continue;
          const allowed = allowedEdits(word, candidate);
          if (allowed === 0) continue;
          const distance = editDistance(word, candidate, allowed);
          if (distance <= allowed && (distance < bestDistance || (distance === bestDistance && candidate < best))) {
            best = candidate;
            bestDistance = distance;
          }
        }
    return best;
  };
}
