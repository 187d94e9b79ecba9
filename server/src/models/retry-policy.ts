import { isModelError, ModelError } from '../errors.js';

/**
 * A retry allowance shared by every model call of one run, so a run that keeps hitting a failing
 * model cannot retry forever, however many agents and steps it has.
 */
export class RetryBudget {
  #remaining: number;
  #used = 0;

  constructor(maxRetries: number) {
    this.#remaining = Math.max(0, Math.floor(maxRetries));
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryTake(): boolean {
    if (this.#remaining <= 0) return false;
    this.#remaining -= 1;
    this.#used += 1;
    return true;
  }

  get remaining(): number {
    return this.#remaining;
  }

  get used(): number {
    return this.#used;
  }
}

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryPolicyOptions {
  /** Retries after the first attempt (0 = no retry). */
  maxRetries: number;
  /** First backoff step; each retry doubles it. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once instead. */
  maxRetryAfterMs?: number;
  /** Whether an error may be retried. Default: a ModelError with `retryable: true`. */
  isRetryable?: (error: unknown) => boolean;
  /** How long the server asked us to wait. Default: a ModelError's `details.retryAfterMs`. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** In [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

export interface RetryRunOptions {
  signal?: AbortSignal;
  budget?: RetryBudget;
  onRetry?: (info: RetryInfo) => void;
}

const defaultIsRetryable = (error: unknown): boolean => isModelError(error) && error.retryable;

const defaultRetryAfterMs = (error: unknown): number | undefined => {
  if (!isModelError(error)) return undefined;
  const value = error.details.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
};

/** Jittered exponential backoff that honours Retry-After, a per-run budget and cancellation. */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #retryAfterMs: (error: unknown) => number | undefined;
  readonly #random: () => number;

  constructor(options: RetryPolicyOptions) {
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries));
    this.#baseDelayMs = options.baseDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 8_000;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 20_000;
    this.#isRetryable = options.isRetryable ?? defaultIsRetryable;
    this.#retryAfterMs = options.retryAfterMs ?? defaultRetryAfterMs;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Backoff before retry number `retry` (from 1): "equal jitter", half fixed and half random, so
   * concurrent callers spread out but none retries immediately.
   */
  backoffMs(retry: number): number {
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.max(0, retry - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.#random());
  }

  /** Runs `fn`, retrying retryable failures. Throws the last error, annotated with the attempt count. */
  async execute<T>(fn: (attempt: number) => Promise<T>, options: RetryRunOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (error) {
        if (options.signal?.aborted || !this.#isRetryable(error)) throw error;
        if (attempt > this.maxRetries) {
          throw attempt === 1 ? error : withNote(error, `after ${attempt} attempts`, { attempts: attempt });
        }

        const retryAfter = this.#retryAfterMs(error);
        if (retryAfter !== undefined && retryAfter > this.#maxRetryAfterMs) {
          throw withNote(error, `server asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than we wait`, {
            attempts: attempt,
          });
        }
        if (options.budget && !options.budget.tryTake()) {
          throw withNote(
            error,
            'the retry budget for this run is spent',
            { attempts: attempt, retryBudgetExhausted: true },
            false,
          );
        }
        const delayMs = Math.max(this.backoffMs(attempt), retryAfter ?? 0);
        options.onRetry?.({ attempt, delayMs, error });
        await sleep(delayMs, options.signal);
        if (options.signal?.aborted) throw cancelled(error);
      }
    }
  }
}

/** True for HTTP statuses worth retrying: 429 and 5xx. Other 4xx are the request's fault. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Reads `retry-after-ms` (OpenAI's) or `Retry-After` (seconds or an HTTP date) into milliseconds.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0 && /^\s*[\d.]+\s*$/.test(raw)) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function withNote(error: unknown, note: string, details: Record<string, unknown>, retryable?: boolean): unknown {
  if (!isModelError(error)) return error;
  return new ModelError(`${error.message} (${note})`, {
    cause: error,
    retryable: retryable ?? error.retryable,
    details: { ...error.details, ...details },
  });
}

function cancelled(cause: unknown): ModelError {
  return new ModelError('Model call was cancelled', { cause, retryable: false, details: { kind: 'aborted' } });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
