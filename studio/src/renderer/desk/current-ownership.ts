import type { StudioEvent } from '../lib/baton-event.js';

export type OwnershipState = 'BOT' | 'WAITING_FOR_HUMAN' | 'HUMAN' | 'RESOLVED';

/** Who owns the conversation, as far as the desk's toolbar needs it. */
export interface OwnerView {
  state: OwnershipState;
  human: string | null;
  /** The shopper took their request for a person back before anyone claimed it: there is nothing to claim. */
  withdrawn?: boolean;
}

const HAND_OFF = new Set(['HUMAN_REQUESTED', 'HUMAN_JOINED', 'HANDED_BACK', 'RESOLVED', 'HUMAN_REQUEST_WITHDRAWN']);

/** How many hand-off events the log holds: a mutation's answer is current until a later one arrives. */
export const handOffCount = (events: readonly StudioEvent[]) => events.filter((e) => HAND_OFF.has(e.type)).length;

/**
 * The owner as the conversation's event log says, undefined before its first hand-off event. The log
 * is ordered and complete (every change of owner is stored with its event); a refetched query may
 * answer out of order, or before the change it was asked for.
 */
export function ownerFromEvents(events: readonly StudioEvent[]): OwnerView | undefined {
  let owner: OwnerView | undefined;
  for (const e of events) {
    if (e.type === 'HUMAN_REQUESTED') owner = { state: 'WAITING_FOR_HUMAN', human: null };
    else if (e.type === 'HUMAN_JOINED') owner = { state: 'HUMAN', human: e.data.human };
    else if (e.type === 'HANDED_BACK') owner = { state: 'BOT', human: e.data.human };
    else if (e.type === 'RESOLVED') owner = { state: 'RESOLVED', human: owner?.human ?? null };
    else if (e.type === 'HUMAN_REQUEST_WITHDRAWN') owner = { state: 'BOT', human: null, withdrawn: true };
  }
  return owner;
}

/**
 * The owner to show: the answer of the colleague's own last action while no hand-off event came after
 * it, then the event log, then the query (a conversation with no hand-off yet).
 */
export function currentOwner(
  events: readonly StudioEvent[],
  acted: { owner: OwnerView; handOffs: number } | undefined,
  queried: OwnerView | undefined,
): OwnerView | undefined {
  if (acted && handOffCount(events) <= acted.handOffs) return acted.owner;
  return ownerFromEvents(events) ?? queried;
}
