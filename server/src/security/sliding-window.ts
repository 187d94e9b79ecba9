/** What a bucket's row says after counting this request. */
export interface WindowCounts {
  /** Requests in the current fixed window, this one included. */
  count: number;
  /** Requests in the previous fixed window. */
  previousCount: number;
  /** Seconds since the current window started. */
  elapsedSeconds: number;
  windowSeconds: number;
}

export interface WindowDecision {
  allowed: boolean;
  /** The weighted request count the decision was made on. */
  estimate: number;
  /** Whole seconds until a request would be allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * The sliding-window approximation (previous window weighted by how much of it still overlaps the
 * last `windowSeconds`, plus the current window): smooth like a sliding log, stored as two counters.
 */
export function slidingWindow(counts: WindowCounts, limit: number): WindowDecision {
  const w = counts.windowSeconds;
  const elapsed = Math.min(Math.max(counts.elapsedSeconds, 0), w);
  const estimate = counts.previousCount * (1 - elapsed / w) + counts.count;
  if (estimate <= limit) return { allowed: true, estimate, retryAfterSeconds: 0 };
  return { allowed: false, estimate, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds(counts, elapsed, limit))) };
}

/** Seconds until one more request fits: later in this window as the previous one fades, or in the next. */
function waitSeconds(counts: WindowCounts, elapsed: number, limit: number): number {
  const w = counts.windowSeconds;
  const roomNow = limit - counts.count - 1;
  if (roomNow >= 0 && counts.previousCount > 0) {
    // previous * (1 - t / w) <= roomNow
    const t = w * (1 - roomNow / counts.previousCount);
    if (t < w) return Math.max(t - elapsed, 0);
  }
  // Next window: count * (1 - x / w) + 1 <= limit
  const x = counts.count > 0 ? Math.max(w * (1 - (limit - 1) / counts.count), 0) : 0;
  return w - elapsed + x;
}
