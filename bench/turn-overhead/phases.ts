import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphqlTurns } from './graphql-turn.js';
import { type Stamp, startTimeline } from './socket-timeline.js';
import { machineLine } from './stats.js';

/**
 * Where a whole-path turn's time goes, phase by phase (PostgreSQL): runs (c) with every socket write
 * and read of the client and the server stamped (socket-timeline.ts) and the server's CPU profiled,
 * splits each measured turn at its statements, and sums the server's CPU samples of each phase by
 * package. The instrumentation adds about a third to every figure.
 *
 *   tsx bench/turn-overhead/phases.ts --pg postgres://postgres@127.0.0.1:5432/test
 */
const pgIndex = process.argv.indexOf('--pg');
const databaseUrl = pgIndex > 0 ? process.argv[pgIndex + 1] : process.env.TEST_DATABASE_URL;
if (!databaseUrl) throw new Error('phases.ts needs PostgreSQL: --pg <url> or TEST_DATABASE_URL');

const PHASES = [
  'request sent → rate-limit statement sent',
  'rate limits → sendMessage statement sent',
  'sendMessage statement in PostgreSQL',
  'its result → the run write sent',
  'the run write in PostgreSQL',
  'its result → RUN_COMPLETED frame written',
];

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-phases-'));
try {
  process.env.BENCH_TIMELINE_DIR = dir;
  process.env.BENCH_TIMELINE_PRELOAD = '1';
  const preload = fileURLToPath(new URL('./socket-timeline.ts', import.meta.url));
  process.env.BENCH_SERVER_NODE_ARGS = `--import tsx --import ${preload} --cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=100`;
  const client = startTimeline();
  const result = await graphqlTurns({ turns: 300, warmup: 100, databaseUrl });
  const files = readdirSync(dir);
  const serverFile = files.find((f) => f.endsWith('.json'));
  const profileFile = files.find((f) => f.endsWith('.cpuprofile') && f.includes('.0.'));
  if (!serverFile || !profileFile) throw new Error(`no server timeline or profile in ${dir}`);
  const server: Stamp[] = JSON.parse(readFileSync(join(dir, serverFile), 'utf8'));
  const profile: Profile = JSON.parse(readFileSync(join(dir, profileFile), 'utf8'));
  console.log('# Where a whole-path turn goes (PostgreSQL; instrumented: every figure is about a third high)');
  console.log(machineLine());
  const sorted = [...result.samples].sort((a, b) => a - b);
  console.log(`p50 of the instrumented turns: ${sorted[sorted.length >> 1]!.toFixed(2)} ms`);
  report(turnMarks(client, server), profile);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** For each sendMessage turn, the 7 instants that bound the phases. */
function turnMarks(client: Stamp[], server: Stamp[]): number[][] {
  const posts = client.filter((s) => s[0] === 'W' && s[3].startsWith('POST')).map((s) => s[4]);
  const port = new URL(databaseUrl!).port || '5432';
  const pg = (s: Stamp) => s[1].endsWith(`>${port}`);
  const turns: number[][] = [];
  for (let p = 0; p < posts.length; p++) {
    const from = posts[p]!;
    const to = posts[p + 1] ?? Number.POSITIVE_INFINITY;
    const window = server.filter((s) => s[4] >= from && s[4] < to);
    const writes = window.filter((s) => s[0] === 'W' && pg(s));
    // sendMessage's statements: its rate limits (one or two), the message and its run, then the HTTP
    // response, then the run's write (and, after it, the read for a next run). startConversation has one.
    const response = window.find((s) => s[0] === 'W' && s[3].startsWith('HTTP/1.1'));
    if (!response) continue;
    const limits = writes[0];
    const send = writes.filter((s) => s[4] < response[4]).at(-1);
    const run = writes.find((s) => s[4] > response[4]);
    if (!limits || !send || !run || limits === send) continue;
    const resultOf = (w: Stamp) =>
      window.find((s) => s[0] === 'R' && s[1] === w[1] && s[4] > w[4] && !s[3].startsWith('A'));
    const sent = resultOf(send);
    const written = resultOf(run);
    const frame = written && window.find((s) => s[0] === 'W' && !pg(s) && s[4] > written[4] && s[2] > 1000);
    if (!sent || !written || !frame) continue;
    turns.push([from, limits[4], send[4], sent[4], run[4], written[4], frame[4]]);
  }
  return turns.slice(Math.floor(turns.length / 4)); // after the warm-up turns
}

function report(turns: number[][], profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const packageOf = (url: string, fn: string) => {
    if (fn === '(garbage collector)') return 'gc';
    if (fn === 'writeBuffer' || fn === 'writev') return 'socket writes';
    const dep = url.match(/node_modules\/\.pnpm\/(@?[^@/]+)/)?.[1];
    if (dep) return dep.replace('+', '/');
    if (url.includes('/server/src/')) return 'baton';
    if (url.includes('/test/fakes/')) return 'scripted model and tools';
    if (url.startsWith('node:')) return 'node';
    return fn.startsWith('(') ? fn : 'other';
  };
  const wall = PHASES.map(() => 0);
  const cpu = PHASES.map(() => new Map<string, number>());
  let at = profile.startTime;
  const times = profile.timeDeltas.map((d) => (at += d));
  let t = 0;
  for (const marks of turns) {
    for (let k = 0; k < PHASES.length; k++) wall[k]! += marks[k + 1]! - marks[k]!;
    while (t < times.length && times[t]! < marks[0]!) t++;
    for (; t < times.length && times[t]! < marks[6]!; t++) {
      const node = byId.get(profile.samples[t]!)!;
      if (node.callFrame.functionName === '(idle)') continue;
      let k = 0;
      while (times[t]! >= marks[k + 1]!) k++;
      const name = packageOf(node.callFrame.url, node.callFrame.functionName);
      cpu[k]!.set(name, (cpu[k]!.get(name) ?? 0) + (profile.timeDeltas[t + 1] ?? 100));
    }
  }
  const n = turns.length;
  console.log(`${n} turns\n`);
  console.log(`${'phase'.padEnd(44)} ${'wall'.padStart(8)} ${'server CPU'.padStart(10)}  mostly`);
  PHASES.forEach((phase, k) => {
    const total = [...cpu[k]!.values()].reduce((a, b) => a + b, 0);
    const top = [...cpu[k]!]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, us]) => `${name} ${(us / n / 1000).toFixed(2)}`)
      .join(', ');
    console.log(
      `${phase.padEnd(44)} ${(wall[k]! / n / 1000).toFixed(2).padStart(5)} ms ${(total / n / 1000).toFixed(2).padStart(7)} ms  ${top}`,
    );
  });
}
