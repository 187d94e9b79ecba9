import { AgentFactory } from '../agents/agent-factory.js';
import { agrees, CONFIRMATION_REQUIRED } from '../agents/consent-gate.js';
import { ChatOrchestrator } from '../chat/chat-orchestrator.js';
import { loadChatState, loadTranscriptEvents } from '../chat/chat-state-loader.js';
import { KnowledgeRetriever } from '../chat/knowledge-retriever.js';
import { PlannerAgent } from '../chat/planner-agent.js';
import type { RunContext } from '../chat/run-context.js';
import type { Config } from '../config.js';
import type { EventStore } from '../db/event-store.js';
import type { BatonEvent, EventData, NewEvent } from '../domain/events.js';
import type { Services } from '../services.js';
import type { ToolDefinition, ToolRegistry } from '../tools/tool-registry.js';

export type ProposedToolCall = EventData<'SUGGESTION'>['proposedToolCalls'][number];

/** What drafting a suggestion uses: ChatState's loaders, the model and tools, and the event log for the SUGGESTION. */
export type AgentAssistDeps = Pick<
  Services,
  | 'database'
  | 'settings'
  | 'agents'
  | 'conversations'
  | 'customerSessions'
  | 'tools'
  | 'models'
  | 'events'
  | 'eventStore'
> & { model: Pick<Config['model'], 'timeoutMs' | 'plannerModel' | 'historyChars'> };

/**
 * Agent assist: the planner and specialists answer the shopper's message as they would on a normal
 * turn, but nothing they do is stored or shown to the shopper, and write tools are proposed, not
 * executed. The reply becomes a SUGGESTION event for the colleague who owns the conversation.
 */
export class AgentAssist {
  private readonly factory = new AgentFactory();
  private readonly retriever: KnowledgeRetriever;

  constructor(private readonly deps: AgentAssistDeps) {
    this.retriever = new KnowledgeRetriever(deps.tools);
  }

  /** The SUGGESTION stored, or undefined when the next step is the colleague's (agreesToProposal). */
  async suggest(conversationId: string, message: BatonEvent): Promise<BatonEvent | undefined> {
    const { deps } = this;
    if (await agreesToProposal(deps.eventStore, conversationId, message)) return undefined;
    const draftId = crypto.randomUUID();
    const history = await loadTranscriptEvents(deps, conversationId, undefined, deps.model.historyChars);
    const state = await loadChatState(deps, {
      conversationId,
      runId: draftId,
      history,
      historyChars: deps.model.historyChars,
    });
    const proposed: ProposedToolCall[] = [];
    const tools = proposeWrites(deps.tools, proposed);
    let catalog: Promise<ReadonlyMap<string, ToolDefinition>> | undefined;
    let n = 0;
    const controller = new AbortController();
    const ctx: RunContext = {
      state,
      signal: controller.signal,
      models: deps.models,
      tools,
      modelDefaults: { timeoutMs: deps.model.timeoutMs },
      toolCatalog: () => {
        catalog ??= tools.list().then((list) => new Map(list.map((t) => [t.name, t])));
        return catalog;
      },
      publishDelta: () => {},
      // Kept in memory: the draft's plan, tool calls and messages are the colleague's to judge, not the log's.
      append: async (batch: NewEvent[]) => {
        const stored = batch.map((e) => ({ ...e, id: -++n, createdAt: new Date() }) as BatonEvent);
        for (const e of stored) state.absorb(e);
        return stored;
      },
    };
    const planner = new PlannerAgent({
      models: deps.models,
      model: deps.model.plannerModel ?? undefined,
    });
    const outcome = await new ChatOrchestrator({ planner, retriever: this.retriever, factory: this.factory }).run(ctx, {
      mode: 'AUTO',
      budget: Number.POSITIVE_INFINITY,
    });
    const text = outcome.kind === 'completed' ? outcome.reply : '';
    // A change that waits for the shopper's yes is held before it reaches the registry: a proposal all the same.
    for (const e of state.transcript)
      if (e.kind === 'tool' && e.runId === draftId && e.code === CONFIRMATION_REQUIRED)
        proposed.push({ tool: e.tool, arguments: e.arguments, ...(e.change ? { change: e.change } : {}) });
    const [stored] = await deps.events.append([
      {
        type: 'SUGGESTION',
        conversationId,
        agentName: 'AgentAssist',
        data: {
          messageEventId: message.id ?? 0,
          text,
          agents: [...new Set(state.plan?.tasks.map((t) => t.agent) ?? [])],
          proposedToolCalls: proposed,
        },
      },
    ]);
    deps.events.publish([stored!]);
    return stored!;
  }
}

/**
 * Whether the shopper's message is their yes to a change a suggestion proposed and the colleague put to them: the
 * latest suggestion proposed it, a colleague wrote since, nobody made it, and the message agrees. The next step is the
 * colleague's (make it, in the Desk); a draft would answer a bare "yes" with nothing to do.
 */
export async function agreesToProposal(
  eventStore: Pick<EventStore, 'list'>,
  conversationId: string,
  message: BatonEvent,
): Promise<boolean> {
  if (message.type !== 'MESSAGE' || message.data.role !== 'user' || message.id === null) return false;
  const suggestion = (await eventStore.list({ conversationId, types: ['SUGGESTION'], upTo: message.id })).at(-1);
  if (suggestion?.type !== 'SUGGESTION' || !suggestion.data.proposedToolCalls.length) return false;
  // Only what came after it is read: the colleague's message, a change made, the shopper's answer.
  const after = await eventStore.list({
    conversationId,
    types: ['MESSAGE', 'TOOL_CALL'],
    after: suggestion.id ?? undefined,
    upTo: message.id,
  });
  const relayed = after.some((e) => e.type === 'MESSAGE' && e.data.role === 'human');
  const made = after.some((e) => e.type === 'TOOL_CALL' && e.data.proposalEventId === suggestion.id && !e.data.error);
  return (
    relayed && !made && suggestion.data.proposedToolCalls.some((c) => agrees(message.data.text, c.arguments, c.tool))
  );
}

/** The registry as agent assist sees it: read-only tools and rehearsals run, write tools are recorded and not executed. */
function proposeWrites(tools: ToolRegistry, proposed: ProposedToolCall[]): ToolRegistry {
  let defs: Promise<Map<string, ToolDefinition>> | undefined;
  const definitions = () => {
    defs ??= tools.list().then((list) => new Map(list.map((t) => [t.name, t])));
    return defs;
  };
  return {
    list: () => tools.list(),
    async call(name, args, context) {
      const def = (await definitions()).get(name);
      // A rehearsal changes nothing (the consent gate's preview of a change it holds).
      if (def?.readOnly || (context.preview && def?.previewable)) return tools.call(name, args, context);
      proposed.push({ tool: name, arguments: args });
      return {
        ok: true,
        output: {
          proposed: true,
          note: 'Not executed: this is a suggestion for a support colleague, who decides whether to do it.',
        },
      };
    },
  };
}
