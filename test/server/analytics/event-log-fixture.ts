import type { Database } from '../../../server/src/db/client.js';

/** One generated event, before it is stored. */
export interface LogEvent {
  conversationId: string;
  seq: number;
  runId: string | null;
  taskId: string | null;
  agentName: string | null;
  type: string;
  data: Record<string, unknown>;
  at: number;
}

export interface GeneratedConversation {
  id: string;
  first: number;
  last: number;
  tasks: number;
}

export interface ExpectedFigures {
  agents: Map<string, { counts: Record<string, number | null>; p50: number; p95: number }>;
  /** [day, runs, tasks, humanRequests] */
  days: [string, number, number, number][];
}

export interface GeneratedLog {
  events: LogEvent[];
  conversations: GeneratedConversation[];
  /** The figures of a window, worked out from the generated events in plain code (nearest-rank percentiles). */
  expected(since: Date, until: Date): ExpectedFigures;
}

const AGENTS = ['OrderAgent', 'ReturnsAgent', 'ProductAgent'];
const MODELS = ['gpt-4o-mini', 'local-llm', null];
/** The test's only price: gpt-4o-mini at 150 in, 600 out per million. */
const PRICED = 'gpt-4o-mini';
const COUNTED = new Set([
  'TASK_STARTED',
  'TASK_COMPLETED',
  'HANDOFF',
  'TOOL_CALL',
  'MESSAGE',
  'PLAN',
  'HUMAN_REQUESTED',
]);

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * An event log of `conversations` conversations between `from` and `to`: runs with plans (some fallbacks),
 * one or two tasks by different agents, tool calls (some failing or refused), hand-offs, latencies, usage by
 * model (priced, unpriced, unrecorded), requests for a person in the same run, a later one, or before any
 * task, some withdrawn at once and some a run later (often hours later). Runs straddle hours and days.
 */
export function generateLog(o: { from: number; to: number; conversations: number; seed: number }): GeneratedLog {
  const rnd = random(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const events: LogEvent[] = [];
  const conversations: GeneratedConversation[] = [];
  const usage = (tokens: number) => {
    const model = pick(MODELS);
    const [p, c] = [Math.round(tokens * 0.7), tokens - Math.round(tokens * 0.7)];
    return {
      promptTokens: p,
      completionTokens: c,
      totalTokens: tokens,
      ...(model ? { byModel: { [model]: { promptTokens: p, completionTokens: c } } } : {}),
    };
  };
  for (let i = 0; i < o.conversations; i++) {
    const conversationId = crypto.randomUUID();
    let at = i === 0 ? o.from + 1_000 : o.from + (i / o.conversations) * (o.to - o.from) * 0.98;
    let seq = 0;
    const mine: LogEvent[] = [];
    const push = (e: Omit<LogEvent, 'conversationId' | 'seq' | 'at'>) => {
      if (at >= o.to) return;
      mine.push({ ...e, conversationId, seq: ++seq, at: Math.floor(at) });
      at += 20_000 + rnd() * 50_000;
    };
    // A request that waits for a colleague can be withdrawn; a withdrawal takes back the request just before it.
    let waiting = false;
    const request = () => {
      push({ runId: null, taskId: null, agentName: null, type: 'HUMAN_REQUESTED', data: { by: 'shopper' } });
      waiting = true;
    };
    const maybeWithdraw = (p: number) => {
      if (!waiting || rnd() >= p) return;
      push({ runId: null, taskId: null, agentName: null, type: 'HUMAN_REQUEST_WITHDRAWN', data: { by: 'shopper' } });
      waiting = false;
    };
    if (rnd() < 0.05) request();
    const runs = 1 + Math.floor(rnd() * 3);
    for (let r = 0; r < runs; r++) {
      maybeWithdraw(0.5);
      const runId = crypto.randomUUID();
      push({ runId, taskId: null, agentName: null, type: 'MESSAGE', data: { role: 'user', text: 'q' } });
      push({ runId, taskId: null, agentName: null, type: 'RUN_STARTED', data: { mode: 'AUTO' } });
      const source = rnd() < 0.15 ? 'fallback' : 'planner';
      push({ runId, taskId: null, agentName: 'PlannerAgent', type: 'PLAN', data: { source, usage: usage(300) } });
      const tasks = 1 + (rnd() < 0.4 ? 1 : 0);
      for (let k = 1; k <= tasks; k++) {
        const agent = pick(AGENTS);
        const taskId = `t${k}`;
        const base = { runId, taskId, agentName: agent };
        push({ ...base, type: 'TASK_STARTED', data: { statusMessage: 's', instruction: 'i' } });
        const x = rnd();
        push({
          ...base,
          type: 'TOOL_CALL',
          data:
            x < 0.15
              ? { tool: 's.t', error: 'boom' }
              : x < 0.2
                ? { tool: 's.t', refused: true }
                : { tool: 's.t', output: 1 },
        });
        if (rnd() < 0.15) push({ ...base, type: 'HANDOFF', data: { from: agent, to: pick(AGENTS), reason: 'r' } });
        push({
          ...base,
          type: 'TASK_COMPLETED',
          data: { output: 'o', durationMs: Math.round(40 + rnd() ** 2 * 6_000) },
        });
        push({
          ...base,
          type: 'MESSAGE',
          data: { role: 'assistant', text: 'a', usage: usage(100 + Math.floor(rnd() * 900)) },
        });
      }
      if (rnd() < 0.15 && !waiting) {
        request();
        maybeWithdraw(0.3);
      }
      push({ runId, taskId: null, agentName: null, type: 'RUN_COMPLETED', data: { reply: 'a' } });
      at += rnd() * 90 * 60_000;
    }
    if (mine.length === 0) continue;
    events.push(...mine);
    conversations.push({
      id: conversationId,
      first: mine[0]!.at,
      last: mine.at(-1)!.at,
      tasks: mine.filter((e) => e.type === 'TASK_STARTED').length,
    });
  }
  return { events, conversations, expected: (since, until) => expected(events, since.getTime(), until.getTime()) };
}

/** A conversation's events as [type, agent (TASK_STARTED), at]: an agent's task, a request for a person, a withdrawal. */
export type Step = [type: 'TASK_STARTED' | 'HUMAN_REQUESTED' | 'HUMAN_REQUEST_WITHDRAWN' | 'HUMAN_JOINED', at: number];

/** A log written by hand: one conversation per list of steps, each task OrderAgent's, in a run of its own. */
export function handWrittenLog(conversations: Step[][]): GeneratedLog {
  const events: LogEvent[] = [];
  const listed: GeneratedConversation[] = [];
  for (const steps of conversations) {
    const conversationId = crypto.randomUUID();
    steps.forEach(([type, at], i) => {
      const task = type === 'TASK_STARTED';
      events.push({
        conversationId,
        seq: i + 1,
        runId: task ? crypto.randomUUID() : null,
        taskId: task ? 't1' : null,
        agentName: task ? 'OrderAgent' : null,
        type,
        data: task ? { statusMessage: 's', instruction: 'i' } : { by: 'shopper' },
        at,
      });
    });
    listed.push({
      id: conversationId,
      first: steps[0]![1],
      last: steps.at(-1)![1],
      tasks: steps.filter(([type]) => type === 'TASK_STARTED').length,
    });
  }
  return {
    events,
    conversations: listed,
    expected: (since, until) => expected(events, since.getTime(), until.getTime()),
  };
}

function expected(events: LogEvent[], since: number, until: number): ExpectedFigures {
  const inWindow = (e: LogEvent) => e.at >= since && e.at < until;
  const firsts = new Set<LogEvent>(); // first TASK_STARTED/PLAN of an agent in a run, first of an agent in a conversation
  const firstInConversation = new Set<LogEvent>();
  const firstPlan = new Set<LogEvent>();
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type === 'TASK_STARTED' || e.type === 'PLAN') {
      const key = `${e.runId}/${e.type}/${e.agentName}`;
      if (!seen.has(key)) firsts.add(e);
      seen.add(key);
    }
    if (e.type === 'PLAN' && !seen.has(`${e.runId}/plan`)) firstPlan.add(e);
    if (e.type === 'PLAN') seen.add(`${e.runId}/plan`);
    if (e.type === 'TASK_STARTED' && !seen.has(`${e.conversationId}/${e.agentName}`)) firstInConversation.add(e);
    if (e.type === 'TASK_STARTED') seen.add(`${e.conversationId}/${e.agentName}`);
  }
  const handOff = (e: LogEvent, c: string) =>
    e.conversationId === c && (e.type === 'HUMAN_REQUESTED' || e.type === 'HUMAN_REQUEST_WITHDRAWN');
  // Escalated: a request for a person after the agent's first task that was not withdrawn (the next hand-off event
  // after it is no withdrawal).
  const escalated = (f: LogEvent) =>
    events.some((h, i) => {
      if (h.conversationId !== f.conversationId || h.type !== 'HUMAN_REQUESTED' || h.seq <= f.seq) return false;
      const next = events.slice(i + 1).find((e) => handOff(e, f.conversationId));
      return next?.type !== 'HUMAN_REQUEST_WITHDRAWN';
    });
  const agents = new Map<string, { counts: Record<string, number | null>; latencies: number[] }>();
  const days = new Map<string, [number, number, number]>();
  for (const e of events.filter(inWindow)) {
    if (!COUNTED.has(e.type)) continue;
    const day = new Date(e.at).toISOString().slice(0, 10);
    const d = days.get(day) ?? [0, 0, 0];
    days.set(day, d);
    if (firstPlan.has(e)) d[0]++;
    if (e.type === 'TASK_STARTED') d[1]++;
    if (e.type === 'HUMAN_REQUESTED') d[2]++;
    const name = e.type === 'HANDOFF' ? String(e.data.from) : e.agentName;
    if (!name) continue;
    const a = agents.get(name) ?? {
      counts: {
        runs: 0,
        tasks: 0,
        conversations: 0,
        contained: 0,
        handoffs: 0,
        toolCalls: 0,
        toolErrors: 0,
        tokens: 0,
        cost: null,
      },
      latencies: [],
    };
    agents.set(name, a);
    const c = a.counts as Record<string, number>;
    if (firsts.has(e)) c.runs!++;
    if (e.type === 'TASK_STARTED') c.tasks!++;
    if (firstInConversation.has(e)) {
      c.conversations!++;
      if (!escalated(e)) c.contained!++;
    }
    if (e.type === 'HANDOFF') c.handoffs!++;
    if (e.type === 'TOOL_CALL') c.toolCalls!++;
    if (e.type === 'TOOL_CALL' && ('error' in e.data || e.data.refused === true)) c.toolErrors!++;
    if (e.type === 'TASK_COMPLETED') a.latencies.push(Number(e.data.durationMs));
    const u = e.data.usage as
      | { totalTokens: number; byModel?: Record<string, { promptTokens: number; completionTokens: number }> }
      | undefined;
    if (u) {
      c.tokens! += u.totalTokens;
      const priced = u.byModel?.[PRICED];
      if (priced) a.counts.cost = (a.counts.cost ?? 0) + priced.promptTokens * 150 + priced.completionTokens * 600;
    }
  }
  const rank = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.max(1, Math.ceil(p * xs.length)) - 1]!;
  return {
    agents: new Map(
      [...agents].map(([name, a]) => [
        name,
        { counts: a.counts, p50: rank(a.latencies, 0.5), p95: rank(a.latencies, 0.95) },
      ]),
    ),
    days: [...days]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([day, [runs, tasks, humans]]) => [day, runs, tasks, humans]),
  };
}

/** Stores the log with its conversations and runs, ids in the order of each conversation's events. */
export async function insertLog(database: Pick<Database, 'query'>, log: GeneratedLog): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  await database.query(
    `insert into conversations (id, token_hash, last_seq, created_at, updated_at)
     select id, 'x', last_seq, first_at, last_at from jsonb_to_recordset($1::text::jsonb)
       as x(id uuid, last_seq int, first_at timestamptz, last_at timestamptz)`,
    [
      JSON.stringify(
        log.conversations.map((c) => ({
          id: c.id,
          last_seq: log.events.filter((e) => e.conversationId === c.id).length,
          first_at: iso(c.first),
          last_at: iso(c.last),
        })),
      ),
    ],
  );
  const runs = new Map<string, LogEvent>();
  for (const e of log.events) if (e.runId && !runs.has(e.runId)) runs.set(e.runId, e);
  await database.query(
    `insert into runs (id, conversation_id, status, mode, created_at)
     select id, conversation_id, 'COMPLETED', 'AUTO', at from jsonb_to_recordset($1::text::jsonb)
       as x(id uuid, conversation_id uuid, at timestamptz)`,
    [JSON.stringify([...runs].map(([id, e]) => ({ id, conversation_id: e.conversationId, at: iso(e.at) })))],
  );
  await database.query(
    `insert into events (conversation_id, seq, run_id, task_id, agent_name, type, data, created_at)
     select conversation_id, seq, run_id, task_id, agent_name, type, data, at from jsonb_to_recordset($1::text::jsonb)
       as x(ord int, conversation_id uuid, seq int, run_id uuid, task_id text, agent_name text, type text, data jsonb, at timestamptz)
     order by ord`,
    [
      JSON.stringify(
        log.events.map((e, ord) => ({
          ord,
          conversation_id: e.conversationId,
          seq: e.seq,
          run_id: e.runId,
          task_id: e.taskId,
          agent_name: e.agentName,
          type: e.type,
          data: e.data,
          at: iso(e.at),
        })),
      ),
    ],
  );
}
