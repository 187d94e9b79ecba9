import type { ChatState } from '../chat/chat-state.js';
import type { AgentCard } from '../domain/agent-card.js';
import { BaseAgent } from './base-agent.js';

/** HumanTransferAgent also knows when to hand over and when people are at work. */
export class HumanTransferAgent extends BaseAgent {
  protected override extraSections(state: ChatState) {
    return [
      {
        title: 'When to transfer to a person',
        body: state.context.humanTransferScenarios.map((s) => `- ${s}`).join('\n'),
      },
    ];
  }
}

/** GeneralSupportAgent answers from the knowledge base and says so when it has nothing. */
export class GeneralSupportAgent extends BaseAgent {
  protected override extraSections(state: ChatState) {
    return state.context.knowledge.length
      ? []
      : [
          {
            title: 'Knowledge base',
            body: 'No article matched this message; search the knowledge base or say you do not know.',
          },
        ];
  }
}

type AgentClass = new (card: AgentCard) => BaseAgent;

/** Built-in specialists with role-specific behaviour; every other card is a plain BaseAgent. */
const specialists: Record<string, AgentClass> = {
  HumanTransferAgent,
  GeneralSupportAgent,
};

/** Builds any agent from its card: a new card in the database is a new agent, no code change. */
export class AgentFactory {
  create(card: AgentCard): BaseAgent {
    const Specialist = specialists[card.name] ?? BaseAgent;
    return new Specialist(card);
  }
}
