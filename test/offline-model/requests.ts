import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { renderAgentPrompt, renderTaskMessage } from '../../server/src/agents/prompt-template.js';
import type { CommonContext } from '../../server/src/chat/chat-state.js';
import { ChatState } from '../../server/src/chat/chat-state.js';
import { PlannerAgent } from '../../server/src/chat/planner-agent.js';
import type { AgentCard } from '../../server/src/domain/agent-card.js';
import type { BatonEvent } from '../../server/src/domain/events.js';
import { defaultSettings } from '../../server/src/domain/workspace-settings.js';
import type { ChatMessage, ModelRequest, ModelToolSpec } from '../../server/src/models/model-provider.js';
import { asCard } from './task-harness.js';

/**
 * Requests exactly as the core builds them (the real planner prompt, the real specialist prompt and
 * task message), so the stand-in is tested on what it reads in production.
 */

export const builtins: AgentCard[] = builtinCards.map(asCard);

/** One conversation turn as stored events: the shopper's and agents' messages, oldest first. */
export type Turn =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; agentName: string }
  | { role: 'human'; text: string; author: string };

function events(turns: Turn[]): BatonEvent[] {
  const at = new Date(0);
  return turns.map((t, i) => ({
    id: i + 1,
    type: 'MESSAGE',
    conversationId: 'c',
    runId: `r${i + 1}`,
    agentName: t.role === 'assistant' ? t.agentName : undefined,
    data: t.role === 'human' ? { role: 'human', text: t.text, author: t.author } : { role: t.role, text: t.text },
    createdAt: at,
  })) as BatonEvent[];
}

/** The planner's request for the last user turn of `turns` (a string is one user turn). */
export function planRequest(
  turns: string | Turn[],
  options: { cards?: AgentCard[]; defaultAgent?: string } = {},
): ModelRequest {
  const history = typeof turns === 'string' ? [{ role: 'user' as const, text: turns }] : turns;
  const state = ChatState.fromHistory({
    conversationId: 'c',
    runId: 'r',
    settings: { ...defaultSettings, defaultAgent: options.defaultAgent ?? defaultSettings.defaultAgent },
    agents: options.cards ?? builtins,
    history: events(history),
  });
  const planner = new PlannerAgent({ models: { name: 'x', ruleBased: true, complete: async () => unused() } });
  return {
    agentName: 'PlannerAgent',
    temperature: 0,
    messages: [{ role: 'system', content: planner.systemPrompt(state) }, ...state.renderHistory('PlannerAgent')],
    responseFormat: { name: 'plan', schema: { type: 'object', properties: { refuse: {}, tasks: {} } } },
  };
}

const unused = (): never => {
  throw new Error('not called');
};

export interface TaskSetup {
  card: AgentCard;
  instruction: string;
  userMessage: string;
  /** Earlier conversation, as the core renders it for this agent. */
  history?: ChatMessage[];
  customerId?: string;
  knowledge?: { title: string; content: string }[];
  brandVoice?: string;
  businessHoursOpen?: boolean;
  cards?: AgentCard[];
}

/** The specialist's opening messages: its real system prompt, the history, and the task message. */
export function taskMessages(setup: TaskSetup): ChatMessage[] {
  const context: CommonContext = {
    brandVoice: setup.brandVoice ?? 'Warm, concise and helpful.',
    refusalMessage: '',
    apologyMessage: '',
    businessHours: { summary: 'Mon-Fri 9:00-17:00', timeZone: 'UTC', openNow: setup.businessHoursOpen ?? true },
    humanTransferScenarios: ['The shopper asks for a person'],
    knowledge: setup.knowledge ?? [],
    agents: setup.cards ?? builtins,
    defaultAgent: 'GeneralSupportAgent',
  };
  const task = {
    id: 't1',
    agent: setup.card.name,
    instruction: setup.instruction,
    statusMessage: '...',
    dependsOn: [],
  };
  return [
    {
      role: 'system',
      content: renderAgentPrompt({
        card: setup.card,
        context,
        userInfo: setup.customerId
          ? { level: 'verified', method: 'customer_token', customerId: setup.customerId, verified: true }
          : { level: 'anonymous', verified: false },
        task,
      }),
    },
    ...(setup.history ?? []),
    { role: 'user', content: renderTaskMessage(task, setup.userMessage) },
  ];
}

/** A specialist request for the task's first step, offering `tools`. */
export function taskRequest(setup: TaskSetup, tools: ModelToolSpec[] = []): ModelRequest {
  return { agentName: setup.card.name, messages: taskMessages(setup), tools: tools.length ? tools : undefined };
}
