import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { graphqlTurns } from './graphql-turn.js';
import { machineLine, ms, type Summary, summarize, table } from './stats.js';

const run = promisify(execFile);
const scenarioEntry = fileURLToPath(new URL('./scenario-process.ts', import.meta.url));

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
    'pglite-turns': { type: 'string', default: '1000' },
    'pg-turns': { type: 'string', default: '1000' },
    pg: { type: 'string' },
    'skip-c': { type: 'boolean', default: false },
  },
});
const turns = Number(args.turns);
const warmup = Number(args.warmup);
const rounds = Math.max(1, Number(args.rounds));
const pgUrl = args.pg ?? process.env.TEST_DATABASE_URL;

/** Runs a scenario child `rounds` times, each a share of the turns, and pools the samples. */
async function inProcess(
  name: 'core' | 'agents-sdk',
  share: number,
): Promise<{ samples: number[]; cpuPerTurn: number; note: string }> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', scenarioEntry, name, String(share), String(warmup)],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

async function main() {
  console.log('# Baton turn-overhead benchmark');
  console.log(machineLine());
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (the machine is shared; p99 moves with it)`,
  );
  console.log(
    `scenario: the seed example, planner -> OrderManagementAgent + ProductExpertAgent, one tool call each, zero-latency scripted model`,
  );

  // (a) and (b) alternate in rounds, each in a fresh process, so load drift hits both alike.
  const share = Math.ceil(turns / rounds);
  const a: number[] = [];
  const b: number[] = [];
  const aCpu: number[] = [];
  const bCpu: number[] = [];
  let sdkNote = '';
  for (let r = 0; r < rounds; r++) {
    const core = await inProcess('core', share);
    a.push(...core.samples);
    aCpu.push(core.cpuPerTurn);
    const sdk = await inProcess('agents-sdk', share);
    b.push(...sdk.samples);
    bCpu.push(sdk.cpuPerTurn);
    sdkNote = sdk.note;
  }
  const avg = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  const rows: [string, Summary, number][] = [
    ['(a) Baton core, in-memory store', summarize(a), avg(aCpu)],
    ['(b) @openai/agents Runner', summarize(b), avg(bCpu)],
  ];

  const notes: string[] = [
    `(b): ${sdkNote}; Agent/Runner/tool() with a custom instant Model, triage -> order -> product.`,
    'cpu/turn: CPU time of the process doing the work (for (c), the server process), per measured turn; a busy shared machine inflates it far less than wall time.',
  ];
  if (!args['skip-c']) {
    const lite = await graphqlTurns({ turns: Number(args['pglite-turns']), warmup: 50 });
    rows.push(['(c) GraphQL sendMessage -> RUN_COMPLETED, PGlite', summarize(lite.samples), lite.serverCpuPerTurn]);
    notes.push(
      '(c) PGlite: its statements run in WebAssembly on a worker thread of the server process; cpu/turn counts both threads.',
    );
    if (pgUrl) {
      const pg = await graphqlTurns({ turns: Number(args['pg-turns']), warmup: 50, databaseUrl: pgUrl });
      rows.push(['(c) GraphQL sendMessage -> RUN_COMPLETED, PostgreSQL', summarize(pg.samples), pg.serverCpuPerTurn]);
      if (pg.probe)
        notes.push(
          `(c) PostgreSQL (fresh database, dropped afterwards): one durable commit costs ${ms(pg.probe.commitMs)} and one read round trip ${ms(pg.probe.readMs)} here (p50 of 200, measured right after the turns).`,
        );
    } else notes.push('(c) PostgreSQL: SKIPPED (no TEST_DATABASE_URL and no --pg <url>); only PGlite was measured.');
  } else notes.push('(c): skipped (--skip-c).');

  console.log('');
  console.log(
    table(
      ['scenario', 'turns', 'p50', 'p99', 'mean', 'cpu/turn'],
      rows.map(([name, s, cpu]) => [name, String(s.turns), ms(s.p50), ms(s.p99), ms(s.mean), ms(cpu)]),
    ),
  );
  console.log('');
  const ratio = rows[0]![1].p50 / rows[1]![1].p50;
  const cpuRatio = rows[0]![2] / rows[1]![2];
  console.log(
    `ratio (a)/(b) at p50: ${ratio.toFixed(3)}  (target <= 0.5: ${ratio <= 0.5 ? 'met' : 'MISSED'}); in CPU time per turn: ${cpuRatio.toFixed(3)}`,
  );
  const pgRow = rows.find(([n]) => n.endsWith('PostgreSQL'));
  if (pgRow)
    console.log(`(c) PostgreSQL p50: ${ms(pgRow[1].p50)}  (target <= 5 ms: ${pgRow[1].p50 <= 5 ? 'met' : 'MISSED'})`);
  for (const n of notes) console.log(n);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
