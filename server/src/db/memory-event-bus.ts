import type { BatonEvent } from '../domain/events.js';
import {
  type ChangeListener,
  type ChangeTopic,
  deliver,
  type EventBus,
  type EventListener,
  Listeners,
} from './event-bus.js';

/** In-process fan-out: one server on PGlite (the embedded default), or app instances sharing one process. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly listeners = new Listeners();

  publish(events: readonly BatonEvent[]): void {
    for (const event of events) this.listeners.dispatch(event);
  }

  subscribe(listener: EventListener, conversationId?: string): () => void {
    return this.listeners.subscribe(listener, conversationId);
  }

  announce(topic: ChangeTopic): void {
    deliver(this.listeners.changes, topic);
  }

  onChange(listener: ChangeListener): () => void {
    return this.listeners.onChange(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
