import type { EventBus } from '../db/event-bus.js';
import type { OwnershipState } from '../db/schema/desk.js';
import type { BatonEvent } from '../domain/events.js';

const STATE_AFTER: Partial<Record<BatonEvent['type'], OwnershipState>> = {
  HUMAN_REQUESTED: 'WAITING_FOR_HUMAN',
  HUMAN_JOINED: 'HUMAN',
  HANDED_BACK: 'BOT',
  RESOLVED: 'RESOLVED',
  HUMAN_REQUEST_WITHDRAWN: 'BOT',
};

/**
 * Which conversations a person owns or waits for, kept in memory so that sendMessage tries the likely path (the
 * planner or the desk) without a read; the path decides on the owner row (DeskService.holds). Filled at start, then
 * follows the hand-off events on the bus (every replica sees every event), so it trails the database by one delivery
 * at most.
 *
 * The bus may deliver an event twice, and late (PostgreSQL's bus reads the log again after this
 * replica delivered its own events at once): a change applies only when its `seq` is newer than the
 * last one applied for that conversation, so an old HUMAN_JOINED never holds a conversation that was
 * handed back since.
 */
export class OwnershipCache {
  private readonly held = new Map<string, OwnershipState>();
  /** The seq of the last hand-off event applied, per conversation that had one. */
  private readonly appliedSeq = new Map<string, number>();
  private unsubscribe?: () => void;

  /** Subscribes before loading, so no transition between the two is lost. */
  async start(
    bus: EventBus,
    load: () => Promise<{ conversationId: string; state: OwnershipState; seq: number | null }[]>,
  ): Promise<void> {
    const early: BatonEvent[] = [];
    let loaded = false;
    this.unsubscribe = bus.subscribe((e) => (loaded ? this.apply(e) : early.push(e)));
    for (const row of await load()) this.set(row.conversationId, row.state, row.seq ?? 0);
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

  /** Records a transition whose event (at `seq`) this process stored, before the bus brings it back. */
  set(conversationId: string, state: OwnershipState, seq: number): void {
    if (seq <= (this.appliedSeq.get(conversationId) ?? -1)) return;
    this.appliedSeq.set(conversationId, seq);
    if (state === 'WAITING_FOR_HUMAN' || state === 'HUMAN') this.held.set(conversationId, state);
    else this.held.delete(conversationId);
  }

  /** The conversations it knows a hand-off of (held or not). */
  conversationIds(): string[] {
    return [...this.appliedSeq.keys()];
  }

  /** Forgets deleted conversations. */
  drop(ids: readonly string[]): void {
    for (const id of ids) {
      this.held.delete(id);
      this.appliedSeq.delete(id);
    }
  }

  private apply(e: BatonEvent): void {
    const state = STATE_AFTER[e.type];
    if (state && e.seq !== null) this.set(e.conversationId, state, e.seq);
  }
}
