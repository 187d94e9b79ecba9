import type { PlanTask } from '../domain/plan.js';

/** One task's output, in plan order. */
export interface TaskOutput {
  taskId: string;
  agentName: string;
  text: string;
  durationMs?: number;
  usage?: import('../domain/events.js').Usage;
}

/** A task of the plan and what became of it: its output, or none when it failed or could not run. */
export interface ReplyPart {
  task: Pick<PlanTask, 'id' | 'instruction' | 'statusMessage'>;
  output?: TaskOutput;
}

/** Between the parts of a reply (and of its stream): the seed's rule. */
export const PART_SEPARATOR = '\n\n—\n\n';

const greeting =
  /^\s*(?:(?:hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b[^.!?\n]{0,40}[.!?,]|(?:thanks|thank you)(?: so much)? for (?:reaching out|contacting us|your (?:message|question|patience))[^.!?\n]{0,40}[.!?])\s*/i;
const signOff =
  /(?:^|(?<=[.!?]))\s*(?:let me know|is there anything else|anything else i can|have a (?:great|nice|good|wonderful|lovely)|happy shopping|hope (?:this|that) helps|feel free to)[^.!?]*[.!?]*\s*$/i;

/**
 * The unified final reply: the answers in plan order as one message. With several tasks, each part
 * opens with a short lead-in from its status message; a greeting is kept only at the start and a
 * sign-off only at the end. Tasks that failed or could not run get one sentence at the end (the one
 * apology). Deterministic on purpose: a further model call here would add its latency to every turn.
 */
export function composeReply(parts: readonly ReplyPart[], fallback: string): string {
  const seen = new Set<string>();
  const answered = parts.filter((p) => {
    const text = p.output?.text.trim();
    if (!text || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
  const missing = parts.filter((p) => !p.output);
  if (!answered.length) return fallback;
  const leadIns = parts.length > 1;
  const pieces = answered.map((p, i) => {
    let text = p.output!.text.trim();
    // The greeting, kept once, opens the reply, before the first lead-in.
    let hello = i === 0 && leadIns ? (greeting.exec(text)?.[0].trim() ?? '') : '';
    if (!text.replace(greeting, '').trim()) hello = '';
    text = strip(text, greeting, i > 0 || !!hello);
    if (i < answered.length - 1 || missing.length) text = strip(text, signOff);
    return leadIns ? `${hello ? `${hello} ` : ''}${leadIn(p.task)}: ${text}` : text;
  });
  if (missing.length) pieces.push(unfinished(missing.map((p) => p.task)));
  return pieces.join(PART_SEPARATOR);
}

/** The status message as a lead-in: "Checking on the status of your order #W123...". */
function leadIn(task: ReplyPart['task']): string {
  const status = task.statusMessage.trim().replace(/(?:\.{2,}|…|[.:;,!])+$/u, '');
  return /\p{L}/u.test(status) ? status : sentenceCase(task.instruction);
}

/** One sentence: what could not be done, and what the shopper can do next. */
function unfinished(tasks: ReplyPart['task'][]): string {
  const what = tasks.map((t) => lowerFirst(t.instruction.trim().replace(/[.!?]+$/, ''))).join(', or ');
  return `I'm sorry, I couldn't ${what} just now; please ask me again in a moment, or ask to speak with a person.`;
}

/** Removes the matched greeting or sign-off, unless nothing would be left. */
function strip(text: string, pattern: RegExp, when = true): string {
  if (!when) return text;
  const rest = text.replace(pattern, '').trim();
  return rest ? rest : text;
}

const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
const sentenceCase = (s: string) => s.trim().replace(/[.!?]+$/, '');
