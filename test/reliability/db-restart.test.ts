import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { type Database, openDatabase } from '../../server/src/db/client.js';
import type { ModelRequest } from '../../server/src/models/model-provider.js';
import { ScriptedModel } from '../fakes/scripted-model.js';
import { standInTools } from '../fakes/stand-in-tools.js';
import { type Collected, subscribe } from '../helpers/subscribe.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Restarting PostgreSQL under load. The restart hits a private PostgreSQL cluster this test creates
 * (initdb in a temporary folder, same binaries as the machine's server), never the shared one, so
 * other test files and other people's databases keep working while it runs.
 */
const enabled = !!process.env.TEST_DATABASE_URL && (!!process.env.CI || process.env.BATON_DB_RESTART_TEST === '1');

/** PostgreSQL's server binaries (initdb, pg_ctl): BATON_PG_BINDIR, or the newest under /usr/lib/postgresql. */
function pgBinDir(): string | undefined {
  if (process.env.BATON_PG_BINDIR) return process.env.BATON_PG_BINDIR;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/** A throwaway PostgreSQL cluster: PostgreSQL refuses to run as root, so as root it runs as `postgres`. */
class PrivateCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'baton-pg-'));
  private readonly data = join(this.dir, 'data');

  constructor(
    private readonly bin: string,
    readonly port: number,
  ) {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', this.data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    return this.runAsync('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-o', options, '-w', 'start']);
  }

  /** `fast` disconnects every client, as a restart does. */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.runAsync('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  running(): boolean {
    try {
      this.run('pg_ctl', ['-D', this.data, 'status']);
      return true;
    } catch {
      return false;
    }
  }

  remove(): void {
    if (!existsSync(this.dir)) return;
    if (this.running()) this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }

  private run(tool: string, args: string[]): void {
    execFileSync(...this.command(tool, args), { stdio: 'pipe' });
  }

  /** Asynchronous, so the app keeps serving while PostgreSQL stops and starts. */
  private async runAsync(tool: string, args: string[]): Promise<void> {
    await promisify(execFile)(...this.command(tool, args));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const EVENTS = `subscription($id: ID!) { conversationEvents(conversationId: $id) { id type runId } }`;
type WireEvent = { id: string | null; type: string; runId: string | null };

/**
 * A one-task plan and a short answer, each after some model latency: a run takes 200 ms or more, so
 * one accepted just before a disruption is still in flight when the disruption (a process that
 * pg_ctl starts, on a busy machine) lands.
 */
const model = () =>
  new ScriptedModel(async (req: ModelRequest) => {
    await sleep(100);
    if (req.agentName === 'PlannerAgent')
      return {
        content: JSON.stringify({
          refuse: false,
          tasks: [{ id: 't1', agent: 'GeneralSupportAgent', instruction: 'answer', statusMessage: '…', dependsOn: [] }],
        }),
      };
    return { content: 'Happy to help.' };
  });

interface Traffic {
  services: App['services'];
  /** Accepted messages: run id → conversation and when sendMessage returned. */
  accepted: Map<string, { conversationId: string; at: number }>;
  /** sendMessage calls that failed (not accepted, retried). */
  refused: number;
  conversations: string[];
  subs: Collected<WireEvent>[];
  /** When the latest message was accepted (Date.now()). */
  lastAcceptedAt: number;
}

/**
 * Waits until a message was accepted a moment ago, so its run is being answered (the model alone takes
 * 200 ms). The conversations tend to move in lockstep, with moments where no run is in flight; a
 * disruption that lands in one of those tests nothing.
 */
async function whileInFlight(t: Traffic): Promise<void> {
  while (Date.now() - t.lastAcceptedAt > 5) await sleep(1);
}

/**
 * Conversations that each send a message, wait for its RUN_COMPLETED on their live subscription, and
 * send the next, while `disrupt` runs; a send that fails was not accepted and is retried.
 */
async function driveTraffic(
  app: App,
  url: string,
  disrupt: (t: Traffic) => Promise<void>,
  count = 6,
): Promise<Traffic> {
  const { services } = app;
  const t: Traffic = { services, accepted: new Map(), refused: 0, conversations: [], subs: [], lastAcceptedAt: 0 };
  for (let i = 0; i < count; i++) t.conversations.push((await services.conversations.start({})).conversation.id);
  for (const id of t.conversations)
    t.subs.push(subscribe('ws', url, EVENTS, { id }, (d) => d.conversationEvents as WireEvent));
  await sleep(300);
  let stopping = false;
  const talk = async (index: number) => {
    const id = t.conversations[index]!;
    const sub = t.subs[index]!;
    for (let turn = 0; !stopping; turn++) {
      let runId: string;
      try {
        runId = (await services.runs.submit(id, `message ${turn}`, 'AUTO')).id;
      } catch {
        t.refused++;
        await sleep(100);
        continue;
      }
      t.accepted.set(runId, { conversationId: id, at: Date.now() });
      t.lastAcceptedAt = Date.now();
      const deadline = Date.now() + 30_000;
      while (!sub.items.some((e) => e.runId === runId && e.type === 'RUN_COMPLETED')) {
        if (Date.now() > deadline) throw new Error(`no RUN_COMPLETED for run ${runId} on the subscription`);
        await sleep(20);
      }
    }
  };
  const traffic = Promise.all(t.conversations.map((_, i) => talk(i)));
  try {
    await disrupt(t);
  } finally {
    stopping = true;
    await traffic;
    for (const sub of t.subs) sub.stop();
  }
  return t;
}

/** Every accepted message completed, and each subscriber got its conversation's stored events once, in order. */
async function expectNothingLost(t: Traffic): Promise<void> {
  for (const [runId] of t.accepted) expect((await t.services.conversations.getRun(runId)).status).toBe('COMPLETED');
  for (const [i, id] of t.conversations.entries()) {
    const stored = await t.services.eventStore.list({ conversationId: id });
    const delivered = t.subs[i]!.items.filter((e) => e.id !== null).map((e) => Number(e.id));
    expect(delivered).toEqual(stored.map((e) => e.id));
  }
}

/** Runs that were accepted by `at` and completed after `after`: they crossed the disruption. */
async function crossed(t: Traffic, at: number, after: number): Promise<number> {
  const late = await Promise.all(
    [...t.accepted]
      .filter(([, a]) => a.at <= at)
      .map(async ([runId]) => {
        const [done] = await t.services.eventStore.list({ runId, types: ['RUN_COMPLETED'] });
        return !!done && done.createdAt.getTime() > after;
      }),
  );
  return late.filter(Boolean).length;
}

const appConfig = () =>
  loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SEED_DEMO_DATA: 'false',
    RUN_LEASE_MS: '1500',
    RUN_SWEEP_MS: '250',
  });

describe('dropped database connections mid-traffic', () => {
  if (!process.env.TEST_DATABASE_URL) {
    console.warn('dropped-connection test skipped: it needs PostgreSQL (set TEST_DATABASE_URL)');
    it.skip('needs PostgreSQL: set TEST_DATABASE_URL', () => {});
    return;
  }
  let db: TestDatabase | undefined;
  let app: App | undefined;
  afterAll(async () => {
    await app?.stop();
    await db?.dispose();
  });

  it('fail no run: a run whose write hit a dropped connection resumes and completes', async () => {
    db = await createTestDatabase();
    app = await buildApp(appConfig(), { database: db.database, models: model(), tools: standInTools().registry });
    const { url } = await app.start(0, '127.0.0.1');
    // A separate connection terminates every other backend of this test's database, three times.
    const admin = postgres(db.url!, { max: 1, onnotice: () => {} });
    let firstDrop = 0;
    const t = await driveTraffic(app, url, async (traffic) => {
      for (let i = 0; i < 3; i++) {
        await sleep(700);
        await whileInFlight(traffic);
        firstDrop ||= Date.now();
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`;
      }
      await sleep(2_500);
    }).finally(() => admin.end());
    expect(await crossed(t, firstDrop, firstDrop)).toBeGreaterThan(0);
    await expectNothingLost(t);
    const failed = await app.services.eventStore.list({ types: ['RUN_FAILED'] });
    expect(failed).toEqual([]);
  }, 120_000);
});

describe('PostgreSQL restarts mid-traffic', () => {
  const bin = pgBinDir();
  const canRun = enabled && !!bin && (process.getuid?.() === 0 || process.env.USER === 'postgres');
  if (!canRun) {
    console.warn(
      'database restart test skipped: it runs with TEST_DATABASE_URL and CI=true or BATON_DB_RESTART_TEST=1, ' +
        'and needs PostgreSQL server binaries (initdb, pg_ctl) and root or the postgres user',
    );
    it.skip('needs TEST_DATABASE_URL, CI or BATON_DB_RESTART_TEST=1, and PostgreSQL binaries', () => {});
    return;
  }

  let cluster: PrivateCluster | undefined;
  let database: Database | undefined;
  let app: App | undefined;
  // Whatever happens, the private cluster is stopped and removed, even if the worker exits early.
  const removeCluster = () => cluster?.remove();
  process.once('exit', removeCluster);
  afterAll(async () => {
    try {
      const bounded = (p: Promise<unknown> | undefined) => Promise.race([p?.catch(() => {}), sleep(10_000)]);
      await bounded(app?.stop());
      await bounded(database?.close());
    } finally {
      removeCluster();
      process.off('exit', removeCluster);
    }
  });

  it('reconnects, resumes subscriptions, and completes every accepted message', async () => {
    cluster = new PrivateCluster(bin!, await freePort());
    await cluster.start();
    database = await openDatabase({ databaseUrl: cluster.url, maxConnections: 10 });
    app = await buildApp(appConfig(), { database, models: model(), tools: standInTools().registry });
    const { url } = await app.start(0, '127.0.0.1');
    let stoppedAt = 0;
    let restartedAt = 0;
    const t = await driveTraffic(app, url, async (traffic) => {
      await sleep(1_500);
      await whileInFlight(traffic);
      stoppedAt = Date.now();
      await cluster!.stop('fast');
      await sleep(2_500);
      await cluster!.start();
      restartedAt = Date.now();
      await sleep(3_000);
    });
    // Messages were sent after the restart, and some that were being answered when it went down finished after.
    expect([...t.accepted.values()].filter((a) => a.at > restartedAt).length).toBeGreaterThan(t.conversations.length);
    expect(await crossed(t, stoppedAt, restartedAt)).toBeGreaterThan(0);
    await expectNothingLost(t);
    console.info(`db restart: ${t.accepted.size} messages accepted, ${t.refused} refused while PostgreSQL was down`);
  }, 120_000);
});
