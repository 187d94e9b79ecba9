import { AgentRegistry } from '../../server/src/agents/agent-registry.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import type { Database } from '../../server/src/db/client.js';
import type { AgentCardInput } from '../../server/src/domain/agent-card.js';

/** The built-in cards as an earlier release seeded them: fewer order skills, no hand-off from returns. */
export const earlierCards: AgentCardInput[] = builtinCards.map((c) =>
  c.name === 'OrderManagementAgent'
    ? { ...c, skills: c.skills.slice(0, -1) }
    : c.name === 'ReturnsAgent'
      ? { ...c, handoffs: [] }
      : c,
);

/** This release's built-in card of that name. */
export const currentCard = (name: string) => builtinCards.find((c) => c.name === name)!;

/** A card registry on a database, as a replica builds one (the tools: those the built-in cards use). */
export const registry = (database: Database, onChange?: () => void) =>
  new AgentRegistry({
    db: database.db,
    tools: { list: async () => builtinCards.flatMap((c) => c.tools).map((name) => ({ name })) as never },
    limits: { maxInstructionLength: 20_000 },
    onChange,
  });
