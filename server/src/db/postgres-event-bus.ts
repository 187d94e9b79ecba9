import type { BatonEvent } from '../chat/events.js';
import type { Database } from './client.js';
import type { EventBus, EventListener } from './event-bus.js';
import type { EventStore } from './event-store.js';
import { deliver } from './memory-event-bus.js';

const CHANNEL = 'baton_events';
/** NOTIFY payloads must stay under 8000 bytes; bigger transient events reach this replica's subscribers only. */
const MAX_PAYLOAD = 7_500;
/** Events read per catch-up query. */
const READ_PAGE = 5_000;
/**
 * How long a catch-up waits at most for this replica's own writes in flight (see storing). A write's
 * result normally follows its NOTIFY within a millisecond; a write slower than this (a busy database)
 * is read back instead, so other replicas' events are never held up by much.
 */
const OWN_WRITE_WAIT_MS = 10;

type Notice = { upTo: number } | { transient: BatonEvent; origin: string };

/**
 * LISTEN/NOTIFY fan-out across server replicas. NOTIFY carries the highest new event id;
 * each replica reads the events above its watermark, so a replica serves any subscriber.
 * Event ids become visible in id order (see EventStore), so "above the watermark" never skips one.
 */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres' as const;
  readonly notifyChannel = CHANNEL;
  private readonly listeners = new Set<EventListener>();
  /** Events this process published and has not yet delivered: saves a read on the hot path. */
  private readonly pending = new Map<number, BatonEvent>();
  private watermark = 0;
  /** Tells this replica's own transient NOTIFYs apart when they come back. */
  private readonly origin = crypto.randomUUID();
  /** The highest id any NOTIFY announced: every id up to it is committed (ids become visible in order). */
  private notified = 0;
  private queue: Promise<void> = Promise.resolve();
  private unlisten?: () => Promise<void>;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private retryDelayMs = 0;
  /** This replica's event writes in flight, by start order. */
  private readonly writing = new Set<number>();
  private writes = 0;
  /** A catch-up waits for the writes up to this one (0: none waits). */
  private catchUpAfterWrite = 0;
  private catchUpTimer?: NodeJS.Timeout;

  private constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly onError: (err: unknown) => void,
    private readonly ownWriteWaitMs: number,
  ) {}

  /** `onError` hears about deliveries that failed (the app logs them). */
  static async start(
    database: Database,
    store: EventStore,
    onError: (err: unknown) => void,
    options: { ownWriteWaitMs?: number } = {},
  ): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(database, store, onError, options.ownWriteWaitMs ?? OWN_WRITE_WAIT_MS);
    bus.watermark = await store.maxId();
    bus.unlisten = await database.listen(
      CHANNEL,
      (payload) => bus.onNotice(payload),
      // After a dropped connection, catch up on anything NOTIFY missed.
      () => bus.enqueue(() => bus.catchUp(Number.MAX_SAFE_INTEGER)),
    );
    return bus;
  }

  async publish(events: readonly BatonEvent[], options: { notified?: boolean } = {}): Promise<void> {
    let upTo = 0;
    for (const event of events) {
      if (event.id === null) {
        // Delivered here at once, in order with this replica's stored events (which are delivered
        // after their commit, so a delta never arrives after the message it belongs to); the NOTIFY
        // is for the other replicas, and this one skips it when it comes back.
        this.enqueue(async () => deliver(this.listeners, event));
        const payload = JSON.stringify({ transient: event, origin: this.origin } satisfies Notice);
        if (payload.length <= MAX_PAYLOAD) await this.database.notify(CHANNEL, payload);
        continue;
      }
      this.pending.set(event.id, event);
      upTo = Math.max(upTo, event.id);
    }
    if (upTo > 0 && !options.notified) await this.database.notify(CHANNEL, JSON.stringify({ upTo } satisfies Notice));
    // Our own events need not wait for their NOTIFY to come back: publish is called after the commit,
    // so when the next id is ours it is committed, and every id below it has been delivered.
    if (upTo > 0) this.enqueue(async () => this.deliverOwn());
  }

  /**
   * A NOTIFY for a commit of this replica's often arrives before the statement's own result does.
   * Read back at once, those events would cost a query and hold up their delivery behind it. So a
   * catch-up that a NOTIFY asks for while own writes are in flight waits for them (at most
   * OWN_WRITE_WAIT_MS): by then their events are published here, and the read is skipped, or
   * covers only other replicas' events. (With 100 ms, a busy replica's slow writes held other
   * replicas' events back: bench/load's delivery p50 went from about 47 to 75 ms.)
   */
  async storing<T>(write: () => Promise<T>): Promise<T> {
    const id = ++this.writes;
    this.writing.add(id);
    try {
      return await write();
    } finally {
      this.writing.delete(id);
      // After the caller's publish, which follows the result within the same turn of the loop.
      if (this.catchUpAfterWrite) setImmediate(() => this.catchUpAfterOwnWrites(false));
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.catchUpTimer);
    await this.unlisten?.().catch(() => {});
    await this.queue;
    this.listeners.clear();
    this.pending.clear();
  }

  private onNotice(payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    if ('transient' in notice) {
      if (notice.origin === this.origin) return;
      // createdAt crossed the wire as an ISO string.
      const event = { ...notice.transient, createdAt: new Date(notice.transient.createdAt) } as BatonEvent;
      this.enqueue(async () => deliver(this.listeners, event));
    } else if (typeof notice.upTo === 'number') {
      this.notified = Math.max(this.notified, notice.upTo);
      if (this.writing.size) {
        // The writes in flight at the first waiting notice, not at the latest: on a busy replica
        // writes overlap without end, and a bar raised at every notice would only ever meet the timer.
        if (!this.catchUpAfterWrite) this.catchUpAfterWrite = this.writes;
        this.catchUpTimer ??= setTimeout(() => this.catchUpAfterOwnWrites(true), this.ownWriteWaitMs);
        return;
      }
      // Reads up to the latest announced id when its turn comes: a backlog of notices costs one read, not one each.
      this.enqueue(() => this.catchUp(this.notified));
    }
  }

  /** Runs the catch-up that waited for own writes, once they are done (or at once, `force`). */
  private catchUpAfterOwnWrites(force: boolean): void {
    if (!this.catchUpAfterWrite || this.closed) return;
    if (!force) for (const id of this.writing) if (id <= this.catchUpAfterWrite) return;
    this.catchUpAfterWrite = 0;
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = undefined;
    this.enqueue(() => this.catchUp(this.notified));
  }

  /** Notices are handled one at a time, so delivery order equals id order. */
  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err) => {
      if (this.closed) return;
      this.onError(err);
      this.retryCatchUp();
    });
  }

  /**
   * A catch-up read failed (a dropped connection): events up to the newest announced id wait behind
   * the watermark. Read again soon rather than at the next NOTIFY, which may never come when every
   * conversation is waiting for one of those events.
   */
  private retryCatchUp(): void {
    if (this.retry || this.closed) return;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2 || 50, 2_000);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.enqueue(async () => {
        // Everything committed, not just what a NOTIFY announced: NOTIFYs may have been missed too.
        await this.catchUp(Number.MAX_SAFE_INTEGER);
        this.retryDelayMs = 0;
      });
    }, this.retryDelayMs);
    this.retry.unref();
  }

  /** Delivers this process's events that come next in id order; stops at the first id that is not ours. */
  private deliverOwn(): void {
    for (let event = this.pending.get(this.watermark + 1); event && !this.closed; ) {
      this.watermark = event.id!;
      this.pending.delete(event.id!);
      deliver(this.listeners, event);
      event = this.pending.get(this.watermark + 1);
    }
  }

  private async catchUp(upTo: number): Promise<void> {
    for (;;) {
      if (this.closed || upTo <= this.watermark) return;
      const events = await this.readRange(this.watermark, upTo);
      for (const event of events) {
        if (event.id === null || event.id <= this.watermark) continue;
        this.watermark = event.id;
        this.pending.delete(event.id);
        deliver(this.listeners, event);
      }
      // A full page may have more behind it; fewer means the rest of the range are ids never committed.
      if (events.length < READ_PAGE) return;
    }
  }

  private async readRange(after: number, upTo: number): Promise<BatonEvent[]> {
    if (upTo !== Number.MAX_SAFE_INTEGER) {
      const local: BatonEvent[] = [];
      for (let id = after + 1; id <= upTo; id++) {
        const e = this.pending.get(id);
        if (!e) break;
        local.push(e);
      }
      // All ids in the range are ours (no other writer, no rolled-back id): no read needed.
      if (local.length === upTo - after) return local;
    }
    return this.store.list({ after, upTo: upTo === Number.MAX_SAFE_INTEGER ? undefined : upTo, limit: READ_PAGE });
  }
}
