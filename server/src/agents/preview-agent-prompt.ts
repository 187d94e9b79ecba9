import { ChatState } from '../chat/chat-state.js';
import { loadChatState, loadTranscriptEvents } from '../chat/chat-state-loader.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { Services } from '../services.js';
import { AgentFactory } from './agent-factory.js';

/**
 * The system prompt and tool specs an agent would get: the same code path a run uses. `card` previews
 * another state of the card (an earlier version, a draft). In a conversation against drafts, the
 * conversation's drafts are the cards, as in its runs.
 */
export async function previewAgentPrompt(
  services: Pick<
    Services,
    'database' | 'settings' | 'agents' | 'agentDrafts' | 'conversations' | 'customerSessions' | 'tools' | 'config'
  >,
  name: string,
  conversationId?: string,
  card?: AgentCard,
) {
  const conversation = conversationId ? await services.conversations.get(conversationId) : undefined;
  const drafts = conversation?.drafts ?? null;
  card ??= drafts?.includes(name)
    ? (await services.agentDrafts.enabled({ names: drafts })).find((c) => c.name === name)
    : undefined;
  card ??= await services.agents.require(name);
  const state = conversation
    ? await loadChatState(services, {
        conversationId: conversation.id,
        runId: 'preview',
        history: await loadTranscriptEvents(services, conversation.id, undefined, services.config.model.historyChars),
        customerId: conversation.customerId,
        drafts,
        historyChars: services.config.model.historyChars,
      })
    : ChatState.fromHistory({
        conversationId: 'preview',
        runId: 'preview',
        settings: await services.settings.get(),
        agents: await services.agents.enabled(),
        history: [],
      });
  const agent = new AgentFactory().create(card);
  const catalog = new Map((await services.tools.list()).map((t) => [t.name, t]));
  const specs = agent.toolSpecs(catalog, new Set(state.context.agents.map((a) => a.name)));
  return {
    systemPrompt: agent.systemPrompt(state),
    tools: specs.map((s) => ({ name: s.name, description: s.description, parameters: s.parameters })),
  };
}
