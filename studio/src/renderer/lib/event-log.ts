import type { StudioEvent } from './baton-event.js';

/**
 * Events in arrival order, each stored event once (a conversation's log, or the live feed's last `keep`). It lives outside React's state
 * updaters (which React may run twice), so adding an event is a plain method call made once per
 * delivery; a replay after a reconnect or a re-subscription adds nothing that is already here.
 * Streamed MESSAGE_DELTAs (id null) are never replayed by the server, so they are always kept.
 */
export class EventLog {
  private readonly seen = new Set<string>();
  private snapshot: readonly StudioEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private notifyQueued = false;

  /** `key` names what the log follows (a new key, a new log); `keep` bounds it to the newest events. */
  constructor(
    readonly key: string,
    private readonly keep = Number.POSITIVE_INFINITY,
  ) {}

  /** Adds an event unless it is already in the log; returns whether it was new. */
  add(event: StudioEvent): boolean {
    if (event.id !== null) {
      if (this.seen.has(event.id)) return false;
      this.seen.add(event.id);
    }
    // A new array each time: React compares snapshots by identity, and views keep what they were given.
    this.snapshot =
      this.snapshot.length >= this.keep ? [...this.snapshot.slice(1 - this.keep), event] : [...this.snapshot, event];
    // A replay delivers hundreds of events in one tick; listeners hear about them once.
    if (!this.notifyQueued) {
      this.notifyQueued = true;
      queueMicrotask(() => {
        this.notifyQueued = false;
        for (const listener of this.listeners) listener();
      });
    }
    return true;
  }

  /** The events so far; the same array until an event is added (for useSyncExternalStore). */
  readonly getSnapshot = (): readonly StudioEvent[] => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
