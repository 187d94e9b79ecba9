import { eq } from 'drizzle-orm';
import type { EventLog } from '../chat/event-log.js';
import type { Db } from '../db/client.js';
import type { OwnerTransition } from '../db/owner-transition.js';
import { type ConversationOwnerRow, conversationOwners, type OwnershipState } from '../db/schema/desk.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { OwnershipCache } from './ownership-cache.js';

/** A conversation's owner; BOT when it never had a hand-off. */
export type Ownership = Omit<ConversationOwnerRow, 'humanId' | 'waitNoticeSent'> & { state: OwnershipState };

/** The states in which a person owns the conversation or it waits for one: no run answers the shopper. */
export const HELD: OwnershipState[] = ['WAITING_FOR_HUMAN', 'HUMAN'];

export async function readOwnership(db: Db, conversationId: string): Promise<Ownership> {
  const [row] = await db.select().from(conversationOwners).where(eq(conversationOwners.conversationId, conversationId));
  return row ? view(row) : botOwned(conversationId);
}

/**
 * An ownership change and its events, committed together, then noted in this replica's cache and published;
 * undefined when the transition's guard failed (nothing was written). Every hand-off transition goes through here.
 */
export async function changeOwner(
  deps: { events: EventLog; cache: OwnershipCache },
  batch: NewEvent[],
  transition: OwnerTransition,
  options?: { stampTicket?: boolean },
): Promise<{ ownership: Ownership; events: BatonEvent[] } | undefined> {
  const changed = await deps.events.appendOwnerChange(batch, transition, options);
  if (!changed) return undefined;
  deps.cache.set(changed.owner.conversationId, changed.owner.state, changed.events.at(-1)!.seq!);
  deps.events.publish(changed.events);
  return { ownership: view(changed.owner), events: changed.events };
}

export const view = ({ humanId: _h, waitNoticeSent: _w, ...rest }: ConversationOwnerRow): Ownership => rest;

const botOwned = (conversationId: string): Ownership => ({
  conversationId,
  state: 'BOT',
  human: null,
  ticketId: null,
  requestedBy: null,
  reason: null,
  requestedAt: null,
  claimedAt: null,
  updatedAt: new Date(0),
});
