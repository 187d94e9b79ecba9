import type { BatonEvent } from '../chat/events.js';

export type EventListener = (event: BatonEvent) => void;

/**
 * Fans stored events out to subscribers. Callers persist first, then publish.
 * Every implementation delivers events to each listener in id order, once.
 */
export interface EventBus {
  readonly kind: 'memory' | 'postgres';
  /**
   * When set, the event store queues `NOTIFY <channel>` in the same statement that stores a batch,
   * and `publish` is then told `notified: true`.
   */
  readonly notifyChannel?: string;
  publish(events: readonly BatonEvent[], options?: { notified?: boolean }): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}
