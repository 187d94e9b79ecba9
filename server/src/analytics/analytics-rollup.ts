import type { Database } from '../db/client.js';
import { dateColumn } from '../db/raw-rows.js';
import type { Logger } from '../logger.js';
import { analyticsQuery } from './analytics-query.js';
import { escalationChangesSql, hourlyAggregateSql, hourOf } from './event-aggregates.js';

export interface AnalyticsRollupOptions {
  /** How often each replica folds closed hours; 0 turns folding off (analytics then reads the event log only). */
  foldMs: number;
  /** An hour is folded only this long after it ended, so that slow transactions have committed its events. */
  settleMs: number;
}

export interface AnalyticsRollupDeps {
  database: Pick<Database, 'db'>;
  logger: Logger;
}

/** An analytics_hourly row as SQL returns it (snake_case). */
export type HourlyRow = Record<string, unknown>;

const COUNTS = [
  'runs',
  'planned_runs',
  'tasks',
  'conversations',
  'escalated',
  'handoffs',
  'tool_calls',
  'tool_errors',
  'plans',
  'plan_fallbacks',
  'human_requests',
  'tokens',
] as const;

const sumJsonCounts = (a: string, b: string) =>
  `(select coalesce(jsonb_object_agg(k, s), '{}'::jsonb) from (select k, sum(v::numeric) as s
    from (select * from jsonb_each_text(${a}) union all select * from jsonb_each_text(${b})) j(k, v) group by k) t)`;
const sumJsonPairs = (a: string, b: string) =>
  `(select coalesce(jsonb_object_agg(k, jsonb_build_array(p, c)), '{}'::jsonb) from (
    select k, sum((v->>0)::bigint) as p, sum((v->>1)::bigint) as c
    from (select * from jsonb_each(${a}) union all select * from jsonb_each(${b})) j(k, v) group by k) t)`;

/** `table`'s upsert of the rows of CTE `rows`: counts and histograms add up. */
const upsert = (
  table: string,
  rows: string,
) => `insert into ${table} (bucket, agent, ${COUNTS.join(', ')}, latency, models)
    select bucket, agent, ${COUNTS.join(', ')}, latency, models from ${rows}
    on conflict (bucket, agent) do update set
      ${COUNTS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')},
      latency = ${sumJsonCounts(`${table}.latency`, 'excluded.latency')},
      models = ${sumJsonPairs(`${table}.models`, 'excluded.models')}`;

const dayOf = (col: string) => `(date_trunc('day', ${col} at time zone 'UTC') at time zone 'UTC')`;

/**
 * Folds the hour [$1, $2) into analytics_hourly and analytics_daily and moves the watermark past it, in
 * one statement, if the watermark is still at $1. The watermark row is taken with SKIP LOCKED: while one
 * replica folds, another's fold finds no row and does nothing, so no hour is counted twice. Escalations land in the hour of the
 * agent's first task (an earlier hour, usually), hence upserts that add.
 */
const FOLD_SQL = `with w as (
    select folded_until from analytics_watermark where id = 1 and folded_until = $1::timestamptz
    for update skip locked),
  agg as (${hourlyAggregateSql([['$1::timestamptz', '$2::timestamptz']])}),
  esc as (${escalationChangesSql(['$1::timestamptz', '$2::timestamptz'], ["'-infinity'::timestamptz", "'infinity'::timestamptz"])}),
  hours as (
    select coalesce(a.bucket, x.bucket) as bucket, coalesce(a.agent, x.agent) as agent,
      ${COUNTS.map((c) => (c === 'escalated' ? 'coalesce(x.escalated, 0) as escalated' : `coalesce(a.${c}, 0) as ${c}`)).join(', ')},
      coalesce(a.latency, '{}'::jsonb) as latency, coalesce(a.models, '{}'::jsonb) as models
    from agg a full join esc x on a.bucket = x.bucket and a.agent = x.agent
    where exists (select 1 from w)),
  day_counts as (
    select ${dayOf('bucket')} as bucket, agent, ${COUNTS.map((c) => `sum(${c}) as ${c}`).join(', ')}
    from hours group by 1, 2),
  day_latency as (
    select bucket, agent, jsonb_object_agg(k, n) as latency from (
      select ${dayOf('bucket')} as bucket, agent, k, sum(v::numeric) as n
      from hours, jsonb_each_text(latency) as j(k, v) group by 1, 2, 3) t group by 1, 2),
  day_models as (
    select bucket, agent, jsonb_object_agg(k, jsonb_build_array(p, c)) as models from (
      select ${dayOf('bucket')} as bucket, agent, k, sum((v->>0)::bigint) as p, sum((v->>1)::bigint) as c
      from hours, jsonb_each(models) as j(k, v) group by 1, 2, 3) t group by 1, 2),
  days as (
    select d.*, coalesce(l.latency, '{}'::jsonb) as latency, coalesce(m.models, '{}'::jsonb) as models
    from day_counts d left join day_latency l using (bucket, agent) left join day_models m using (bucket, agent)),
  hourly as (${upsert('analytics_hourly', 'hours')}),
  daily as (${upsert('analytics_daily', 'days')})
  update analytics_watermark set folded_until = $2::timestamptz
  where id = 1 and exists (select 1 from w) returning folded_until`;

/** The first fold starts at the hour of the oldest event (or now, on an empty log). */
const START_SQL = `insert into analytics_watermark (id, folded_until)
  select 1, ${hourOf('coalesce(min(created_at), now())')} from events on conflict (id) do nothing`;

const WATERMARK_SQL = 'select folded_until from analytics_watermark where id = 1';

const ROLLED = `bucket, agent, ${COUNTS.join(', ')}, latency, models`;
/**
 * The watermark and, below it, the rolled-up part of [$1, $2) (whole hours): whole days from
 * analytics_daily, the hours before the first and after the last whole day from analytics_hourly.
 * One statement, so one snapshot: rows and watermark agree.
 */
const READ_SQL = `with w as (select folded_until from analytics_watermark where id = 1),
  r as (select $1::timestamptz as a, least($2::timestamptz, folded_until) as b from w),
  d as (select a, b, (date_trunc('day', (a - interval '1 microsecond') at time zone 'UTC') + interval '1 day') at time zone 'UTC' as da,
    ${dayOf('b')} as db from r)
  select w.folded_until, x.* from w left join (
    select ${ROLLED} from analytics_hourly h, d where h.bucket >= d.a and h.bucket < least(d.da, d.b)
    union all
    select ${ROLLED} from analytics_daily y, d where y.bucket >= d.da and y.bucket < d.db
    union all
    select ${ROLLED} from analytics_hourly h, d where h.bucket >= greatest(d.da, d.db) and h.bucket < d.b) x on true`;

/**
 * The analytics rollup: every replica folds closed hours of the event log into analytics_hourly on a
 * schedule, off the turn's write path. Readers add the live tail after the watermark (agentAnalytics).
 */
export class AnalyticsRollup {
  private timers: NodeJS.Timeout[] = [];
  private folding: Promise<number> | undefined;

  constructor(
    private readonly deps: AnalyticsRollupDeps,
    private readonly options: AnalyticsRollupOptions,
  ) {}

  get enabled(): boolean {
    return this.options.foldMs > 0;
  }

  start(): void {
    if (!this.enabled) return;
    const run = () => void this.fold().catch((err) => this.deps.logger.error({ err }, 'analytics fold failed'));
    this.timers.push(setTimeout(run, Math.random() * Math.min(this.options.foldMs, 10_000)).unref());
    this.timers.push(setInterval(run, this.options.foldMs).unref());
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Folds every hour that ended `settleMs` ago or earlier; returns how many hours this replica folded. */
  fold(): Promise<number> {
    this.folding ??= this.foldUntil(new Date(Date.now() - this.options.settleMs)).finally(() => {
      this.folding = undefined;
    });
    return this.folding;
  }

  /** Folds hour after hour that ends at or before `horizon`, until caught up or another replica holds the watermark. */
  async foldUntil(horizon: Date): Promise<number> {
    const { db } = this.deps.database;
    await analyticsQuery(db, START_SQL);
    let hours = 0;
    let refusedAt: number | undefined;
    for (;;) {
      const [row] = await analyticsQuery(db, WATERMARK_SQL);
      const since = dateColumn(row!.folded_until);
      // Refused and the watermark has not moved since: another replica's fold of this hour holds the row, and it
      // goes on folding.
      if (since.getTime() === refusedAt) break;
      const until = new Date(since.getTime() + 3_600_000);
      if (until > horizon) break;
      if ((await analyticsQuery(db, FOLD_SQL, [since.toISOString(), until.toISOString()])).length === 0) {
        // Refused, and the watermark may have moved meanwhile. Stopping here would leave the rest to the replica that
        // moved it, but that one may have stopped as well: a fold that finds the row already moved (its snapshot older
        // than the move) still locks the row until its statement ends, so the other replica's next fold is refused
        // too. Read the watermark again and go on from there.
        refusedAt = since.getTime();
        continue;
      }
      hours++;
    }
    if (hours) this.deps.logger.debug({ hours }, 'analytics: hours folded');
    return hours;
  }

  /** The watermark (null before the first fold) and the rolled-up hours in [from, to) below it. */
  async read(from: Date, to: Date): Promise<{ foldedUntil: Date | null; rows: HourlyRow[] }> {
    const rows = await analyticsQuery(this.deps.database.db, READ_SQL, [from.toISOString(), to.toISOString()]);
    if (rows.length === 0) return { foldedUntil: null, rows: [] };
    return { foldedUntil: dateColumn(rows[0]!.folded_until), rows: rows.filter((r) => r.bucket != null) };
  }
}
