import {
  type ChangeListener,
  type ChangeTopic,
  deliver,
  type EventBus,
  type EventListener,
  Listeners,
} from '../../server/src/db/event-bus.js';
import type { BatonEvent } from '../../server/src/domain/events.js';

/**
 * One replica's view of a bus it shares with others, that can fall behind: after `fallBehind()` what the others publish
 * (events and change notices) is kept back, and `catchUp()` delivers it in order, as a late LISTEN/NOTIFY or JetStream
 * delivery would. What this replica publishes reaches its own listeners at once, as with every bus.
 */
export class LateBus implements EventBus {
  readonly kind;
  private readonly listeners = new Listeners();
  /** Events this replica published, skipped when the shared bus brings them back. */
  private readonly own = new WeakSet<BatonEvent>();
  private readonly keptBack: (() => void)[] = [];
  private behind = false;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly shared: EventBus) {
    this.kind = shared.kind;
    this.unsubscribe = [
      shared.subscribe((e) => {
        if (!this.own.has(e)) this.later(() => this.listeners.dispatch(e));
      }),
      shared.onChange((topic) => this.later(() => deliver(this.listeners.changes, topic))),
    ];
  }

  /** From now on, what the other replicas publish is kept back. */
  fallBehind(): void {
    this.behind = true;
  }

  /** Delivers what was kept back, and everything from now on at once. */
  catchUp(): void {
    this.behind = false;
    for (const delivery of this.keptBack.splice(0)) delivery();
  }

  publish(events: readonly BatonEvent[]): void {
    for (const e of events) {
      this.own.add(e);
      this.listeners.dispatch(e);
    }
    this.shared.publish(events);
  }

  subscribe(listener: EventListener, conversationId?: string): () => void {
    return this.listeners.subscribe(listener, conversationId);
  }

  announce(topic: ChangeTopic): void {
    this.shared.announce(topic);
  }

  onChange(listener: ChangeListener): () => void {
    return this.listeners.onChange(listener);
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.listeners.clear();
    this.keptBack.length = 0;
  }

  private later(delivery: () => void): void {
    if (this.behind) this.keptBack.push(delivery);
    else delivery();
  }
}
