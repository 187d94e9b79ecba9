import type { Database } from '../db/client.js';
import { jsonColumn } from '../db/raw-rows.js';
import { type ModelPrice, type ModelTokens, tokenCost } from '../domain/model-prices.js';
import { ValidationError } from '../errors.js';
import { analyticsQuery } from './analytics-query.js';
import type { AnalyticsRollup, HourlyRow } from './analytics-rollup.js';
import { escalatedConversationsSql, escalationChangesSql, hourlyAggregateSql } from './event-aggregates.js';
import { histogramPercentile, type LatencyHistogram, mergeHistogram } from './latency-histogram.js';

/** Cost of tokens where their model has a price; tokens of models without one are counted apart. */
export interface Cost {
  /** In the prices' currency; null when none of the tokens has a price. */
  cost: number | null;
  /** Tokens whose model has no price (or was not recorded). */
  unpricedTokens: number;
}

/** One agent's figures over a time window. PlannerAgent's row carries the plans and plan fallbacks. */
export interface AgentStats extends Cost {
  agent: string;
  /** Runs in which the agent started a task (PlannerAgent: made a plan), counted where its first one was. */
  runs: number;
  tasks: number;
  /** Conversations in which the agent started its first task in the window. */
  conversations: number;
  /** Of those, the ones that did not ask for a person afterwards, or withdrew every request they made. */
  contained: number;
  handoffs: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  tokens: number;
  toolCalls: number;
  toolErrors: number;
  plans: number;
  planFallbacks: number;
}

/** All agents together, by day. */
export interface DayStats extends Cost {
  day: string;
  runs: number;
  tasks: number;
  handoffs: number;
  toolErrors: number;
  tokens: number;
  planFallbacks: number;
  humanRequests: number;
}

export interface Analytics {
  agents: AgentStats[];
  days: DayStats[];
  /** The currency of the costs; null when no model has a price. */
  currency: string | null;
}

export interface AnalyticsSources {
  database: Pick<Database, 'db'>;
  /** Without it (or before its first fold) every figure comes from the event log. */
  rollup?: Pick<AnalyticsRollup, 'read'>;
  prices: readonly ModelPrice[];
}

const MAX_DAYS = 366;
const HOUR = 3_600_000;

const LIVE_SQL = hourlyAggregateSql([
  ['$1::timestamptz', '$2::timestamptz'],
  ['$3::timestamptz', '$4::timestamptz'],
]);
const ESCALATED_SQL = escalatedConversationsSql([
  ['$1::timestamptz', '$2::timestamptz'],
  ['$3::timestamptz', '$4::timestamptz'],
]);
const LATE_ESCALATIONS_SQL = escalationChangesSql(
  ['$1::timestamptz', "'infinity'::timestamptz"],
  ['$2::timestamptz', '$3::timestamptz'],
);

/**
 * Analytics over the event log in one window: per agent (runs, tasks, containment, hand-off rate, task
 * latency p50/p95, tokens and cost, tool error rate, plan fallbacks) and per day. Whole hours below the
 * rollup's watermark come from the rollup (whole days from analytics_daily, the rest from
 * analytics_hourly); the window's first partial hour and everything after the watermark are aggregated
 * live from the events, with the same SQL.
 */
export async function agentAnalytics(sources: AnalyticsSources, since: Date, until: Date): Promise<Analytics> {
  if (!(until > since)) throw ValidationError.single('until', 'must be after since');
  if (until.getTime() - since.getTime() > MAX_DAYS * 86_400_000)
    throw ValidationError.single('since', `a window of at most ${MAX_DAYS} days`);
  const { db } = sources.database;
  const firstHour = new Date(Math.ceil(since.getTime() / HOUR) * HOUR);
  const lastHour = new Date(Math.floor(until.getTime() / HOUR) * HOUR);
  const rolled =
    sources.rollup && firstHour < lastHour
      ? await sources.rollup.read(firstHour, lastHour)
      : { foldedUntil: null, rows: [] };
  const midEnd = rolled.foldedUntil && rolled.foldedUntil < lastHour ? rolled.foldedUntil : lastHour;
  const hasMid = rolled.foldedUntil !== null && firstHour < midEnd;
  const iso = (d: Date) => d.toISOString();
  // Live: the head before the first rolled-up hour and the tail after it, or the whole window.
  const live = hasMid
    ? [iso(since), iso(firstHour), iso(midEnd), iso(until)]
    : [iso(since), iso(until), iso(until), iso(until)];
  const [liveRows, escalated, late] = await Promise.all([
    analyticsQuery(db, LIVE_SQL, live),
    analyticsQuery(db, ESCALATED_SQL, live),
    // Rolled-up conversations that asked for a person, or withdrew the request, after the watermark.
    hasMid ? analyticsQuery(db, LATE_ESCALATIONS_SQL, [iso(rolled.foldedUntil!), iso(firstHour), iso(midEnd)]) : [],
  ]);
  return summarise([...(hasMid ? rolled.rows : []), ...liveRows, ...escalated, ...late], sources.prices);
}

type Acc = Record<string, number> & { latency: Map<number, number>; models: Map<string, ModelTokens> };
const blank = (): Acc => Object.assign(Object.create(null), { latency: new Map(), models: new Map() });

function add(acc: Acc, row: HourlyRow) {
  for (const [k, v] of Object.entries(row))
    if (k !== 'bucket' && k !== 'agent' && k !== 'latency' && k !== 'models' && k !== 'folded_until')
      acc[k] = (acc[k] ?? 0) + Number(v ?? 0);
  if (row.latency) mergeHistogram(acc.latency, jsonColumn<LatencyHistogram>(row.latency));
  for (const [model, [p, c]] of Object.entries(jsonColumn<Record<string, [number, number]>>(row.models ?? {}))) {
    const m = acc.models.get(model) ?? { promptTokens: 0, completionTokens: 0 };
    acc.models.set(model, {
      promptTokens: m.promptTokens + Number(p),
      completionTokens: m.completionTokens + Number(c),
    });
  }
}

function costOf(acc: Acc, prices: ReadonlyMap<string, ModelPrice>): Cost {
  let cost: number | null = null;
  let priced = 0;
  for (const [model, tokens] of acc.models) {
    const price = prices.get(model);
    if (!price) continue;
    cost = (cost ?? 0) + tokenCost(tokens, price);
    priced += tokens.promptTokens + tokens.completionTokens;
  }
  return { cost, unpricedTokens: Math.max(0, (acc.tokens ?? 0) - priced) };
}

/** Adds the rows up per agent and per UTC day. */
function summarise(rows: HourlyRow[], priceList: readonly ModelPrice[]): Analytics {
  const agents = new Map<string, Acc>();
  const days = new Map<string, Acc>();
  for (const row of rows) {
    const agent = String(row.agent ?? '');
    if (!agents.has(agent)) agents.set(agent, blank());
    add(agents.get(agent)!, row);
    if (row.bucket == null) continue; // escalations of the live head and tail: per agent only
    const day = new Date(row.bucket as string | Date).toISOString().slice(0, 10);
    if (!days.has(day)) days.set(day, blank());
    add(days.get(day)!, row);
  }
  const prices = new Map(priceList.map((p) => [p.model, p]));
  const n = (acc: Acc, k: string) => acc[k] ?? 0;
  return {
    currency: priceList[0]?.currency ?? null,
    agents: [...agents]
      .filter(([agent]) => agent !== '' && agent !== 'KnowledgeRetriever')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([agent, a]) => ({
        agent,
        runs: n(a, 'runs'),
        tasks: n(a, 'tasks'),
        conversations: n(a, 'conversations'),
        contained: n(a, 'conversations') - n(a, 'escalated'),
        handoffs: n(a, 'handoffs'),
        latencyP50Ms: histogramPercentile(a.latency, 0.5),
        latencyP95Ms: histogramPercentile(a.latency, 0.95),
        tokens: n(a, 'tokens'),
        toolCalls: n(a, 'tool_calls'),
        toolErrors: n(a, 'tool_errors'),
        plans: n(a, 'plans'),
        planFallbacks: n(a, 'plan_fallbacks'),
        ...costOf(a, prices),
      })),
    days: [...days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, d]) => ({
        day,
        runs: n(d, 'planned_runs'),
        tasks: n(d, 'tasks'),
        handoffs: n(d, 'handoffs'),
        toolErrors: n(d, 'tool_errors'),
        tokens: n(d, 'tokens'),
        planFallbacks: n(d, 'plan_fallbacks'),
        humanRequests: n(d, 'human_requests'),
        ...costOf(d, prices),
      })),
  };
}
