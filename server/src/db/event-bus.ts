import type { BatonEvent } from '../chat/events.js';

export type EventListener = (event: BatonEvent) => void;

/**
 * Fans stored events out to subscribers. Callers persist first, then publish.
 * Every implementation delivers events to each listener in id order, once.
 */
export interface EventBus {
  readonly kind: 'memory' | 'postgres';
  publish(events: readonly BatonEvent[]): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Resolves once this process has delivered every event up to `id` (used by tests and benchmarks). */
  close(): Promise<void>;
}
