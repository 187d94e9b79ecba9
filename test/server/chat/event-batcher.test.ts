import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../../server/src/chat/event-batcher.js';
import type { RunPatch } from '../../../server/src/db/run-repository.js';
import type { BatonEvent, NewEvent } from '../../../server/src/domain/events.js';

const conversationId = '00000000-0000-4000-8000-000000000001';
const runId = '00000000-0000-4000-8000-0000000000aa';
const msg = (text: string): NewEvent => ({
  type: 'MESSAGE',
  conversationId,
  runId,
  data: { role: 'assistant', text },
});
const text = (e: { data: unknown }) => (e.data as { text: string }).text;

/**
 * A write function that records each batch and stores it with increasing ids after `delayMs`. With `holdFirst`, the
 * first write stays in flight until `finishFirst()`: a test that needs a write in flight gets one whatever the
 * machine's load, instead of racing a timer.
 */
function recordingWriter(options: { delayMs?: number; failOn?: number; holdFirst?: boolean } = {}) {
  const writes: { texts: string[]; patch?: Omit<RunPatch, 'id'> }[] = [];
  let nextId = 1;
  let finishFirst: () => void = () => {};
  const firstHeld = options.holdFirst ? new Promise<void>((r) => (finishFirst = r)) : undefined;
  const write = async (events: NewEvent[], patch?: Omit<RunPatch, 'id'>): Promise<BatonEvent[]> => {
    const index = writes.push({ texts: events.map(text), patch }) - 1;
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    if (index === 0) await firstHeld;
    if (index === options.failOn) throw new Error('database unavailable');
    return events.map((e) => ({ ...e, id: nextId++, createdAt: new Date() }) as BatonEvent);
  };
  /** Resolves once the first write has started. */
  const firstStarted = async () => {
    while (writes.length === 0) await new Promise((r) => setImmediate(r));
  };
  return { writes, write, finishFirst: () => finishFirst(), firstStarted };
}

const loopTurn = () => new Promise((r) => setImmediate(r));

describe('EventBatcher', () => {
  it('writes everything appended in one turn of the event loop as one batch, in append order', async () => {
    const { writes, write } = recordingWriter();
    const batcher = new EventBatcher(write);
    const [a, b, c] = await Promise.all([
      batcher.append([msg('a'), msg('b')]),
      batcher.append([msg('c')]),
      // A few promise hops later, as a concurrent task would be.
      Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => batcher.append([msg('d')])),
    ]);
    expect(writes.map((w) => w.texts)).toEqual([['a', 'b', 'c', 'd']]);
    // Each caller gets its own events back, with the ids the write gave them.
    expect(a!.map((e) => [e.id, text(e)])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(b!.map((e) => [e.id, text(e)])).toEqual([[3, 'c']]);
    expect(c!.map((e) => [e.id, text(e)])).toEqual([[4, 'd']]);
  });

  it('never overlaps writes: appends made while one is in flight go out together in the next', async () => {
    const { writes, write, finishFirst, firstStarted } = recordingWriter({ holdFirst: true });
    const batcher = new EventBatcher(write);
    const first = batcher.append([msg('a')]);
    await firstStarted();
    const later = [batcher.append([msg('b')]), batcher.append([msg('c')])];
    await loopTurn();
    await loopTurn();
    const last = batcher.append([msg('d')]);
    finishFirst();
    const stored = (await Promise.all([first, ...later, last])).flat();
    expect(writes.map((w) => w.texts)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(stored.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('sends the next batch to the database before it publishes the one just written', async () => {
    const log: string[] = [];
    const { write, finishFirst, firstStarted } = recordingWriter({ holdFirst: true });
    const batcher = new EventBatcher(
      async (events, patch) => {
        log.push(`write ${events.map(text).join('')}`);
        return write(events, patch);
      },
      async (stored) => {
        log.push(`publish ${stored.map(text).join('')}`);
      },
    );
    const first = batcher.append([msg('a')]).then(() => log.push('resolved a'));
    await firstStarted();
    const second = batcher.append([msg('b')]).then(() => log.push('resolved b'));
    finishFirst();
    await Promise.all([first, second]);
    expect(log).toEqual(['write a', 'write b', 'publish a', 'resolved a', 'publish b', 'resolved b']);
  });

  it('merges run patches field by field, later ones winning', async () => {
    const { writes, write } = recordingWriter();
    const batcher = new EventBatcher(write);
    await Promise.all([
      batcher.append([msg('a')], { completedTaskIds: ['t1'] }),
      batcher.append([msg('b')]),
      batcher.append([msg('c')], { completedTaskIds: ['t1', 't2'], status: 'COMPLETED', finished: true }),
    ]);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.patch).toEqual({ completedTaskIds: ['t1', 't2'], status: 'COMPLETED', finished: true });
  });

  it('after a failed write, every later append fails too, so nothing is stored out of order', async () => {
    const { writes, write, finishFirst, firstStarted } = recordingWriter({ holdFirst: true, failOn: 0 });
    const batcher = new EventBatcher(write);
    const failed = batcher.append([msg('a')]);
    await firstStarted();
    const queued = batcher.append([msg('b')]);
    finishFirst();
    await expect(failed).rejects.toThrow('database unavailable');
    await expect(queued).rejects.toThrow('database unavailable');
    await expect(batcher.append([msg('c')])).rejects.toThrow('database unavailable');
    expect(writes.map((w) => w.texts)).toEqual([['a']]);
  });

  it('publishAfter runs after the events appended before it are published, in call order, however slow their write', async () => {
    const { write } = recordingWriter({ delayMs: 30 });
    const published: string[] = [];
    const batcher = new EventBatcher(write, (stored) => {
      published.push(...stored.map(text));
    });
    const first = batcher.append([msg('status')]);
    batcher.publishAfter(() => published.push('delta 1'));
    batcher.publishAfter(() => {
      throw new Error('a failed transient publish');
    });
    batcher.publishAfter(() => published.push('delta 2'));
    await first;
    const second = batcher.append([msg('answer')]);
    batcher.publishAfter(() => published.push('delta 3'));
    await second;
    await batcher.settled();
    await new Promise((r) => setImmediate(r));
    expect(published).toEqual(['status', 'delta 1', 'delta 2', 'answer', 'delta 3']);
    // With nothing in flight it still keeps its turn after earlier calls, and runs at once (no write to wait for).
    batcher.publishAfter(() => published.push('delta 4'));
    await new Promise((r) => setImmediate(r));
    expect(published.at(-1)).toBe('delta 4');
  });

  it('publishAfter keeps its place when later appends join the same batch or the next one', async () => {
    const { writes, write } = recordingWriter({ delayMs: 20 });
    const published: string[] = [];
    const batcher = new EventBatcher(write, (stored) => {
      published.push(...stored.map(text));
    });
    // One batch: an append, the deltas, the next append, all in one turn of the loop.
    const a = batcher.append([msg('tool call')]);
    batcher.publishAfter(() => published.push('delta 1'));
    const b = batcher.append([msg('answer 1')]);
    await Promise.all([a, b]);
    // A write in flight, then the deltas, then an append that goes out in the next write.
    const c = batcher.append([msg('status')]);
    await new Promise((r) => setImmediate(r)); // the write of 'status' has started
    batcher.publishAfter(() => published.push('delta 2'));
    const d = batcher.append([msg('answer 2')]);
    await Promise.all([c, d]);
    expect(writes.map((w) => w.texts)).toEqual([['tool call', 'answer 1'], ['status'], ['answer 2']]);
    expect(published).toEqual(['tool call', 'delta 1', 'answer 1', 'status', 'delta 2', 'answer 2']);
  });

  it('settled() waits for every append so far, written or failed', async () => {
    const { write } = recordingWriter({ delayMs: 15 });
    const batcher = new EventBatcher(write);
    let done = 0;
    void batcher.append([msg('a')]).then(() => done++);
    void batcher.append([msg('b')]).then(() => done++);
    await batcher.settled();
    expect(done).toBe(2);
    await batcher.settled(); // nothing outstanding: resolves at once
  });
});
