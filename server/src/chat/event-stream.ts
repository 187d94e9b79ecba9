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
  /**
   * The stream's byte limit and its credential's budget (FeedBuffers.for), shared with its eventFeeds: past either,
   * the stream ends with SUBSCRIBER_TOO_SLOW. Without it, only `maxBuffered` bounds the stream.
   */
  buffers?: FeedBufferAccount;
}

/** Where a run's streamed text goes: its task (or the run itself), whose deltas a reader concatenates. */
const textStream = (event: BatonEvent) => `${event.runId ?? ''}\u0000${event.taskId ?? ''}`;
const runEnds: ReadonlySet<string> = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED']);

/**
 * Events a listener buffered for a generator, and a way to wait for more; also the page a generator read from the
 * store and is passing on. Past its count or bytes, or when its credential's budget evicts it (feed-buffers.ts), it
 * drops what it holds at once and takes no more: the stream ends with SUBSCRIBER_TOO_SLOW at its reader's next read.
 * A transient event (MESSAGE_DELTA) that does not fit is dropped instead, with every later one of its task: the
 * task's MESSAGE carries the whole text, and the deltas passed on stay a prefix of it.
 */
class Inbox implements BufferMember {
  private queue: (BatonEvent | undefined)[] = [];
  private head = 0;
  /** Events of a page read from the store, held until passed on. */
  private paged = 0;
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
  /** Tasks (textStream) whose deltas are being dropped: one did not fit. */
  private readonly cut = new Set<string>();

  constructor(
    private readonly maxEvents = MAX_BUFFERED,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    account?: FeedBufferAccount,
  ) {
    this.measure = account !== undefined || Number.isFinite(maxBytes);
    if (account) ({ budget: this.budget, leave: this.leaveBudget } = account.join(this));
  }

  /** Live events queued. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Events held: queued, and of a page not passed on yet. */
  get size(): number {
    return this.queued + this.paged;
  }

  push(event: BatonEvent): void {
    if (this.overflow) return;
    const transient = event.seq === null;
    if (transient && this.cut.size && this.cut.has(textStream(event))) return;
    if (!transient && this.cut.size) this.uncut(event);
    const bytes = this.measure ? eventBytes(event) : 0;
    if (!this.fits(bytes, transient)) {
      if (transient) this.cut.add(textStream(event));
      else this.evict();
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

  /**
   * Holds a page read from the store: as much of it as fits beside what is held (one event at least), within the
   * stream's bytes and its credential's budget. Returns what it holds; the rest is for the next read. All of it when
   * the reader cannot read on from within the page (`cuttable` false).
   */
  hold(page: BatonEvent[], cuttable = true): BatonEvent[] {
    if (!this.measure || this.overflow) return page;
    const room = Math.min(
      this.maxBytes - this.bytes,
      this.budget ? this.budget.maxBytes - this.budget.bytes : Infinity,
    );
    let kept = 0;
    let bytes = 0;
    for (const event of page) {
      const more = eventBytes(event);
      if (cuttable && kept > 0 && bytes + more > room) break;
      kept++;
      bytes += more;
    }
    this.paged += kept;
    this.bytes += bytes;
    this.budget?.add(bytes);
    return kept === page.length ? page : page.slice(0, kept);
  }

  /** An event of a held page, passed on. */
  pass(event: BatonEvent): void {
    // An evicted inbox let go of its page already.
    if (!this.measure || this.overflow) return;
    const bytes = eventBytes(event);
    this.paged--;
    this.bytes -= bytes;
    this.budget?.release(bytes);
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

  /**
   * Whether one more event fits. One always does: a reader that keeps up holds one at a time, however big. A stored
   * event past the credential's budget is taken, and the budget evicts the key's stream furthest behind; a delta is
   * dropped instead, so that streamed text never ends a stream.
   */
  private fits(bytes: number, transient: boolean): boolean {
    if (this.size === 0) return true;
    if (this.size >= this.maxEvents || this.bytes + bytes > this.maxBytes) return false;
    return !transient || !this.budget || this.budget.bytes + bytes <= this.budget.maxBytes;
  }

  /** Forgets a cut task once it ended: none of its deltas come after. */
  private uncut(event: BatonEvent): void {
    if (event.type === 'TASK_COMPLETED' || event.type === 'TASK_FAILED') this.cut.delete(textStream(event));
    else if (runEnds.has(event.type))
      for (const key of this.cut) if (key.startsWith(`${event.runId ?? ''}\u0000`)) this.cut.delete(key);
  }

  private drop(): void {
    this.budget?.release(this.bytes);
    this.bytes = 0;
    this.paged = 0;
    this.queue = [];
    this.head = 0;
  }
}

/** The next page's size: down to what the last one could hold when it was cut short, back up while pages fit. */
function nextPageLimit(limit: number, read: number, held: number): number {
  if (held < read) return Math.max(1, held);
  return read === limit ? Math.min(PAGE, limit * 2) : limit;
}

const tooSlow = () =>
  new SubscriberTooSlowError('subscriber fell behind; resubscribe with extensions.after as after to lose nothing');

/**
 * A conversation's events after a position, then live, each once and in seq order: it subscribes
 * before reading, drops what it has already yielded, and when a live event skips ahead (the bus keeps
 * no order across replicas) reads the missing ones from the store, where they are committed already:
 * a conversation's seqs commit in order.
 */
export async function* conversationStream(options: ConversationStreamOptions): AsyncGenerator<BatonEvent> {
  const { store, bus, conversationId } = options;
  const limits = options.buffers?.limits;
  const inbox = new Inbox(options.maxBuffered ?? limits?.maxEvents, limits?.maxBytes, options.buffers);
  const unsubscribe = bus.subscribe((event) => {
    if (event.seq === null && !options.includeTransient) return;
    inbox.push(event);
  }, conversationId);
  const onAbort = () => inbox.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = options.gone?.start((error) => inbox.fail(error));
  const wanted = (e: BatonEvent) => !options.runId || e.runId === options.runId;
  let position = options.afterSeq;
  let limit = PAGE;
  /** Reads the stored events after the position, up to `upToSeq`; true when `until` matched. */
  async function* fromStore(upToSeq?: number): AsyncGenerator<BatonEvent, boolean> {
    for (;;) {
      const asked = limit;
      const read = await store.list({ conversationId, afterSeq: position, upToSeq, limit: asked });
      // What the page holds counts as buffered until passed on: a reader stalled in a replay holds it.
      const page = inbox.hold(read);
      limit = nextPageLimit(asked, read.length, page.length);
      for (const event of page) {
        inbox.pass(event);
        if (inbox.failure) throw inbox.failure;
        if (inbox.overflow) throw tooSlow();
        position = event.seq ?? position;
        if (!wanted(event)) continue;
        yield event;
        if (options.until?.(event)) return true;
      }
      if (read.length < asked && page.length === read.length) return false;
    }
  }
  try {
    if (yield* fromStore()) return;
    for (;;) {
      if (inbox.aborted) return;
      // Nothing more of a deleted conversation, not even what was buffered before the news came.
      if (inbox.failure) throw inbox.failure;
      if (inbox.overflow) throw tooSlow();
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
 * so a client that resumes from the last event it got sees no gap and no duplicate (feedCursor: with a live
 * start's snapshot, and from the start itself when it got none).
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
  let limit = PAGE;
  try {
    for (;;) {
      if (inbox.aborted) return;
      if (inbox.overflow) throw tooSlow();
      // Live stored events wake the read, or are passed on when their place in the feed is known to be
      // next; transient ones are passed on as they come. Those held now, each held until it is looked at.
      const live = inbox.queued;
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
        const asked = limit;
        const page = await store.feed(position, filter, asked);
        // What the page holds counts as buffered until passed on: a reader stalled in a replay holds it.
        // Read on from within it needs the events' positions, which a read through EVENT_COLUMNS keeps.
        const events = inbox.hold(page.events, page.events[0] !== undefined && !!committedPosition(page.events[0]));
        limit = nextPageLimit(asked, page.events.length, events.length);
        const cutAt = events.length < page.events.length ? committedPosition(events.at(-1)!) : undefined;
        position = cutAt ? { tx: cutAt.tx, id: cutAt.id, before: position.before } : page.position;
        for (const event of events) {
          inbox.pass(event);
          if (inbox.overflow) throw tooSlow();
          yield event;
        }
        if (cutAt || page.events.length === asked) {
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
      if (!inbox.queued) await inbox.wait(options.pollMs ?? FEED_POLL_MS);
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
