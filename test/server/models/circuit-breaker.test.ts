import { describe, expect, it } from 'vitest';
import { isModelError } from '../../../server/src/errors.js';
import { CircuitBreaker } from '../../../server/src/models/circuit-breaker.js';

function setup(failureThreshold = 3, cooldownMs = 1_000) {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, name: 'test model', now: () => now });
  let calls = 0;
  const ok = async () => {
    calls++;
    return 'ok';
  };
  const boom = async () => {
    calls++;
    throw new Error('down');
  };
  return {
    breaker,
    ok,
    boom,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and then fails fast without calling the backend', async () => {
    const t = setup(3);
    for (let i = 0; i < 3; i++) await expect(t.breaker.run(t.boom)).rejects.toThrow('down');
    expect(t.breaker.state).toBe('open');

    const error = await t.breaker.run(t.ok).catch((e: unknown) => e);
    expect(t.calls()).toBe(3);
    expect(isModelError(error) && error.retryable).toBe(false);
    expect(error).toMatchObject({ details: { kind: 'circuit_open', consecutiveFailures: 3 } });
    expect((error as Error).message).toMatch(/test model is failing \(3 consecutive failures\).*1 s/);
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const t = setup(3);
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    await t.breaker.run(t.ok);
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    expect(t.breaker.state).toBe('closed');
    expect(t.breaker.consecutiveFailures).toBe(2);
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const t = setup(2, 1_000);
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    t.advance(999);
    await expect(t.breaker.run(t.ok)).rejects.toMatchObject({ details: { kind: 'circuit_open' } });
    t.advance(1);
    expect(t.breaker.state).toBe('half-open');

    await expect(t.breaker.run(t.ok)).resolves.toBe('ok');
    expect(t.breaker.state).toBe('closed');
    await expect(t.breaker.run(t.ok)).resolves.toBe('ok');
    expect(t.calls()).toBe(4);
  });

  it('admits a single probe at a time while half-open', async () => {
    const t = setup(1, 100);
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    t.advance(100);
    let release!: () => void;
    const probe = t.breaker.run(() => new Promise<string>((resolve) => (release = () => resolve('probed'))));
    await expect(t.breaker.run(t.ok)).rejects.toMatchObject({
      details: { kind: 'circuit_open', circuit: 'half-open' },
    });
    release();
    await expect(probe).resolves.toBe('probed');
    expect(t.breaker.state).toBe('closed');
  });

  it('re-opens with a fresh cool-down when the probe fails', async () => {
    const t = setup(2, 1_000);
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    t.advance(1_000);
    await expect(t.breaker.run(t.boom)).rejects.toThrow('down');
    expect(t.breaker.state).toBe('open');
    t.advance(500);
    await expect(t.breaker.run(t.ok)).rejects.toMatchObject({ details: { kind: 'circuit_open' } });
    expect(t.calls()).toBe(3);
  });

  it('does not count errors classified as ignore, and a half-open probe that is ignored leaves room for another', async () => {
    const t = setup(1, 100);
    const cancelled = () => t.breaker.run(t.boom, () => 'ignore');
    await expect(cancelled()).rejects.toThrow();
    await expect(cancelled()).rejects.toThrow();
    expect(t.breaker.state).toBe('closed');

    await expect(t.breaker.run(t.boom)).rejects.toThrow();
    t.advance(100);
    await expect(cancelled()).rejects.toThrow('down');
    expect(t.breaker.state).toBe('half-open');
    await expect(t.breaker.run(t.ok)).resolves.toBe('ok');
    expect(t.breaker.state).toBe('closed');
  });
});
