import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import { endWhenRevoked } from '../../../server/src/security/credential-recheck.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const FEED = 'subscription { eventFeed(types: [MESSAGE]) { id data: dataJson } }';

/** Two replicas on one database: the key is revoked on one, its streams were opened on the other. */
describe('revoking an API key ends its open subscriptions on every replica', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let urlB: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { AUTH_MODE: 'keys', NODE_ENV: 'production', SUBSCRIPTION_RECHECK_MS: '1000' };
    a = await createTestApp({ db, env });
    // On PostgreSQL the second replica has its own connection pool, as another process would.
    const second = db.url ? await openDatabase({ databaseUrl: db.url, maxConnections: 3 }) : undefined;
    b = await createTestApp({
      db: second ? { database: second, url: db.url, dispose: () => second.close() } : db,
      env,
    });
    await a.app.services.runs.stop();
    await b.app.services.runs.stop();
    urlB = (await b.app.start(0, '127.0.0.1')).url;
  });
  afterAll(async () => {
    await b.close();
    if (db.url) await b.db.dispose();
    await a.close();
    await db.dispose();
  });

  it.each(['ws', 'sse'] as const)(
    '%s: within 10 s of revocation the stream ends with UNAUTHENTICATED',
    async (transport) => {
      const { id, key } = await a.app.services.apiKeys.create(`feed-${transport}`, 'integrator');
      const sub = subscribe(transport, urlB, FEED, {}, (d) => d.eventFeed as { data: { text: string } }, key);
      await new Promise((r) => setTimeout(r, 500));
      const { conversation } = await b.app.services.conversations.start({});
      await b.app.services.conversations.sendMessage(conversation.id, 'before revocation');
      await sub.waitFor(1);
      await a.app.services.apiKeys.revoke(id);
      const revokedAt = Date.now();
      while (!sub.error && Date.now() - revokedAt < 10_000) await new Promise((r) => setTimeout(r, 50));
      expect(Date.now() - revokedAt).toBeLessThan(10_000);
      expect(JSON.stringify(sub.error)).toContain('UNAUTHENTICATED');
      await b.app.services.conversations.sendMessage(conversation.id, 'after revocation');
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.items.map((e) => e.data.text)).toEqual(['before revocation']);
      sub.stop();
    },
  );

  it.each(['ws', 'sse'] as const)('%s: a feed its client ends leaves the bus', async (transport) => {
    // Counts the bus listeners that the replica's streams hold.
    const bus = b.app.services.events.bus;
    const subscribeOnBus = bus.subscribe.bind(bus);
    let listening = 0;
    bus.subscribe = ((...args: Parameters<typeof bus.subscribe>) => {
      listening++;
      const unsubscribe = subscribeOnBus(...args);
      return () => {
        listening--;
        unsubscribe();
      };
    }) as typeof bus.subscribe;
    try {
      const { key } = await a.app.services.apiKeys.create(`closed-${transport}`, 'integrator');
      const subs = [0, 1, 2].map(() =>
        subscribe(transport, urlB, FEED, {}, (d) => d.eventFeed as { data: { text: string } }, key),
      );
      const { conversation } = await b.app.services.conversations.start({});
      // Live: each feed has its listener once it delivers a message sent after it opened.
      await vi.waitFor(
        async () => {
          await b.app.services.conversations.sendMessage(conversation.id, 'ping');
          for (const sub of subs) expect(sub.items.length).toBeGreaterThan(0);
        },
        { timeout: 10_000, interval: 300 },
      );
      expect(listening).toBe(3);
      for (const sub of subs) sub.stop();
      await vi.waitFor(() => expect(listening).toBe(0), { timeout: 5_000 });
    } finally {
      bus.subscribe = subscribeOnBus;
    }
  });

  it('leaves the streams of keys that are not revoked alone', async () => {
    const { key } = await a.app.services.apiKeys.create('kept', 'integrator');
    const sub = subscribe('ws', urlB, FEED, {}, (d) => d.eventFeed as { data: { text: string } }, key);
    await new Promise((r) => setTimeout(r, 2_500));
    const { conversation } = await b.app.services.conversations.start({});
    await b.app.services.conversations.sendMessage(conversation.id, 'still flowing');
    await sub.waitFor(1);
    expect(sub.error).toBeUndefined();
    sub.stop();
  });
});

/**
 * A client that ends a key's subscription ends the stream behind it: before, endWhenRevoked marked itself done and
 * then skipped closing its source, so every eventFeed a client closed stayed registered on the bus.
 */
describe('endWhenRevoked closes its source', () => {
  const source = () => {
    const seen = { closed: 0 };
    async function* events() {
      try {
        for (let i = 0; ; i++) {
          yield i;
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        seen.closed++;
      }
    }
    return { seen, events: events() };
  };

  it('when the client ends the stream', async () => {
    const { seen, events } = source();
    const stream = endWhenRevoked(events, async () => true, 60_000);
    expect((await stream.next()).value).toBe(0);
    await stream.return?.();
    expect(seen.closed).toBe(1);
    expect((await stream.next()).done).toBe(true);
  });

  it('when the key is revoked, once', async () => {
    const { seen, events } = source();
    const stream = endWhenRevoked(events, async () => false, 10);
    expect((await stream.next()).value).toBe(0);
    const ends: unknown[] = [];
    for (let i = 0; i < 1_000 && ends.length === 0; i++) {
      const r = await stream.next();
      if (typeof r.value !== 'number') ends.push(r.value);
    }
    expect(JSON.stringify(ends[0])).toContain('UNAUTHENTICATED');
    await stream.return?.();
    // The source was closed when the revocation was seen, while its next() was still pending: it ends after it.
    await vi.waitFor(() => expect(seen.closed).toBe(1));
  });
});
