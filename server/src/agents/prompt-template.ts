import type { CommonContext, UserInfo } from '../chat/chat-state.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { PlanTask } from '../domain/plan.js';

export interface PromptParts {
  card: AgentCard;
  context: CommonContext;
  userInfo: UserInfo;
  task?: PlanTask;
  /** Extra role-specific sections a specialist adds (e.g. hand-over scenarios). */
  extraSections?: { title: string; body: string }[];
}

const section = (title: string, body: string) => (body.trim() ? `## ${title}\n${body.trim()}` : '');

/** The system prompt every specialist gets: role, brand voice, its instructions, shared context and its task. */
export function renderAgentPrompt(parts: PromptParts): string {
  const { card, context, userInfo, task } = parts;
  const colleagues = context.agents
    .filter((a) => a.name !== card.name)
    .map((a) => `- ${a.name}: ${a.description}`)
    .join('\n');
  const customer = describeIdentity(userInfo);
  const knowledge = context.knowledge.map((k) => `### ${k.title}\n${k.content}`).join('\n\n');
  return [
    `You are ${card.name}, a specialist in a team of customer-experience agents for an online store.`,
    card.description,
    section('Brand voice', context.brandVoice),
    section('Your instructions', card.instructions),
    section(
      'Rules',
      [
        'Only use the tools you are given. Never invent order details, prices, stock or policies: use tool results.',
        'Other agents may have written earlier assistant messages; system notes tell you who wrote what.',
        'Answer only your task; other agents handle the rest of the request. Keep it brief.',
        // Every specialist refuses in the workspace's words, not only the planner.
        context.refusalMessage.trim()
          ? `When you must refuse (out of scope, against policy, or a tool refused), say so in these words, adapted to the request: "${context.refusalMessage.trim()}"`
          : '',
        card.handoffs.length
          ? `If the task belongs to a colleague, hand it off with a handoff_to_<Agent> tool: ${card.handoffs.join(', ')}.`
          : '',
      ]
        .filter(Boolean)
        .map((r) => `- ${r}`)
        .join('\n'),
    ),
    section(
      'Context',
      [
        customer,
        `Business hours: ${context.businessHours.summary}. The store is ${context.businessHours.openNow ? 'open' : 'closed'} right now.`,
      ].join('\n'),
    ),
    ...(parts.extraSections ?? []).map((s) => section(s.title, s.body)),
    section('Knowledge base', knowledge),
    section('Colleagues', colleagues),
    task ? section('Your task', `${task.instruction}`) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The user-role message that frames a task at the end of the history. */
export function renderTaskMessage(task: PlanTask, userMessage: string): string {
  return `[Task from PlannerAgent] ${task.instruction}\n(The customer's full message was: "${userMessage}")`;
}

const METHODS: Record<string, string> = {
  customer_token: 'the storefront',
  api_key: 'the integrator',
  email_code: 'a one-time code emailed to the account',
  email: 'the email given in the chat (this workspace lets an email verify)',
  name_zip: 'the name and zip code given in the chat (this workspace lets them verify)',
};

/** The identity line of the prompt's context: what the tools allow at this level. */
function describeIdentity(userInfo: UserInfo): string {
  if (userInfo.level === 'verified' && userInfo.customerId)
    return `Identified customer: ${userInfo.customerId} (verified by ${METHODS[userInfo.method ?? ''] ?? 'the storefront'}).`;
  if (userInfo.level === 'claimed')
    return 'Identity: claimed, not verified. The shopper said who they are in the chat, which proves nothing: only the status and tracking of their orders can be looked up (get_order_status). Account details, order details and changes need a one-time code first (send_verification_code); the shopper types it here.';
  return 'The customer is not identified yet. Tools that touch orders or account data need the customer identified first (by email, or by first name, last name and zip code).';
}
