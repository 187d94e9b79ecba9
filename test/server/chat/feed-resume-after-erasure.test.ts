import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import type { EventBus } from '../../../server/src/db/event-bus.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import { type Collected, subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const FEED = 'subscription($after: ID) { eventFeed(after: $after) { id type data: dataJson } }';
const NATS_URL = 'nats://127.0.0.1:4222';

/** What the test uses of the NATS client, a dependency of @baton/server (not of the tests), loaded from there. */
interface NatsClient {
  connect(options: { servers: string; timeout?: number; maxReconnectAttempts?: number }): Promise<{
    jetstreamManager(): Promise<{
      getAccountInfo(): Promise<unknown>;
      streams: { delete(name: string): Promise<boolean> };
    }>;
    close(): Promise<void>;
  }>;
}
const nats = (): Promise<NatsClient> =>
  import(createRequire(new URL('../../../server/package.json', import.meta.url)).resolve('nats'));

type Ev = { id: string; type: string; data: { text?: string } };
const show = (e: Ev) => `${e.type} ${e.data.text}`;

/** Whether a NATS server with JetStream answers at NATS_URL (CI and this machine have one). */
async function natsUp(): Promise<boolean> {
  const { connect } = await nats();
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 1_000, maxReconnectAttempts: 0 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

/**
 * An integrator's cursor names an event that was erased since (eraseCustomer): eventFeed(after:) resumes
 * right after that event's place in the feed, with no gap, no duplicate and nothing of the erased
 * conversation. Two replicas on one database: the erasure and the writes go through A, the integrator
 * reads on B, over each bus the feed runs on (the cursor is the database's feed position on every bus;
 * the bus only wakes the feed).
 */
const natsAvailable = await natsUp();

for (const bus of ['default', 'nats'] as const) {
  describe(`eventFeed(after: an erased event) on the ${bus} bus`, () => {
    const available = bus === 'default' || natsAvailable;
    let db: TestDatabase;
    let shared: EventBus | undefined;
    let a: TestApp;
    let b: TestApp;
    let urlB: string;
    let integrator: string;
    const deployment = `feedresume_${process.pid}_${Date.now()}`;

    beforeAll(async () => {
      if (!available) return;
      db = await createTestDatabase();
      const env: Record<string, string> = { AUTH_MODE: 'keys' };
      if (bus === 'nats') Object.assign(env, { EVENT_BUS: NATS_URL, NATS_DEPLOYMENT: deployment });
      // PGlite: both replicas in this process, on its one database; its default bus is in memory, so they share one.
      shared = bus === 'default' && !db.url ? new MemoryEventBus() : undefined;
      a = await createTestApp({ db, env, eventBus: shared });
      const second = db.url ? await openDatabase({ databaseUrl: db.url, maxConnections: 4 }) : undefined;
      b = await createTestApp({
        db: second ? { database: second, url: db.url, dispose: () => second.close() } : db,
        env,
        eventBus: shared,
      });
      // Runs stay PENDING: the feed carries the stored messages and nothing else.
      await a.app.services.runs.stop();
      await b.app.services.runs.stop();
      urlB = (await b.app.start(0, '127.0.0.1')).url;
      integrator = (await a.app.services.apiKeys.create('storefront', 'integrator')).key;
    });

    afterAll(async () => {
      if (!available) return;
      await b.close();
      if (db.url) await b.db.dispose();
      await a.close();
      await shared?.close();
      await db.dispose();
      if (bus === 'nats') {
        const { connect } = await nats();
        const nc = await connect({ servers: NATS_URL });
        await (await nc.jetstreamManager()).streams.delete(`BATON_${deployment}`).catch(() => {});
        await nc.close();
      }
    });

    const feed = (after: string): Collected<Ev> =>
      subscribe('ws', urlB, FEED, { after }, (d) => d.eventFeed as Ev, integrator);

    it.skipIf(!available)(
      'resumes exactly after the erased event: the kept conversation’s next events, then live ones',
      async () => {
        const { conversations } = a.app.services;
        const gone = await conversations.start({ customerId: 'erased_customer' });
        const kept = await conversations.start({ customerId: 'kept_customer' });
        const ids: Record<string, string> = {};
        for (const n of [1, 2, 3])
          for (const [name, c] of [
            ['X', gone],
            ['Y', kept],
          ] as const) {
            const sent = await conversations.sendMessage(c.conversation.id, `${name}${n}`);
            ids[`${name}${n}`] = String(sent.message.id);
          }

        // The integrator's feed had them all, in order, before the erasure.
        const before = feed('0');
        expect((await before.waitFor(6)).map(show)).toEqual(
          ['X1', 'Y1', 'X2', 'Y2', 'X3', 'Y3'].map((t) => `MESSAGE ${t}`),
        );
        before.stop();

        const receipt = await a.app.services.customerData.erase('erased_customer', 'test');
        expect(receipt.counts.events).toBe(3);

        // Cursors at each of the erased events, first, middle and last.
        const afterX1 = feed(ids.X1!);
        const afterX2 = feed(ids.X2!);
        const afterX3 = feed(ids.X3!);
        expect((await afterX2.waitFor(2)).map(show)).toEqual(['MESSAGE Y2', 'MESSAGE Y3']);
        await conversations.sendMessage(kept.conversation.id, 'Y4');
        expect((await afterX1.waitFor(4)).map(show)).toEqual(['Y1', 'Y2', 'Y3', 'Y4'].map((t) => `MESSAGE ${t}`));
        expect((await afterX2.waitFor(3)).map(show)).toEqual(['MESSAGE Y2', 'MESSAGE Y3', 'MESSAGE Y4']);
        expect((await afterX3.waitFor(2)).map(show)).toEqual(['MESSAGE Y3', 'MESSAGE Y4']);
        for (const sub of [afterX1, afterX2, afterX3]) {
          expect(sub.error).toBeUndefined();
          expect(sub.items.map((e) => e.id)).toEqual(expect.arrayContaining([ids.Y3]));
          expect(sub.items.map((e) => e.id)).not.toContain(ids.X3);
          sub.stop();
        }
        // Nothing of the erased conversation comes back, not even by its own cursor.
        const resumed = await b.gql<{ conversation: unknown }>(
          'query($id: ID!) { conversation(id: $id) { id } }',
          { id: gone.conversation.id },
          integrator,
        );
        expect(errorCode(resumed)).toBe('NOT_FOUND');
      },
      30_000,
    );

    it.skipIf(!available)('an id that never was an event is still refused as a field error', async () => {
      const sub = feed('999999999999');
      for (const deadline = Date.now() + 5_000; !sub.error && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 20));
      const [error] = sub.error as { extensions?: Record<string, unknown> }[];
      expect(error?.extensions?.code).toBe('VALIDATION_FAILED');
      sub.stop();
    });
  });
}
