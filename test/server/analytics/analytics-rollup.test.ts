import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentStats, type Analytics, agentAnalytics } from '../../../server/src/analytics/agent-analytics.js';
import { AnalyticsRollup } from '../../../server/src/analytics/analytics-rollup.js';
import { type Database, type Db, openDatabase } from '../../../server/src/db/client.js';
import { dateColumn } from '../../../server/src/db/raw-rows.js';
import type { ModelPrice } from '../../../server/src/domain/model-prices.js';
import { createLogger } from '../../../server/src/logger.js';
import { RetentionSweeper } from '../../../server/src/privacy/retention-sweeper.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { type GeneratedLog, generateLog, handWrittenLog, insertLog } from './event-log-fixture.js';

const HOUR = 3_600_000;
const prices: ModelPrice[] = [{ model: 'gpt-4o-mini', inputPerMillion: 150, outputPerMillion: 600, currency: 'USD' }];
const logger = createLogger({ logLevel: 'silent', env: 'test' });

/**
 * The rollup (analytics_hourly, analytics_daily, watermark) against the event log itself: windows that
 * span rolled-up days and hours and the live tail give the same figures as the event log alone, two
 * replicas folding at once count nothing twice, and after erasure and purge the rolled-up counts stay
 * (anonymous; docs/security.md) while the live part follows the log.
 */
describe('AnalyticsRollup: folded hours plus the live tail equal the event log', () => {
  let db: TestDatabase;
  let t: TestApp;
  let second: Database | undefined;
  let log: GeneratedLog;
  const now = Date.now();
  const topOfHour = Math.floor(now / HOUR) * HOUR;
  const windows: [string, Date, Date][] = [
    // Partial first hour, whole days, partial days, the rolled-up part and the live tail.
    ['60 hours to now', new Date(topOfHour - 60 * HOUR + 17 * 60_000), new Date(now + 60_000)],
    // Ends before the watermark: both edges partial, all inside the rolled-up part.
    [
      'a day and a bit, in the past',
      new Date(topOfHour - 40 * HOUR - 5 * 60_000),
      new Date(topOfHour - 9 * HOUR + 20 * 60_000),
    ],
    // Shorter than the lag behind the watermark: all live.
    ['the last two hours', new Date(topOfHour - 2 * HOUR), new Date(now + 60_000)],
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({ db });
    log = generateLog({ from: topOfHour - 58 * HOUR, to: now - 1_000, conversations: 90, seed: 7 });
    await insertLog(db.database, log);
    // A second replica: its own connections on PostgreSQL; on PGlite (one process) the same database.
    second = db.url ? await openDatabase({ databaseUrl: db.url }) : undefined;
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
    await db.dispose();
  });

  const direct = (since: Date, until: Date) => agentAnalytics({ database: db.database, prices }, since, until);
  const rolled = (rollup: AnalyticsRollup, since: Date, until: Date) =>
    agentAnalytics({ database: db.database, rollup, prices }, since, until);
  const total = (a: Analytics, k: keyof AgentStats) => a.agents.reduce((s, x) => s + Number(x[k] ?? 0), 0);

  it('matches the event log (and figures worked out from the generated events) for every window', async () => {
    const rollup = new AnalyticsRollup({ database: db.database, logger }, { foldMs: 0, settleMs: 0 });
    const folded = await rollup.foldUntil(new Date(topOfHour - 6 * HOUR));
    expect(folded).toBe(52); // from the hour of the oldest event to 6 hours ago
    for (const [name, since, until] of windows) {
      const fromLog = await direct(since, until);
      expect(await rolled(rollup, since, until), name).toEqual(fromLog);
      // The event log's figures themselves, against the generated events.
      const truth = log.expected(since, until);
      for (const a of fromLog.agents.filter((x) => x.tasks > 0)) {
        const want = truth.agents.get(a.agent)!;
        expect({ agent: a.agent, ...pick(a) }, name).toEqual({ agent: a.agent, ...want.counts });
        // Percentiles from 2% bins: within 1% (and the millisecond) of the nearest-rank latency.
        expect(Math.abs(a.latencyP50Ms! - want.p50)).toBeLessThanOrEqual(want.p50 * 0.01 + 0.5);
        expect(Math.abs(a.latencyP95Ms! - want.p95)).toBeLessThanOrEqual(want.p95 * 0.01 + 0.5);
      }
      expect(
        fromLog.days.map((d) => [d.day, d.runs, d.tasks, d.humanRequests]),
        name,
      ).toEqual(truth.days);
      expect(total(fromLog, 'tasks'), name).toBeGreaterThan(0);
    }
    // Folding the rest moves the boundary between rolled-up and live: the figures stay.
    await rollup.foldUntil(new Date(topOfHour));
    for (const [name, since, until] of windows)
      expect(await rolled(rollup, since, until), name).toEqual(await direct(since, until));
  });

  it('counts nothing twice when two replicas fold at the same time', async () => {
    for (const table of ['analytics_hourly', 'analytics_daily', 'analytics_watermark'])
      await db.database.query(`delete from ${table}`);
    const a = new AnalyticsRollup({ database: db.database, logger }, { foldMs: 0, settleMs: 0 });
    const b = new AnalyticsRollup({ database: second ?? db.database, logger }, { foldMs: 0, settleMs: 0 });
    const horizon = new Date(topOfHour - 3 * HOUR);
    const [byA, byB] = await Promise.all([a.foldUntil(horizon), b.foldUntil(horizon)]);
    expect(byA + byB).toBe(55);
    const [row] = await db.database.query<{ tasks: number; events: number }>(
      `select (select sum(tasks)::int from analytics_hourly) as tasks,
        (select count(*)::int from events where type = 'TASK_STARTED' and created_at < $1::timestamptz) as events`,
      [horizon.toISOString()],
    );
    expect(row!.tasks).toBe(row!.events);
    for (const [name, since, until] of windows)
      expect(await rolled(a, since, until), name).toEqual(await direct(since, until));
  });

  it('goes on folding when another replica moved the watermark between its read and its fold', async () => {
    // The interleaving behind a flaky CI run: B's fold takes the row while A is between reading the watermark and
    // folding, so A's fold is refused. A must go on from the watermark B left, or the hours up to the horizon wait
    // for the next schedule (B folded only what its own horizon allowed).
    for (const table of ['analytics_hourly', 'analytics_daily', 'analytics_watermark'])
      await db.database.query(`delete from ${table}`);
    const b = new AnalyticsRollup({ database: second ?? db.database, logger }, { foldMs: 0, settleMs: 0 });
    let byB = -1;
    const a = new AnalyticsRollup(
      {
        database: {
          db: afterWatermarkRead(db.database.db, async (foldedUntil) => {
            if (byB < 0) byB = await b.foldUntil(new Date(foldedUntil.getTime() + HOUR));
          }),
        },
        logger,
      },
      { foldMs: 0, settleMs: 0 },
    );
    const horizon = new Date(topOfHour - 3 * HOUR);
    const byA = await a.foldUntil(horizon);
    expect([byA, byB]).toEqual([54, 1]);
    expect((await a.read(horizon, horizon)).foldedUntil).toEqual(horizon);
    for (const [name, since, until] of windows)
      expect(await rolled(a, since, until), name).toEqual(await direct(since, until));
  });

  it('keeps rolled-up counts after erasure and purge; what was not folded yet goes with the events', async () => {
    const rollup = new AnalyticsRollup({ database: db.database, logger }, { foldMs: 0, settleMs: 0 });
    const [since, until] = [windows[0]![1], windows[0]![2]];
    const before = await rolled(rollup, since, until);
    const watermark = topOfHour - 3 * HOUR;
    // One customer with a conversation in the rolled-up part and one in the live tail.
    const old = log.conversations.find((c) => c.last < watermark - 2 * HOUR && c.first > since.getTime())!;
    const recent = log.conversations.find((c) => c.first >= watermark)!;
    await db.database.query(`update conversations set customer_id = 'erase_me' where id = any($1::uuid[])`, [
      [old.id, recent.id],
    ]);
    await t.app.services.customerData.erase('erase_me', 'test');
    const after = await rolled(rollup, since, until);
    expect(total(after, 'tasks')).toBe(total(before, 'tasks') - recent.tasks);
    expect(total(await direct(since, until), 'tasks')).toBe(total(before, 'tasks') - recent.tasks - old.tasks);

    // RETENTION_DAYS=2 purges the conversations idle for two days: all rolled up long ago.
    const sweeper = new RetentionSweeper(
      { db: db.database.db, logger, onConversationsDeleted: () => {} },
      { days: 2, sweepMs: 86_400_000 },
    );
    const purged = await sweeper.sweep();
    expect(purged).toBeGreaterThan(0);
    const purgedTasks = log.conversations
      .filter((c) => c.last < now - 48 * HOUR && c.id !== old.id)
      .reduce((s, c) => s + c.tasks, 0);
    expect(total(await rolled(rollup, since, until), 'tasks')).toBe(total(after, 'tasks'));
    expect(total(await direct(since, until), 'tasks')).toBeLessThan(total(before, 'tasks') - recent.tasks - old.tasks);
    expect(purgedTasks).toBeGreaterThan(0);
    // Nothing in the rollup points at a person or a conversation.
    const columns = await db.database.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name in ('analytics_hourly', 'analytics_daily')`,
    );
    expect(columns.map((c) => c.column_name).filter((c) => /(^|_)id$|customer|email|text/.test(c))).toEqual([]);
  });
});

/**
 * A shopper who asked for a person and withdrew the request was not escalated: their conversation counts as contained,
 * the same in the rolled-up hours and the live part, whichever side of the watermark the request and its withdrawal
 * fall on.
 */
describe('AnalyticsRollup: a withdrawn request for a person is no escalation', () => {
  let db: TestDatabase;
  const now = Date.now();
  const top = Math.floor(now / HOUR) * HOUR;
  const at = (hoursAgo: number, minutes = 0) => top - hoursAgo * HOUR + minutes * 60_000;
  const log = handWrittenLog([
    // Asked and withdrew an hour later: withdrawn after the first fold's watermark.
    [
      ['TASK_STARTED', at(10)],
      ['HUMAN_REQUESTED', at(10, 1)],
      ['HUMAN_REQUEST_WITHDRAWN', at(2)],
    ],
    // Asked and withdrew within the hour, all of it rolled up.
    [
      ['TASK_STARTED', at(10, 5)],
      ['HUMAN_REQUESTED', at(10, 6)],
      ['HUMAN_REQUEST_WITHDRAWN', at(10, 7)],
    ],
    // Withdrew, then asked again in the live tail: escalated.
    [
      ['TASK_STARTED', at(10, 10)],
      ['HUMAN_REQUESTED', at(10, 11)],
      ['HUMAN_REQUEST_WITHDRAWN', at(10, 12)],
      ['HUMAN_REQUESTED', at(1)],
    ],
    // Asked, and was not withdrawn: escalated.
    [
      ['TASK_STARTED', at(10, 15)],
      ['HUMAN_REQUESTED', at(9)],
    ],
    // A request a colleague claimed stays an escalation when a later one is withdrawn.
    [
      ['TASK_STARTED', at(10, 20)],
      ['HUMAN_REQUESTED', at(8)],
      ['HUMAN_JOINED', at(8, 1)],
      ['HUMAN_REQUESTED', at(3)],
      ['HUMAN_REQUEST_WITHDRAWN', at(2, 30)],
    ],
    // All of it in the live tail: asked and withdrew.
    [
      ['TASK_STARTED', at(1, 5)],
      ['HUMAN_REQUESTED', at(1, 6)],
      ['HUMAN_REQUEST_WITHDRAWN', at(1, 7)],
    ],
  ]);
  const windows: [string, Date, Date, { conversations: number; contained: number }][] = [
    ['the whole log', new Date(at(12)), new Date(now + 60_000), { conversations: 6, contained: 3 }],
    ['the first tasks of the rolled-up part', new Date(at(11)), new Date(at(9)), { conversations: 5, contained: 2 }],
    ['the live tail', new Date(at(1)), new Date(now + 60_000), { conversations: 1, contained: 1 }],
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertLog(db.database, log);
  });
  afterAll(() => db.dispose());

  const figures = async (since: Date, until: Date, rollup?: AnalyticsRollup) => {
    const a = await agentAnalytics({ database: db.database, rollup, prices }, since, until);
    const agent = a.agents.find((x) => x.agent === 'OrderAgent')!;
    return { conversations: agent.conversations, contained: agent.contained };
  };

  it('counts the conversation as contained, in the live part and in the rolled-up hours', async () => {
    const rollup = new AnalyticsRollup({ database: db.database, logger }, { foldMs: 0, settleMs: 0 });
    for (const [name, since, until, want] of windows) {
      expect(await figures(since, until), name).toEqual(want);
      expect(log.expected(since, until).agents.get('OrderAgent')!.counts, name).toMatchObject(want);
    }
    // Requests folded, their withdrawals (and a request made again) after the watermark.
    await rollup.foldUntil(new Date(at(6)));
    for (const [name, since, until, want] of windows) expect(await figures(since, until, rollup), name).toEqual(want);
    // Everything folded but the last hour.
    await rollup.foldUntil(new Date(at(0)));
    for (const [name, since, until, want] of windows) expect(await figures(since, until, rollup), name).toEqual(want);
  });
});

const WATERMARK_READ = 'select folded_until from analytics_watermark where id = 1';
const dialect = new PgDialect();

/** `db`, calling `hook` with the watermark each time a transaction that read it has ended. */
function afterWatermarkRead(db: Db, hook: (foldedUntil: Date) => Promise<void>): Db {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key !== 'transaction') return Reflect.get(target, key, receiver);
      return async (work: (tx: unknown) => Promise<unknown>) => {
        let read: Date | undefined;
        const result = await target.transaction((tx) =>
          work(
            new Proxy(tx, {
              get(t, k, r) {
                if (k !== 'execute') return Reflect.get(t, k, r);
                return async (query: SQL) => {
                  const res = await t.execute(query);
                  if (dialect.sqlToQuery(query).sql === WATERMARK_READ) {
                    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Record<
                      string,
                      unknown
                    >[];
                    read = dateColumn(rows[0]!.folded_until);
                  }
                  return res;
                };
              },
            }),
          ),
        );
        if (read) await hook(read);
        return result;
      };
    },
  });
}

const pick = (a: AgentStats) => ({
  runs: a.runs,
  tasks: a.tasks,
  conversations: a.conversations,
  contained: a.contained,
  handoffs: a.handoffs,
  toolCalls: a.toolCalls,
  toolErrors: a.toolErrors,
  tokens: a.tokens,
  cost: a.cost === null ? null : Math.round(a.cost * 1e6),
});
