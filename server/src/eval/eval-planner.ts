import { z } from 'zod';
import type { AgentCard } from '../agents/agent-card.js';
import { builtinCards } from '../agents/builtin-cards.js';
import { planOutputSchema, planSchema } from '../chat/plan.js';
import { OfflineProvider } from '../models/offline-provider.js';

const DEFAULT_AGENT = 'GeneralSupportAgent';

/**
 * A planner for the routing evaluation: the offline provider over the built-in cards, called the
 * way the core calls it for a plan. Returns the agents of the plan's tasks; empty for a refusal.
 */
export function createEvalPlanner(): (utterance: string) => Promise<string[]> {
  const provider = new OfflineProvider();
  const now = new Date(0);
  const cards: AgentCard[] = builtinCards.map((c, i) => ({
    ...c,
    id: `builtin-${i + 1}`,
    builtin: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  }));
  const schema = z.toJSONSchema(planOutputSchema) as Record<string, unknown>;
  return async (utterance) => {
    const response = await provider.complete({
      agentName: 'PlannerAgent',
      messages: [{ role: 'user', content: utterance }],
      responseFormat: { name: 'plan', schema },
      hints: {
        kind: 'plan',
        message: utterance,
        history: [],
        cards: cards.filter((c) => c.enabled),
        defaultAgent: DEFAULT_AGENT,
      },
    });
    const plan = planSchema.parse(JSON.parse(response.content ?? 'null'));
    return plan.refuse ? [] : plan.tasks.map((t) => t.agent);
  };
}
