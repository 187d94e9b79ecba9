import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteThread } from '../../../server/src/db/pglite-thread.js';

const TIMESTAMPTZ = 1184;

describe('PgliteThread (PGlite on a worker thread)', () => {
  let pg: PgliteThread;
  /** A dump of a fresh database: creating one from scratch runs initdb, a few seconds. */
  let fresh: Blob;
  beforeAll(async () => {
    pg = await PgliteThread.create();
    fresh = await pg.dumpDataDir('gzip');
    await pg.exec('create table items (id int primary key, name text not null, at timestamptz default now())');
  });
  afterAll(() => pg.close());

  it('starts WAL segments without zero-filling them (PGlite recycles none, and each fill held the session)', async () => {
    const { rows } = await pg.query<{ wal_init_zero: string }>('show wal_init_zero');
    expect(rows).toEqual([{ wal_init_zero: 'off' }]);
  });

  it('answers queries with rows as objects or arrays, and exec with every statement’s result', async () => {
    await pg.query('insert into items (id, name) values ($1, $2), ($3, $4)', [1, 'one', 2, "it's two"]);
    const objects = await pg.query<{ id: number; name: string }>('select id, name from items order by id');
    expect(objects.rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: "it's two" },
    ]);
    expect(objects.fields.map((f) => f.name)).toEqual(['id', 'name']);
    const arrays = await pg.query('select id, name from items order by id', [], { rowMode: 'array' });
    expect(arrays.rows).toEqual([
      [1, 'one'],
      [2, "it's two"],
    ]);
    const results = await pg.exec('select 1 as a; select 2 as b');
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
  });

  it('parses with PGlite’s own parsers in the worker, and runs the caller’s parsers (functions) on its side', async () => {
    const parsed = await pg.query<{ at: unknown }>('select at from items where id = 1');
    expect(parsed.rows[0]?.at).toBeInstanceOf(Date);
    const raw = await pg.query<{ at: unknown; id: unknown }>('select at, id from items where id = 1', [], {
      parsers: { [TIMESTAMPTZ]: (text: string) => `raw:${text}` },
    });
    expect(String(raw.rows[0]?.at)).toMatch(/^raw:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(raw.rows[0]?.id).toBe(1);
    const rawArrays = await pg.query('select id, at from items where id = 1', [], {
      rowMode: 'array',
      parsers: { [TIMESTAMPTZ]: (text: string) => `raw:${text}` },
    });
    expect(String((rawArrays.rows[0] as unknown[])[1])).toMatch(/^raw:/);
  });

  it('rejects a failing statement with PostgreSQL’s code and message, and keeps serving', async () => {
    const error = await pg.query('insert into items (id, name) values (1, $1)', ['again']).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('23505');
    expect(error.message).toMatch(/duplicate key/);
    const syntax = await pg.exec('selec 1').catch((e) => e);
    expect(syntax.code).toBe('42601');
    expect((await pg.query('select count(*)::int as n from items')).rows).toEqual([{ n: 2 }]);
  });

  it('commits a transaction, rolls back one that throws, and runs nothing of anyone else’s inside one', async () => {
    const seen: number[] = [];
    const count = async () => (await pg.query<{ n: number }>('select count(*)::int as n from items')).rows[0]!.n;
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const failed = pg
      .transaction(async (tx) => {
        await tx.query('insert into items (id, name) values (10, $1)', ['uncommitted']);
        inside();
        // Made while the transaction is open: must not see (or be part of) its uncommitted row.
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e.message);
    await entered;
    seen.push(await count());
    expect(await failed).toBe('changed my mind');
    expect(seen).toEqual([2]);

    const id = await pg.transaction(async (tx) => {
      await tx.query('insert into items (id, name) values (11, $1)', ['committed']);
      return (await tx.query<{ id: number }>('select id from items where id = 11')).rows[0]!.id;
    });
    expect(id).toBe(11);
    expect(await count()).toBe(3);

    await pg.transaction(async (tx) => {
      await tx.query('insert into items (id, name) values (12, $1)', ['rolled back']);
      await tx.rollback();
    });
    expect(await count()).toBe(3);

    // A failed statement whose error the transaction swallowed: PostgreSQL rolls back at COMMIT.
    const aborted = await pg
      .transaction(async (tx) => {
        await tx.query('insert into items (id, name) values (13, $1)', ['lost']);
        await tx.query('insert into items (id, name) values (13, $1)', ['duplicate']).catch(() => {});
        return 'returned';
      })
      .catch((e) => e);
    expect(aborted.code).toBe('25P02');
    expect(aborted.message).toMatch(/rolled back instead of committed/);
    expect(await count()).toBe(3);
  });

  it('delivers NOTIFY to listeners until they unlisten', async () => {
    const payloads: string[] = [];
    const unlisten = await pg.listen('baton_test', (p) => payloads.push(p));
    // Notifications and results come back over one port, in order: a later notification on another
    // channel proves every earlier one has been handled, with no sleeping.
    let barrier!: () => void;
    const barrierSeen = new Promise<void>((resolve) => (barrier = resolve));
    const unlistenBarrier = await pg.listen('baton_barrier', () => barrier());
    await pg.query("select pg_notify('baton_test', 'first')");
    await unlisten();
    await pg.query("select pg_notify('baton_test', 'second')");
    await pg.query("select pg_notify('baton_barrier', '')");
    await barrierSeen;
    await unlistenBarrier();
    expect(payloads).toEqual(['first']);
  });

  it('leaves the server’s thread free while a statement runs', async () => {
    const before = performance.eventLoopUtilization();
    const { rows } = await pg.query<{ n: string }>('select count(*) as n from generate_series(1, 1000000)');
    const busy = performance.eventLoopUtilization(before);
    expect(Number(rows[0]!.n)).toBe(1_000_000);
    // Hundreds of milliseconds of work in the worker; the event loop waited for it, idle.
    expect(busy.idle).toBeGreaterThan(busy.active);
  });

  it('dumps its data directory, and a new database starts from the dump', async () => {
    const dump = await pg.dumpDataDir('gzip');
    expect(dump.size).toBeGreaterThan(0);
    const copy = await PgliteThread.create({ loadDataDir: dump });
    try {
      expect((await copy.query('select name from items where id = 11')).rows).toEqual([{ name: 'committed' }]);
    } finally {
      await copy.close();
    }
  });

  it('after close, rejects every later call with a connection error (SQLSTATE class 08)', async () => {
    const pg = await PgliteThread.create({ loadDataDir: fresh });
    await pg.close();
    expect(pg.closed).toBe(true);
    const error = await pg.query('select 1').catch((e) => e);
    expect(error.code).toBe('08006');
    expect(error.message).toMatch(/not running/);
    await pg.close(); // a second close is harmless
  });

  it('rejects with PGlite’s own error when it cannot start', async () => {
    // A data directory inside a regular file cannot be created.
    const file = join(mkdtempSync(join(tmpdir(), 'baton-pglite-')), 'not-a-directory');
    writeFileSync(file, 'x');
    const error = await PgliteThread.create({ dataDir: join(file, 'data') }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/ENOTDIR|not a directory/i);
  });

  it('finishes the calls made before close, in order', async () => {
    const pg = await PgliteThread.create({ loadDataDir: fresh });
    const first = pg.query<{ n: number }>('select 1 as n');
    const closing = pg.close();
    expect((await first).rows).toEqual([{ n: 1 }]);
    await closing;
  });
});
