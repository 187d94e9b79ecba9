import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { committedPosition, FEED_START } from '../../../server/src/db/event-store.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

/** A session that holds a transaction with an id (it wrote, or asked for one) open in a database until ended. */
async function holdTransaction(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const session = await sql.reserve();
  await session`begin`;
  const [row] = await session`select pg_current_xact_id()::text as xid`;
  return {
    xid: BigInt(row!.xid as string),
    async end() {
      await session`rollback`;
      session.release();
      await sql.end();
    },
  };
}

/**
 * The integrator feed reads only below the oldest transaction that may still write events. On a PostgreSQL server
 * other databases share, that is this database's oldest: another's (an idle session left in a transaction, a long
 * migration) cannot write here, and before, it held every feed, every replica's delivery and every
 * `follows` of a write for as long as it stayed open.
 */
describe.runIf(testDatabaseKind === 'postgres')(
  'the feed horizon on a PostgreSQL server shared with other databases',
  () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t?.close());

    const write = async (text: string): Promise<BatonEvent[]> => {
      const { conversation } = await t.app.services.conversations.start({});
      return t.app.services.events.append([
        { type: 'MESSAGE', conversationId: conversation.id, data: { role: 'assistant', text } },
      ]);
    };
    const readIds = async () =>
      (await t.app.services.eventStore.feed(FEED_START, { types: ['MESSAGE'] }, 10_000)).events.map((e) => e.id);

    it("reads past another database's open transaction, and writes know where they follow", async () => {
      const other = await holdTransaction(process.env.TEST_DATABASE_URL!);
      try {
        const written: BatonEvent[] = [];
        for (let i = 0; i < 5; i++) written.push(...(await write(`while another database waits ${i}`)));
        expect(BigInt(committedPosition(written[0]!)!.tx)).toBeGreaterThan(other.xid);
        // Read while the other database's transaction, older than all of them, is still open.
        await vi.waitFor(
          async () => expect(await readIds()).toEqual(expect.arrayContaining(written.map((e) => e.id))),
          {
            timeout: 5_000,
          },
        );
        // A write with nothing of this database in flight before it knows the event it follows (the feed can take it
        // live without a read); this app's own background work may overlap one now and then, not all five.
        expect(written.filter((e) => committedPosition(e)!.follows !== undefined).length).toBeGreaterThan(0);
      } finally {
        await other.end();
      }
    });

    it('waits for an older open transaction of this database, and reads on once it ends', async () => {
      const mine = await holdTransaction(t.db.url!);
      let ended = false;
      try {
        const written = await write('behind an open transaction here');
        expect(BigInt(committedPosition(written[0]!)!.tx)).toBeGreaterThan(mine.xid);
        // That transaction could still write an event before this one in feed order: nothing past it is read.
        expect(await readIds()).not.toContain(written[0]!.id);
        expect(committedPosition(written[0]!)!.follows).toBeUndefined();
        await mine.end();
        ended = true;
        await vi.waitFor(async () => expect(await readIds()).toContain(written[0]!.id), { timeout: 5_000 });
      } finally {
        if (!ended) await mine.end();
      }
    });

    it('delivers eventFeed live while another database holds a transaction open', async () => {
      const { url } = await t.app.start(0, '127.0.0.1');
      const other = await holdTransaction(process.env.TEST_DATABASE_URL!);
      const feed = subscribe(
        'ws',
        url,
        'subscription { eventFeed(types: [MESSAGE]) { id } }',
        {},
        (d) => (d.eventFeed as { id: string }).id,
      );
      try {
        // The feed is live once it passes an event written after it started.
        const probe = async () => (await write('probe'))[0]!.id;
        await vi.waitFor(
          async () => {
            const id = await probe();
            await vi.waitFor(() => expect(feed.items).toContain(String(id)), { timeout: 1_000 });
          },
          { timeout: 10_000 },
        );
        const [event] = await write('live, with another database waiting');
        await vi.waitFor(() => expect(feed.items).toContain(String(event!.id)), { timeout: 5_000 });
        expect(feed.error).toBeUndefined();
      } finally {
        feed.stop();
        await other.end();
      }
    });
  },
);
