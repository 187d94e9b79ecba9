import { MAX_EARLIER_MESSAGES, MAX_EARLIER_READ_CHARS, MAX_READ_CHARS, readable } from './read-limit.js';
import { heldCall } from './task-transcript.js';
import type { ChatMessage, ChatRequest } from './wire.js';

/** An agent as the planner's prompt lists it. */
export interface CardSummary {
  name: string;
  description: string;
  skills: string[];
}

/** What the planner needs, read from a planning request the way a model reads its prompt. */
export interface PlanBrief {
  /** The latest shopper message. */
  message: string;
  /** Earlier transcript, oldest first (may end with `message`). */
  history: { role: 'user' | 'assistant'; text: string; agentName?: string }[];
  /**
   * The card whose change the server held for the shopper's yes (CONFIRMATION_REQUIRED) last, and how many shopper
   * messages came after it before the latest one.
   */
  held?: { agentName: string; messagesAfter: number };
  cards: CardSummary[];
  defaultAgent: string;
}

/** `- Name: description` then `  Skills: a; b` in the system prompt's agent list. */
const CARD_LINE = /^- ([A-Za-z0-9_-]+): (.*)$/;
const SKILLS_LINE = /^\s+Skills: (.*)$/;
const DEFAULT_AGENT = /small talk is one task for ([A-Za-z0-9_-]+)/;
/** Any author: an agent's name, or a person ("a support colleague, Dana"). */
const AUTHOR_NOTE = /^\[System Note\] The assistant message above was authored by (.+)\.$/;

/** Whether a request asks for a plan: structured output whose schema has `tasks`. */
export function isPlanRequest(request: ChatRequest): boolean {
  const schema = request.responseFormat?.schema;
  const props = schema?.properties;
  return request.responseFormat?.name === 'plan' || (!!props && typeof props === 'object' && 'tasks' in props);
}

/** Reads the agent list, the default agent and the conversation from a planning request. */
export function readPlanBrief(request: ChatRequest): PlanBrief {
  const system = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  const cards: CardSummary[] = [];
  for (const line of system.split('\n')) {
    const card = CARD_LINE.exec(line);
    if (card) {
      cards.push({ name: card[1]!, description: card[2]!, skills: [] });
      continue;
    }
    const skills = SKILLS_LINE.exec(line);
    const last = cards.at(-1);
    if (skills && last && skills[1] !== '(none listed)')
      last.skills = skills[1]!
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
  }
  const named = DEFAULT_AGENT.exec(system)?.[1];
  const defaultAgent =
    named ?? cards.find((c) => /general|support/i.test(c.name))?.name ?? cards[0]?.name ?? 'GeneralSupportAgent';
  // The latest messages: the shopper's last one up to the read limit, earlier ones less (read-limit.ts).
  const recent = readConversation(request.messages).slice(-2 * MAX_EARLIER_MESSAGES);
  const lastUser = recent.findLastIndex((h) => h.role === 'user');
  const history = recent.map((h, i) => ({
    ...h,
    text: readable(h.text, i === lastUser ? MAX_READ_CHARS : MAX_EARLIER_READ_CHARS),
  }));
  const message = [...history].reverse().find((h) => h.role === 'user')?.text ?? '';
  const held = heldChange(request.messages);
  return { message, history, cards, defaultAgent, ...(held ? { held } : {}) };
}

/** The card whose change was held for the shopper's yes last, and the shopper messages between it and the latest. */
function heldChange(messages: readonly ChatMessage[]): PlanBrief['held'] {
  const { heldBy, heldAgo } = heldCall(
    messages,
    messages.findLastIndex((m) => m.role === 'user'),
  );
  return heldBy && heldAgo !== undefined ? { agentName: heldBy, messagesAfter: heldAgo } : undefined;
}

/**
 * The shopper's and the agents' messages, with each assistant message's author taken from the system
 * note after it. A user message right after an assistant message with no author note is the caller's
 * own follow-up to the planner (a retry after an invalid plan), not the shopper's: it is skipped.
 */
function readConversation(messages: readonly ChatMessage[]): PlanBrief['history'] {
  const out: PlanBrief['history'] = [];
  let unattributed = false;
  for (const m of messages) {
    if (m.role === 'assistant') {
      if (m.content === null) continue;
      out.push({ role: 'assistant', text: m.content });
      unattributed = true;
    } else if (m.role === 'system') {
      const author = AUTHOR_NOTE.exec(m.content)?.[1];
      const last = out.at(-1);
      if (author && last?.role === 'assistant') {
        last.agentName = author;
        unattributed = false;
      }
    } else if (m.role === 'user') {
      if (!unattributed) out.push({ role: 'user', text: m.content });
      unattributed = false;
    }
  }
  return out.filter((h) => h.role === 'user' || h.agentName !== undefined);
}
