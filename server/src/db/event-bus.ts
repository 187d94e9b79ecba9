import type { BatonEvent } from '../domain/events.js';

export type EventListener = (event: BatonEvent) => void;

/**
 * Kinds of cached data whose changes every replica must follow (cards, settings, tools, knowledge), and
 * `conversations`: some were deleted (erasure, retention), so token memos and live streams go.
 */
export const changeTopics = ['agents', 'settings', 'mcpServers', 'knowledge', 'conversations'] as const;
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
  /**
   * Returns an unsubscribe function. With `conversationId`, the listener gets only that conversation's
   * events, found by a map lookup: a replica holds one subscription per open conversation, and a
   * listener per subscription that filtered every event would make each event cost O(subscriptions).
   */
  subscribe(listener: EventListener, conversationId?: string): () => void;
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
  /** Listeners of every conversation's events (the integrator feed, the desk, webhooks). */
  private readonly everyEvent = new Set<EventListener>();
  private readonly byConversation = new Map<string, Set<EventListener>>();
  readonly changes = new Set<ChangeListener>();

  subscribe(listener: EventListener, conversationId?: string): () => void {
    if (conversationId === undefined) {
      this.everyEvent.add(listener);
      return () => this.everyEvent.delete(listener);
    }
    const set = this.byConversation.get(conversationId) ?? new Set<EventListener>();
    this.byConversation.set(conversationId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byConversation.get(conversationId) === set) this.byConversation.delete(conversationId);
    };
  }

  /** Delivers an event to its conversation's listeners and to the listeners of every event. */
  dispatch(event: BatonEvent): void {
    const own = this.byConversation.get(event.conversationId);
    if (own) deliver(own, event);
    if (this.everyEvent.size) deliver(this.everyEvent, event);
  }

  onChange(listener: ChangeListener): () => void {
    this.changes.add(listener);
    return () => this.changes.delete(listener);
  }

  clear(): void {
    this.everyEvent.clear();
    this.byConversation.clear();
    this.changes.clear();
  }
}
