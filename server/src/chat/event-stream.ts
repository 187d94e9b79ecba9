import type { EventBus } from '../db/event-bus.js';
import {
  type CommittedPosition,
  committedPosition,
  compareFeedPositions,
  type EventStore,
  type FeedFilter,
  type FeedPosition,
  visibleInSnapshot,
} from '../db/event-store.js';
import type { BatonEvent } from '../domain/events.js';
import { SubscriberTooSlowError } from '../errors.js';
import type { ConversationWatch } from '../privacy/deleted-conversations.js';
import { type BufferMember, eventBytes, type FeedBufferAccount, type SharedBufferBudget } from './feed-buffers.js';

const PAGE = 500;
/** A subscriber this far behind is cut off; it reconnects with `after` and loses nothing. */
export const MAX_BUFFERED = 20_000;
/**
 * The feed reads this often with no wake-up: a safety net only (every stored event wakes it, and a
 * wake-up that finds an event still above the horizon is retried within milliseconds), so an idle
 * integrator costs one small query a second.
 */
const FEED_POLL_MS = 1_000;

export interface ConversationStreamOptions {
  store: Pick<EventStore, 'list'>;
  bus: Pick<EventBus, 'subscribe'>;
  conversationId: string;
  /** Replay the conversation's events with a seq above this (0: from the start). */
  afterSeq: number;
  /** Only this run's events (the conversation's others still advance the position). */
  runId?: string;
  /** Whether transient events (MESSAGE_DELTA) are wanted. */
  includeTransient?: boolean;
  /** Stop after this event (e.g. RUN_COMPLETED for a run stream). */
  until?: (event: BatonEvent) => boolean;
  /** Ends the stream with the watch's error (NOT_FOUND) when the conversation is deleted meanwhile. */
  gone?: ConversationWatch;
  signal?: AbortSignal;
  /** Live events held for a subscriber that reads more slowly than they come (MAX_BUFFERED). */
  maxBuffered?: number;
}

/**
 * Events a listener buffered for a generator, and a way to wait for more. Past its count or bytes, or when
 * its credential's budget evicts it (feed-buffers.ts), it drops what it holds at once and takes no more: the
 * stream ends with SUBSCRIBER_TOO_SLOW at its reader's next read.
 */
class Inbox implements BufferMember {
  private queue: (BatonEvent | undefined)[] = [];
  private head = 0;
  /** Bytes held (measured only with a byte limit or a budget). */
  bytes = 0;
  overflow = false;
  aborted = false;
  /** Why the stream must end with an error (its conversation was deleted). */
  failure?: Error;
  private wake?: () => void;
  private readonly measure: boolean;
  private readonly budget?: SharedBufferBudget;
  private readonly leaveBudget?: () => void;

  constructor(
    private readonly maxEvents = MAX_BUFFERED,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    account?: FeedBufferAccount,
  ) {
    this.measure = account !== undefined || Number.isFinite(maxBytes);
    if (account) ({ budget: this.budget, leave: this.leaveBudget } = account.join(this));
  }

  /** Events held. */
  get size(): number {
    return this.queue.length - this.head;
  }

  push(event: BatonEvent): void {
    if (this.overflow) return;
    const bytes = this.measure ? eventBytes(event) : 0;
    // One event always fits: a reader that keeps up holds one at a time, however big.
    if (this.size >= this.maxEvents || (this.size > 0 && this.bytes + bytes > this.maxBytes)) {
      this.evict();
      return;
    }
    this.queue.push(event);
    this.bytes += bytes;
    this.budget?.add(bytes);
    this.wake?.();
  }

  /** The oldest event held, no longer held. */
  shift(): BatonEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const event = this.queue[this.head]!;
    this.queue[this.head++] = undefined;
    // Taken from the front without moving the rest each time; compacted once half of it is spent.
    if (this.head === this.queue.length || (this.head >= 1_024 && this.head * 2 >= this.queue.length)) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.measure) {
      const bytes = eventBytes(event);
      this.bytes -= bytes;
      this.budget?.release(bytes);
    }
    return event;
  }

  evict(): void {
    this.overflow = true;
    this.drop();
    this.wake?.();
  }

  abort(): void {
    this.aborted = true;
    this.wake?.();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** Lets go of everything: the stream has ended. */
  close(): void {
    this.drop();
    this.leaveBudget?.();
  }

  /** Resolves at the next push or abort, or after `ms`; at once when the stream must end. */
  async wait(ms?: number): Promise<void> {
    if (this.overflow || this.aborted || this.failure) return;
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private drop(): void {
    this.budget?.release(this.bytes);
    this.bytes = 0;
    this.queue = [];
    this.head = 0;
  }
}

/**
 * A conversation's events after a position, then live, each once and in seq order: it subscribes
 * before reading, drops what it has already yielded, and when a live event skips ahead (the bus keeps
 * no order across replicas) reads the missing ones from the store, where they are committed already:
 * a conversation's seqs commit in order.
 */
export async function* conversationStream(options: ConversationStreamOptions): AsyncGenerator<BatonEvent> {
  const { store, bus, conversationId } = options;
  const inbox = new Inbox(options.maxBuffered);
  const unsubscribe = bus.subscribe((event) => {
    if (event.seq === null && !options.includeTransient) return;
    inbox.push(event);
  }, conversationId);
  const onAbort = () => inbox.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = options.gone?.start((error) => inbox.fail(error));
  const wanted = (e: BatonEvent) => !options.runId || e.runId === options.runId;
  let position = options.afterSeq;
  /** Reads the stored events after the position, up to `upToSeq`; true when `until` matched. */
  async function* fromStore(upToSeq?: number): AsyncGenerator<BatonEvent, boolean> {
    for (;;) {
      const page = await store.list({ conversationId, afterSeq: position, upToSeq, limit: PAGE });
      for (const event of page) {
        if (inbox.failure) throw inbox.failure;
        position = event.seq ?? position;
        if (!wanted(event)) continue;
        yield event;
        if (options.until?.(event)) return true;
      }
      if (page.length < PAGE) return false;
    }
  }
  try {
    if (yield* fromStore()) return;
    for (;;) {
      if (inbox.aborted) return;
      // Nothing more of a deleted conversation, not even what was buffered before the news came.
      if (inbox.failure) throw inbox.failure;
      if (inbox.overflow)
        throw new SubscriberTooSlowError('subscriber fell behind; resubscribe with the last event id as after');
      const event = inbox.shift();
      if (!event) {
        await inbox.wait();
        continue;
      }
      if (event.seq !== null) {
        if (event.seq <= position) continue;
        if (event.seq > position + 1 && (yield* fromStore(event.seq - 1))) return;
        position = event.seq;
      }
      if (!wanted(event)) continue;
      yield event;
      if (options.until?.(event)) return;
    }
  } finally {
    unsubscribe();
    inbox.close();
    stopWatching?.();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export interface FeedStreamOptions {
  store: Pick<EventStore, 'feed'> & Partial<Pick<EventStore, 'serialCommits'>>;
  bus: Pick<EventBus, 'subscribe'>;
  after: FeedPosition;
  filter: FeedFilter;
  /** Whether transient events (MESSAGE_DELTA) are wanted; they come live only, with no position. */
  includeTransient?: boolean;
  signal?: AbortSignal;
  pollMs?: number;
  /** Live events held for a subscriber that reads more slowly than they come (MAX_BUFFERED). */
  maxBuffered?: number;
  /**
   * The feed's byte limit and its credential's budget (FeedBuffers.for): past either, the feed ends with
   * SUBSCRIBER_TOO_SLOW. Without it, only `maxBuffered` bounds the feed.
   */
  buffers?: FeedBufferAccount;
}

/**
 * Every conversation's events after a position, in commit order, then live: read from the store's
 * outbox (EventStore.feed), woken by the bus. The position only moves over events read from the store,
 * so a client that resumes from the last event it got sees no gap and no duplicate.
 *
 * When the store commits one transaction at a time (EventStore.serialCommits, PGlite), a live event
 * whose id follows the last one covered is the next in commit order, and is passed on without a read:
 * every smaller id had committed, or rolled back, before it. On PostgreSQL, a live event is passed on
 * when its write saw no older transaction in flight and the feed has passed the last event stored
 * before it (WRITTEN_EVENT_COLUMNS). Any other live event (a gap, a reorder on the bus, a write
 * beside an older open transaction, an event with no known position) falls back to a read.
 */
export async function* feedStream(options: FeedStreamOptions): AsyncGenerator<BatonEvent> {
  const { store, bus, filter } = options;
  const serial = store.serialCommits === true;
  const limits = options.buffers?.limits;
  const inbox = new Inbox(options.maxBuffered ?? limits?.maxEvents, limits?.maxBytes, options.buffers);
  const tooSlow = () => new SubscriberTooSlowError('subscriber fell behind; resubscribe with after');
  let woken = true;
  /** Whether a live event woke the read (not the feed's start or its idle poll): only then is a miss looked at again. */
  let wokenByEvent = false;
  const unsubscribe = bus.subscribe((event) => {
    if (event.seq === null) {
      if (options.includeTransient && matches(event, filter)) inbox.push(event);
      return;
    }
    inbox.push(event);
  });
  const onAbort = () => inbox.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let position = options.after;
  /** Serial commits only: every event id up to this one has been read or passed on (undefined: unknown yet). */
  let covered: number | undefined;
  let retries = 0;
  try {
    for (;;) {
      if (inbox.aborted) return;
      if (inbox.overflow) throw tooSlow();
      // Live stored events wake the read, or are passed on when their place in the feed is known to be
      // next; transient ones are passed on as they come. Those held now, each held until it is looked at.
      const live = inbox.size;
      /** The highest live stored event that needs a read: committed, so the read will reach it. */
      let floor: FeedPosition | undefined;
      for (let i = 0; i < live; i++) {
        const event = inbox.shift();
        if (!event) break;
        if (event.seq === null) {
          yield event;
          continue;
        }
        const at = committedPosition(event);
        if (!serial) {
          // The write saw no older transaction in flight, and the feed has passed every event before it.
          if (at && compareFeedPositions(at, position) <= 0) continue;
          if (!woken && at && follows(at, position)) {
            position = { tx: at.tx, id: at.id, before: position.before };
            if (matches(event, filter)) yield event;
          } else woken = wokenByEvent = true;
          continue;
        }
        if (!at) woken = true;
        else if (covered !== undefined && at.id <= covered) continue;
        else if (covered !== undefined && at.id === covered + 1 && !woken) {
          covered = at.id;
          // A read may have moved the position to its horizon already, past this (filtered-out) event.
          if (compareFeedPositions(at, position) > 0) position = { tx: at.tx, id: at.id, before: position.before };
          if (matches(event, filter)) yield event;
        } else {
          woken = true;
          if (!floor || at.id > floor.id) floor = at;
        }
      }
      if (inbox.overflow) throw tooSlow();
      if (woken || !live) {
        const wasWoken = wokenByEvent;
        woken = wokenByEvent = false;
        const page = await store.feed(position, filter, PAGE);
        position = page.position;
        for (const event of page.events) {
          if (inbox.overflow) throw tooSlow();
          yield event;
        }
        if (page.events.length === PAGE) {
          woken = true;
          continue;
        }
        if (serial) {
          // The read reached every event committed before it: all up to the last it returned, and all
          // up to the floor, including those the filter left out.
          const last = page.events.at(-1)?.id;
          if (floor && compareFeedPositions(floor, position) > 0) position = { ...floor, before: position.before };
          const reached = Math.max(covered ?? 0, last ?? 0, floor?.id ?? 0);
          if (reached > 0) covered = reached;
        } else if (wasWoken && !page.events.length && retries < 5) {
          // Woken for an event the read did not reach: its transaction committed, but an older one was
          // still open, so it lies past the feed's horizon for a moment. Look again soon.
          await inbox.wait(2 ** retries++);
          woken = wokenByEvent = true;
          continue;
        }
        retries = 0;
      }
      if (!inbox.size) await inbox.wait(options.pollMs ?? FEED_POLL_MS);
    }
  } finally {
    unsubscribe();
    inbox.close();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Whether a live event is next in the feed after `position`: its write showed every older transaction
 * ended (CommittedPosition.follows), the feed has passed the last event before its transaction, and it
 * is not one a live-started feed leaves out (committed before the feed's snapshot).
 */
function follows(at: CommittedPosition, position: FeedPosition): boolean {
  if (at.follows === undefined) return false;
  if (position.before && visibleInSnapshot(at.tx, position.before)) return false;
  return at.follows === null || compareFeedPositions(at.follows, position) <= 0;
}

function matches(event: BatonEvent, filter: FeedFilter): boolean {
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.agentNames?.length && !(event.agentName && filter.agentNames.includes(event.agentName))) return false;
  return true;
}
