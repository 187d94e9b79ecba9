/**
 * A short reply that says yes to what was just proposed. Shoppers say yes in many ways: a yes-word stretched or
 * shouted ("yesss", "yeppp", "YES!!"), a word that agrees ("absolutely", "definitely", "of course", "sounds good",
 * "go for it"), or yes in their own language ("sí", "oui", "ja"). What follows the yes ("yes please", "sure thing")
 * does not undo it; whether it amends the proposal ("yes but to my other address") is for the caller to read.
 */

/** Words and phrases that say yes, as written when not stretched. */
const YES = [
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'yah',
  'sure',
  'ok',
  'okay',
  'okey',
  'k',
  'kk',
  'alright',
  'aight',
  'absolutely',
  'definitely',
  'certainly',
  'indeed',
  'affirmative',
  'correct',
  'exactly',
  'confirm',
  'confirmed',
  'agreed',
  'of course',
  'sounds good',
  'sounds great',
  'sounds perfect',
  'that works',
  'works for me',
  'fine by me',
  'please do',
  'do it',
  'go ahead',
  'go for it',
  "let's do it",
  'lets do it',
  'make it so',
  // Yes in the languages shoppers most often switch to.
  'sí',
  'si',
  'oui',
  'ja',
  'sim',
  'da',
  'hai',
  'jawohl',
  'claro',
  'vale',
  "d'accord",
];

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\']/g, (c) => (c === "'" ? "['’]?" : `\\${c}`));
/** A word stretched by repeating its letters ("yesss", "okayyy", "suuure") still says it. */
const stretched = (word: string) =>
  [...word].map((c) => (/\p{L}/u.test(c) ? `${literal(c)}+` : c === ' ' ? '\\s+' : literal(c))).join('');

/**
 * The start of a message that says yes, then a word boundary (so "yesterday" and "okra" are not), and not "not"
 * ("absolutely not", "of course not").
 */
const SAYS_YES = new RegExp(
  `^\\W*(?:${YES.map(stretched).join('|')})(?![\\p{L}\\p{N}])(?!\\W*(?:not|no|nope|nah)\\b)`,
  'iu',
);

/**
 * Praise of the proposal, said to accept it: "perfect, do it", "awesome!", or to amend it ("great, but make it
 * apartment 4"). Only in a short message or before "but"/"and": "great, now it's late" says something else.
 */
const PRAISES = new RegExp(
  `^\\W*(?:${['perfect', 'great', 'awesome', 'excellent', 'lovely', 'brilliant'].map(stretched).join('|')})(?![\\p{L}\\p{N}])`,
  'iu',
);
const SHORT = 4;

/** Whether the message opens by saying yes ("yess", "sure thing", "sí, gracias", "absolutely!", "perfect, do it"). */
export const opensWithYes = (text: string): boolean => {
  const t = text.normalize('NFC');
  if (SAYS_YES.test(t)) return true;
  const praise = PRAISES.exec(t);
  if (!praise || t.includes('?')) return false;
  return t.trim().split(/\s+/).length <= SHORT || /^\W*(?:but|and)\b/i.test(t.slice(praise[0].length));
};
