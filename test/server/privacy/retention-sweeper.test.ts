import { inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationOwners, conversations, events, rateLimits, runs } from '../../../server/src/db/schema/index.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

const DAY = 86_400_000;

/** RETENTION_DAYS: two app instances on one database purge ended conversations, each exactly once. */
describe('retention', () => {
  let a: TestApp;
  let b: TestApp;
  const env = { RETENTION_DAYS: '30', RETENTION_SWEEP_SECONDS: '86400' };
  beforeAll(async () => {
    a = await createTestApp({ env });
    b = await createTestApp({ env, db: a.db });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** Conversations whose last activity was `daysAgo` days back, each with two events and a rate-limit row. */
  const seed = async (n: number, daysAgo: number) => {
    const { db } = a.app.services;
    const at = new Date(Date.now() - daysAgo * DAY);
    const rows = await db
      .insert(conversations)
      .values(Array.from({ length: n }, () => ({ tokenHash: 'x', createdAt: at, updatedAt: at, lastSeq: 2 })))
      .returning({ id: conversations.id });
    const ids = rows.map((r) => r.id);
    await db.insert(events).values(
      ids.flatMap((id) => [
        { conversationId: id, seq: 1, type: 'MESSAGE' as const, data: { role: 'user', text: 'my email is a@b.co' } },
        { conversationId: id, seq: 2, type: 'MESSAGE' as const, data: { role: 'assistant', text: 'Thanks!' } },
      ]),
    );
    await db
      .insert(rateLimits)
      .values(ids.map((id) => ({ bucket: `conversation:${id}:messages`, windowStart: at, count: 1 })));
    return ids;
  };
  const remaining = async (ids: string[]) =>
    (await a.app.services.db.select({ id: conversations.id }).from(conversations).where(inArray(conversations.id, ids)))
      .length;

  it('purges ended conversations with their events and rows once, shared between replicas, and keeps the rest', async () => {
    const expired = await seed(250, 40);
    const recent = await seed(3, 5);
    // Idle for long but not ended: a run still waiting, and a shopper waiting for a person.
    const [waitingRun, waitingHuman] = await seed(2, 40);
    const { db } = a.app.services;
    await db.insert(runs).values({ conversationId: waitingRun!, status: 'PENDING' });
    await db.insert(conversationOwners).values({ conversationId: waitingHuman!, state: 'WAITING_FOR_HUMAN' });

    const [byA, byB] = await Promise.all([a.app.services.retention.sweep(), b.app.services.retention.sweep()]);
    expect(byA + byB).toBe(250);
    expect(await remaining(expired)).toBe(0);
    expect(await remaining([...recent, waitingRun!, waitingHuman!])).toBe(5);
    expect((await db.select().from(events).where(inArray(events.conversationId, expired))).length).toBe(0);
    const buckets = await db.select().from(rateLimits).where(sql`${rateLimits.bucket} like 'conversation:%'`);
    expect(buckets.map((r) => r.bucket.split(':')[1]).sort()).toEqual([...recent, waitingRun!, waitingHuman!].sort());
    // Nothing left to do: a second sweep on either replica purges nothing.
    expect(await a.app.services.retention.sweep()).toBe(0);
  });

  it.runIf(testDatabaseKind === 'postgres')(
    'skips conversations another replica has locked, without waiting for it',
    async () => {
      const ids = await seed(20, 40);
      const other = postgres(a.db.url!, { max: 1, onnotice: () => {} });
      try {
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => {
          locked = r;
        });
        // Another replica mid-batch: it holds five of the conversations.
        const tx = other.begin(async (sql) => {
          await sql`select id from conversations where id = any(${ids.slice(0, 5)}::uuid[]) for update`;
          locked();
          await held;
        });
        await isLocked;
        const started = Date.now();
        expect(await a.app.services.retention.sweep()).toBe(15);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(await remaining(ids)).toBe(5);
        release();
        await tx;
        expect(await b.app.services.retention.sweep()).toBe(5);
        expect(await remaining(ids)).toBe(0);
      } finally {
        await other.end();
      }
    },
  );

  it('sweeps on its schedule on every replica', async () => {
    const c = await createTestApp({ env: { RETENTION_DAYS: '30', RETENTION_SWEEP_SECONDS: '1' }, db: a.db });
    try {
      const ids = await seed(3, 31);
      const deadline = Date.now() + 10_000;
      while ((await remaining(ids)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await remaining(ids)).toBe(0);
    } finally {
      await c.close();
    }
  });
});
