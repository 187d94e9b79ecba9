import type { StudioEvent, StudioEventOf } from '../lib/baton-event.js';

/** A change an agent proposed in the conversation, which the colleague who owns it can make (`makeProposedChange`). */
export interface DeskProposal {
  /** The held TOOL_CALL or the SUGGESTION. */
  eventId: string;
  /** Which of a suggestion's proposed calls (0 for a held call). */
  index: number;
  tool: string;
  arguments: unknown;
  /** The store's description, where it wrote one. */
  change?: { title: string; lines: readonly string[] } | null;
}

export const proposalKey = (p: Pick<DeskProposal, 'eventId' | 'index'>) => `${p.eventId}:${p.index}`;

/**
 * The proposals that were made (keys of proposalKey): a held call the agent made after the shopper's yes (the latest
 * held call of that tool), and any proposal a colleague made from the desk (a suggestion's by tool and arguments).
 */
export function madeProposals(events: readonly StudioEvent[]): Set<string> {
  const made = new Set<string>();
  const lastHeld = new Map<string, string>();
  const suggestions = new Map<string, StudioEventOf<'SUGGESTION'>>();
  for (const e of events) {
    if (e.type === 'SUGGESTION' && e.id) suggestions.set(e.id, e);
    if (e.type !== 'TOOL_CALL' || !e.id) continue;
    const d = e.data;
    if (d.toolErrorCode === 'CONFIRMATION_REQUIRED' && !d.madeBy) lastHeld.set(d.tool, e.id);
    else if (d.toolError) continue;
    else if (d.madeBy && d.proposalEventId != null) {
      const source = String(d.proposalEventId);
      const proposed = suggestions.get(source)?.data.proposedToolCalls ?? [];
      const args = JSON.stringify(d.arguments);
      const index = proposed.findIndex((c) => c.tool === d.tool && JSON.stringify(c.arguments) === args);
      made.add(proposalKey({ eventId: source, index: Math.max(index, 0) }));
    } else if (d.consented) {
      const held = lastHeld.get(d.tool);
      if (held) made.add(proposalKey({ eventId: held, index: 0 }));
    }
  }
  return made;
}

/** A suggestion's proposed calls as proposals. */
export const suggestionProposals = (s: StudioEventOf<'SUGGESTION'>): DeskProposal[] =>
  s.data.proposedToolCalls.map((c, index) => ({
    eventId: s.id!,
    index,
    tool: c.tool,
    arguments: c.arguments,
    change: c.change,
  }));
