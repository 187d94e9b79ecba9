import { sql } from 'drizzle-orm';
import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The figures of one agent over one period (an hour or a day, UTC), folded from the event log by
 * AnalyticsRollup. Anonymous counts only: no conversation, customer or text (see docs/security.md).
 * `agent` is '' for events of no agent (a shopper's request for a person).
 */
const figures = () => ({
  bucket: timestamp('bucket', { withTimezone: true }).notNull(),
  agent: text('agent').notNull(),
  /** Runs in which this agent started its first task (PlannerAgent: made its first plan) in the period. */
  runs: integer('runs').notNull().default(0),
  /** Runs whose first plan was made in the period (the runs of the day chart). */
  plannedRuns: integer('planned_runs').notNull().default(0),
  tasks: integer('tasks').notNull().default(0),
  /** Conversations in which this agent started its first task in the period. */
  conversations: integer('conversations').notNull().default(0),
  /** Of those conversations, how many asked for a person afterwards (added when the request's hour is folded). */
  escalated: integer('escalated').notNull().default(0),
  handoffs: integer('handoffs').notNull().default(0),
  toolCalls: integer('tool_calls').notNull().default(0),
  toolErrors: integer('tool_errors').notNull().default(0),
  plans: integer('plans').notNull().default(0),
  planFallbacks: integer('plan_fallbacks').notNull().default(0),
  humanRequests: integer('human_requests').notNull().default(0),
  tokens: bigint('tokens', { mode: 'number' }).notNull().default(0),
  /** Task latency histogram: log bin (latency-histogram.ts) -> tasks. */
  latency: jsonb('latency').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
  /** Tokens by model: model -> [prompt, completion]. */
  models: jsonb('models').$type<Record<string, [number, number]>>().notNull().default(sql`'{}'::jsonb`),
});

/** Per hour and agent: the edges of a window that do not cover whole days. */
export const analyticsHourly = pgTable(
  'analytics_hourly',
  figures(),
  // agentAnalytics: the rolled-up hours of a window (a range of bucket).
  (t) => [primaryKey({ columns: [t.bucket, t.agent] })],
);

/** Per day and agent (bucket: the day's start, UTC): the same figures as the day's hours added up. */
export const analyticsDaily = pgTable(
  'analytics_daily',
  figures(),
  // agentAnalytics: the whole days of a window (a range of bucket).
  (t) => [primaryKey({ columns: [t.bucket, t.agent] })],
);

/** One row (id = 1): the event log is folded into the rollup below `folded_until` (an hour boundary). */
export const analyticsWatermark = pgTable('analytics_watermark', {
  id: integer('id').primaryKey().default(1),
  foldedUntil: timestamp('folded_until', { withTimezone: true }).notNull(),
});
