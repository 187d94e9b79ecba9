import type { ChatState, TranscriptEntry } from '../chat/chat-state.js';

/**
 * The consent gate. A tool that changes the shopper's order, money or account (`needsConsent`) runs
 * only as the exact call the shopper said yes to: the model's first call is held, not run, and comes
 * back as CONFIRMATION_REQUIRED (recorded as a TOOL_CALL with that code: the proposal). It runs when
 * the model calls it again with the same arguments in the run that answers the shopper's next message,
 * and that message agrees. Anything else (another message in between, a "no", a question, other
 * arguments, the same run) holds it again. Like the identity check, this is code: no prompt, tool
 * output or message text can open it, and a real model's or the stand-in's eagerness changes nothing.
 */

export const CONFIRMATION_REQUIRED = 'CONFIRMATION_REQUIRED';

/**
 * What the model reads when a call is held: what to tell the shopper, and how to go on. A store write's rehearsal
 * comes beside it, as `preview` (what the call would return) and `change` (what it would do, which the shopper is
 * shown as it stands).
 */
export function confirmationRequest(tool: string, rehearsal?: { change?: unknown }): string {
  const would = rehearsal
    ? `${rehearsal.change ? ' `change` says what it will do, and the shopper sees it beside your words: say the same.' : ''} \`preview\` is what the call will return then.`
    : '';
  return `Not done yet: this changes the shopper's order, payment or account, so it runs only after they agree to it. Tell them exactly what will change (the order, the items, the amounts, the address or the payment method) and ask them to reply "yes". When their next message agrees, call ${tool} again with exactly the same arguments. If they change anything, call it with the new arguments: that is a new proposal, and they are asked again.${would}`;
}

/** The sentence added to such a tool's description, so that a model calls it when the details are settled. */
export const CONSENT_NOTE =
  ' Baton asks the shopper before this runs: call it once the details are settled, relay the CONFIRMATION_REQUIRED answer as a question, and call it again with the same arguments after they agree.';

/** Words and phrases that say yes. */
const YES_WORDS = new Set(
  'y yes yess yeah yea yep yup ya sure ok okay k alright confirm confirmed confirming correct absolutely definitely certainly proceed 👍 ✅ oui si sí ja'.split(
    ' ',
  ),
);
const YES_PHRASES =
  /(?:^| )(?:go ahead|go for it|do it|please do|of course|all right|sounds good|that works|works for me|fine by me|that'?s (?:right|correct|fine|good|ok|okay|perfect))(?: |$)/;

/**
 * Words a plain yes may carry besides: politeness, and (from the tool's name, below) the verbs of the change itself
 * ("yes, please go ahead and cancel the order"). A word outside them (a size, another method, "instead") says
 * something else too, and is left to the next proposal.
 */
const YES_FILLER = new Set(
  `please pls plz thanks thank you thx ty much so very lovely great perfect fine good cool awesome thing all right
  sounds works that that's thats this these those it them both all one is are be was it's its just now asap
  i i'd i'm im me by with we would like want to and the a an my our order orders item items process go ahead do for
  of course 🙏`.split(/\s+/),
);

/**
 * The verbs of each kind of change, by a word of the tool's name: "ok, cancel it" agrees to a cancellation, but after
 * an address change it may mean "cancel that", and is not a plain yes.
 */
const CHANGE_VERBS: Readonly<Record<string, readonly string[]>> = {
  cancel: ['cancel', 'cancelled', 'cancelling', 'cancellation'],
  modify: ['change', 'update', 'modify', 'swap'],
  return: ['return', 'refund', 'send', 'back'],
  exchange: ['exchange', 'swap'],
  payment: ['pay', 'payment'],
  address: ['address', 'change', 'update'],
};

/** Anything that holds back, corrects or asks: "yes but…", "ok wait", "sure, not that one", "yes?". */
const HOLDS_BACK =
  /\?|n't(?!\p{L})|(?<![\p{L}\p{N}])(?:no|nope|nah|not|dont|never|wait|hold|hang|stop|actually|instead|but|rather|unless|except)(?![\p{L}\p{N}])/u;

/**
 * Whether a shopper's message agrees to the proposed call of `tool` and says nothing else: a yes, with only
 * politeness, the change's own verbs, or values of the call's arguments ("yes, cancel #W2611340") beside
 * it. Misreading a yes costs one more question; misreading something else as one would change an order.
 */
export function agrees(message: string, args?: unknown, tool = ''): boolean {
  const text = message
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/\p{Emoji_Modifier}/gu, '')
    .replace(/[!.,;:()"…—–-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text || HOLDS_BACK.test(text)) return false;
  const words = text.split(' ');
  if (!words.some((w) => YES_WORDS.has(w)) && !YES_PHRASES.test(text)) return false;
  const named = argumentWords(args);
  for (const part of tool.toLowerCase().split(/[^a-z]+/)) for (const verb of CHANGE_VERBS[part] ?? []) named.add(verb);
  return words.every((w) => YES_WORDS.has(w) || YES_FILLER.has(w) || named.has(w.replace(/^#/, '')));
}

/** The words of a call's string arguments, lower-cased: an order id, a reason. */
function argumentWords(args: unknown, into = new Set<string>()): Set<string> {
  if (typeof args === 'string') {
    for (const w of args.toLowerCase().split(/[^\p{L}\p{N}_]+/u)) if (w) into.add(w);
  } else if (args && typeof args === 'object') {
    for (const v of Object.values(args)) argumentWords(v, into);
  }
  return into;
}

/** Arguments compared by value: key order never matters. */
export function sameArguments(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

type ToolEntry = Extract<TranscriptEntry, { kind: 'tool' }>;

/**
 * How long a proposal waits for the shopper's yes. It was rehearsed against the order as it stood then, and a yes
 * given much later (the chat left open overnight) may not be to what the shopper now remembers: the call is proposed
 * again, rehearsed afresh, and they are asked again.
 */
export const PROPOSAL_TTL_MS = 30 * 60_000;

/**
 * `given`: the shopper agreed to this exact call, a held call of the same tool with the same arguments in an earlier
 * run, followed only by this run's message(s), the last of which agrees, within PROPOSAL_TTL_MS, and not run since.
 * `late`: all that, but the yes came after the proposal had lapsed. `none`: anything else.
 */
export function consentFor(state: ChatState, tool: string, args: unknown): 'given' | 'late' | 'none' {
  const entries = state.transcript;
  let answer: Extract<TranscriptEntry, { kind: 'user' }> | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'user') {
      // A message of another run came after the proposal: the shopper's answer to it has passed.
      if (e.runId !== state.runId) return 'none';
      answer ??= e;
    } else if (e.kind === 'tool' && e.tool === tool && sameArguments(e.arguments, args)) {
      if (isProposal(e)) {
        if (e.runId === state.runId || !answer || !agrees(answer.text, args, tool)) return 'none';
        return lapsed(e.at, answer.at) ? 'late' : 'given';
      }
      // The same call ran in an earlier run, after the proposal: a yes is spent once. In this run it is the call
      // made again on resume, which its idempotency key turns into the first call's result.
      if (!e.error && e.runId !== state.runId) return 'none';
    }
  }
  return 'none';
}

/** Whether the answer came more than PROPOSAL_TTL_MS after the proposal (times as stored; unknown times never lapse). */
const lapsed = (proposedAt: string | undefined, answeredAt: string | undefined) =>
  proposedAt !== undefined &&
  answeredAt !== undefined &&
  Date.parse(answeredAt) - Date.parse(proposedAt) > PROPOSAL_TTL_MS;

/** What the model reads when a yes came after the proposal lapsed, before the request to ask again. */
export const LAPSED_NOTE = `The shopper's yes came more than ${PROPOSAL_TTL_MS / 60_000} minutes after this change was proposed, so it was not made: the order or account may have changed since. This is a new proposal, rehearsed now. `;

const isProposal = (e: ToolEntry) => e.code === CONFIRMATION_REQUIRED;
