import type { EventBus } from '../db/event-bus.js';
import type { AppendOptions, EventStore } from '../db/event-store.js';
import { type BatonEvent, type NewEvent, transientEventTypes } from './events.js';

/** Persists events, then publishes them: a subscriber never sees an event the database lost. */
export class EventPublisher {
  constructor(
    readonly store: EventStore,
    readonly bus: EventBus,
  ) {}

  /** Stores and publishes a batch (one statement). Transient events are published only. */
  async emit(batch: readonly NewEvent[], options: { run?: AppendOptions['run'] } = {}): Promise<BatonEvent[]> {
    const all = await this.write(batch, options);
    await this.publish(all);
    return all;
  }

  /**
   * The first half of `emit`: stores the batch (one statement) and returns every event of it, the
   * transient ones with a null id. Pass the result to `publish` once the caller is ready.
   */
  async write(batch: readonly NewEvent[], options: { run?: AppendOptions['run'] } = {}): Promise<BatonEvent[]> {
    const stored = await this.storing(() =>
      this.store.append(batch, { run: options.run, notify: this.bus.notifyChannel }),
    );
    const now = new Date();
    let i = 0;
    return batch.map((e) =>
      transientEventTypes.has(e.type)
        ? ({ ...e, id: null, createdAt: now } as BatonEvent)
        : (stored[i++] as BatonEvent),
    );
  }

  /** The second half of `emit`: publishes what `write` returned. */
  async publish(all: readonly BatonEvent[]): Promise<void> {
    await this.bus.publish(all, { notified: !!this.bus.notifyChannel });
  }

  /** Runs a statement that stores events the caller then publishes with `publishCommitted` (see EventBus.storing). */
  storing<T>(write: () => Promise<T>): Promise<T> {
    return this.bus.storing ? this.bus.storing(write) : write();
  }

  /**
   * For callers that stored events with their own statement: publish once it has committed. `notified`:
   * the write already queued the bus's NOTIFY (AppendOptions.notify), so none is sent again.
   */
  async publishCommitted(events: readonly BatonEvent[], options: { notified?: boolean } = {}): Promise<void> {
    await this.bus.publish(events, options);
  }
}
