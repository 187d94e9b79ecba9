import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../../server/src/db/client.js';
import { runClosedLoop } from './closed-loop.js';
import { orderingField } from './event-audit.js';
import { LoadReplica } from './load-replica.js';
import { deleteNatsStream } from './nats-stream.js';
import { runOpenLoop } from './open-loop.js';

/**
 * `pnpm bench:load`: conversations through GraphQL, each with a live subscription, against one or
 * more Baton replicas (child processes) on one fresh PostgreSQL database, with a scripted model of
 * fixed latency. With several replicas, each conversation sends to one replica and subscribes on
 * the next, so every event crosses the bus between processes.
 *
 * Closed loop (default): each conversation sends its turns one after another.
 *   pnpm bench:load [--conversations 200] [--turns 5] [--replicas 1] [--model-ms 50] [--bus postgres]
 *     [--cpu-profile DIR] [--one-key [--key-runs-at-once N]]
 *   --one-key: every message through one integrator key (a storefront's backend), not a token per shopper;
 *   --key-runs-at-once: that key's own limit of runs at once (`baton keys create --runs-at-once`).
 * Open loop: the conversations hold their subscriptions while messages arrive at a fixed rate.
 *   pnpm bench:load --open-loop [--conversations 2000] [--rate 100] [--duration 60] [--warmup 5]
 *     [--model-ms 500] [--replicas 1] [--bus memory|postgres|nats] [--heap-snapshot DIR] [--cpu-profile DIR]
 *
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server; a database is created and dropped).
 */
const { values: args } = parseArgs({
  options: {
    'open-loop': { type: 'boolean', default: false },
    conversations: { type: 'string' },
    turns: { type: 'string', default: '5' },
    replicas: { type: 'string', default: '1' },
    'model-ms': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
    bus: { type: 'string' },
    'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    'open-concurrency': { type: 'string', default: '50' },
    'heap-snapshot': { type: 'string' },
    'cpu-profile': { type: 'string' },
    'one-key': { type: 'boolean', default: false },
    'key-runs-at-once': { type: 'string' },
  },
});

class UsageError extends Error {
  readonly code = 'BENCH_USAGE';
}

/** A number option, checked: `--name` must be a number ≥ min (an integer unless `fraction`). */
function numberOption(name: keyof typeof args, fallback: string, min: number, fraction = false): number {
  const raw = (args[name] as string | undefined) ?? fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (!fraction && !Number.isInteger(n)))
    throw new UsageError(`--${name}: expected ${fraction ? 'a number' : 'an integer'} ≥ ${min}, got "${raw}"`);
  return n;
}

const BUSES = ['memory', 'postgres', 'nats'] as const;
type Bus = (typeof BUSES)[number];

async function main(): Promise<number> {
  const open = args['open-loop'] ?? false;
  const conversations = numberOption('conversations', open ? '2000' : '200', 1);
  const replicas = numberOption('replicas', '1', 1);
  const modelMs = numberOption('model-ms', open ? '500' : '50', 0);
  const timeoutMs = numberOption('timeout-ms', '60000', 1);
  const bus = args.bus as Bus | undefined;
  if (bus !== undefined && !BUSES.includes(bus)) throw new UsageError(`--bus: expected ${BUSES.join(', ')}`);
  if (bus === 'memory' && replicas > 1)
    throw new UsageError(
      '--bus memory: an in-memory bus does not cross processes; use postgres or nats with --replicas',
    );
  // The replicas' EVENT_BUS setting; without --bus, the server's default for PostgreSQL.
  const eventBus = bus === 'nats' ? args['nats-url']! : bus;
  const oneKey = args['one-key'] ?? false;
  if (oneKey && open) throw new UsageError('--one-key: only for the closed loop');
  const keyRunsAtOnce = args['key-runs-at-once'];
  if (keyRunsAtOnce !== undefined && (!oneKey || !/^[1-9]\d*$/.test(keyRunsAtOnce)))
    throw new UsageError('--key-runs-at-once: a whole number, with --one-key');

  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) throw new UsageError('needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
  const name = `baton_load_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const servers: LoadReplica[] = [];
  try {
    const migrating = await openDatabase({ databaseUrl, maxConnections: 1 });
    await migrating.migrate();
    await migrating.close();
    for (let i = 0; i < replicas; i++)
      servers.push(
        await LoadReplica.start({
          databaseUrl,
          modelMs,
          // A JetStream stream of its own per run (the deployment names it), deleted afterwards.
          env: {
            ...(eventBus ? { EVENT_BUS: eventBus } : {}),
            ...(bus === 'nats' ? { NATS_DEPLOYMENT: name } : {}),
            ...(oneKey ? { BENCH_ONE_KEY: '1' } : {}),
            ...(keyRunsAtOnce ? { BENCH_KEY_RUNS_AT_ONCE: keyRunsAtOnce } : {}),
          },
          // Lets the open loop measure memory after a full GC; nothing else calls gc().
          nodeArgs: open ? ['--expose-gc'] : [],
        }),
      );
    const version = (await admin<{ v: string }[]>`select current_setting('server_version') as v`)[0]?.v;
    const kinds = await Promise.all(servers.map((s) => s.busKind()));
    const describe = `PostgreSQL ${version}, bus: ${[...new Set(kinds)].join(' + ')}${
      eventBus
        ? ` (EVENT_BUS=${eventBus}${kinds.every((k) => eventBus.startsWith(k)) ? '' : ', which this server did not take up'})`
        : ''
    }`;
    const orderBy = orderingField();
    if (open)
      return await runOpenLoop(servers, {
        conversations,
        rate: numberOption('rate', '100', 0.001, true),
        durationS: numberOption('duration', '60', 0.001, true),
        warmupS: numberOption('warmup', '5', 0, true),
        modelMs,
        timeoutMs,
        openConcurrency: numberOption('open-concurrency', '50', 1),
        orderBy,
        databaseUrl,
        describe,
        heapSnapshotDir: args['heap-snapshot'],
        cpuProfileDir: args['cpu-profile'],
      });
    return await runClosedLoop(servers, {
      conversations,
      turns: numberOption('turns', '5', 1),
      modelMs,
      timeoutMs,
      orderBy,
      databaseUrl,
      describe,
      cpuProfileDir: args['cpu-profile'],
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (bus === 'nats') await deleteNatsStream(args['nats-url']!, name).catch(() => {});
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`bench:load: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
