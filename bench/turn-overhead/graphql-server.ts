import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { PgliteThread } from '../../server/src/db/pglite-thread.js';
import { ScriptedModel } from '../../test/fakes/scripted-model.js';
import { SEED_RUN_WRITE, seedCardPatches, seedScript } from '../../test/fakes/seed-scenario.js';
import { standInTools } from '../../test/fakes/stand-in-tools.js';
import { createTestDatabase } from '../../test/helpers/test-database.js';
import { cpuMs } from './stats.js';

/** The events a seed-example turn stores, sorted: sendMessage's two, then the run's. */
const expectedTypes = ['MESSAGE', 'RUN_STARTED', ...SEED_RUN_WRITE].sort();

/**
 * The server side of (c), in its own process so the client's work does not share its event loop:
 * the real app (buildApp) on a fresh PGlite, or a fresh PostgreSQL database when TEST_DATABASE_URL is
 * set, with the zero-latency scripted model and the stand-in tools. Prints `READY <url> <kind>`, then
 * answers `mark` (start counting CPU time), `check <runId>` (are all of that run's events stored?
 * `OK <cpu ms since mark>`) and `stop` on stdin.
 */
/** Statements PGlite ran since the last `mark` (BENCH_TRACE_SQL=1 only). */
const statements: { sql: string; ms: number; at: number; inTransaction: boolean }[] = [];

/**
 * Wraps PGlite's query, exec and transaction (PgliteThread, on the server's side of its worker) to
 * record each statement and how long the server waited for it.
 */
function traceSql() {
  const proto = PgliteThread.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  // The hot statements are prepared (PglitePreparedStatements): show an EXECUTE as the text it runs.
  const prepared = new Map<string, string>();
  const record = (sql: unknown, started: number, inTransaction: boolean) => {
    let text = String(sql).replace(/\s+/g, ' ').trim();
    const prepare = text.match(/^prepare (\w+) as (.*)$/s);
    if (prepare) prepared.set(prepare[1]!, prepare[2]!);
    const execute = text.match(/^execute (\w+)/);
    if (execute && prepared.has(execute[1]!)) text = prepared.get(execute[1]!)!;
    statements.push({ sql: text.slice(0, 110), ms: performance.now() - started, at: started, inTransaction });
  };
  const wrap =
    (fn: (...a: unknown[]) => Promise<unknown>, self: unknown, inTransaction: boolean) =>
    async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await fn.apply(self, args);
      } finally {
        record(args[0], started, inTransaction);
      }
    };
  for (const m of ['query', 'exec']) {
    const original = proto[m]!;
    proto[m] = function (this: unknown, ...args: unknown[]) {
      return wrap(original, this, false)(...args);
    };
  }
  const transaction = proto.transaction!;
  proto.transaction = function (this: unknown, ...args: unknown[]) {
    const callback = args[0] as (tx: Record<string, unknown>) => Promise<unknown>;
    const started = performance.now();
    return transaction
      .call(this, (tx: Record<string, (...a: unknown[]) => Promise<unknown>>) =>
        callback({ ...tx, query: wrap(tx.query!, tx, true), exec: wrap(tx.exec!, tx, true) }),
      )
      .finally(() => record('-- the transaction above: BEGIN ... COMMIT, in all', started, false));
  };
}

async function main() {
  if (process.env.BENCH_TRACE_SQL) traceSql();
  const db = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'false', AUTH_MODE: 'off' });
  const model = new ScriptedModel(seedScript);
  const app = await buildApp(config, { database: db.database, models: model, tools: standInTools().registry });
  for (const patch of seedCardPatches()) await app.services.agents.update(patch.name, { tools: patch.tools });
  // The scripted model keeps every request; keep memory flat over thousands of turns.
  const trim = setInterval(() => {
    model.requests.length = 0;
  }, 1_000);
  const { url } = await app.start(0, '127.0.0.1');
  console.log(`READY ${url} ${db.database.kind}`);

  let cpuAtMark = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.trim().split(' ');
    if (command === 'mark') {
      cpuAtMark = cpuMs();
      statements.length = 0;
      console.log('MARKED');
    } else if (command === 'check') {
      const cpu = cpuMs() - cpuAtMark;
      await app.services.runs.idle();
      if (process.env.BENCH_TRACE_SQL) console.log(`TRACE ${JSON.stringify(statements)}`);
      const stored = (await app.services.eventStore.list({ runId: arg })).map((e) => e.type).sort();
      console.log(stored.join() === expectedTypes.join() ? `OK ${cpu}` : `FAIL stored ${stored.join(', ')}`);
    } else if (command === 'stop') break;
  }
  clearInterval(trim);
  await app.stop();
  if (db.url) console.log(`COMMIT ${await commitLatency(db.url)}`);
  await db.dispose();
  process.stdin.destroy();
}

/** p50 of a durable single-row INSERT and of `select 1` on this PostgreSQL: what a round trip and a commit cost here. */
async function commitLatency(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create table bench_commit_probe (id serial primary key, v text)`;
    const time = async (q: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await q();
        xs.push(performance.now() - t);
      }
      return xs.sort((a, b) => a - b)[100]!;
    };
    const commit = await time(() => sql`insert into bench_commit_probe (v) values ('x')`);
    const read = await time(() => sql`select 1`);
    return JSON.stringify({ commitMs: commit, readMs: read });
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
