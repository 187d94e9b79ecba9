import type { RunPatch } from '../db/run-repository.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';

type Patch = Omit<RunPatch, 'id'>;
type Store = (events: NewEvent[], patch?: Patch) => Promise<BatonEvent[]>;
type Publish = (stored: BatonEvent[]) => Promise<void> | void;

interface Waiting {
  events: NewEvent[];
  patch?: Patch;
  resolve: (stored: BatonEvent[]) => void;
  reject: (err: unknown) => void;
  /** A publish of transient events that keeps its place among the stored ones (publishAfter). */
  transient?: () => void;
}

/**
 * Group commit for one run's events. Everything appended in the same turn of the event loop (two
 * concurrent tasks' tool calls, a task's output and the final reply) goes out as one write, and
 * appends that arrive while a write is in flight go out together in the next. Writes are sequential
 * and in append order, so event ids follow append order, and every event is stored before it is
 * published. After a failed write every later append fails too: nothing is stored out of order.
 *
 * A batch is published (`publish`) after the next one has gone to the database: the events that
 * queued up during a write wait for no subscriber's delivery work. An append resolves once its
 * events are stored and published.
 */
export class EventBatcher {
  private queue: Waiting[] = [];
  private writing = false;
  private scheduled = false;
  private failure: unknown;
  private readonly outstanding = new Set<Promise<void>>();
  /** Batches written but not yet published. */
  private publishing = 0;
  private publishChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly publish: Publish = () => {},
  ) {}

  append(events: NewEvent[], patch?: Patch): Promise<BatonEvent[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const written = new Promise<BatonEvent[]>((resolve, reject) => {
      this.queue.push({ events, patch, resolve, reject });
      this.schedule();
    });
    const settled = written.then(
      () => {},
      () => {},
    );
    this.outstanding.add(settled);
    void settled.then(() => this.outstanding.delete(settled));
    return written;
  }

  /**
   * Publishes transient events (streamed deltas) in their place among the stored ones: after every
   * event appended before this call, and before any appended after it, however slow the writes. With
   * nothing appended and unpublished, at once.
   */
  publishAfter(publish: () => void): void {
    if (!this.writing && !this.scheduled && !this.queue.length && !this.publishing) {
      runTransient(publish);
      return;
    }
    this.queue.push({ events: [], resolve: () => {}, reject: () => {}, transient: publish });
    this.schedule();
  }

  /** Resolves once every append so far has been written, or has failed. */
  async settled(): Promise<void> {
    while (this.outstanding.size) await Promise.all(this.outstanding);
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: concurrent tasks reach their appends several promise hops apart.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    if (!batch.length) return;
    this.queue = [];
    this.writing = true;
    let stored: BatonEvent[];
    try {
      if (this.failure !== undefined) throw this.failure;
      stored = await this.store(
        batch.flatMap((w) => w.events),
        mergePatches(batch.map((w) => w.patch)),
      );
    } catch (err) {
      this.fail(batch, err);
      this.writing = false;
      if (this.queue.length) this.schedule();
      return;
    }
    // What queued up during this write goes out now, with no wait for a later turn of the loop.
    // Publishes are chained, so batches (and the transient publishes among them) go out in order.
    this.writing = false;
    this.publishing++;
    const published = this.publishChain.then(() => this.publishBatch(batch, stored));
    this.publishChain = published.then(
      () => {},
      () => {},
    );
    if (this.queue.length) void this.flush();
    try {
      await published;
    } catch (err) {
      this.fail(batch, err);
      return;
    } finally {
      this.publishing--;
    }
    let at = 0;
    for (const w of batch) {
      w.resolve(stored.slice(at, at + w.events.length));
      at += w.events.length;
    }
  }

  /** Stored events go out in runs, each transient publish between the appends it was queued between. */
  private async publishBatch(batch: Waiting[], stored: BatonEvent[]): Promise<void> {
    let at = 0;
    let run: BatonEvent[] = [];
    for (const w of batch) {
      if (w.transient) {
        if (run.length) await this.publish(run);
        run = [];
        runTransient(w.transient);
      } else run.push(...stored.slice(at, at + w.events.length));
      at += w.events.length;
    }
    if (run.length) await this.publish(run);
  }

  private fail(batch: Waiting[], err: unknown): void {
    this.failure ??= err;
    for (const w of batch) w.reject(err);
  }
}

/** Later patches win field by field; a run once marked finished stays finished. */
function mergePatches(patches: (Patch | undefined)[]): Patch | undefined {
  let merged: Patch | undefined;
  for (const patch of patches) {
    if (!patch) continue;
    merged ??= {};
    for (const [key, value] of Object.entries(patch))
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** A failed publish of transient events loses only those; stored events never go this way. */
function runTransient(publish: () => void): void {
  try {
    publish();
  } catch {
    // Nothing stored depends on it.
  }
}
