/**
 * A request the shopper says they are not making ("I'm not looking to return anything", "I don't want a
 * refund", "don't cancel it", "not a return, just a question") names an intent only to rule it out. Routing
 * must not count those words, so they are taken out of the text the planner scores. Negated states
 * ("it hasn't arrived", "I didn't receive it") are facts, not requests, and stay.
 */

/** Verbs of wanting or asking: what follows them, negated, is a request the shopper is not making. */
const DESIRE = '(?:want|wanting|need|needing|looking|asking|trying|planning|going|interested|wish|hoping)';
const NEGATOR = "(?:not|n't|never|no longer)";
/** Verbs that stay facts when negated: the shopper reports what happened, they do not rule a request out. */
const STATE =
  '(?:arrive|arrived|receive|received|get|got|see|seen|come|came|work|works|worked|fit|fits|ship|shipped|deliver|delivered|know|have|has|had|be|is|was|think|understand|recognise|recognize|place|placed|make|made|order|ordered|authorise|authorize|authorised|authorized)';

/** The -ing forms of STATE ("I'm not getting", "it is not working"): facts, not actions ruled out. */
const STATE_ING =
  '(?:arriving|receiving|getting|seeing|coming|working|fitting|shipping|delivering|knowing|having|being|thinking|understanding|hearing|finding|able)';

/**
 * A want ruled out: "(I) don't want", "I'm not looking", "no longer need", "there's no need", "I'd rather not". The
 * auxiliary goes with it: a "do" left behind ("do … for a dumbbell set") reads as a question.
 */
const RULED_OUT = new RegExp(
  `(?:\\b(?:do|does|did|am|is|are|was|were)\\s+|'m\\s+|'re\\s+)?\\b${NEGATOR}\\s+(?:really\\s+|even\\s+)?${DESIRE}\\b|\\bno\\s+(?:real\\s+)?(?:need|interest|wish)\\b|\\b(?:would|'d)\\s+(?:much\\s+)?rather\\s+not\\b`,
  'gi',
);
/** Words that only tie the wanted thing to the want: "to pay for the", "in an". They neither start nor end a scope. */
const TIES = new Set(
  'to for a an the in on of at with about any my our your it them this that these those some more extra be'.split(' '),
);
/** Where what is ruled out ends and the shopper turns to what they do want: "…, just", "but", "instead", "I". */
const TURNS = new Set(
  'but just only instead rather and or so because cause since as though if please i we you im'.split(' '),
);
/**
 * Verbs of going through something rather than asking for it: "I don't want to wait for my refund" rules out the
 * waiting, and the refund is still what the shopper is after.
 */
const ENDURES = new Set('wait waiting keep hear deal go lose miss risk bother end'.split(' '));
/** How many words a want ruled out covers beyond its ties: "pay shipping", "protection plan", "extended warranty". */
const SCOPE_WORDS = 2;

/**
 * Where what a want ruled out covers ends: the next words after the want but their ties, up to SCOPE_WORDS of them,
 * stopping at a turn to what the shopper does want or at the clause's end. "Don't want to pay shipping for a dumbbell
 * set" rules out paying shipping; the dumbbell set is still what the shopper talks about.
 */
function scopeEnd(text: string, from: number): number {
  const word = /[a-z']+|[^a-z'\s]/gi;
  word.lastIndex = from;
  let end = from;
  let taken = 0;
  for (let m = word.exec(text); m && taken < SCOPE_WORDS; m = word.exec(text)) {
    const w = m[0].toLowerCase();
    if (!/^[a-z']+$/.test(w) || TURNS.has(w)) break;
    if (TIES.has(w)) continue;
    taken++;
    end = m.index + m[0].length;
    if (ENDURES.has(w)) break;
  }
  return end;
}

/** The text without the wants it rules out, each with what it covers (scopeEnd). */
function withoutRuledOut(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(RULED_OUT)) {
    if (m.index < at) continue;
    out += `${text.slice(at, m.index)} `;
    at = scopeEnd(text, m.index + m[0].length);
  }
  return out + text.slice(at);
}

const PATTERNS: RegExp[] = [
  // "don't cancel it", "do not exchange them": an imperative ruled out. "I didn't receive it" is a fact and stays.
  new RegExp(`\\b(?:do not|don't|dont|please don't|please do not)\\s+(?!${STATE}\\b|${DESIRE}\\b)[a-z]+`, 'gi'),
  // "I'm not returning anything", "we are not cancelling it": the shopper's own action ruled out as they speak. "I'm not
  // getting my refund" is a fact and stays.
  new RegExp(
    `\\b(?:i am|i'm|im|we are|we're)\\s+not\\s+(?!${STATE_ING}\\b)[a-z]+ing\\b(?:\\s+(?:anything|it|them|this|that|(?:any|the|my|our|this|that)\\s+[a-z]+))?`,
    'gi',
  ),
  // "not a return", "not about a refund": a kind of request ruled out by name.
  /\bnot\s+(?:about\s+)?(?:a|an)\s+[a-z]+/gi,
];

/** The text without the requests it rules out; unchanged when it rules none out. */
export function withoutNegatedRequests(text: string): string {
  const normalised = text.replace(/\u2019/g, "'").replace(/\b(\w+)n't\b/gi, (_m, w: string) => `${w} not`);
  let out = withoutRuledOut(normalised);
  for (const re of PATTERNS) out = out.replace(re, ' ');
  return out === normalised ? text : out.replace(/\s+/g, ' ').trim();
}
