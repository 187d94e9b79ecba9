import type { Principal } from '../auth/principal.js';

/**
 * Whose runs a run counts against: the API key or conversation token that sent its message. Without
 * credentials (AUTH_MODE=off) there is no principal to bound, and a conversation runs one turn at a
 * time anyway.
 */
export function runPrincipal(principal: Principal, conversationId: string): string {
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  if (principal.kind === 'conversation') return `conversation:${principal.conversationId}`;
  return `conversation:${conversationId}`;
}

/**
 * At most `perPrincipal` runs of one principal execute at once in this process; the rest wait in
 * that principal's own queue, first come first served. Other principals never wait behind them, so
 * one key sending a flood of messages cannot crowd out everyone else's turns.
 */
export class PrincipalSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perPrincipal: number) {}

  /**
   * Runs `fn` once a slot of `principal` is free. Aborted while waiting, `fn` runs at once (a
   * cancelled or released run still records how it ended, which is quick).
   */
  async run<T>(principal: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
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
    if ((this.running.get(principal) ?? 0) < this.perPrincipal || signal.aborted) return Promise.resolve(take());
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

  private release(principal: string): void {
    const left = (this.running.get(principal) ?? 1) - 1;
    if (left > 0) this.running.set(principal, left);
    else this.running.delete(principal);
    const queue = this.waiting.get(principal);
    const next = queue?.shift();
    if (queue && !queue.length) this.waiting.delete(principal);
    next?.();
  }
}
