import { builtinCards } from '../agents/builtin-cards.js';
import { ChatState } from '../chat/chat-state.js';
import { PlannerAgent } from '../chat/planner-agent.js';
import type { AgentCard, AgentCardInput } from '../domain/agent-card.js';
import { defaultSettings } from '../domain/workspace-settings.js';
import { createOfflineModelProvider } from '../models/create-model-provider.js';
import type { ModelProvider } from '../models/model-provider.js';

/**
 * A planner for the routing evaluation: the real PlannerAgent over the built-in cards and any `added` (cards a shop
 * would add as rows), with the given provider (the offline rule-based one by default). Returns the plan's agents;
 * empty for a refusal.
 */
export function createEvalPlanner(
  models: ModelProvider = createOfflineModelProvider(),
  added: readonly AgentCardInput[] = [],
): (utterance: string) => Promise<string[]> {
  const now = new Date(0);
  const cards: AgentCard[] = [
    ...builtinCards.map((c, i) => ({ ...c, id: `builtin-${i + 1}`, builtin: true })),
    ...added.map((c, i) => ({ ...c, id: `added-${i + 1}`, builtin: false })),
  ].map((c) => ({ ...c, version: 1, createdAt: now, updatedAt: now }));
  const planner = new PlannerAgent({ models });
  return async (utterance) => {
    const conversationId = 'eval';
    const state = ChatState.fromHistory({
      conversationId,
      runId: 'eval',
      settings: defaultSettings,
      agents: cards.filter((c) => c.enabled),
      history: [
        {
          id: 1,
          seq: 1,
          type: 'MESSAGE',
          conversationId,
          runId: 'eval',
          data: { role: 'user', text: utterance },
          createdAt: now,
        },
      ],
    });
    const { plan } = await planner.plan(state);
    return plan.refuse ? [] : plan.tasks.map((t) => t.agent);
  };
}
