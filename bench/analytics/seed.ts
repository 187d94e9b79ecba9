/**
 * The analytics benchmark's event log: N runs spread over the last 30 days, seeded straight into the
 * database in SQL. A run has the shopper's MESSAGE, RUN_STARTED, PLAN (1 in 50 a fallback), one or two
 * tasks (TASK_STARTED, a TOOL_CALL, 1 in 20 with an error, TASK_COMPLETED), 1 in 10 a HANDOFF, the reply
 * MESSAGE with usage by model (1 in 4 on gpt-4o, else gpt-4o-mini), RUN_COMPLETED, and 1 in 25 a
 * HUMAN_REQUESTED.
 */
export type Query = (text: string, params?: readonly unknown[]) => Promise<unknown[]>;

/** Conversations, runs and their events, generated in SQL in batches. */
export async function seed(q: Query, runs: number) {
  const agents = `(array['OrderManagementAgent','ProductExpertAgent','ReturnsAgent','GeneralSupportAgent','UpsellAgent'])`;
  const batch = 20_000;
  for (let from = 1; from <= runs; from += batch) {
    const to = Math.min(runs, from + batch - 1);
    await q(
      `with g as (
        select i, gen_random_uuid() as conv, gen_random_uuid() as run,
          now() - (random() * interval '30 days') as at,
          ${agents}[1 + (i % 5)] as a1, ${agents}[1 + ((i * 7) % 5)] as a2, (i % 3 = 0) as two
        from generate_series($1::int, $2::int) as i),
      c as (insert into conversations (id, token_hash, last_seq, created_at) select conv, 'x', 12, at from g),
      r as (insert into runs (id, conversation_id, status, mode, created_at, finished_at)
        select run, conv, 'COMPLETED', 'AUTO', at, at + interval '2 seconds' from g)
      insert into events (conversation_id, seq, run_id, task_id, agent_name, type, data, created_at)
      select conv, e.seq, run, e.task, e.agent, e.type, e.data, at + (e.seq * interval '100 milliseconds')
      from g cross join lateral (values
        (1, null, null, 'MESSAGE', jsonb_build_object('role', 'user', 'text', 'question ' || i)),
        (2, null, null, 'RUN_STARTED', '{"mode":"AUTO"}'::jsonb),
        (3, null, 'PlannerAgent', 'PLAN', jsonb_build_object('source', case when i % 50 = 0 then 'fallback' else 'planner' end,
          'attempts', 1, 'plan', '{}'::jsonb, 'usage', jsonb_build_object('promptTokens', 250, 'completionTokens', 50, 'totalTokens', 300,
            'byModel', jsonb_build_object('gpt-4o-mini', jsonb_build_object('promptTokens', 250, 'completionTokens', 50))))),
        (4, 't1', a1, 'TASK_STARTED', '{"statusMessage":"…","instruction":"…"}'::jsonb),
        (5, 't1', a1, 'TOOL_CALL', case when i % 20 = 0
          then jsonb_build_object('tool', 'store.x', 'arguments', '{}'::jsonb, 'error', 'failed', 'durationMs', 40)
          else jsonb_build_object('tool', 'store.x', 'arguments', '{}'::jsonb, 'output', 'ok', 'durationMs', 40) end),
        (6, 't1', a1, case when i % 10 = 0 then 'HANDOFF' else 'TASK_COMPLETED' end,
          case when i % 10 = 0 then jsonb_build_object('from', a1, 'to', 'HumanTransferAgent', 'reason', 'r')
          else jsonb_build_object('output', 'done', 'durationMs', 200 + (i % 1800)) end),
        (7, case when two then 't2' end, case when two then a2 end, case when two then 'TASK_STARTED' else 'RUN_RESUMED' end,
          '{"statusMessage":"…","instruction":"…"}'::jsonb),
        (8, case when two then 't2' end, case when two then a2 end, case when two then 'TASK_COMPLETED' else 'RUN_RESUMED' end,
          jsonb_build_object('output', 'done', 'durationMs', 300 + (i % 2500))),
        (9, 't1', a1, 'MESSAGE', jsonb_build_object('role', 'assistant', 'text', 'answer', 'usage', jsonb_build_object('promptTokens', 400, 'completionTokens', 100 + i % 400, 'totalTokens', 500 + i % 400,
          'byModel', jsonb_build_object(case when i % 4 = 0 then 'gpt-4o' else 'gpt-4o-mini' end,
            jsonb_build_object('promptTokens', 400, 'completionTokens', 100 + i % 400))))),
        (10, null, null, 'RUN_COMPLETED', '{"reply":"answer","durationMs":2000}'::jsonb),
        (11, null, null, case when i % 25 = 0 then 'HUMAN_REQUESTED' else 'RUN_RESUMED' end,
          jsonb_build_object('by', 'shopper', 'reason', 'r', 'ticketId', null))
      ) as e(seq, task, agent, type, data)`,
      [from, to],
    );
  }
}
