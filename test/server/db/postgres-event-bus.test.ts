import { describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/chat/events.js';
import { type Database, openDatabase } from '../../../server/src/db/client.js';
import type { EventStore } from '../../../server/src/db/event-store.js';
import { PostgresEventBus } from '../../../server/src/db/postgres-event-bus.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp } from '../../helpers/test-app.js';
import { createTestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

const onPostgres = testDatabaseKind === 'postgres';
if (!onPostgres)
  console.log('postgres-event-bus: skipped, set TEST_DATABASE_URL to run the two-replica test on PostgreSQL');

describe.skipIf(!onPostgres)('LISTEN/NOTIFY bus across two app instances', () => {
  it('an event written through one instance reaches a subscriber of the other', async () => {
    const shared = await createTestDatabase();
    // Each instance gets its own pool on the same database, as two processes would.
    const second = await openDatabase({ databaseUrl: shared.url!, maxConnections: 4 });
    const a = await createTestApp({ db: shared });
    const b = await createTestApp({ db: { database: second, url: shared.url, dispose: () => second.close() } });
    try {
      expect(a.app.services.bus.kind).toBe('postgres');
      await a.app.services.runs.stop();
      await b.app.services.runs.stop();
      const { url } = await b.app.start(0, '127.0.0.1');
      const { conversation } = await a.app.services.conversations.start({});
      const sub = subscribe(
        'ws',
        url,
        'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type data } }',
        { id: conversation.id },
        (d) => d.conversationEvents as { id: string; data: { text: string } },
      );
      await new Promise((r) => setTimeout(r, 300));
      const written = [];
      for (const text of ['one', 'two', 'three'])
        written.push((await a.app.services.conversations.sendMessage(conversation.id, text)).message);
      const got = await sub.waitFor(3);
      sub.stop();
      expect(got.map((e) => e.data.text)).toEqual(['one', 'two', 'three']);
      expect(got.map((e) => Number(e.id))).toEqual(written.map((e) => e.id));
    } finally {
      await b.close();
      await a.close();
      await shared.dispose();
    }
  });
});

describe('PostgresEventBus delivery order (no database: NOTIFY is held back by hand)', () => {
  const conversationId = '00000000-0000-4000-8000-000000000001';
  const event = (id: number) =>
    ({
      id,
      conversationId,
      runId: null,
      taskId: null,
      agentName: null,
      type: 'MESSAGE',
      data: { role: 'user', text: `m${id}` },
      createdAt: new Date(),
    }) as BatonEvent;

  async function startBus(stored: BatonEvent[], options: { failReads?: number; ownWriteWaitMs?: number } = {}) {
    let failReads = options.failReads ?? 0;
    const reads = { count: 0 };
    let notice: ((payload: string) => void) | undefined;
    const sent: string[] = [];
    const database = {
      listen: async (_channel: string, onMessage: (payload: string) => void) => {
        notice = onMessage;
        return async () => {};
      },
      notify: async (_channel: string, payload: string) => {
        sent.push(payload);
      },
    } as unknown as Database;
    const store = {
      maxId: async () => 0,
      list: async ({ after, upTo }: { after: number; upTo?: number }) => {
        reads.count++;
        if (failReads-- > 0) throw Object.assign(new Error('connection closed'), { code: 'CONNECTION_CLOSED' });
        return stored.filter((e) => e.id! > after && (upTo === undefined || e.id! <= upTo));
      },
    } as unknown as EventStore;
    const errors: unknown[] = [];
    // Waits for own writes are long here, so a slow test machine cannot cut them short.
    const bus = await PostgresEventBus.start(database, store, (err) => errors.push(err), {
      ownWriteWaitMs: options.ownWriteWaitMs ?? 1_000,
    });
    const seen: number[] = [];
    const types: string[] = [];
    bus.subscribe((e) => {
      if (e.id !== null) seen.push(e.id);
      types.push(e.type);
    });
    return {
      bus,
      errors,
      seen,
      types,
      sent,
      reads,
      notify: (upTo: number) => notice?.(JSON.stringify({ upTo })),
      echo: (payload: string) => notice?.(payload),
    };
  }

  it("delivers this process's own events at once, in id order, without waiting for their NOTIFY", async () => {
    const { bus, seen } = await startBus([]);
    await bus.publish([event(1), event(2)], { notified: true });
    await bus.publish([event(3)], { notified: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2, 3]);
    await bus.close();
  });

  it('holds an own event back while an earlier id (another writer) is missing, until the NOTIFY', async () => {
    const foreign = event(1);
    const { bus, seen, notify } = await startBus([foreign, event(2)]);
    await bus.publish([event(2)], { notified: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
    notify(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
    await bus.close();
  });

  it('delivers its own MESSAGE_DELTA here at once and before the message that follows it; the NOTIFY is for other replicas', async () => {
    const { bus, types, sent, echo } = await startBus([]);
    const delta = { ...event(0), id: null, type: 'MESSAGE_DELTA', data: { delta: 'Hel' } } as unknown as BatonEvent;
    await bus.publish([delta]);
    await bus.publish([event(1)], { notified: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(types).toEqual(['MESSAGE_DELTA', 'MESSAGE']);
    // Its own NOTIFY coming back is skipped; another replica's delta is delivered.
    expect(sent).toHaveLength(1);
    echo(sent[0]!);
    echo(JSON.stringify({ transient: delta, origin: 'another-replica' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(types).toEqual(['MESSAGE_DELTA', 'MESSAGE', 'MESSAGE_DELTA']);
    await bus.close();
  });

  it('a NOTIFY that comes back before its own write returns costs no read: the write publishes those events', async () => {
    const { bus, seen, reads, notify } = await startBus([event(1), event(2)]);
    await bus.storing(async () => {
      notify(2); // the listening connection hears of the commit first
      await new Promise((r) => setTimeout(r, 20));
    });
    await bus.publish([event(1), event(2)], { notified: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
    expect(reads.count).toBe(0);
    await bus.close();
  });

  it("another writer's events wait for this replica's writes in flight, then are read", async () => {
    const { bus, seen, reads, notify } = await startBus([event(1)]);
    let finish: () => void = () => {};
    const write = bus.storing(() => new Promise<void>((r) => (finish = r)));
    notify(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    finish();
    await write;
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1]);
    expect(reads.count).toBe(1);
    await bus.close();
  });

  it('on a replica whose writes overlap without end, a waiting catch-up runs once the writes before it are done', async () => {
    const { bus, seen, notify } = await startBus([event(1), event(2)]);
    let finishFirst: () => void = () => {};
    const first = bus.storing(() => new Promise<void>((r) => (finishFirst = r)));
    notify(1); // another replica's event, while our first write is in flight
    void bus.storing(() => new Promise<void>(() => {})); // a later write that stays in flight
    notify(2);
    finishFirst();
    await first;
    await new Promise((r) => setTimeout(r, 20)); // well under the wait limit
    expect(seen).toEqual([1, 2]);
    await bus.close();
  });

  it('a write that never returns holds a catch-up back for ownWriteWaitMs at most', async () => {
    const { bus, seen, notify } = await startBus([event(1)], { ownWriteWaitMs: 100 });
    void bus.storing(() => new Promise<void>(() => {}));
    notify(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual([1]);
    await bus.close();
  });

  it('retries a catch-up read that failed (a dropped connection) without waiting for another NOTIFY', async () => {
    const { bus, seen, errors, notify } = await startBus([event(1), event(2)], { failReads: 2 });
    notify(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(errors).toHaveLength(2);
    expect(seen).toEqual([1, 2]);
    await bus.close();
  });
});
