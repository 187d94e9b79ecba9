import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgliteCheckpoints } from '../../../server/src/db/pglite-checkpoints.js';
import { PgliteThread } from '../../../server/src/db/pglite-thread.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

const MB = 1024 * 1024;
/** WAL segment files in a data directory (16 MB each). */
const segments = (dir: string) => readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;

/** About 1.1 MB of WAL. */
const WRITE = `insert into t (data) select repeat(md5(g::text), 32) from generate_series(1, 1000) g`;

// PGlite only: under the PostgreSQL project this would run the same PGlite work a second time.
describe.skipIf(testDatabaseKind === 'postgres')('PGlite checkpoints', () => {
  const dirs: string[] = [];
  const clients: PgliteThread[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function open() {
    const dir = mkdtempSync(join(tmpdir(), 'baton-wal-'));
    dirs.push(dir);
    const client = await PgliteThread.create({ dataDir: dir });
    clients.push(client);
    await client.exec('create table t (id serial primary key, data text)');
    return { dir, client };
  }

  it('keep the WAL a crash would replay, and pg_wal, bounded while the server writes', async () => {
    const without = await open();
    const withCheckpoints = await open();
    const checkpoints = new PgliteCheckpoints(withCheckpoints.client, {
      checkEveryMs: 60_000,
      maxWalBytes: 8 * MB,
      maxAgeMs: 60_000,
    });
    // ~55 MB of WAL each, looked at after every ~4.5 MB as the timer would.
    for (let i = 0; i < 48; i++) {
      await without.client.exec(WRITE);
      await withCheckpoints.client.exec(WRITE);
      if (i % 4 === 3) await checkpoints.check();
    }
    const pending = async (client: PgliteThread) => {
      const { rows } = await client.query<{ pending: string }>(
        'select pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::text as pending from pg_control_checkpoint()',
      );
      return Number(rows[0]!.pending);
    };
    // Without: everything written since initdb is kept, and would be replayed after a crash.
    expect(await pending(without.client)).toBeGreaterThan(48 * MB);
    expect(checkpoints.taken).toBeGreaterThanOrEqual(5);
    expect(await pending(withCheckpoints.client)).toBeLessThan(16 * MB);
    // Segments are recycled: PostgreSQL keeps min_wal_size (80 MB, 5 segments) ahead, and no more.
    expect(segments(withCheckpoints.dir)).toBeLessThanOrEqual(6);
  }, 120_000);

  it('takes a timed checkpoint only when something was written since the last one', async () => {
    const { client } = await open();
    const checkpoints = new PgliteCheckpoints(client, { checkEveryMs: 60_000, maxWalBytes: 1024 * MB, maxAgeMs: 0 });
    await client.exec(WRITE);
    await checkpoints.check();
    expect(checkpoints.taken).toBe(1);
    await checkpoints.check();
    expect(checkpoints.taken).toBe(1);
    await client.exec(WRITE);
    await checkpoints.check();
    expect(checkpoints.taken).toBe(2);
  }, 60_000);

  it('waits for a transaction in progress, and stop() lets a checkpoint in progress finish', async () => {
    const { client } = await open();
    const checkpoints = new PgliteCheckpoints(client, { checkEveryMs: 60_000, maxWalBytes: 1, maxAgeMs: 0 });
    let release!: () => void;
    const inTx = client.transaction(async (tx) => {
      await tx.query("insert into t (data) values ('in a transaction')");
      await new Promise<void>((r) => (release = r));
    });
    await new Promise((r) => setTimeout(r, 50));
    const checking = checkpoints.check();
    release();
    await inTx;
    await checkpoints.stop();
    await checking;
    expect(checkpoints.taken).toBe(1);
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from t where data = 'in a transaction'",
    );
    expect(rows[0]!.n).toBe(1);
  }, 60_000);
});
