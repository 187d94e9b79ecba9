import { parseArgs } from 'node:util';
import { agentAnalytics } from '../../server/src/analytics/agent-analytics.js';
import { createTestDatabase } from '../../test/helpers/test-database.js';

/**
 * The analytics query (Query.analytics) over an event log of N runs (default 100,000) spread over 30 days,
 * seeded straight into a fresh PostgreSQL database: a run has RUN_STARTED, the shopper's MESSAGE, PLAN
 * (1 in 50 a fallback), one or two tasks (TASK_STARTED, a TOOL_CALL, 1 in 20 with an error, TASK_COMPLETED),
 * 1 in 10 a HANDOFF, the reply MESSAGE with usage, RUN_COMPLETED, and 1 in 25 a HUMAN_REQUESTED.
 * Prints the median (and min/max) of repeated runs of the query for a 30-day and a 7-day window.
 *
 *   pnpm tsx bench/analytics/index.ts --pg postgres://postgres@127.0.0.1:5432/test [--runs 100000] [--repeat 9]
 */
async function main() {
  const { values: args } = parseArgs({
    options: { pg: { type: 'string' }, runs: { type: 'string' }, repeat: { type: 'string' } },
  });
  const pgUrl = args.pg ?? process.env.TEST_DATABASE_URL;
  if (!pgUrl) throw new Error('needs PostgreSQL: --pg <url> or TEST_DATABASE_URL');
  process.env.TEST_DATABASE_URL = pgUrl;
  const runs = Number(args.runs ?? 100_000);
  const repeat = Number(args.repeat ?? 9);
  const db = await createTestDatabase();
  const q = db.database.query.bind(db.database);
  try {
    const seeded = performance.now();
    await seed(q, runs);
    await q('analyze');
    const [{ n }] = (await q(`select count(*)::int as n from events`)) as [{ n: number }];
    console.log(`seeded ${runs} runs, ${n} events in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const now = Date.now();
    for (const days of [30, 7]) {
      const since = new Date(now - days * 86_400_000);
      const until = new Date(now + 60_000);
      await agentAnalytics(db.database, since, until); // warm the cache
      const times: number[] = [];
      let agents = 0;
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        const result = await agentAnalytics(db.database, since, until);
        times.push(performance.now() - t0);
        agents = result.agents.length;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(
        `analytics over ${days} days (${agents} agents): median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${repeat} runs)`,
      );
    }
  } finally {
    await db.dispose();
  }
}

type Query = (text: string, params?: readonly unknown[]) => Promise<unknown[]>;

/** Conversations, runs and their events, generated in SQL in batches. */
async function seed(q: Query, runs: number) {
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
          'attempts', 1, 'plan', '{}'::jsonb, 'usage', jsonb_build_object('totalTokens', 300))),
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
        (9, 't1', a1, 'MESSAGE', jsonb_build_object('role', 'assistant', 'text', 'answer', 'usage', jsonb_build_object('totalTokens', 500 + i % 400))),
        (10, null, null, 'RUN_COMPLETED', '{"reply":"answer","durationMs":2000}'::jsonb),
        (11, null, null, case when i % 25 = 0 then 'HUMAN_REQUESTED' else 'RUN_RESUMED' end,
          jsonb_build_object('by', 'shopper', 'reason', 'r', 'ticketId', null))
      ) as e(seq, task, agent, type, data)`,
      [from, to],
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
