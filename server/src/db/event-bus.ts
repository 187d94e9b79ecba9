import type { BatonEvent } from '../domain/events.js';

export type EventListener = (event: BatonEvent) => void;

/** Kinds of cached data whose changes every replica must follow (cards, settings, tools, knowledge). */
export const changeTopics = ['agents', 'settings', 'mcpServers', 'knowledge'] as const;
export type ChangeTopic = (typeof changeTopics)[number];
export type ChangeListener = (topic: ChangeTopic) => void;

export const eventBusKinds = ['memory', 'postgres', 'nats'] as const;
export type EventBusKind = (typeof eventBusKinds)[number];

/**
 * Delivers events to subscribers on every replica. Event output has two verbs: `append` stores
 * (RunRepository, durable) and `publish` delivers (here). Callers append first, then publish, so no
 * subscriber sees an event the database could lose.
 *
 * Guarantees: every published event reaches every replica's listeners at least once (this replica's
 * at once, inside `publish`; other replicas' within moments, retried across broken connections).
 * Order across conversations, and duplicates, are not the bus's concern: a conversation's events carry
 * `seq`, and its subscribers restore order and fill gaps from the store (event-stream.ts). The
 * integrator feed is read from the store in commit order; the bus only wakes it.
 */
export interface EventBus {
  readonly kind: EventBusKind;
  publish(events: readonly BatonEvent[]): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Tells every replica, this one included, that cached data of this kind changed. */
  announce(topic: ChangeTopic): void;
  /** Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** Calls each listener; one listener's failure never stops the others. */
export function deliver<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

/** The listener sets every adapter keeps. */
export class Listeners {
  readonly events = new Set<EventListener>();
  readonly changes = new Set<ChangeListener>();

  subscribe(listener: EventListener): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onChange(listener: ChangeListener): () => void {
    this.changes.add(listener);
    return () => this.changes.delete(listener);
  }

  clear(): void {
    this.events.clear();
    this.changes.clear();
  }
}
