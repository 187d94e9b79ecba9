import type { EventBus } from '../db/event-bus.js';
import type { OwnershipState } from '../db/schema/desk.js';
import type { BatonEvent } from '../domain/events.js';

/**
 * Which conversations a person owns or waits for, kept in memory so that sendMessage decides between
 * the planner and the desk without a read. Filled at start, then follows the hand-off events on the bus
 * (every replica sees every event), so it trails the database by one delivery at most.
 */
export class OwnershipCache {
  private readonly held = new Map<string, OwnershipState>();
  private unsubscribe?: () => void;

  /** Subscribes before loading, so no transition between the two is lost. */
  async start(bus: EventBus, load: () => Promise<{ conversationId: string; state: OwnershipState }[]>): Promise<void> {
    const early: BatonEvent[] = [];
    let loaded = false;
    this.unsubscribe = bus.subscribe((e) => (loaded ? this.apply(e) : early.push(e)));
    for (const row of await load()) this.set(row.conversationId, row.state);
    loaded = true;
    for (const e of early) this.apply(e);
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The state when a person owns the conversation or it waits for one; undefined when the bot answers. */
  get(conversationId: string): OwnershipState | undefined {
    return this.held.get(conversationId);
  }

  /** Records a transition this process made, before its event comes back from the bus. */
  set(conversationId: string, state: OwnershipState): void {
    if (state === 'WAITING_FOR_HUMAN' || state === 'HUMAN') this.held.set(conversationId, state);
    else this.held.delete(conversationId);
  }

  private apply(e: BatonEvent): void {
    if (e.type === 'HUMAN_REQUESTED') this.set(e.conversationId, 'WAITING_FOR_HUMAN');
    else if (e.type === 'HUMAN_JOINED') this.set(e.conversationId, 'HUMAN');
    else if (e.type === 'HANDED_BACK') this.set(e.conversationId, 'BOT');
    else if (e.type === 'RESOLVED') this.set(e.conversationId, 'RESOLVED');
  }
}
