import { describe, expect, it } from 'vitest';
import { PrincipalSlots, runPrincipal } from '../../../server/src/chat/principal-slots.js';

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    fn: async () => {
      log.push(name);
      await done;
    },
    release,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PrincipalSlots', () => {
  it('runs at most N per principal, the rest in order, and never holds up another principal', async () => {
    const slots = new PrincipalSlots(1);
    const log: string[] = [];
    const never = new AbortController().signal;
    const [a1, a2, a3, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'a3'), gate(log, 'b1')];
    const runs = [
      slots.run('key:a', never, a1.fn),
      slots.run('key:a', never, a2.fn),
      slots.run('key:a', never, a3.fn),
      slots.run('key:b', never, b1.fn),
    ];
    await tick();
    expect(log).toEqual(['a1', 'b1']);
    expect(slots.queued).toBe(2);
    a1.release();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2']);
    a2.release();
    a3.release();
    b1.release();
    await Promise.all(runs);
    expect(log).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(slots.queued).toBe(0);
  });

  it('starts a waiting run at once when it is aborted (so it records how it ended), and frees its place', async () => {
    const slots = new PrincipalSlots(1);
    const log: string[] = [];
    const first = gate(log, 'first');
    const cancelled = new AbortController();
    const running = slots.run('key:a', new AbortController().signal, first.fn);
    const waiting = slots.run('key:a', cancelled.signal, async () => void log.push('cancelled'));
    await tick();
    expect(log).toEqual(['first']);
    cancelled.abort();
    await waiting;
    expect(log).toEqual(['first', 'cancelled']);
    expect(slots.queued).toBe(0);
    first.release();
    await running;
  });

  it('names the principal: the key, the conversation token, or the conversation without credentials', () => {
    expect(runPrincipal({ kind: 'key', role: 'integrator', keyId: 'k1', name: 'x' }, 'c1')).toBe('key:k1');
    expect(runPrincipal({ kind: 'conversation', conversationId: 'c2' }, 'c2')).toBe('conversation:c2');
    expect(runPrincipal({ kind: 'anonymous', devAdmin: true }, 'c3')).toBe('conversation:c3');
  });
});
