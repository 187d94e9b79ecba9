import { describe, expect, it } from 'vitest';
import { feedStream, MAX_BUFFERED } from '../../../server/src/chat/event-stream.js';
import { eventBytes, type FeedBufferLimits, FeedBuffers } from '../../../server/src/chat/feed-buffers.js';
import { loadConfig } from '../../../server/src/config.js';
import { FEED_START } from '../../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { SubscriberTooSlowError } from '../../../server/src/errors.js';
import { CommittedLog } from '../../fakes/committed-log.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp } from '../../helpers/test-app.js';

const KB = 1_024;
const settle = () => new Promise((r) => setTimeout(r, 20));
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The error the stream's next read ends with (undefined: it delivered an event instead). */
async function nextError(stream: AsyncGenerator<BatonEvent>): Promise<unknown> {
  return stream.next().then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Reads `n` events of a stream; their ids. */
async function take(stream: AsyncGenerator<BatonEvent>, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const { value, done } = await stream.next();
    if (done) break;
    out.push(value.id!);
  }
  return out;
}

describe('what a stalled eventFeed may buffer', () => {
  const limits = (over: Partial<FeedBufferLimits>): FeedBufferLimits => ({
    maxEvents: MAX_BUFFERED,
    maxBytes: 1_024 * KB,
    maxBytesPerKey: 1_024 * KB,
    ...over,
  });

  it('a feed is cut off by bytes long before its count, and resumes from its cursor losing nothing', async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    const buffers = new FeedBuffers(limits({ maxBytes: 64 * KB }));
    const stream = feedStream({
      store: log,
      bus,
      after: FEED_START,
      filter: {},
      pollMs: 60_000,
      buffers: buffers.for({ kind: 'key', role: 'integrator', keyId: 'k', name: 'k' }),
    });
    const first = stream.next();
    await settle();
    bus.publish([log.commit()]);
    expect((await first).value?.id).toBe(1);
    // Its reader stops while 100 events of 2 KB come: 200 KB, far below 20,000 events.
    for (const _ of ids(2, 101)) bus.publish([log.commit()]);
    expect(await nextError(stream)).toBeInstanceOf(SubscriberTooSlowError);
    // It let go of its share of the key's budget.
    expect(buffers.credentials).toBe(0);
    const rest = feedStream({ store: log, bus, after: { tx: '1', id: 1 }, filter: {}, pollMs: 60_000 });
    expect(await take(rest, 100)).toEqual(ids(2, 101));
    await rest.return(undefined);
  });

  it("one key's stalled feeds share a budget: the one furthest behind ends, its others and other keys' go on", async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    // Each feed may hold 1 MB, each key 400 KB in all.
    const buffers = new FeedBuffers(limits({ maxBytesPerKey: 400 * KB }));
    const key = (keyId: string) => buffers.for({ kind: 'key', role: 'integrator', keyId, name: keyId });
    const open = (keyId: string) =>
      feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000, buffers: key(keyId) });
    const behind = open('a');
    const keepingUp = open('a');
    const otherKey = open('b');
    const firsts = [behind.next(), keepingUp.next(), otherKey.next()];
    await settle();
    bus.publish([log.commit()]);
    expect((await Promise.all(firsts)).map((r) => r.value?.id)).toEqual([1, 1, 1]);

    // `behind` and `otherKey` stop reading; `keepingUp` reads 100 events (2.3 KB each) as they come, then stops too.
    for (const id of ids(2, 101)) {
      bus.publish([log.commit()]);
      expect((await keepingUp.next()).value?.id).toBe(id);
    }
    // 60 more: key a's two feeds would hold about 370 + 140 KB, over its 400 KB; key b's one holds 370 KB.
    for (const _ of ids(102, 161)) bus.publish([log.commit()]);

    expect(await nextError(behind)).toBeInstanceOf(SubscriberTooSlowError);
    expect(await take(keepingUp, 60)).toEqual(ids(102, 161));
    expect(await take(otherKey, 160)).toEqual(ids(2, 161));
    await keepingUp.return(undefined);
    await otherKey.return(undefined);
    expect(buffers.credentials).toBe(0);
  });

  it('one event bigger than a feed may hold still reaches a reader that keeps up', async () => {
    const log = new CommittedLog();
    const bus = new MemoryEventBus();
    const buffers = new FeedBuffers(limits({ maxBytes: 64 * KB, maxBytesPerKey: 64 * KB }));
    const stream = feedStream({
      store: log,
      bus,
      after: FEED_START,
      filter: {},
      pollMs: 60_000,
      buffers: buffers.account('anonymous'),
    });
    const first = stream.next();
    await settle();
    const big = log.commit({ kb: 200 });
    expect(eventBytes(big)).toBeGreaterThan(200 * KB);
    bus.publish([big]);
    expect((await first).value?.id).toBe(1);
    await stream.return(undefined);
  });

  it('the limits are settings, with defaults', () => {
    expect(loadConfig({}).feedBuffers).toEqual({ maxBytes: 8 * KB * KB, maxBytesPerKey: 16 * KB * KB });
    expect(
      loadConfig({ FEED_BUFFER_MAX_BYTES: '1048576', FEED_BUFFER_MAX_BYTES_PER_KEY: '2097152' }).feedBuffers,
    ).toEqual({ maxBytes: KB * KB, maxBytesPerKey: 2 * KB * KB });
    expect(() => loadConfig({ FEED_BUFFER_MAX_BYTES: '100' })).toThrow(/FEED_BUFFER_MAX_BYTES/);
  });
});

describe('eventFeed subscriptions', () => {
  /** Polls until `check` holds (false after 5 s). */
  const until = async (check: () => boolean) => {
    for (const deadline = Date.now() + 5_000; !check() && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 20));
    return check();
  };

  it("buffer on their API key's budget, with the configured limits", async () => {
    const t = await createTestApp({ env: { AUTH_MODE: 'keys', FEED_BUFFER_MAX_BYTES_PER_KEY: '1048576' } });
    try {
      const { feedBuffers, apiKeys } = t.app.services;
      expect(feedBuffers.limits).toEqual({ maxEvents: MAX_BUFFERED, maxBytes: 8 * KB * KB, maxBytesPerKey: KB * KB });
      const url = (await t.app.start(0, '127.0.0.1')).url;
      const keys = [(await apiKeys.create('one', 'integrator')).key, (await apiKeys.create('two', 'integrator')).key];
      const feeds = [keys[0]!, keys[0]!, keys[1]!].map((key) =>
        subscribe('ws', url, 'subscription { eventFeed { id } }', {}, (d) => d.eventFeed, key),
      );
      // Two keys, two budgets: the first key's two feeds share one.
      expect(await until(() => feedBuffers.credentials === 2)).toBe(true);
      for (const feed of feeds) feed.stop();
    } finally {
      await t.close();
    }
  });
});
