import type { BatonEvent } from '../chat/events.js';
import type { EventBus, EventListener } from './event-bus.js';

/** In-process fan-out, for a single server on PGlite. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly listeners = new Set<EventListener>();

  async publish(events: readonly BatonEvent[]): Promise<void> {
    for (const event of events) deliver(this.listeners, event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Calls each listener; one listener's failure never stops the others. */
export function deliver(listeners: Iterable<EventListener>, event: BatonEvent): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
