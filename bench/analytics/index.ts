import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { agentAnalytics } from '../../server/src/analytics/agent-analytics.js';
import { AnalyticsRollup } from '../../server/src/analytics/analytics-rollup.js';
import type { ModelPrice } from '../../server/src/domain/model-prices.js';
import { createLogger } from '../../server/src/logger.js';
import { createTestDatabase } from '../../test/helpers/test-database.js';
import { machineLine } from '../turn-overhead/stats.js';
import { seed } from './seed.js';

/**
 * Query.analytics over an event log of N runs (default 100,000) spread over 30 days (seed.ts), on a
 * fresh PostgreSQL database (--pg or TEST_DATABASE_URL) or on PGlite (--pglite). Prints the median
 * (and min/max) of repeated queries for 1, 7 and 30-day windows: first from the event log alone (no
 * rollup: what every query cost before the rollup), then after the rollup has folded the closed hours.
 *
 *   pnpm bench:analytics --pg postgres://postgres@127.0.0.1:5432/test [--runs 100000] [--repeat 9]
 *   pnpm bench:analytics --pglite [--runs 100000]
 */
async function main() {
  const { values: args } = parseArgs({
    options: {
      pg: { type: 'string' },
      pglite: { type: 'boolean' },
      runs: { type: 'string' },
      repeat: { type: 'string' },
      'direct-repeat': { type: 'string' },
    },
  });
  const pgUrl = args.pglite ? undefined : (args.pg ?? process.env.TEST_DATABASE_URL);
  if (!pgUrl && !args.pglite) throw new Error('needs a database: --pg <url>, TEST_DATABASE_URL, or --pglite');
  if (pgUrl) process.env.TEST_DATABASE_URL = pgUrl;
  else delete process.env.TEST_DATABASE_URL;
  const runs = Number(args.runs ?? 100_000);
  const repeat = Number(args.repeat ?? 9);
  const directRepeat = Number(args['direct-repeat'] ?? 3);
  const db = await createTestDatabase();
  const q = db.database.query.bind(db.database);
  const prices: ModelPrice[] = [
    { model: 'gpt-4o-mini', inputPerMillion: 0.15, outputPerMillion: 0.6, currency: 'USD' },
    { model: 'gpt-4o', inputPerMillion: 2.5, outputPerMillion: 10, currency: 'USD' },
  ];
  try {
    console.log(machineLine());
    const [{ version }] = (await q(`select version()`)) as [{ version: string }];
    console.log(`database: ${db.database.kind}, ${version.split(',')[0]}`);
    const seeded = performance.now();
    await seed(q, runs);
    // Utility statements cannot be prepared (PGlite's query prepares every statement).
    await db.database.db.execute(sql.raw('analyze'));
    const [{ n }] = (await q(`select count(*)::int as n from events`)) as [{ n: number }];
    console.log(`seeded ${runs} runs, ${n} events in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const direct = { database: db.database, prices };
    for (const days of [30, 7, 1]) await measure(`event log only, ${days} days`, days, directRepeat, direct);

    const rollup = new AnalyticsRollup(
      { database: db.database, logger: createLogger({ logLevel: 'silent', env: 'test' }) },
      { foldMs: 0, settleMs: 0 },
    );
    const folding = performance.now();
    const hours = await rollup.foldUntil(new Date(Date.now() - 120_000));
    await db.database.db.execute(sql.raw('analyze analytics_hourly, analytics_daily'));
    const [{ rows }] = (await q(`select count(*)::int as rows from analytics_hourly`)) as [{ rows: number }];
    console.log(
      `rollup: folded ${hours} hours into ${rows} rows in ${((performance.now() - folding) / 1000).toFixed(1)} s (${((performance.now() - folding) / hours).toFixed(1)} ms an hour)`,
    );
    const withRollup = { database: db.database, rollup, prices };
    for (const days of [30, 7, 1]) await measure(`with rollup, ${days} days`, days, repeat, withRollup);
  } finally {
    await db.dispose();
  }
}

/** Runs the query `repeat` times (after one warm-up) and prints the median, min and max. */
async function measure(label: string, days: number, repeat: number, sources: Parameters<typeof agentAnalytics>[0]) {
  const until = new Date(Date.now() + 60_000);
  const since = new Date(until.getTime() - days * 86_400_000);
  await agentAnalytics(sources, since, until);
  const times: number[] = [];
  let result: Awaited<ReturnType<typeof agentAnalytics>> | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    result = await agentAnalytics(sources, since, until);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const runs = result!.days.reduce((s, d) => s + d.runs, 0);
  const cost = result!.days.reduce((s, d) => s + (d.cost ?? 0), 0);
  console.log(
    `analytics, ${label} (${result!.agents.length} agents, ${runs} runs, ${cost.toFixed(2)} ${result!.currency}): median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${repeat} runs)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
