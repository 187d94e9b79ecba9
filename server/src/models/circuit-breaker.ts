import { ModelError } from '../errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * How a finished call counts: `failure` towards opening, `success` closes and resets, `ignore`
 * says nothing about the backend's health (e.g. the caller cancelled).
 */
export type CallOutcome = 'failure' | 'success' | 'ignore';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  cooldownMs: number;
  /** Names the backend in error messages. */
  name?: string;
  /** Injectable clock for tests. */
  now?: () => number;
}

/**
 * Stops hammering a backend that keeps failing: closed → open after N consecutive failures →
 * half-open after a cool-down, when a single probe decides whether to close or open again.
 * While open (or while the probe is in flight), calls fail fast with a non-retryable ModelError.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #name: string;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.#threshold = Math.max(1, Math.floor(options.failureThreshold));
    this.#cooldownMs = Math.max(0, options.cooldownMs);
    this.#name = options.name ?? 'model server';
    this.#now = options.now ?? Date.now;
  }

  /** Current state; an open circuit whose cool-down has passed reads as half-open. */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#cooldownMs) return 'half-open';
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /**
   * Runs `fn` through the breaker. `classify` says how an error counts (default: every error is a
   * failure); a resolved call is a success.
   */
  async run<T>(fn: () => Promise<T>, classify: (error: unknown) => CallOutcome = () => 'failure'): Promise<T> {
    const probe = this.#admit();
    let outcome: CallOutcome = 'success';
    try {
      return await fn();
    } catch (error) {
      outcome = classify(error);
      throw error;
    } finally {
      this.#settle(outcome, probe);
    }
  }

  /** Returns true when this call is the half-open probe; throws when the call may not go through. */
  #admit(): boolean {
    const state = this.state;
    if (state === 'closed') return false;
    if (state === 'half-open' && !this.#probeInFlight) {
      this.#state = 'half-open';
      this.#probeInFlight = true;
      return true;
    }
    const retryInMs = Math.max(0, this.#cooldownMs - (this.#now() - this.#openedAt));
    const message =
      state === 'half-open'
        ? `The ${this.#name} is failing; a probe call is checking whether it has recovered`
        : `The ${this.#name} is failing (${this.#failures} consecutive failures); calls are paused for another ${Math.ceil(retryInMs / 1000)} s`;
    throw new ModelError(message, {
      retryable: false,
      details: { kind: 'circuit_open', circuit: state, retryInMs, consecutiveFailures: this.#failures },
    });
  }

  #settle(outcome: CallOutcome, probe: boolean): void {
    if (probe) this.#probeInFlight = false;
    if (outcome === 'success') {
      this.#state = 'closed';
      this.#failures = 0;
    } else if (outcome === 'failure') {
      this.#failures += 1;
      if (probe || this.#failures >= this.#threshold) {
        this.#state = 'open';
        this.#openedAt = this.#now();
      }
    }
    // `ignore` on a probe leaves the circuit half-open, so the next call probes again.
  }
}
