import type { ScenarioDatasetCase, ScenarioTurn } from '../domain/dataset.js';
import type { BatonEvent } from '../domain/events.js';
import { ValidationError } from '../errors.js';

/**
 * A conversation as a scenario case: each shopper message becomes a turn that expects the agents its
 * run used (what the designer saw and kept). Tool expectations and reply checks are left for the
 * designer to add in the JSONL.
 */
export function scenarioFromConversation(
  events: readonly BatonEvent[],
  name: string,
  customerId: string | null,
): ScenarioDatasetCase {
  const turns: ScenarioTurn[] = [];
  for (const e of events) {
    if (e.type !== 'MESSAGE' || e.data.role !== 'user' || !e.runId) continue;
    const agents = [
      ...new Set(
        events.filter((x) => x.runId === e.runId && x.type === 'TASK_STARTED' && x.agentName).map((x) => x.agentName!),
      ),
    ];
    turns.push({ user: e.data.text, expectAgents: agents });
  }
  if (!turns.length) throw ValidationError.single('conversationId', 'the conversation has no shopper messages');
  return { kind: 'scenario', name, ...(customerId ? { customerId } : {}), turns: turns.slice(0, 10) };
}
