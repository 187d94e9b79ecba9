import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../server/src/errors.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  RetryBudget,
  type RetryInfo,
  RetryPolicy,
} from '../../../server/src/models/retry-policy.js';

const transient = (details: Record<string, unknown> = {}) =>
  new ModelError('The model server answered 503: busy', { retryable: true, details: { status: 503, ...details } });
const permanent = () => new ModelError('The model server answered 400: bad', { retryable: false });

/** A function that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const error = errors[attempt - 1];
    if (error) throw error;
    return 'ok';
  };
  return { fn, calls };
}

describe('RetryPolicy', () => {
  it('retries retryable errors and returns the first success', async () => {
    const { fn, calls } = failing(transient(), transient());
    const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 1 });
    await expect(policy.execute(fn)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('never retries a non-retryable error', async () => {
    const { fn, calls } = failing(permanent());
    const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 1 });
    await expect(policy.execute(fn)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('400'),
    });
    expect(calls).toEqual([1]);
  });

  it('gives up after maxRetries and says how many attempts were made', async () => {
    const { fn, calls } = failing(transient(), transient(), transient(), transient());
    const policy = new RetryPolicy({ maxRetries: 2, baseDelayMs: 1 });
    const error = await policy.execute(fn).catch((e: unknown) => e);
    expect(calls).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ retryable: true, details: { status: 503, attempts: 3 } });
    expect((error as Error).message).toMatch(/after 3 attempts/);
  });

  it('backs off exponentially with jitter, capped at maxDelayMs', () => {
    const low = new RetryPolicy({ maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    const high = new RetryPolicy({ maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5].map((n) => low.backoffMs(n))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => high.backoffMs(n))).toEqual([100, 200, 400, 800, 1000]);
    const real = new RetryPolicy({ maxRetries: 5, baseDelayMs: 100 });
    const spread = new Set(Array.from({ length: 20 }, () => real.backoffMs(3)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('waits at least as long as the server asks (Retry-After)', async () => {
    const { fn } = failing(transient({ retryAfterMs: 120 }));
    const retries: RetryInfo[] = [];
    const policy = new RetryPolicy({ maxRetries: 1, baseDelayMs: 1, random: () => 0 });
    const started = Date.now();
    await policy.execute(fn, { onRetry: (info) => retries.push(info) });
    expect(retries).toHaveLength(1);
    expect(retries[0]!.delayMs).toBe(120);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('fails at once when Retry-After is longer than it is willing to wait', async () => {
    const { fn, calls } = failing(transient({ retryAfterMs: 60_000 }));
    const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 1, maxRetryAfterMs: 5_000 });
    const started = Date.now();
    await expect(policy.execute(fn)).rejects.toThrow(/retry after 60 s/);
    expect(calls).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('shares a retry budget across calls, so a run cannot retry forever', async () => {
    const budget = new RetryBudget(2);
    const policy = new RetryPolicy({ maxRetries: 5, baseDelayMs: 1 });
    const first = failing(transient(), transient());
    await expect(policy.execute(first.fn, { budget })).resolves.toBe('ok');
    expect(budget.remaining).toBe(0);
    expect(budget.used).toBe(2);

    const second = failing(transient(), transient());
    const error = await policy.execute(second.fn, { budget }).catch((e: unknown) => e);
    expect(second.calls).toEqual([1]);
    expect(error).toMatchObject({ retryable: false, details: { retryBudgetExhausted: true } });
    expect((error as Error).message).toMatch(/retry budget/);
  });

  it('stops waiting and reports cancellation when the signal aborts during backoff', async () => {
    const { fn, calls } = failing(transient(), transient());
    const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const error = await policy.execute(fn, { signal: controller.signal }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toEqual([1]);
    expect(error).toMatchObject({ retryable: false, details: { kind: 'aborted' } });
  });

  it('does not retry plain errors by default', async () => {
    const { fn, calls } = failing(new TypeError('bug'));
    await expect(new RetryPolicy({ maxRetries: 3, baseDelayMs: 1 }).execute(fn)).rejects.toThrow(TypeError);
    expect(calls).toEqual([1]);
  });
});

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx, never other 4xx', () => {
    expect([429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3_000);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
