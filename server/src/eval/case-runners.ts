import { ChatState } from '../chat/chat-state.js';
import type { ConversationService, Run } from '../chat/conversation-service.js';
import { PlannerAgent } from '../chat/planner-agent.js';
import type { RunManager } from '../chat/run-manager.js';
import type { EventStore } from '../db/event-store.js';
import { isConversationHeld } from '../db/owner-transition.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { RoutingDatasetCase, ScenarioDatasetCase } from '../domain/dataset.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import type { ModelProvider } from '../models/model-provider.js';
import { checkTurn, type ObservedTurn } from './scenario-checks.js';

/** One case's outcome: what happened, why it failed (empty: passed), and what it cost. */
export interface CaseOutcome {
  label: string;
  passed: boolean;
  actual: unknown;
  failures: string[];
  tokens: number;
  /** Routing: the expected and planned agents (for the confusion table). */
  routing?: { expected: string[]; actual: string[] };
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** Routing cases: the real PlannerAgent over the given cards and provider; the plan's agents are compared as sets. */
export function routingRunner(models: ModelProvider, cards: AgentCard[], settings: WorkspaceSettings) {
  const planner = new PlannerAgent({ models });
  return async (c: RoutingDatasetCase): Promise<CaseOutcome> => {
    const now = new Date();
    const state = ChatState.fromHistory({
      conversationId: 'experiment',
      runId: 'experiment',
      settings,
      agents: cards.filter((a) => a.enabled),
      history: [
        {
          id: 1,
          seq: 1,
          type: 'MESSAGE',
          conversationId: 'experiment',
          runId: 'experiment',
          data: { role: 'user', text: c.utterance },
          createdAt: now,
        },
      ],
    });
    const outcome = await planner.plan(state);
    const actual = outcome.plan.refuse ? [] : sorted(outcome.plan.tasks.map((t) => t.agent));
    const expected = sorted(c.agents);
    const passed = expected.join() === actual.join();
    return {
      label: c.utterance,
      passed,
      actual: { agents: actual, source: outcome.source },
      failures: passed
        ? []
        : [`expected ${expected.join(' + ') || '(refuse)'}, planned ${actual.join(' + ') || '(refuse)'}`],
      tokens: outcome.usage?.totalTokens ?? 0,
      routing: { expected, actual },
    };
  };
}

export interface ScenarioRunnerDeps {
  conversations: Pick<ConversationService, 'start' | 'getRun'>;
  runs: Pick<RunManager, 'submit'>;
  eventStore: Pick<EventStore, 'list'>;
}

/**
 * Scenarios: each turn goes through the real run path (sendMessage's RunManager.submit) in a fresh
 * conversation tagged with the experiment, with the server's provider and tools; the turn's events are
 * then checked against its expectations.
 */
export function scenarioRunner(deps: ScenarioRunnerDeps, experimentId: string, drafts?: string[], timeoutMs = 60_000) {
  return async (c: ScenarioDatasetCase): Promise<CaseOutcome> => {
    const { conversation } = await deps.conversations.start({
      customerId: c.customerId,
      metadata: { experimentId },
      title: `experiment: ${c.name}`,
      drafts: drafts?.length ? drafts : null,
    });
    const turns: ObservedTurn[] = [];
    const failures: string[] = [];
    let tokens = 0;
    for (const [i, turn] of c.turns.entries()) {
      let run: Run;
      try {
        run = await deps.runs.submit(conversation.id, turn.user, 'AUTO');
      } catch (err) {
        if (!isConversationHeld(err)) throw err;
        // A shopper's message would go to the desk here: no bot turn to check, now or later.
        failures.push(`turn ${i + 1}: the conversation was handed to a person, so the bot did not answer`);
        break;
      }
      const done = await waitForEnd(deps, run.id, timeoutMs);
      const events = await deps.eventStore.list({ runId: run.id });
      const observed: ObservedTurn = { agents: [], toolCalls: [], reply: '' };
      for (const e of events) {
        if (e.type === 'TASK_STARTED' && e.agentName) observed.agents.push(e.agentName);
        if (e.type === 'TOOL_CALL' && e.agentName !== 'KnowledgeRetriever')
          observed.toolCalls.push({ tool: e.data.tool, arguments: e.data.arguments });
        if (e.type === 'MESSAGE' && e.data.final) observed.reply = e.data.text;
        const usage = 'usage' in e.data ? e.data.usage : undefined;
        if (usage) tokens += usage.totalTokens;
      }
      turns.push(observed);
      if (done !== 'COMPLETED') failures.push(`turn ${i + 1}: the run ended ${done.toLowerCase()}`);
      failures.push(...checkTurn(turn, observed, i + 1));
    }
    return {
      label: c.name,
      passed: failures.length === 0,
      actual: { conversationId: conversation.id, turns },
      failures,
      tokens,
    };
  };
}

async function waitForEnd(deps: ScenarioRunnerDeps, runId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await deps.conversations.getRun(runId);
    if (['COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED'].includes(run.status)) return run.status;
    if (Date.now() > deadline) return 'TIMED OUT';
    await new Promise((r) => setTimeout(r, 25));
  }
}
