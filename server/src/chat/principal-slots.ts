import type { Principal } from '../auth/principal.js';

/** Whose slots a run takes, and that principal's own limit when it has one (an API key's `runs_at_once`). */
export interface RunPrincipal {
  id: string;
  runsAtOnce?: number;
}

/**
 * Whose runs a run counts against: the API key or conversation token that sent its message. Without
 * credentials (AUTH_MODE=off) there is no principal to bound, and a conversation runs one turn at a
 * time anyway.
 */
export function runPrincipal(principal: Principal, conversationId: string): RunPrincipal {
  if (principal.kind === 'key')
    return { id: `key:${principal.keyId}`, ...(principal.runsAtOnce ? { runsAtOnce: principal.runsAtOnce } : {}) };
  if (principal.kind === 'conversation') return conversationPrincipal(principal.conversationId);
  return conversationPrincipal(conversationId);
}

/** A run whose sender is not known here (resumed, continued, or started by a sweep) counts as its conversation's. */
export const conversationPrincipal = (conversationId: string): RunPrincipal => ({
  id: `conversation:${conversationId}`,
});

/**
 * One: a flood from one key costs other shoppers least. A backend that sends many shoppers' messages through one
 * key gets a limit of its own (`baton keys create --runs-at-once`), or its shoppers wait for each other's turns (bench/README, "One key for many
 * shoppers"); GiveWay and the stand-in thread's order keep the extra runs behind others' turns.
 */
export const DEFAULT_RUNS_PER_PRINCIPAL = 1;

/**
 * At most `perPrincipal` runs of one principal execute at once in this process (or the principal's own limit, an API
 * key's `runs_at_once`); the rest wait in that principal's own queue, first come first served. Other principals never
 * wait behind them, so one key sending a flood of messages cannot crowd out everyone else's turns.
 */
export class PrincipalSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly released = new Set<() => void>();
  /** Principals with a limit of their own, kept while they have work here. */
  private readonly limits = new Map<string, number>();

  constructor(private readonly perPrincipal: number) {}

  /** Whether `principal` has work waiting for a slot here. */
  backlogged(principal: string): boolean {
    return this.waiting.has(principal);
  }

  /** The principals with work in progress here. */
  busy(): IterableIterator<string> {
    return this.running.keys();
  }

  /** How many of `principal`'s runs are in progress here. */
  inProgress(principal: string): number {
    return this.running.get(principal) ?? 0;
  }

  /** Calls `listener` after each release of a slot; returns the unsubscribe. */
  onRelease(listener: () => void): () => void {
    this.released.add(listener);
    return () => this.released.delete(listener);
  }

  /**
   * Runs `fn` once a slot of `principal` is free. Aborted while waiting, `fn` runs at once (a
   * cancelled or released run still records how it ended, which is quick). `limit` is the principal's own
   * (the latest given applies to its queue), instead of `perPrincipal`.
   */
  async run<T>(principal: string, signal: AbortSignal, fn: () => Promise<T>, limit?: number): Promise<T> {
    if (limit !== undefined && limit !== this.limitOf(principal)) {
      this.limits.set(principal, limit);
      // A raised limit lets those already waiting go first, in their order.
      const queue = this.waiting.get(principal);
      while (queue?.length && (this.running.get(principal) ?? 0) < limit) {
        queue.shift()!();
        if (!queue.length) this.waiting.delete(principal);
      }
    }
    const release = await this.acquire(principal, signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Runs waiting for a slot, all principals together (tests and metrics). */
  get queued(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  private acquire(principal: string, signal: AbortSignal): Promise<() => void> {
    const take = () => {
      this.running.set(principal, (this.running.get(principal) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.release(principal);
      };
    };
    if ((this.running.get(principal) ?? 0) < this.limitOf(principal) || signal.aborted) return Promise.resolve(take());
    return new Promise((resolve) => {
      const queue = this.waiting.get(principal) ?? [];
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(take());
      };
      const onAbort = () => {
        const i = queue.indexOf(wake);
        if (i >= 0) queue.splice(i, 1);
        if (!queue.length) this.waiting.delete(principal);
        resolve(take());
      };
      queue.push(wake);
      this.waiting.set(principal, queue);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private limitOf(principal: string): number {
    return this.limits.get(principal) ?? this.perPrincipal;
  }

  private release(principal: string): void {
    const left = (this.running.get(principal) ?? 1) - 1;
    if (left > 0) this.running.set(principal, left);
    else this.running.delete(principal);
    const queue = this.waiting.get(principal);
    // A limit lowered meanwhile lets the queue wait until enough runs have ended.
    const next = left < this.limitOf(principal) ? queue?.shift() : undefined;
    if (queue && !queue.length) this.waiting.delete(principal);
    if (!this.running.has(principal) && !this.waiting.has(principal)) this.limits.delete(principal);
    next?.();
    for (const listener of [...this.released]) listener();
  }
}

/**
 * Work of a heavy principal gives way to the work of light ones. Heavy: more than one run (or message being
 * stored) in progress, or a backlog waiting for its slots; a shopper's turn is light. At each of its steps
 * (storing a message, a model call) a heavy principal waits while a light one's work is in progress in this
 * process, for at most `maxWaitMs` a step, so it is slowed, never starved.
 *
 * Slots alone bound how many runs a key executes, not how often they take the server's thread: a key sending
 * many shoppers' messages keeps several runs executing, interleaved step by step with another shopper's turn.
 * Giving way at step boundaries lets that turn through first, so slots can be generous (a backend's key runs
 * its shoppers' turns side by side while nobody else waits) and stay fair when somebody does.
 */
export class GiveWay {
  constructor(
    private readonly pools: readonly PrincipalSlots[],
    private readonly maxWaitMs = 100,
  ) {}

  /** Resolves when `principal`'s next step may go; undefined when it may go now. */
  wait(principal: string): Promise<void> | undefined {
    if (!this.heavy(principal) || !this.othersServed(principal)) return undefined;
    return new Promise<void>((resolve) => {
      const go = () => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const timer = setTimeout(go, this.maxWaitMs);
      const offs = this.pools.map((pool) =>
        // Looked at once the releasing work has moved on: a release is often a handover (a stored
        // message's run taking its slot in the same tick), not the end of the other principal's turn.
        pool.onRelease(() =>
          setImmediate(() => {
            if (!this.othersServed(principal)) go();
          }),
        ),
      );
    });
  }

  /**
   * Whether `principal` is heavy: more than one run or message in progress, or a backlog. Per pool, not summed: a
   * shopper's message hands over from storing to its run within one turn.
   */
  heavy(principal: string): boolean {
    return this.pools.some((pool) => pool.backlogged(principal) || pool.inProgress(principal) > 1);
  }

  /** Whether a light principal other than `principal` has work in progress. */
  private othersServed(principal: string): boolean {
    for (const pool of this.pools)
      for (const other of pool.busy()) if (other !== principal && !this.heavy(other)) return true;
    return false;
  }
}
