/** When to try a delivery next, or null when its attempts are used up. */
export function nextAttemptDelay(options: {
  /** Attempts made so far (at least 1). */
  attempts: number;
  scheduleMs: readonly number[];
  /** ± this fraction of the delay. */
  jitter: number;
  /** The receiver's Retry-After, in ms: never retry sooner. */
  retryAfterMs?: number;
  random?: () => number;
}): number | null {
  const base = options.scheduleMs[options.attempts];
  if (base === undefined) return null;
  const random = options.random ?? Math.random;
  const jittered = Math.round(base * (1 + options.jitter * (2 * random() - 1)));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** A Retry-After header (seconds, or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
