import { describe, expect, it } from 'vitest';
import { slidingWindow } from '../../../server/src/security/sliding-window.js';

describe('slidingWindow', () => {
  const w = 60;

  it('allows up to the limit within one window and refuses the next', () => {
    expect(slidingWindow({ count: 10, previousCount: 0, elapsedSeconds: 5, windowSeconds: w }, 10).allowed).toBe(true);
    const over = slidingWindow({ count: 11, previousCount: 0, elapsedSeconds: 5, windowSeconds: w }, 10);
    expect(over.allowed).toBe(false);
    // This window alone is over: room comes in the next one (in 55 s), once these 11 requests have faded
    // to 9: 11 * (1 - x/60) + 1 <= 10 from x = 10.9 s. So 66 s.
    expect(over.retryAfterSeconds).toBe(66);
  });

  it('weighs the previous window by how much of it still overlaps', () => {
    // 30 s into the window, half of the previous window's 10 requests still count.
    expect(slidingWindow({ count: 5, previousCount: 10, elapsedSeconds: 30, windowSeconds: w }, 10)).toMatchObject({
      allowed: true,
      estimate: 10,
    });
    expect(slidingWindow({ count: 6, previousCount: 10, elapsedSeconds: 30, windowSeconds: w }, 10).allowed).toBe(
      false,
    );
    // A burst at the end of the previous window still limits the start of this one.
    expect(slidingWindow({ count: 1, previousCount: 10, elapsedSeconds: 1, windowSeconds: w }, 10).allowed).toBe(false);
  });

  it('tells how long until the previous window has faded enough', () => {
    // count 3, previous 10, limit 10: one more fits once 10 * (1 - t/60) <= 6, at t = 24 s; now is 6 s.
    const d = slidingWindow({ count: 3, previousCount: 10, elapsedSeconds: 6, windowSeconds: w }, 5);
    expect(d.allowed).toBe(false);
    const fits = slidingWindow(
      { count: 3, previousCount: 10, elapsedSeconds: 6 + d.retryAfterSeconds, windowSeconds: w },
      5,
    );
    expect(fits.estimate + 1).toBeLessThanOrEqual(5 + 1e-9);
    const earlier = slidingWindow(
      { count: 4, previousCount: 10, elapsedSeconds: 6 + d.retryAfterSeconds - 2, windowSeconds: w },
      5,
    );
    expect(earlier.allowed).toBe(false);
  });

  it('waits into the next window when this one alone is over the limit', () => {
    const d = slidingWindow({ count: 20, previousCount: 0, elapsedSeconds: 50, windowSeconds: w }, 10);
    // Next window: 20 * (1 - x/60) + 1 <= 10 from x = 33 s, so 10 + 33 s from now.
    expect(d.retryAfterSeconds).toBe(43);
  });
});
