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
  /**
   * Runs a statement that stores events this process will then publish. A bus that hears about
   * commits from the database (the Postgres bus) may then wait for the statement's result rather
   * than read back what it is about to be handed.
   */
  storing?<T>(write: () => Promise<T>): Promise<T>;
  /** Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}
