import type { BatonEvent } from '../domain/events.js';
import type { EventStore, FeedPosition } from './event-store.js';

const PAGE = 1_000;
/** How long an announced event is looked for before the background read is left to find it. */
const OWED_FOR_MS = 5_000;
const RETRY_FIRST_MS = 2;
const RETRY_MAX_MS = 100;

/**
 * Follows the event log in commit order from a position (EventStore.feed), for a replica that hears
 * of other replicas' writes only as wake-ups. Reads are sequential and coalesced: pokes during a read
 * cost one more read, not one each. An event announced by id but not yet readable (an older
 * transaction is still open, so the feed's horizon is below it) is looked for again shortly.
 *
 * A read no wake-up asked for (the background read, a reconnect, a newcomer's) mostly finds events the
 * replica wrote and delivered itself: it reads their ids first and fetches only the ones `has` does
 * not know, so a lone replica does not read back and parse every payload it wrote.
 */
export class OutboxTail {
  private position?: FeedPosition;
  private reading = false;
  private again = false;
  private closed = false;
  private readonly owed = new Map<number, number>();
  private retryTimer?: NodeJS.Timeout;
  private retryMs = RETRY_FIRST_MS;
  private readonly background: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<EventStore, 'feed' | 'feedHead' | 'feedIds' | 'eventsByIds'>,
    private readonly onEvent: (event: BatonEvent) => void,
    private readonly onError: (err: unknown) => void,
    /** Whether this replica already delivered a stored event. */
    private readonly has: (id: number) => boolean,
    /** A read this often whatever else happens: missed wake-ups, a dropped connection. */
    backgroundMs = 1_000,
  ) {
    this.background = setInterval(() => this.poke(), backgroundMs);
    this.background.unref();
  }

  /** Starts from the live end of the log. */
  async start(): Promise<void> {
    this.position = await this.store.feedHead();
  }

  /** Something was committed: read. `ids`: events known to be committed, looked for until seen. */
  poke(ids: readonly number[] = []): void {
    const now = Date.now();
    for (const id of ids) this.owed.set(id, now);
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.background);
    clearTimeout(this.retryTimer);
    while (this.reading) await new Promise((r) => setTimeout(r, 5));
  }

  private async read(): Promise<void> {
    if (this.closed || !this.position) return;
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const read = this.owed.size ? await this.page() : await this.pageOfOthers();
          this.position = read.position;
          for (const event of read.events) {
            if (event.id !== null) this.owed.delete(event.id);
            this.onEvent(event);
          }
          if (read.size < PAGE || this.closed) break;
        }
      } while (this.again && !this.closed);
    } catch (err) {
      if (!this.closed) this.onError(err);
    } finally {
      this.reading = false;
    }
    this.scheduleRetry();
  }

  /** A page of the feed, every event in full: a wake-up named events another replica wrote. */
  private async page(): Promise<{ events: BatonEvent[]; position: FeedPosition; size: number }> {
    const page = await this.store.feed(this.position!, {}, PAGE);
    return { ...page, size: page.events.length };
  }

  /** A page of the feed without the events this replica already has: their ids, then the others. */
  private async pageOfOthers(): Promise<{ events: BatonEvent[]; position: FeedPosition; size: number }> {
    const { ids, position } = await this.store.feedIds(this.position!, PAGE);
    const events = await this.store.eventsByIds(ids.filter((id) => !this.has(id)));
    return { events, position, size: ids.length };
  }

  private scheduleRetry(): void {
    const cutoff = Date.now() - OWED_FOR_MS;
    for (const [id, since] of this.owed) if (since < cutoff) this.owed.delete(id);
    if (!this.owed.size) {
      this.retryMs = RETRY_FIRST_MS;
      return;
    }
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.poke();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
