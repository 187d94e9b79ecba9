import { describe, expect, it } from 'vitest';
import { conversationStream, feedStream, MAX_BUFFERED } from '../../../server/src/chat/event-stream.js';
import {
  eventBytes,
  type FeedBufferAccount,
  type FeedBufferLimits,
  FeedBuffers,
  SharedBufferBudget,
} from '../../../server/src/chat/feed-buffers.js';
import { FEED_START } from '../../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { SubscriberTooSlowError } from '../../../server/src/errors.js';
import { CONVERSATION_ID, CommittedLog, delta } from '../../fakes/committed-log.js';

const KB = 1_024;
const settle = () => new Promise((r) => setTimeout(r, 20));
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const limits = (over: Partial<FeedBufferLimits>): FeedBufferLimits => ({
  maxEvents: MAX_BUFFERED,
  maxBytes: 1_024 * KB,
  maxBytesPerKey: 1_024 * KB,
  ...over,
});
const key = { kind: 'key', role: 'integrator', keyId: 'k', name: 'k' } as const;

/** The error the stream's next read ends with (undefined: it delivered an event instead). */
async function nextError(stream: AsyncGenerator<BatonEvent>): Promise<unknown> {
  return stream.next().then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Reads `n` events of a stream (fewer if it ends). */
async function take(stream: AsyncGenerator<BatonEvent>, n: number): Promise<BatonEvent[]> {
  const out: BatonEvent[] = [];
  while (out.length < n) {
    const { value, done } = await stream.next();
    if (done) break;
    out.push(value);
  }
  return out;
}

/** An account on a budget the test can look at. */
function observed(over: Partial<FeedBufferLimits>): { account: FeedBufferAccount; budget: SharedBufferBudget } {
  const budget = new SharedBufferBudget(limits(over).maxBytesPerKey, () => {});
  return { budget, account: { limits: limits(over), join: (member) => ({ budget, leave: budget.join(member) }) } };
}

function conversation(log: CommittedLog, bus: MemoryEventBus, afterSeq: number, buffers?: FeedBufferAccount) {
  return conversationStream({
    store: log,
    bus,
    conversationId: CONVERSATION_ID,
    afterSeq,
    includeTransient: true,
    buffers,
  });
}

describe('what a stalled conversationEvents stream may buffer', () => {
  it('is cut off by bytes long before its count, and resumes from its cursor with no gap and no duplicate', async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    const buffers = new FeedBuffers(limits({ maxBytes: 64 * KB }));
    const stream = conversation(log, bus, 0, buffers.for(key));
    const first = stream.next();
    await settle();
    bus.publish([log.commit()]);
    expect((await first).value?.id).toBe(1);
    // Its reader stops while 100 events of 2 KB come: 200 KB, far below 20,000 events.
    for (const _ of ids(2, 101)) bus.publish([log.commit()]);
    expect(await nextError(stream)).toBeInstanceOf(SubscriberTooSlowError);
    expect(buffers.credentials).toBe(0);
    const rest = conversation(log, bus, 1, buffers.for(key));
    expect((await take(rest, 100)).map((e) => e.id)).toEqual(ids(2, 101));
    await rest.return(undefined);
  });

  it("shares its key's budget with the key's eventFeeds: the one furthest behind ends, the others go on", async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    // Each stream may hold 1 MB, the key 400 KB in all.
    const buffers = new FeedBuffers(limits({ maxBytesPerKey: 400 * KB }));
    const behind = conversation(log, bus, 0, buffers.for(key));
    const feed = feedStream({
      store: log,
      bus,
      after: FEED_START,
      filter: {},
      pollMs: 60_000,
      buffers: buffers.for(key),
    });
    const firsts = [behind.next(), feed.next()];
    await settle();
    bus.publish([log.commit()]);
    expect((await Promise.all(firsts)).map((r) => r.value?.id)).toEqual([1, 1]);
    // The conversation's reader stops; the feed's reads 100 events (2.3 KB each) as they come, then stops too.
    for (const id of ids(2, 101)) {
      bus.publish([log.commit()]);
      expect((await feed.next()).value?.id).toBe(id);
    }
    // 60 more: the key's two streams would hold about 370 + 140 KB, over its 400 KB.
    for (const _ of ids(102, 161)) bus.publish([log.commit()]);
    expect(await nextError(behind)).toBeInstanceOf(SubscriberTooSlowError);
    expect((await take(feed, 60)).map((e) => e.id)).toEqual(ids(102, 161));
    await feed.return(undefined);
    expect(buffers.credentials).toBe(0);
  });

  it('drops the deltas it has no room for, with the rest of their task, instead of ending', async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    const buffers = new FeedBuffers(limits({ maxBytes: 64 * KB }));
    const stream = conversation(log, bus, 0, buffers.for(key));
    const first = stream.next();
    await settle();
    bus.publish([log.commit({ kb: 1, runId: 'r', taskId: 't1' })]);
    expect((await first).value?.id).toBe(1);
    // The reader stops while 40 deltas of 2 KB of task t1 stream: 80 KB, more than the stream holds.
    const chunk = (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(2 * KB)}`;
    for (const i of ids(1, 40)) bus.publish([delta('r', 't1', chunk(i))]);
    // What 64 KB holds of them: a prefix of the task's text, its first deltas in order.
    const fit = Math.floor((64 * KB) / eventBytes(delta('r', 't1', chunk(1))));
    expect(fit).toBeLessThan(40);
    const held = await take(stream, fit);
    expect(held.map((e) => e.data)).toEqual(ids(1, fit).map((i) => ({ delta: chunk(i) })));
    // Room again, but the task's text goes on without a gap only in its MESSAGE: no more of its deltas.
    bus.publish([delta('r', 't1', chunk(41))]);
    bus.publish([log.commit({ runId: 'r', taskId: 't1' })]);
    expect((await take(stream, 1)).map((e) => e.id)).toEqual([2]);
    // Once the task ended, the next task streams again.
    bus.publish([log.commit({ type: 'TASK_COMPLETED', runId: 'r', taskId: 't1' })]);
    bus.publish([delta('r', 't2', 'next')]);
    expect((await take(stream, 2)).map((e) => e.id ?? e.type)).toEqual([3, 'MESSAGE_DELTA']);
    await stream.return(undefined);
  });
});

describe('a replay page read from the store', () => {
  it("counts against a conversation stream's bytes and its key's budget, and is read on after what it held", async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    // 100 stored events of 20 KB: 2 MB in one page of 500 before.
    for (const _ of ids(1, 100)) log.commit({ kb: 20 });
    const { account, budget } = observed({ maxBytes: 128 * KB });
    const stream = conversation(log, bus, 0, account);
    expect((await stream.next()).value?.id).toBe(1);
    // The reader stopped after one: the page it holds is in its budget, and no bigger than the stream may hold.
    expect(budget.bytes).toBeGreaterThan(64 * KB);
    expect(budget.bytes).toBeLessThanOrEqual(128 * KB);
    expect((await take(stream, 99)).map((e) => e.id)).toEqual(ids(2, 100));
    await stream.return(undefined);
    expect(budget.bytes).toBe(0);
  });

  it("counts against an eventFeed's bytes and its key's budget, and is read on after what it held", async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    for (const _ of ids(1, 100)) log.commit({ kb: 20 });
    const { account, budget } = observed({ maxBytes: 128 * KB });
    const feed = feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000, buffers: account });
    expect((await feed.next()).value?.id).toBe(1);
    expect(budget.bytes).toBeGreaterThan(64 * KB);
    expect(budget.bytes).toBeLessThanOrEqual(128 * KB);
    expect((await take(feed, 99)).map((e) => e.id)).toEqual(ids(2, 100));
    // Then live, after the last one.
    const next = feed.next();
    await settle();
    bus.publish([log.commit()]);
    expect((await next).value?.id).toBe(101);
    await feed.return(undefined);
    expect(budget.bytes).toBe(0);
  });
});
