import { latencyBinSql } from './latency-histogram.js';

/**
 * The SQL that reads analytics figures from the event log. AnalyticsRollup folds closed hours with it;
 * agentAnalytics runs it live over the parts of a window that are not folded. Figures are attributed so
 * that they add up across hours: a run counts for an agent in the hour of the agent's first task in it,
 * a conversation in the hour of the agent's first task there, and that conversation's escalation (a
 * later request for a person that the shopper did not withdraw) is added to the same hour.
 */

/** An SQL expression: the UTC hour a timestamptz falls in. */
export const hourOf = (col: string) => `(date_trunc('hour', ${col} at time zone 'UTC') at time zone 'UTC')`;

/** A time range as two SQL expressions (timestamptz), `from` included, `to` excluded. */
export type SqlRange = readonly [from: string, to: string];

const inRanges = (col: string, ranges: readonly SqlRange[]) =>
  `(${ranges.map(([from, to]) => `(${col} >= ${from} and ${col} < ${to})`).join(' or ')})`;

/** No earlier TASK_STARTED of the same agent in the conversation. */
const firstInConversation = (e: string) =>
  `not exists (select 1 from events p where p.conversation_id = ${e}.conversation_id and p.seq < ${e}.seq
    and p.type = 'TASK_STARTED' and p.agent_name is not distinct from ${e}.agent_name)`;

/**
 * Per hour and agent, over the events in `ranges`: the columns of analytics_hourly except `escalated`.
 * Latency is a histogram (latency-histogram.ts); tokens by model are model -> [prompt, completion].
 */
export function hourlyAggregateSql(ranges: readonly SqlRange[]): string {
  return `with e as (
    select e.id, e.run_id, e.conversation_id, e.seq, e.type, e.data, e.agent_name, ${hourOf('e.created_at')} as bucket,
      coalesce(case when e.type = 'HANDOFF' then e.data->>'from' else e.agent_name end, '') as agent
    from events e
    where ${inRanges('e.created_at', ranges)}
      and e.type in ('TASK_STARTED', 'TASK_COMPLETED', 'HANDOFF', 'TOOL_CALL', 'MESSAGE', 'PLAN', 'HUMAN_REQUESTED')),
  f as (
    select e.*,
      case when e.type in ('TASK_STARTED', 'PLAN') then not exists (select 1 from events p where p.run_id = e.run_id
        and p.id < e.id and p.type = e.type and p.agent_name is not distinct from e.agent_name) else false end as first_in_run,
      case when e.type = 'PLAN' then not exists (select 1 from events p where p.run_id = e.run_id
        and p.id < e.id and p.type = 'PLAN') else false end as first_plan,
      case when e.type = 'TASK_STARTED' then ${firstInConversation('e')} else false end as first_in_conversation,
      case when e.type = 'TASK_COMPLETED' then ${latencyBinSql("(e.data->>'durationMs')::float8")} end as bin,
      case when e.type in ('MESSAGE', 'TOOL_CALL', 'PLAN') then e.data->'usage' end as usage
    from e),
  counts as (
    select bucket, agent,
      count(*) filter (where first_in_run)::int as runs,
      count(*) filter (where first_plan)::int as planned_runs,
      count(*) filter (where type = 'TASK_STARTED')::int as tasks,
      count(*) filter (where first_in_conversation)::int as conversations,
      count(*) filter (where type = 'HANDOFF')::int as handoffs,
      count(*) filter (where type = 'TOOL_CALL')::int as tool_calls,
      count(*) filter (where type = 'TOOL_CALL' and (data ? 'error' or data->>'refused' = 'true'))::int as tool_errors,
      count(*) filter (where type = 'PLAN')::int as plans,
      count(*) filter (where type = 'PLAN' and data->>'source' = 'fallback')::int as plan_fallbacks,
      count(*) filter (where type = 'HUMAN_REQUESTED')::int as human_requests,
      coalesce(sum((usage->>'totalTokens')::bigint), 0)::bigint as tokens
    from f group by bucket, agent),
  bins as (select bucket, agent, bin, count(*)::int as n from f where bin is not null group by bucket, agent, bin),
  latency as (select bucket, agent, jsonb_object_agg(bin::text, n) as latency from bins group by bucket, agent),
  model_tokens as (
    select f.bucket, f.agent, m.key as model,
      sum((m.value->>'promptTokens')::bigint) as p, sum((m.value->>'completionTokens')::bigint) as c
    from f cross join lateral jsonb_each(f.usage->'byModel') as m
    where jsonb_typeof(f.usage->'byModel') = 'object'
    group by f.bucket, f.agent, m.key),
  models as (select bucket, agent, jsonb_object_agg(model, jsonb_build_array(p, c)) as models from model_tokens group by bucket, agent)
  select c.*, coalesce(l.latency, '{}'::jsonb) as latency, coalesce(m.models, '{}'::jsonb) as models
  from counts c left join latency l using (bucket, agent) left join models m using (bucket, agent)`;
}

/**
 * A request for a person after the first task `f` that stands (was not withdrawn) as of the events `upTo` allows (an
 * SQL condition on a seq, `<= h.seq`; none: as of now). A withdrawal takes back the request just before it: it comes
 * while the conversation waits, before a claim or another request (docs/hand-off.md).
 */
const standingRequest = (f: string, upTo?: (seq: string) => string) => {
  const until = (seq: string) => (upTo ? ` and ${upTo(seq)}` : '');
  return `exists (select 1 from events r where r.conversation_id = ${f}.conversation_id and r.type = 'HUMAN_REQUESTED'
    and r.seq > ${f}.seq${until('r.seq')}
    and not exists (select 1 from events w where w.conversation_id = r.conversation_id
      and w.type = 'HUMAN_REQUEST_WITHDRAWN' and w.seq > r.seq${until('w.seq')}
      and not exists (select 1 from events n where n.conversation_id = r.conversation_id
        and n.type = 'HUMAN_REQUESTED' and n.seq > r.seq and n.seq < w.seq)))`;
};

/**
 * Per agent: its conversations whose first task of the agent lies in `ranges` and which, after that task, asked for a
 * person and did not withdraw the request.
 */
export function escalatedConversationsSql(ranges: readonly SqlRange[]): string {
  // Materialized: the window's rows come from the time index alone (the planner likes to AND in the
  // type index, which reads every TASK_STARTED ever).
  return `with e as materialized (
      select conversation_id, seq, agent_name, type from events e where ${inRanges('e.created_at', ranges)})
    select coalesce(e.agent_name, '') as agent, count(*)::int as escalated
    from e
    where e.type = 'TASK_STARTED' and ${firstInConversation('e')} and ${standingRequest('e')}
    group by 1`;
}

/**
 * Escalations as they change with the hand-off events made in `changes`: a request for a person makes the agents
 * whose first task in the conversation came before it escalated (+1) unless an earlier request still stands; a
 * withdrawal makes them contained again (-1) unless another request still stands. Counted in the hour of that first
 * task (when it lies in `firstTasks`), so the changes of every hour add up to the conversations escalated now.
 */
export function escalationChangesSql(changes: SqlRange, firstTasks: SqlRange): string {
  const delta = `(case when ${standingRequest('f', (seq) => `${seq} <= h.seq`)} then 1 else 0 end
      - case when ${standingRequest('f', (seq) => `${seq} < h.seq`)} then 1 else 0 end)`;
  return `select ${hourOf('f.created_at')} as bucket, coalesce(f.agent_name, '') as agent, sum(${delta})::int as escalated
    from events h
    join events f on f.conversation_id = h.conversation_id and f.seq < h.seq and f.type = 'TASK_STARTED'
    where h.type in ('HUMAN_REQUESTED', 'HUMAN_REQUEST_WITHDRAWN') and ${inRanges('h.created_at', [changes])}
      and ${inRanges('f.created_at', [firstTasks])} and ${firstInConversation('f')}
    group by 1, 2
    having sum(${delta}) <> 0`;
}
