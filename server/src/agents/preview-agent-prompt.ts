import { ChatState } from '../chat/chat-state.js';
import { loadChatState, loadTranscriptEvents } from '../chat/chat-state-loader.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { Services } from '../services.js';
import { AgentFactory } from './agent-factory.js';

/**
 * The system prompt and tool specs an agent would get: the same code path a run uses. `card` previews
 * another state of the card (an earlier version).
 */
export async function previewAgentPrompt(
  services: Pick<Services, 'database' | 'settings' | 'agents' | 'conversations' | 'customerSessions' | 'tools'>,
  name: string,
  conversationId?: string,
  card?: AgentCard,
) {
  card ??= await services.agents.require(name);
  const state = conversationId
    ? await loadChatState(services, {
        conversationId,
        runId: 'preview',
        history: await loadTranscriptEvents(services, conversationId),
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
