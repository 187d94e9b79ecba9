import type { DbOrTx } from '../db/client.js';
import type { EventBus } from '../db/event-bus.js';
import type { AppendOptions, EventStore } from '../db/event-store.js';
import { type BatonEvent, type NewEvent, transientEventTypes } from './events.js';

/** Persists events, then publishes them: a subscriber never sees an event the database lost. */
export class EventPublisher {
  constructor(
    readonly store: EventStore,
    readonly bus: EventBus,
  ) {}

  /** Stores and publishes a batch (one transaction). Transient events are published only. */
  async emit(
    batch: readonly NewEvent[],
    options: { tx?: DbOrTx; run?: AppendOptions['run'] } = {},
  ): Promise<BatonEvent[]> {
    const { tx, run } = options;
    const stored = await this.store.append(batch, tx, { run, notify: tx ? undefined : this.bus.notifyChannel });
    const now = new Date();
    let i = 0;
    const all: BatonEvent[] = batch.map((e) =>
      transientEventTypes.has(e.type)
        ? ({ ...e, id: null, createdAt: now } as BatonEvent)
        : (stored[i++] as BatonEvent),
    );
    if (!tx) await this.bus.publish(all, { notified: !!this.bus.notifyChannel });
    return all;
  }

  /**
   * For callers that wrote inside their own transaction: publish once it has committed. `notified`:
   * the write already queued the bus's NOTIFY (AppendOptions.notify), so none is sent again.
   */
  async publishCommitted(events: readonly BatonEvent[], options: { notified?: boolean } = {}): Promise<void> {
    await this.bus.publish(events, options);
  }
}
