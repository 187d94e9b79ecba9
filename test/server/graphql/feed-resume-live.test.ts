import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { EventStore } from '../../../server/src/db/event-store.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

const KB = 1_024;
const query = 'subscription($after: ID) { eventFeed(types: [MESSAGE], after: $after) { id conversationId } }';

/**
 * Holds the feeds' reads of the store (those with a type filter; the PostgreSQL bus reads unfiltered) while asked:
 * events stored meanwhile reach a feed only live, through the bus, as they do when the database is slow to answer.
 */
function gateFeedReads(store: EventStore) {
  const read = store.feed.bind(store);
  let held = false;
  let gate = Promise.resolve();
  let open = () => {};
  let reading = 0;
  let parked = 0;
  let done = 0;
  store.feed = async (after, filter, limit) => {
    if (!filter?.types?.length) return read(after, filter, limit);
    reading++;
    try {
      while (held) {
        parked++;
        await gate;
        parked--;
      }
      return await read(after, filter, limit);
    } finally {
      reading--;
      done++;
    }
  };
  return {
    /** Reads ended. */
    get done() {
      return done;
    },
    /** Holds every read from now on; resolves once none is under way. */
    async hold() {
      held = true;
      gate = new Promise((resolve) => {
        open = resolve;
      });
      await vi.waitFor(() => expect(reading - parked).toBe(0));
    },
    release() {
      held = false;
      open();
    },
  };
}

/** A live eventFeed over WebSocket: the ids it passed of the conversations asked for, and the error that ended it. */
function openFeed(url: string, conversationIds: string[]) {
  const got: string[] = [];
  const feed: { got: string[]; ended?: { extensions?: Record<string, unknown> }; dispose: () => Promise<void> } = {
    got,
    dispose: async () => client.dispose(),
  };
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    keepAlive: 0,
  });
  client.subscribe<{ eventFeed: { id: string; conversationId: string } }>(
    { query, variables: {} },
    {
      next: (v) => {
        if (v.errors) feed.ended = v.errors[0] as never;
        else if (conversationIds.includes(v.data!.eventFeed.conversationId)) got.push(v.data!.eventFeed.id);
      },
      error: (e) => {
        feed.ended = (Array.isArray(e) ? e[0] : e) as never;
      },
      complete: () => {},
    },
  );
  return feed;
}

/** Resubscribes with `after`: the ids of the conversations asked for, as they come. */
function resume(url: string, after: unknown, conversationIds: string[]) {
  const resumed = subscribe('ws', url, query, { after }, (d) => d.eventFeed as { id: string; conversationId: string });
  return {
    ids: () => resumed.items.filter((e) => conversationIds.includes(e.conversationId)).map((e) => e.id),
    stop: () => resumed.stop(),
    get error() {
      return resumed.error;
    },
  };
}

describe('an eventFeed started live and cut off', () => {
  let t: TestApp;
  let url: string;
  let reads: ReturnType<typeof gateFeedReads>;
  beforeAll(async () => {
    t = await createTestApp({ env: { FEED_BUFFER_MAX_BYTES: '65536' } });
    await t.app.services.runs.stop();
    reads = gateFeedReads(t.app.services.eventStore);
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  /** Stores and publishes messages of about `kb` KB each in a conversation, in one write; their ids. */
  const emit = async (conversationId: string, count: number, kb: number) => {
    const { events } = t.app.services;
    const stored = await events.append(
      Array.from({ length: count }, () => ({
        type: 'MESSAGE' as const,
        conversationId,
        // Random: WebSocket compression would shrink a repeated letter to nothing.
        data: { role: 'assistant' as const, text: randomBytes((kb * KB * 3) / 4).toString('base64') },
      })),
    );
    events.bus.publish(stored);
    return stored.map((e) => String(e.id));
  };

  /** Opens a live feed once no other is open (they read too): its first read then tells that it has started. */
  const openLiveFeed = async (conversationIds: string[]) => {
    await vi.waitFor(() => expect(t.app.services.feedBuffers.credentials).toBe(0), { timeout: 10_000 });
    const started = reads.done;
    const feed = openFeed(url, conversationIds);
    // Live once its first read of the store is over (the events before its start are not in it).
    await vi.waitFor(() => expect(reads.done).toBeGreaterThan(started), { timeout: 10_000 });
    return feed;
  };

  /** Four messages of 40 KB in one go, more than a feed may hold (64 KB), while feeds cannot read: they are cut off. */
  const burst = async (conversationId: string) => {
    await reads.hold();
    try {
      return await emit(conversationId, 4, 40);
    } finally {
      reads.release();
    }
  };

  it('before it passed an event, resumes from extensions.after with every event since its start, once each, in order', async () => {
    const { id } = (await t.app.services.conversations.start({})).conversation;
    // Stored before the feed starts: not on it, nor on the resumed one.
    await emit(id, 3, 1);
    const feed = await openLiveFeed([id]);
    const cut = await burst(id);
    await vi.waitFor(() => expect(feed.ended).toBeDefined(), { timeout: 10_000 });
    await feed.dispose();
    expect(feed.got).toEqual([]);
    expect(feed.ended!.extensions).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW', after: expect.any(String) });

    // Stored after the cut, before the client comes back: the resumed feed reads them, then goes on live.
    const meanwhile = await emit(id, 2, 1);
    const resumed = resume(url, feed.ended!.extensions!.after, [id]);
    // On PostgreSQL the feed reaches an event once every older transaction ended: waited for, not read once.
    await vi.waitFor(() => expect(resumed.ids()).toContain(meanwhile.at(-1)), { timeout: 10_000 });
    const later = await emit(id, 1, 1);
    await vi.waitFor(() => expect(resumed.ids()).toContain(later[0]), { timeout: 10_000 });
    resumed.stop();
    expect(resumed.error).toBeUndefined();
    expect(resumed.ids()).toEqual([...cut, ...meanwhile, ...later]);
  }, 30_000);

  /**
   * A transaction open when the feed starts commits after it, and is on the feed; one younger than it had committed
   * before the start, and is not. Resumed from the older one's event id alone, the feed would bring the younger
   * one's events: its cursor keeps the start's snapshot.
   */
  it.runIf(testDatabaseKind === 'postgres')(
    'after an event of a transaction open at its start, resumes leaving out what had committed before the start',
    async () => {
      const open = (await t.app.services.conversations.start({})).conversation.id;
      const { id } = (await t.app.services.conversations.start({})).conversation;
      const sql = postgres(t.db.url!, { max: 1, onnotice: () => {} });
      const session = await sql.reserve();
      try {
        await session`begin`;
        const [during] = await session`insert into events (conversation_id, seq, type, data)
          values (${open}, 1000000, 'MESSAGE', ${session.json({ role: 'assistant', text: 'open at the start' })})
          returning id::text as id`;
        const before = await emit(id, 1, 1);
        const feed = await openLiveFeed([open, id]);
        await session`commit`;
        // The feed's next read (it polls) finds it.
        await vi.waitFor(() => expect(feed.got).toEqual([during!.id]), { timeout: 10_000 });
        const cut = await burst(id);
        await vi.waitFor(() => expect(feed.ended).toBeDefined(), { timeout: 10_000 });
        await feed.dispose();
        expect(feed.ended!.extensions).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW', after: expect.any(String) });

        const meanwhile = await emit(id, 2, 1);
        const resumed = resume(url, feed.ended!.extensions!.after, [open, id]);
        await vi.waitFor(() => expect(resumed.ids()).toContain(meanwhile.at(-1)), { timeout: 10_000 });
        resumed.stop();
        expect(resumed.error).toBeUndefined();
        expect(resumed.ids()).not.toContain(before[0]);
        expect([...feed.got, ...resumed.ids()]).toEqual([during!.id, ...cut, ...meanwhile]);
      } finally {
        session.release();
        await sql.end();
      }
    },
    30_000,
  );
});
