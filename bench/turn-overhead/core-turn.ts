import { randomUUID } from 'node:crypto';
import { AgentFactory } from '../../server/src/agents/agent-factory.js';
import { ChatOrchestrator } from '../../server/src/chat/chat-orchestrator.js';
import { ChatState } from '../../server/src/chat/chat-state.js';
import { KnowledgeRetriever } from '../../server/src/chat/knowledge-retriever.js';
import { PlannerAgent } from '../../server/src/chat/planner-agent.js';
import type { RunContext } from '../../server/src/chat/run-context.js';
import { MemoryEventBus } from '../../server/src/db/memory-event-bus.js';
import { MemoryEventStore } from '../../server/src/db/memory-event-store.js';
import type { BatonEvent, NewEvent } from '../../server/src/domain/events.js';
import { defaultSettings } from '../../server/src/domain/workspace-settings.js';
import type { ToolDefinition } from '../../server/src/tools/tool-registry.js';
import { ScriptedModel } from '../../test/fakes/scripted-model.js';
import { EXAMPLE, isSeedReply, seedCards, seedScript } from '../../test/fakes/seed-scenario.js';
import { standInTools } from '../../test/fakes/stand-in-tools.js';

/**
 * (a) The orchestration core alone: planner, orchestrator, agents and tools, with a zero-latency
 * scripted model and an in-memory event store. Every event is appended, then published on the bus,
 * then folded into ChatState, as RunManager's context does.
 */
export function coreTurn(): { turn: () => Promise<void>; close: () => void } {
  const tools = standInTools();
  const model = new ScriptedModel(seedScript);
  const store = new MemoryEventStore();
  const bus = new MemoryEventBus();
  const cards = seedCards();
  const orchestrator = new ChatOrchestrator({
    planner: new PlannerAgent({ models: model }),
    retriever: new KnowledgeRetriever(tools.registry),
    factory: new AgentFactory(),
  });
  let completed: BatonEvent | undefined;
  const unsubscribe = bus.subscribe((e) => {
    if (e.type === 'RUN_COMPLETED') completed = e;
  });

  const turn = async () => {
    const conversationId = randomUUID();
    const runId = randomUUID();
    const [message] = await store.append([
      { type: 'MESSAGE', conversationId, runId, data: { role: 'user', text: EXAMPLE } },
    ]);
    await bus.publish([message!]);
    const state = ChatState.fromHistory({
      conversationId,
      runId,
      settings: defaultSettings,
      agents: cards,
      history: [message!],
    });
    const signal = new AbortController().signal;
    let catalog: Promise<ReadonlyMap<string, ToolDefinition>> | undefined;
    const ctx: RunContext = {
      state,
      signal,
      models: model,
      tools: tools.registry,
      modelDefaults: { timeoutMs: 30_000 },
      toolCatalog: () => {
        catalog ??= tools.registry.list().then((list) => new Map(list.map((t) => [t.name, t])));
        return catalog;
      },
      publishDelta: () => {},
      append: async (batch: NewEvent[], patch) => {
        const stored = await store.append(batch, patch ? { id: runId, ...patch } : undefined);
        await bus.publish(stored);
        for (const e of stored) state.absorb(e);
        return stored;
      },
    };
    const outcome = await orchestrator.run(ctx, { mode: 'AUTO', budget: Number.POSITIVE_INFINITY });
    if (outcome.kind !== 'completed' || !isSeedReply(outcome.reply) || completed?.runId !== runId)
      throw new Error(`core turn did not answer the seed example: ${JSON.stringify(outcome)}`);
    if (store.run(runId)?.status !== 'COMPLETED') throw new Error('core turn did not record the run as completed');
    // Keep memory flat over thousands of turns; the work per turn is unchanged.
    store.clear();
    model.requests.length = 0;
    tools.calls.length = 0;
  };
  return { turn, close: unsubscribe };
}
