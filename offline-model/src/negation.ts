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

const PATTERNS: RegExp[] = [
  // "not looking to return anything", "don't want a refund", "no longer need the order": the negated desire and its object.
  new RegExp(
    `\\b${NEGATOR}\\s+(?:really\\s+|even\\s+)?${DESIRE}\\b(?:\\s+(?:to|for|a|an|the|in|any|my|it|them))*(?:\\s+[a-z']+){1,2}`,
    'gi',
  ),
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
  let out = normalised;
  for (const re of PATTERNS) out = out.replace(re, ' ');
  return out === normalised ? text : out.replace(/\s+/g, ' ').trim();
}
