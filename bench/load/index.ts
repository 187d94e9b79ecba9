import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../../server/src/db/client.js';
import { LoadConversation } from './load-conversation.js';

/**
 * `pnpm bench:load`: concurrent conversations × turns through GraphQL, each with a live subscription,
 * against one or more Baton replicas (child processes) on one fresh PostgreSQL database, with a
 * scripted model of fixed latency. Prints throughput, turn latency, event delivery latency, and the
 * events lost or duplicated (which must be 0). With several replicas, each conversation sends to one
 * replica and subscribes on the next, so every event crosses LISTEN/NOTIFY between processes.
 *
 *   pnpm bench:load [--conversations 200] [--turns 5] [--replicas 1] [--model-ms 50]
 *
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server; a database is created and dropped).
 */
const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '200' },
    turns: { type: 'string', default: '5' },
    replicas: { type: 'string', default: '1' },
    'model-ms': { type: 'string', default: '50' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
const conversations = Number(args.conversations);
const turns = Number(args.turns);
const replicas = Number(args.replicas);
const modelMs = Number(args['model-ms']);

const serverEntry = fileURLToPath(new URL('./load-server.ts', import.meta.url));

async function main(): Promise<number> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) {
    console.error('bench:load needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    return 2;
  }
  const name = `baton_load_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const servers: { child: ChildProcess; url: string }[] = [];
  try {
    const migrating = await openDatabase({ databaseUrl: url.toString(), maxConnections: 1 });
    await migrating.migrate();
    await migrating.close();
    for (let i = 0; i < replicas; i++) servers.push(await startReplica(url.toString()));
    return await drive(servers, url.toString());
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(
      servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)))),
    );
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}

async function drive(servers: { child: ChildProcess; url: string }[], databaseUrl: string): Promise<number> {
  const shoppers = Array.from(
    { length: conversations },
    (_, i) => new LoadConversation(servers[i % servers.length]!.url, servers[(i + 1) % servers.length]!.url),
  );
  const setupErrors: string[] = [];
  await Promise.all(shoppers.map((s) => s.open().catch((err: Error) => setupErrors.push(`open: ${err.message}`))));

  const cpuBefore = servers.map((s) => cpuSeconds(s.child.pid!));
  const clientBefore = process.cpuUsage();
  const load = loadavg()[0]!;
  const started = performance.now();
  await Promise.all(shoppers.map((s) => (s.id ? s.talk(turns, Number(args['timeout-ms'])) : undefined)));
  const wallMs = performance.now() - started;
  const cpu = servers.map((s, i) => cpuSeconds(s.child.pid!) - cpuBefore[i]!);
  const clientCpu = process.cpuUsage(clientBefore);
  // Let in-flight deliveries land before counting.
  await new Promise((r) => setTimeout(r, 1_000));
  await Promise.all(shoppers.map((s) => s.close()));

  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const ids = shoppers.filter((s) => s.id).map((s) => s.id);
  const rows = ids.length
    ? await sql<{ id: string; conversation_id: string }[]>`
        select id, conversation_id from events where conversation_id in ${sql(ids)} order by id`
    : [];
  const version = (await sql<{ v: string }[]>`select current_setting('server_version') as v`)[0]?.v;
  await sql.end();
  const stored = new Map<string, number[]>();
  for (const r of rows) stored.set(r.conversation_id, [...(stored.get(r.conversation_id) ?? []), Number(r.id)]);

  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const s of shoppers) {
    const got = new Set(s.received);
    duplicated += s.received.length - got.size;
    lost += (stored.get(s.id) ?? []).filter((id) => !got.has(id)).length;
    outOfOrder += s.received.filter((id, i) => i > 0 && id <= s.received[i - 1]!).length;
  }
  const turnMs = shoppers.flatMap((s) => s.turnMs);
  const deliveryMs = shoppers.flatMap((s) => s.deliveryMs);
  const errors = [...setupErrors, ...shoppers.flatMap((s) => s.errors)];

  const line = (label: string, value: string) => console.log(`  ${label.padEnd(32)} ${value}`);
  console.log(
    `bench:load  ${conversations} conversations × ${turns} turns, ${servers.length} replica(s), model ${modelMs} ms per call, PostgreSQL ${version}`,
  );
  console.log(`  ${machine()}, load average ${load.toFixed(1)} at start`);
  line('turns completed', `${turnMs.length} of ${conversations * turns} in ${(wallMs / 1000).toFixed(2)} s`);
  line('throughput', `${((turnMs.length / wallMs) * 1000).toFixed(1)} turns/s`);
  line('turn latency', `p50 ${fmt(pct(turnMs, 0.5))}  p99 ${fmt(pct(turnMs, 0.99))}  max ${fmt(Math.max(...turnMs))}`);
  line('event delivery latency', `p50 ${fmt(pct(deliveryMs, 0.5))}  p99 ${fmt(pct(deliveryMs, 0.99))}`);
  line('events delivered', `${deliveryMs.length} (stored: ${rows.length})`);
  line('lost / duplicated / out of order', `${lost} / ${duplicated} / ${outOfOrder}`);
  line('errors', String(errors.length));
  line(
    'CPU during the turns',
    [
      ...cpu.map((c, i) => `replica ${i + 1}: ${c.toFixed(1)} s`),
      `this client: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s`,
    ].join(', '),
  );
  for (const e of errors.slice(0, 5)) console.log(`    ${e}`);
  return lost || duplicated || outOfOrder || errors.length || turnMs.length < conversations * turns ? 1 : 0;
}

function startReplica(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_MODEL_MS: String(modelMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      const m = /^READY (\S+)/.exec(l);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
  });
}

/** User plus system CPU time of a process, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `machine: ${availableParallelism()} cores, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
