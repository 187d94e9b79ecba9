import { readable } from './read-limit.js';
import type { ChatRequest } from './wire.js';

/** What a specialist call needs, read from its system prompt and task message like a model reads them. */
export interface TaskBrief {
  agentName: string;
  /** The planner's instruction for this task. */
  instruction: string;
  /** The shopper's whole message this turn. */
  userMessage: string;
  brandVoice: string;
  /** The card's own instructions, as its designer wrote them. */
  cardInstructions: string;
  /** Identified customer, when the prompt names one. */
  customerId?: string;
  /** The prompt says the shopper only claimed who they are (an email or a name, not verified). */
  claimed: boolean;
  knowledge: { title: string; content: string }[];
  businessHoursOpen: boolean;
  businessHours: string;
}

/** Section titles of a specialist's system prompt; any other `## ` line belongs to the section before it. */
const SECTIONS = ['Brand voice', 'Your instructions', 'Rules', 'Context', 'Knowledge base', 'Colleagues', 'Your task'];
const TASK_MESSAGE = /^\[Task from [^\]]*\]\s*([\s\S]*?)(?:\n\(The customer's full message was: "([\s\S]*)"\))?\s*$/;
const CUSTOMER = /^Identified customer: (\S+?)[.,]?(?: \(|$)/m;
const CLAIMED = /^Identity: claimed\b/m;
/** What the hours are called when the prompt does not state them. */
export const HOURS_UNSTATED = 'during business hours';
const HOURS = /^Business hours: (.*?)\. The store is (open|closed) right now\./m;

/** Reads the task brief; a request with no task message is answered as the latest user message. */
export function readTaskBrief(request: ChatRequest): TaskBrief {
  const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
  const sections = splitSections(system);
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const task = TASK_MESSAGE.exec(lastUser);
  const instruction = (task?.[1] ?? sections.get('Your task') ?? lastUser).trim();
  const hours = HOURS.exec(sections.get('Context') ?? system);
  return {
    agentName: /^You are ([A-Za-z0-9_-]+)/.exec(system)?.[1] ?? request.agentName,
    instruction: readable(instruction),
    userMessage: readable(task ? (task[2] ?? instruction) : lastUser),
    brandVoice: sections.get('Brand voice') ?? '',
    cardInstructions: sections.get('Your instructions') ?? '',
    customerId: CUSTOMER.exec(sections.get('Context') ?? system)?.[1],
    claimed: CLAIMED.test(sections.get('Context') ?? system),
    knowledge: readArticles(sections.get('Knowledge base') ?? ''),
    // Unknown hours: assume someone is there, so a hand-over is offered rather than withheld.
    businessHoursOpen: hours ? hours[2] === 'open' : true,
    businessHours: hours?.[1] ?? HOURS_UNSTATED,
  };
}

function splitSections(prompt: string): Map<string, string> {
  const out = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  const close = () => {
    if (title && !out.has(title)) out.set(title, body.join('\n').trim());
  };
  for (const line of prompt.split('\n')) {
    const heading = /^## (.+)$/.exec(line)?.[1]?.trim();
    if (heading && SECTIONS.includes(heading)) {
      close();
      title = heading;
      body = [];
    } else body.push(line);
  }
  close();
  return out;
}

/** `### Title` then its content, for each article. */
function readArticles(section: string): TaskBrief['knowledge'] {
  return section
    .split(/^### /m)
    .slice(1)
    .flatMap((chunk) => {
      const [title, ...rest] = chunk.split('\n');
      const content = rest.join('\n').trim();
      return title?.trim() && content ? [{ title: title.trim(), content }] : [];
    });
}
