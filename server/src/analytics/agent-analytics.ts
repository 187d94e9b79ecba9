import type { Database } from '../db/client.js';
import { ValidationError } from '../errors.js';

/** One agent's figures over a time window. PlannerAgent's row carries the plans and plan fallbacks. */
export interface AgentStats {
  agent: string;
  runs: number;
  tasks: number;
  conversations: number;
  /** Conversations it worked in that never asked for a person. */
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
export interface DayStats {
  day: string;
  runs: number;
  tasks: number;
  handoffs: number;
  toolErrors: number;
  tokens: number;
  planFallbacks: number;
  humanRequests: number;
}

const TYPES = `('TASK_STARTED', 'TASK_COMPLETED', 'HANDOFF', 'TOOL_CALL', 'MESSAGE', 'PLAN', 'HUMAN_REQUESTED')`;
const MAX_DAYS = 366;

/**
 * Analytics over the event log in one window, computed in SQL: per agent (runs, tasks, containment,
 * hand-off rate, task latency p50/p95, tokens, tool error rate, plan fallbacks) and per day. The
 * window is read through events_created_at_idx.
 */
export async function agentAnalytics(
  database: Pick<Database, 'query'>,
  since: Date,
  until: Date,
): Promise<{ agents: AgentStats[]; days: DayStats[] }> {
  if (!(until > since)) throw ValidationError.single('until', 'must be after since');
  if (until.getTime() - since.getTime() > MAX_DAYS * 86_400_000)
    throw ValidationError.single('since', `a window of at most ${MAX_DAYS} days`);
  const window = [since.toISOString(), until.toISOString()];
  // Three scans of the window, in parallel: the per-agent aggregates (no intermediate copy of the rows),
  // containment (conversations an agent worked in, and which of them asked for a person), and the days.
  const [agents, containment, days] = await Promise.all([
    database.query<Record<string, unknown>>(
      `select case when type = 'HANDOFF' then data->>'from' else agent_name end as agent,
        count(distinct run_id) filter (where type in ('TASK_STARTED', 'PLAN'))::int as runs,
        count(*) filter (where type = 'TASK_STARTED')::int as tasks,
        count(*) filter (where type = 'HANDOFF')::int as handoffs,
        percentile_cont(0.5) within group (order by (data->>'durationMs')::float8)
          filter (where type = 'TASK_COMPLETED') as p50,
        percentile_cont(0.95) within group (order by (data->>'durationMs')::float8)
          filter (where type = 'TASK_COMPLETED') as p95,
        coalesce(sum((data->'usage'->>'totalTokens')::int) filter (where type in ('MESSAGE', 'TOOL_CALL', 'PLAN')), 0)::int as tokens,
        count(*) filter (where type = 'TOOL_CALL')::int as tool_calls,
        count(*) filter (where type = 'TOOL_CALL' and (data ? 'error' or data->>'refused' = 'true'))::int as tool_errors,
        count(*) filter (where type = 'PLAN')::int as plans,
        count(*) filter (where type = 'PLAN' and data->>'source' = 'fallback')::int as plan_fallbacks
      from events
      where created_at >= $1::timestamptz and created_at < $2::timestamptz
        and type in ('TASK_STARTED', 'TASK_COMPLETED', 'HANDOFF', 'TOOL_CALL', 'MESSAGE', 'PLAN')
      group by 1`,
      window,
    ),
    database.query<Record<string, unknown>>(
      `with worked as (
        select distinct agent_name as agent, conversation_id from events
        where created_at >= $1::timestamptz and created_at < $2::timestamptz and type = 'TASK_STARTED'),
      humans as (
        select distinct conversation_id from events
        where created_at >= $1::timestamptz and created_at < $2::timestamptz and type = 'HUMAN_REQUESTED')
      select w.agent, count(*)::int as conversations, count(*) filter (where h.conversation_id is null)::int as contained
      from worked w left join humans h using (conversation_id) group by w.agent`,
      window,
    ),
    database.query<Record<string, unknown>>(
      `select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
        count(distinct run_id) filter (where type = 'PLAN')::int as runs,
        count(*) filter (where type = 'TASK_STARTED')::int as tasks,
        count(*) filter (where type = 'HANDOFF')::int as handoffs,
        count(*) filter (where type = 'TOOL_CALL' and (data ? 'error' or data->>'refused' = 'true'))::int as tool_errors,
        coalesce(sum((data->'usage'->>'totalTokens')::int) filter (where type in ('MESSAGE', 'TOOL_CALL', 'PLAN')), 0)::int as tokens,
        count(*) filter (where type = 'PLAN' and data->>'source' = 'fallback')::int as plan_fallbacks,
        count(*) filter (where type = 'HUMAN_REQUESTED')::int as human_requests
      from events
      where created_at >= $1::timestamptz and created_at < $2::timestamptz and type in ${TYPES}
      group by 1 order by 1`,
      window,
    ),
  ]);
  const contained = new Map(containment.map((r) => [String(r.agent), r]));
  const n = (v: unknown) => Number(v ?? 0);
  const ms = (v: unknown) => (v == null ? null : Math.round(Number(v)));
  return {
    agents: agents
      .filter((r) => r.agent != null && r.agent !== 'KnowledgeRetriever')
      .sort((a, b) => String(a.agent).localeCompare(String(b.agent)))
      .map((r) => ({
        agent: String(r.agent),
        runs: n(r.runs),
        tasks: n(r.tasks),
        conversations: n(contained.get(String(r.agent))?.conversations),
        contained: n(contained.get(String(r.agent))?.contained),
        handoffs: n(r.handoffs),
        latencyP50Ms: ms(r.p50),
        latencyP95Ms: ms(r.p95),
        tokens: n(r.tokens),
        toolCalls: n(r.tool_calls),
        toolErrors: n(r.tool_errors),
        plans: n(r.plans),
        planFallbacks: n(r.plan_fallbacks),
      })),
    days: days.map((r) => ({
      day: String(r.day),
      runs: n(r.runs),
      tasks: n(r.tasks),
      handoffs: n(r.handoffs),
      toolErrors: n(r.tool_errors),
      tokens: n(r.tokens),
      planFallbacks: n(r.plan_fallbacks),
      humanRequests: n(r.human_requests),
    })),
  };
}
