import { describe, expect, it } from 'vitest';
import { GiveWay, PrincipalSlots, runPrincipal } from '../../../server/src/chat/principal-slots.js';

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

/** Whether a promise has settled, read at any time. */
function settled(p: Promise<unknown>): () => boolean {
  let done = false;
  void p.then(() => {
    done = true;
  });
  return () => done;
}

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
    expect(runPrincipal({ kind: 'key', role: 'integrator', keyId: 'k1', name: 'x' }, 'c1')).toEqual({ id: 'key:k1' });
    expect(runPrincipal({ kind: 'key', role: 'integrator', keyId: 'k1', name: 'x', runsAtOnce: 8 }, 'c1')).toEqual({
      id: 'key:k1',
      runsAtOnce: 8,
    });
    expect(runPrincipal({ kind: 'conversation', conversationId: 'c2' }, 'c2')).toEqual({ id: 'conversation:c2' });
    expect(runPrincipal({ kind: 'anonymous', devAdmin: true }, 'c3')).toEqual({ id: 'conversation:c3' });
  });

  it("takes a principal's own limit instead of the default, and a raised limit lets the waiting go in order", async () => {
    const slots = new PrincipalSlots(1);
    const log: string[] = [];
    const never = new AbortController().signal;
    const [a1, a2, a3, a4, a5, b1, b2] = ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2'].map((name) => gate(log, name));
    // key:a has a limit of its own (2); key:b takes the default (1).
    const runs = [
      slots.run('key:a', never, a1!.fn, 2),
      slots.run('key:a', never, a2!.fn, 2),
      slots.run('key:a', never, a3!.fn, 2),
      slots.run('key:b', never, b1!.fn),
      slots.run('key:b', never, b2!.fn),
    ];
    await tick();
    expect(log).toEqual(['a1', 'a2', 'b1']);
    expect(slots.queued).toBe(2);

    // The key's limit raised to 3 (a request verified after `baton keys set`): a3 waited first and goes first.
    runs.push(slots.run('key:a', never, a4!.fn, 3));
    await tick();
    expect(log).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(slots.inProgress('key:a')).toBe(3);

    expect(slots.queued).toBe(2); // a4, b2

    // Lowered to 1 while three run: nothing more of key:a starts until all three have ended.
    runs.push(slots.run('key:a', never, a5!.fn, 1));
    a1!.release();
    a2!.release();
    await tick();
    expect(log).toEqual(['a1', 'a2', 'b1', 'a3']);
    a3!.release();
    await tick();
    expect(log).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    a4!.release();
    await tick();
    expect(log).toEqual(['a1', 'a2', 'b1', 'a3', 'a4', 'a5']);
    // key:b kept the default all along.
    b1!.release();
    await tick();
    expect(log.at(-1)).toBe('b2');
    a5!.release();
    b2!.release();
    await Promise.all(runs);
  });
});

describe('GiveWay', () => {
  const never = new AbortController().signal;

  it('holds the steps of a principal with a backlog while another principal’s work goes on, until it ends', async () => {
    const runs = new PrincipalSlots(1);
    const intake = new PrincipalSlots(1);
    const giveWay = new GiveWay([runs, intake], 10_000);
    const log: string[] = [];
    // The key has a run executing and another waiting: a backlog.
    const [k1, k2] = [gate(log, 'k1'), gate(log, 'k2')];
    const keyRuns = [runs.run('key:flood', never, k1.fn), runs.run('key:flood', never, k2.fn)];
    // Alone, it goes on at once.
    expect(giveWay.wait('key:flood')).toBeUndefined();
    // A shopper's message is being stored: the key's next step waits for it.
    const shopper = gate(log, 'shopper');
    const stored = intake.run('conversation:c1', never, shopper.fn);
    await tick();
    const held = giveWay.wait('key:flood');
    expect(held).toBeInstanceOf(Promise);
    const went = settled(held!);
    // The shopper's run never waits, backlog or not of others.
    expect(giveWay.wait('conversation:c1')).toBeUndefined();
    await tick();
    expect(went()).toBe(false);
    shopper.release();
    await stored;
    await tick();
    expect(went()).toBe(true);
    k1.release();
    k2.release();
    await Promise.all(keyRuns);
  });

  it('keeps holding across a handover: the shopper’s stored message starting its run in the same tick', async () => {
    const runs = new PrincipalSlots(1);
    const intake = new PrincipalSlots(1);
    const giveWay = new GiveWay([runs, intake], 10_000);
    const log: string[] = [];
    const [k1, k2] = [gate(log, 'k1'), gate(log, 'k2')];
    const keyRuns = [runs.run('key:flood', never, k1.fn), runs.run('key:flood', never, k2.fn)];
    const storing = gate(log, 'storing');
    const turn = gate(log, 'turn');
    // As RunManager.submit does: once the message is stored (intake), its run takes a run slot.
    const shopper = intake
      .run('conversation:c1', never, storing.fn)
      .then(() => runs.run('conversation:c1', never, turn.fn));
    await tick();
    const went = settled(giveWay.wait('key:flood')!);
    storing.release();
    await tick();
    await tick();
    expect(log).toContain('turn');
    expect(went()).toBe(false);
    turn.release();
    await shopper;
    await tick();
    expect(went()).toBe(true);
    k1.release();
    k2.release();
    await Promise.all(keyRuns);
  });

  it('holds the steps of a principal with several runs in progress, backlog or not, while a one-run principal’s work goes on', async () => {
    const runs = new PrincipalSlots(16);
    const giveWay = new GiveWay([runs], 10_000);
    const log: string[] = [];
    // A backend's key runs two shoppers' turns side by side, nothing waiting behind them.
    const [k1, k2, shopper, other] = [gate(log, 'k1'), gate(log, 'k2'), gate(log, 'shopper'), gate(log, 'other')];
    const all = [runs.run('key:backend', never, k1.fn), runs.run('key:backend', never, k2.fn)];
    await tick();
    expect(runs.queued).toBe(0);
    // Alone, it goes on at once.
    expect(giveWay.wait('key:backend')).toBeUndefined();
    all.push(runs.run('conversation:c1', never, shopper.fn));
    await tick();
    const went = settled(giveWay.wait('key:backend')!);
    // The shopper's one run never waits for the key's two.
    expect(giveWay.wait('conversation:c1')).toBeUndefined();
    // Another one-run principal does not wait for the shopper either: both are light.
    all.push(runs.run('key:small', never, other.fn));
    await tick();
    expect(giveWay.wait('key:small')).toBeUndefined();
    other.release();
    shopper.release();
    await tick();
    await tick();
    expect(went()).toBe(true);
    k1.release();
    k2.release();
    await Promise.all(all);
  });

  it('does not hold a principal without a backlog, nor for others that have one', async () => {
    const runs = new PrincipalSlots(1);
    const giveWay = new GiveWay([runs], 10_000);
    const log: string[] = [];
    const [a1, a2, b1, b2] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1'), gate(log, 'b2')];
    const all = [runs.run('key:a', never, a1.fn), runs.run('key:b', never, b1.fn)];
    await tick();
    // Both busy, neither backlogged: nobody waits.
    expect(giveWay.wait('key:a')).toBeUndefined();
    all.push(runs.run('key:a', never, a2.fn), runs.run('key:b', never, b2.fn));
    // Both backlogged: neither gives way to the other.
    expect(giveWay.wait('key:a')).toBeUndefined();
    expect(giveWay.wait('key:b')).toBeUndefined();
    for (const g of [a1, a2, b1, b2]) g.release();
    await Promise.all(all);
  });

  it('holds a step for at most its bound, so a busy server slows a backlog and never starves it', async () => {
    const runs = new PrincipalSlots(1);
    const giveWay = new GiveWay([runs], 30);
    const log: string[] = [];
    const [k1, k2, other] = [gate(log, 'k1'), gate(log, 'k2'), gate(log, 'other')];
    const all = [
      runs.run('key:flood', never, k1.fn),
      runs.run('key:flood', never, k2.fn),
      runs.run('conversation:c1', never, other.fn),
    ];
    await tick();
    const started = performance.now();
    await giveWay.wait('key:flood');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(1_000);
    for (const g of [k1, k2, other]) g.release();
    await Promise.all(all);
  });
});
