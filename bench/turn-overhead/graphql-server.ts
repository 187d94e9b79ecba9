import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { ScriptedModel } from '../../test/fakes/scripted-model.js';
import { standInTools } from '../../test/fakes/stand-in-tools.js';
import { createTestDatabase } from '../../test/helpers/test-database.js';
import { seedCardPatches, seedScript } from './seed-scenario.js';

/** The events a seed-example turn stores (order varies with the two concurrent tasks). */
const expectedTypes = [
  'MESSAGE',
  'RUN_STARTED',
  'PLAN',
  'TASK_STARTED',
  'TASK_STARTED',
  'TOOL_CALL',
  'TOOL_CALL',
  'MESSAGE',
  'MESSAGE',
  'MESSAGE',
  'TASK_COMPLETED',
  'TASK_COMPLETED',
  'RUN_COMPLETED',
].sort();

/**
 * The server side of (c), in its own process so the client's work does not share its event loop:
 * the real app (buildApp) on a fresh PGlite, or a fresh PostgreSQL database when TEST_DATABASE_URL is
 * set, with the zero-latency scripted model and the stand-in tools. Prints `READY <url> <kind>`, then
 * answers `check <runId>` (are all of that run's events stored?) and `stop` on stdin.
 */
async function main() {
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

  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.trim().split(' ');
    if (command === 'check') {
      await app.services.runs.idle();
      const stored = (await app.services.eventStore.list({ runId: arg })).map((e) => e.type).sort();
      console.log(stored.join() === expectedTypes.join() ? 'OK' : `FAIL stored ${stored.join(', ')}`);
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
