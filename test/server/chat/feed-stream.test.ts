import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { feedStream } from '../../../server/src/chat/event-stream.js';
import {
  FEED_START,
  type FeedFilter,
  type FeedPage,
  type FeedPosition,
  rawToEvent,
  visibleInSnapshot,
} from '../../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { SubscriberTooSlowError } from '../../../server/src/errors.js';
import { maskError } from '../../../server/src/graphql/errors.js';

/**
 * The feed's live path when the store commits one transaction at a time (PGlite): contiguous live
 * events pass without a read, anything else falls back to one. The store here is a committed log in id
 * order, as PGlite's is; `reads` counts its feed reads.
 */
class SerialLog {
  readonly serialCommits: boolean;
  readonly committed: BatonEvent[] = [];
  reads = 0;
  constructor(serial = true) {
    this.serialCommits = serial;
  }

  /** Commits an event with this id (tx = id: one transaction each) and returns it as the store would. */
  commit(id: number, type: 'MESSAGE' | 'TOOL_CALL' = 'MESSAGE', follows?: string): BatonEvent {
    const event = rawToEvent({
      id,
      conversation_id: '00000000-0000-4000-8000-000000000001',
      seq: id,
      run_id: null,
      task_id: null,
      agent_name: null,
      type,
      data: type === 'MESSAGE' ? { role: 'user', text: `m${id}` } : { name: 't', args: {} },
      created_at: new Date().toISOString(),
      tx: String(id),
      // As WRITTEN_EVENT_COLUMNS returns it on PostgreSQL: the last event before this transaction.
      ...(follows !== undefined && { follows }),
    });
    this.committed.push(event);
    this.committed.sort((a, b) => a.id! - b.id!);
    return event;
  }

  async feed(after: FeedPosition, filter: FeedFilter = {}, limit = 500): Promise<FeedPage> {
    this.reads++;
    const events = this.committed
      // (tx, id) after the position, as the real read compares; tx = id here. A live-started feed leaves
      // out what its snapshot saw committed.
      .filter((e) => e.id! > Number(after.tx) || (e.id! === Number(after.tx) && e.id! > after.id))
      .filter((e) => !after.before || !visibleInSnapshot(String(e.id), after.before))
      .filter((e) => !filter.types?.length || filter.types.includes(e.type))
      .slice(0, limit);
    const last = events.at(-1);
    return { events, position: last ? { tx: String(last.id), id: last.id!, before: after.before } : after };
  }
}

async function collect(stream: AsyncGenerator<BatonEvent>, n: number, out: number[]): Promise<void> {
  for await (const event of stream) {
    out.push(event.id!);
    if (out.length === n) return;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('feedStream with serial commits', () => {
  it('passes contiguous live events on without reading the store', async () => {
    const log = new SerialLog();
    const bus = new MemoryEventBus();
    bus.publish([log.commit(1)]);
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 12, got);
    await settle();
    bus.publish([log.commit(2)]);
    await settle();
    const readsBefore = log.reads;
    for (let id = 3; id <= 12; id++) bus.publish([log.commit(id)]);
    await done;
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(log.reads).toBe(readsBefore);
  });

  it('reads across a gap (a rolled-back id) and a reordered publish, with no duplicate', async () => {
    const log = new SerialLog();
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 6, got);
    await settle();
    bus.publish([log.commit(1)]);
    await settle();
    // id 2 was drawn by a transaction that rolled back: 3 is not contiguous and needs a read.
    bus.publish([log.commit(3)]);
    await settle();
    // 4 and 5 committed in that order, but 5 reached the bus first.
    const four = log.commit(4);
    bus.publish([log.commit(5)]);
    await settle();
    bus.publish([four]);
    bus.publish([log.commit(6), log.commit(7)]);
    await done;
    expect(got).toEqual([1, 3, 4, 5, 6, 7]);
  });

  it('a filtered-out event still moves the feed on, and resuming after any event loses nothing', async () => {
    const log = new SerialLog();
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const filter: FeedFilter = { types: ['MESSAGE'] };
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter, pollMs: 60_000 }), 4, got);
    await settle();
    bus.publish([log.commit(1)]);
    await settle();
    const readsBefore = log.reads;
    bus.publish([log.commit(2, 'TOOL_CALL'), log.commit(3), log.commit(4, 'TOOL_CALL'), log.commit(5)]);
    bus.publish([log.commit(6)]);
    await done;
    expect(got).toEqual([1, 3, 5, 6]);
    expect(log.reads).toBe(readsBefore);
    const rest: number[] = [];
    await collect(feedStream({ store: log, bus, after: { tx: '3', id: 3 }, filter, pollMs: 60_000 }), 2, rest);
    expect(rest).toEqual([5, 6]);
  });

  it('without serial commits every live event is read from the store', async () => {
    const log = new SerialLog(false);
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 3, got);
    await settle();
    const readsBefore = log.reads;
    for (let id = 1; id <= 3; id++) {
      bus.publish([log.commit(id)]);
      await settle();
    }
    await done;
    expect(got).toEqual([1, 2, 3]);
    expect(log.reads - readsBefore).toBeGreaterThanOrEqual(3);
  });
});

describe('feedStream on PostgreSQL (a write tells what it follows)', () => {
  it('passes a live event on without a read when the feed has passed the event its write follows', async () => {
    const log = new SerialLog(false);
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 6, got);
    await settle();
    bus.publish([log.commit(1, 'MESSAGE', '')]);
    await settle();
    const readsBefore = log.reads;
    for (let id = 2; id <= 6; id++) bus.publish([log.commit(id, 'MESSAGE', `${id - 1}:${id - 1}`)]);
    await done;
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.reads).toBe(readsBefore);
  });

  it('reads once when it starts on a quiet log: only a live event the read missed is looked for again', async () => {
    const log = new SerialLog(false);
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 1, got);
    // A miss after a wake-up is looked at again (1, 2, 4, 8, 16 ms); the start is no wake-up. Five more reads
    // of an empty log here once landed among a caller's own count.
    await new Promise((r) => setTimeout(r, 100));
    expect(log.reads).toBe(1);
    bus.publish([log.commit(1, 'MESSAGE', '')]);
    await done;
    expect(got).toEqual([1]);
  });

  it('reads when an event follows one the feed has not passed yet, and keeps the order', async () => {
    const log = new SerialLog(false);
    const bus = new MemoryEventBus();
    const got: number[] = [];
    const done = collect(feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000 }), 4, got);
    await settle();
    bus.publish([log.commit(1, 'MESSAGE', '')]);
    await settle();
    // 2 was committed (by another replica, say) but has not reached this bus: 3 follows it.
    const two = log.commit(2, 'MESSAGE', '1:1');
    const readsBefore = log.reads;
    bus.publish([log.commit(3, 'MESSAGE', '2:2')]);
    await settle();
    expect(log.reads).toBeGreaterThan(readsBefore);
    bus.publish([two, log.commit(4, 'MESSAGE', '3:3')]);
    await done;
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('a feed started live reads an event its snapshot saw committed, instead of passing it on', async () => {
    expect(visibleInSnapshot('5', '10:20:')).toBe(true);
    expect(visibleInSnapshot('14', '10:20:12,15')).toBe(true);
    expect(visibleInSnapshot('15', '10:20:12,15')).toBe(false);
    expect(visibleInSnapshot('20', '10:20:')).toBe(false);
    const log = new SerialLog(false);
    const bus = new MemoryEventBus();
    const got: number[] = [];
    // The feed's snapshot saw transaction 3 committed (it is left out); 4 and 5 were still to come.
    const start: FeedPosition = { tx: '3', id: 0, before: '3:4:' };
    log.commit(3, 'MESSAGE', '');
    const done = collect(feedStream({ store: log, bus, after: start, filter: {}, pollMs: 60_000 }), 2, got);
    await settle();
    bus.publish([log.committed[0]!]);
    bus.publish([log.commit(4, 'MESSAGE', '3:3'), log.commit(5, 'MESSAGE', '4:4')]);
    await done;
    expect(got).toEqual([4, 5]);
  });
});

describe('a subscriber that reads more slowly than its events come', () => {
  it('is cut off with SUBSCRIBER_TOO_SLOW, a typed error clients see, and resumes from its last event losing nothing', async () => {
    const log = new SerialLog();
    const bus = new MemoryEventBus();
    const stream = feedStream({ store: log, bus, after: FEED_START, filter: {}, pollMs: 60_000, maxBuffered: 5 });
    const first = stream.next();
    await settle();
    bus.publish([log.commit(1)]);
    expect((await first).value?.id).toBe(1);
    // The subscriber stops reading while twenty more come.
    for (let id = 2; id <= 21; id++) bus.publish([log.commit(id)]);
    const err = await stream.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SubscriberTooSlowError);
    // As a GraphQL client gets it: the code, not INTERNAL_SERVER_ERROR (the class was no BatonError, and was masked).
    const masked = maskError(err, 'Unexpected error.', false, () => {
      throw new Error('logged as unexpected');
    }) as GraphQLError;
    expect(masked.extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
    // Resubscribing after the last event it got delivers the rest, in order, once.
    const rest: number[] = [];
    await collect(feedStream({ store: log, bus, after: { tx: '1', id: 1 }, filter: {}, pollMs: 60_000 }), 20, rest);
    expect(rest).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });
});
