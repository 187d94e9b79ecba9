/**
 * Whether a shopper's message, written while the conversation waits for a colleague, takes the request back
 * ("never mind", "actually I don't need a person anymore", "cancel the request", "no need, I figured it out").
 *
 * The rule is deliberately narrow: a message that is held goes to the colleague, who can always close the
 * hand-off, but a message wrongly read as a withdrawal sends the shopper back to the bot and drops them from the
 * queue. So a withdrawal must **open** the message, as a clause of its own:
 *
 * - an explicit one names the hand-off: "I don't need a person (any more)", "no need for an agent", "cancel my
 *   request (for a colleague)";
 * - a dismissive one ("never mind", "nvm", "forget it", "no need", "don't worry about it") or a solved problem
 *   ("I figured it out", "I found it", "it's sorted") counts only when nothing but thanks and the like follows it,
 *   or a question for the bot ("never mind, where's my order?"); so does handing it back to the bot ("never mind, the
 *   bot can do it", "I'll just ask the assistant"). "Never mind the refund, I need an exchange" and
 *   "never mind, I'll wait" stay with the colleague: the first dismisses something else, the second is addressed
 *   to them.
 *
 * Whatever opens it, a message whose rest mentions a person, the queue or the wait ("never mind, is someone
 * there?", "no need, but can a colleague call me?") is not a withdrawal. "Never mind" inside a longer message
 * is never one. Long messages are never one either: a withdrawal is a few words.
 */
export type Withdrawal = {
  /** The message says more than the withdrawal (a question, or a request the bot can take): a bot turn answers it. */
  more: boolean;
};

const MAX_LENGTH = 300;

// Words a shopper puts before a withdrawal: "oh", "ok", "actually", "sorry", "thanks"…
const LEAD = String.raw`(?:(?:oh|ok|okay|ah|hey|hi|sorry|actually|wait|well|so|hmm+|um+|uh+|thanks|thank\s+you)\b[\s,.!-]*)*`;

// Who the shopper was waiting for, as shoppers name them.
const PERSON = String.raw`(?:(?:a|an|the|any|your)\s+)?(?:(?:real|live|actual|human|support|customer\s+service)\s+)?(?:person|human|agent|colleague|someone|somebody|anyone|anybody|rep|representative|staff(?:\s+member)?|operator|people)`;

const NOT = String.raw`(?:do\s*n'?t|do\s+not|no\s+longer)`;
const ANY_MORE = String.raw`(?:\s+(?:any\s*more|now|after\s+all|today))?`;

/** Openings that name the hand-off: a withdrawal whatever follows (but a mention of a person, see above). */
const EXPLICIT = [
  // "I don't need a person anymore", "don't want to talk to an agent", "I no longer need to wait for someone"
  String.raw`(?:(?:i|we)\s+)?${NOT}\s+(?:need|want)\s+(?:to\s+(?:talk|speak|chat)\s+(?:to|with)\s+|to\s+wait\s+for\s+)?${PERSON}${ANY_MORE}`,
  // "no need for a person (anymore)"
  String.raw`no\s+need\s+for\s+${PERSON}${ANY_MORE}`,
  // "(please | you can) cancel my request (for a colleague)", "withdraw the transfer"; never "cancel my order"
  String.raw`(?:(?:please|you\s+can|can\s+you)\s+)?(?:cancel|withdraw|drop)\s+(?:the|my|that)\s+(?:request|transfer|hand-?off|ticket)(?:\s+for\s+${PERSON})?`,
];

/** Openings that dismiss without saying what: a withdrawal only when alone, with fillers, or before a question. */
const DISMISSIVE = [
  String.raw`never\s*mind`,
  'nvm',
  String.raw`forget\s+(?:about\s+)?it`,
  String.raw`no\s+need${ANY_MORE}`,
  String.raw`do\s*n'?t\s+worry\s+about\s+it`,
];

// The bot as shoppers name it.
const BOT = String.raw`(?:the\s+)?(?:bot|chat\s*bot|assistant|ai|virtual\s+assistant)`;

/**
 * The shopper hands the question back to the bot: "the bot can do it", "I'll just ask the assistant", "let the bot
 * handle it". Read like a dismissive opening: alone, with fillers, or before a question.
 */
const BOT_TAKES = [
  String.raw`${BOT}\s+(?:can|will|could)\s+(?:do|handle|answer|sort|help\s+(?:me\s+)?with)\s+(?:it|that|this)(?:\s+(?:then|instead))?`,
  String.raw`${BOT}\s+(?:already\s+)?(?:answered|helped|did\s+it|sorted\s+it)(?:\s+me)?`,
  String.raw`(?:i'?ll|i\s+will|let\s+me)\s+(?:just\s+)?(?:ask|use|try|talk\s+to|chat\s+with)\s+${BOT}(?:\s+(?:then|instead))?`,
  String.raw`let\s+${BOT}\s+(?:do|handle|answer)\s+(?:it|that|this)`,
];

/** The problem went away: "I figured it out", "I've found it", "it's sorted now", "problem solved". */
const SOLVED = [
  String.raw`(?:(?:i|we)(?:\s+have|'ve)?\s+)?(?:figured|worked|sorted)\s+it\s+out(?:\s+(?:myself|now))?`,
  String.raw`(?:(?:i|we)(?:\s+have|'ve)?\s+)?(?:found|fixed|solved|sorted)\s+it(?:\s+(?:myself|now))?`,
  String.raw`(?:it'?s|it\s+is|all)\s+(?:sorted|solved|resolved|fixed)(?:\s+now)?`,
  String.raw`problem\s+solved`,
];

/** What may follow a withdrawal without saying anything more ("never mind, I don't need a person anymore"). */
const FILLER = [
  ...EXPLICIT,
  ...DISMISSIVE,
  ...SOLVED,
  ...BOT_TAKES,
  String.raw`thanks(?:\s+anyway)?|thank\s+you(?:\s+anyway)?|thx|ty|cheers|sorry|ok|okay|then|anyway|after\s+all|bye|goodbye`,
  String.raw`all\s+good|no\s+worries|it'?s\s+(?:fine|ok|okay)|i'?m\s+(?:good|fine|ok|okay|all\s+set)`,
  String.raw`have\s+a\s+(?:good|nice|great)\s+(?:day|evening|one)`,
];

// A clause ends at punctuation or the end; "never mind I figured it out" has no comma, so a space ends it too
// (what follows must then be a filler or a question itself).
const END = String.raw`(?=$|[\s,.;:!?)-])`;
const explicitOpening = new RegExp(`^${LEAD}(?:${EXPLICIT.join('|')})${END}`);
const dismissiveOpening = new RegExp(`^${LEAD}(?:${[...DISMISSIVE, ...SOLVED, ...BOT_TAKES].join('|')})${END}`);
const filler = new RegExp(`^(?:${FILLER.join('|')})${END}`);
const separators = /^[\s,.;:!?()-]+/;
const question =
  /^(?:where|what|when|how|why|which|who|whose|can|could|would|will|do|does|did|is|are|am|was|may|should|have|has)(?:'s|'re)?\b/;
const mentionsTheHandOff =
  /\b(?:person|human|humans|agents?|colleagues?|someone|somebody|anyone|anybody|reps?|representatives?|staff|operators?|people|team|manager|supervisor|wait|waiting|queue|hold)\b/;

export function readWithdrawal(text: string): Withdrawal | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const s = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  const explicit = explicitOpening.exec(s);
  const opening = explicit ?? dismissiveOpening.exec(s);
  if (!opening) return undefined;
  const after = s.slice(opening[0].length);
  const rest = skipFillers(after);
  if (!/[\p{L}\p{N}]/u.test(rest)) return { more: false };
  if (mentionsTheHandOff.test(rest)) return undefined;
  if (question.test(rest)) return { more: true };
  // "I don't need a person anymore, I want to return my shoes": a new request after an explicit withdrawal. Run
  // on without a break ("I don't need a person to tell me that…"), the words are part of another sentence.
  const runOn = rest === after.trimStart();
  return explicit && !runOn ? { more: true } : undefined;
}

/** The rest of the message once separators and fillers ("thanks", "I figured it out") are skipped. */
function skipFillers(rest: string): string {
  for (;;) {
    const trimmed = rest.replace(separators, '');
    const f = filler.exec(trimmed);
    if (!f?.[0]) return trimmed;
    rest = trimmed.slice(f[0].length);
  }
}
