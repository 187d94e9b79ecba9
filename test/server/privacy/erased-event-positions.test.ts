import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conversations, erasedEvents, events } from '../../../server/src/db/schema/index.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const DAY = 86_400_000;

/**
 * RETENTION_DAYS purges a conversation with its events; the events' feed positions stay behind
 * (ids, positions and the time, no content), so an integrator whose cursor is a purged event resumes
 * right after it. The positions are forgotten RETENTION_DAYS after the purge.
 */
describe('the feed positions of events purged by RETENTION_DAYS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RETENTION_DAYS: '30', RETENTION_SWEEP_SECONDS: '86400' } });
  });
  afterAll(() => t.close());

  /** A conversation idle since `daysAgo`, with one stored message per text, written one transaction each. */
  const conversation = async (daysAgo: number) => {
    const at = new Date(Date.now() - daysAgo * DAY);
    const [row] = await t.app.services.db
      .insert(conversations)
      .values({ tokenHash: 'x', createdAt: at, updatedAt: at })
      .returning({ id: conversations.id });
    return row!.id;
  };
  const write = async (conversationId: string, seq: number, text: string) => {
    const [row] = await t.app.services.db
      .insert(events)
      .values({ conversationId, seq, type: 'MESSAGE', data: { role: 'user', text }, createdAt: new Date() })
      .returning({ id: events.id });
    return row!.id;
  };
  const texts = (page: { events: { data: unknown }[] }) => page.events.map((e) => (e.data as { text: string }).text);
  /**
   * The feed after `position` reads `expected` once the horizon has passed: on PostgreSQL it ends at the oldest
   * transaction in flight anywhere in the cluster, and CI's other test files share that cluster.
   */
  const feedsAfter = (position: Parameters<TestApp['app']['services']['eventStore']['feed']>[0], expected: string[]) =>
    vi.waitFor(async () => expect(texts(await t.app.services.eventStore.feed(position))).toEqual(expected), {
      timeout: 15_000,
      interval: 100,
    });

  it('resumes after a purged event with exactly the events after its place, until its position is forgotten', async () => {
    const old = await conversation(40);
    const current = await conversation(0);
    // Interleaved in the feed: o1 c1 o2 c2 o3 c3.
    const ids: Record<string, number> = {};
    for (const n of [1, 2, 3]) {
      ids[`o${n}`] = await write(old, n, `o${n}`);
      ids[`c${n}`] = await write(current, n, `c${n}`);
    }
    // The purge looks at the conversation's last activity, not at its events' times.
    await t.app.services.db
      .update(conversations)
      .set({ updatedAt: new Date(Date.now() - 40 * DAY) })
      .where(inArray(conversations.id, [old]));

    const { eventStore, retention, db } = t.app.services;
    expect(await retention.sweep()).toBe(1);
    const kept = await db
      .select()
      .from(erasedEvents)
      .where(inArray(erasedEvents.id, [ids.o1!, ids.o2!, ids.o3!]));
    expect(kept.map((r) => r.id).sort((x, y) => x - y)).toEqual([ids.o1, ids.o2, ids.o3]);
    // Ids, positions and when: nothing of what the events said.
    expect(Object.keys(kept[0]!).sort()).toEqual(['erasedAt', 'id', 'tx']);

    for (const [cursor, rest] of [
      ['o1', ['c1', 'c2', 'c3']],
      ['o2', ['c2', 'c3']],
      ['o3', ['c3']],
    ] as const) {
      const position = await eventStore.positionOf(ids[cursor]!);
      expect(position, cursor).toBeDefined();
      await feedsAfter(position!, [...rest]);
    }

    // RETENTION_DAYS after the purge, the positions go too; younger ones stay.
    await db
      .update(erasedEvents)
      .set({ erasedAt: sql`now() - interval '31 days'` })
      .where(inArray(erasedEvents.id, [ids.o1!, ids.o2!]));
    await retention.sweep();
    expect(await eventStore.positionOf(ids.o1!)).toBeUndefined();
    expect(await eventStore.positionOf(ids.o2!)).toBeUndefined();
    expect(await eventStore.positionOf(ids.o3!)).toBeDefined();
    // A stored event's own position is as it was.
    await feedsAfter((await eventStore.positionOf(ids.c1!))!, ['c2', 'c3']);
  });
});
