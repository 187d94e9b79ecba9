import { Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable, openDatabase } from '../../../server/src/db/client.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

type Settled = { ok: true } | { ok: false; err: unknown } | { hung: true };

/** A promise's outcome, or `hung` when it has not settled within `ms`. */
function settle(p: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      (): Settled => ({ ok: true }),
      (err: unknown): Settled => ({ ok: false, err }),
    ),
    new Promise<Settled>((r) => {
      timer = setTimeout(() => r({ hung: true }), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('Database.query', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.dispose());

  it('sends scalar parameters typed by the casts in the text', async () => {
    const at = new Date('2026-11-24T10:00:00.000Z');
    const [row] = await db.database.query<Record<string, unknown>>(
      `select $1::text as s, $2::int + 1 as n, $3::float8 * 2 as f, $4::boolean as b, $5::timestamptz as t,
        $6::text is null as missing, ($7::text::jsonb)->>'k' as j`,
      ["it's", 41, 1.25, false, at, null, JSON.stringify({ k: 'v' })],
    );
    expect(row).toMatchObject({ s: "it's", n: 42, f: 2.5, b: false, missing: true, j: 'v' });
    expect(new Date(row!.t as string | Date).toISOString()).toBe(at.toISOString());
  });

  it('still takes array parameters, which need the type the server describes', async () => {
    const [row] = await db.database.query<{ n: number }>('select array_length($1::text[], 1) as n', [['a', 'b', 'c']]);
    expect(Number(row!.n)).toBe(3);
  });

  it.skipIf(testDatabaseKind !== 'postgres')(
    'prepares a statement once per connection: every later execution goes in one flight (PostgreSQL)',
    async () => {
      await db.database.query('select 1'); // the pool's connection is open
      const flights = async (run: () => Promise<unknown>) => {
        let writes = 0;
        const write = Socket.prototype.write;
        Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
          if (this.remotePort === 5432 || String(this.remotePort) === new URL(db.url!).port) writes++;
          return write.apply(this, args);
        } as Socket['write'];
        try {
          await run();
        } finally {
          Socket.prototype.write = write;
        }
        return writes;
      };
      const statement = `select $1::text as s, $2::int as n, ${Date.now()} as fresh`; // not prepared yet
      // The first execution on a connection: Parse and Describe, then Bind and Execute once described.
      expect(await flights(() => db.database.query(statement, ['x', 1]))).toBe(2);
      // Prepared now: the next execution is a Bind and an Execute, one flight, with the same answer.
      expect(await flights(() => db.database.query(statement, ['y', 2]))).toBe(1);
      expect(await db.database.query(statement, ['z', 3])).toMatchObject([{ s: 'z', n: 3 }]);
      // NOTIFY (streamed tokens to other replicas) takes one flight too, and arrives.
      const heard: string[] = [];
      const unlisten = await db.database.listen('baton_client_test', (payload) => heard.push(payload));
      await db.database.notify('baton_client_test', 'first'); // prepared on this connection
      expect(await flights(() => db.database.notify('baton_client_test', "it's here"))).toBe(1);
      for (let i = 0; i < 50 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(['first', "it's here"]);
      await unlisten();
      // An array parameter too: described first, two flights, then one.
      expect(await flights(() => db.database.query('select $1::text[] as a', [['x']]))).toBe(2);
      expect(await flights(() => db.database.query('select $1::text[] as a', [['y']]))).toBe(1);
    },
  );
});

/**
 * The failures postgres.js 3.4.9 and 3.4.10 have when PostgreSQL terminates a connection (Baton
 * patched them until it moved to postgres.js 4, which fixes them; see docs/operations.md): a FATAL
 * received before the close failed the first query after the reconnect, and a write scheduled just
 * before the close threw from a timer (porsager/postgres#1154, #1208), crashing the process and
 * leaving queries that never settle.
 */
describe.skipIf(testDatabaseKind !== 'postgres')('Database on PostgreSQL, when its connections are terminated', () => {
  let db: TestDatabase;
  let admin: postgres.Sql;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    admin = postgres(db.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await db?.dispose();
  });

  /** Terminates every other connection to this test's own database (never another test's). */
  const terminateAll = () =>
    admin`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()`;

  it('answers the first query after its connection was terminated mid-query', async () => {
    const database = await openDatabase({ databaseUrl: db.url, maxConnections: 1 });
    try {
      await database.query('select 1');
      // Settled from the start: the terminated query may reject before terminateAll's own answer arrives, and a
      // rejection with no handler yet is an unhandled one (it failed a CI run).
      const sleeping = settle(database.query('select pg_sleep(10)'), 15_000);
      await vi.waitFor(
        async () => {
          const [row] = await admin`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and state = 'active' and query like 'select pg_sleep%'`;
          expect(row!.n).toBe(1);
        },
        { timeout: 5_000, interval: 20 },
      );
      await terminateAll();
      const outcome = await sleeping;
      expect(outcome).toMatchObject({ ok: false });
      expect(isDatabaseUnavailable((outcome as { err: unknown }).err)).toBe(true);
      // postgres.js 3.4.x: rejected with the old connection's 57P01 "terminating connection".
      expect(await database.query<{ n: number }>('select 1::int as n')).toEqual([{ n: 1 }]);
    } finally {
      await database.close();
    }
  });

  it('under load, every statement settles, nothing escapes as an uncaught error, and the pool answers afterwards', async () => {
    const escaped: unknown[] = [];
    const onEscape = (err: unknown) => escaped.push(err);
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    const database = await openDatabase({ databaseUrl: db.url, maxConnections: 4 });
    try {
      const stopAt = Date.now() + 3_000;
      const tally = { answered: 0, unavailable: 0, hung: 0, kills: 0, other: [] as unknown[] };
      const worker = async (w: number) => {
        for (let i = 0; Date.now() < stopAt; i++) {
          // Raw prepared statements and drizzle transactions, as a turn's path runs them.
          const statement =
            i % 2
              ? database.query('select $1::text as s, $2::int + 1 as n', [`w${w}`, i])
              : database.db.transaction(async (tx) => {
                  await tx.execute(sql`select ${w}::int as w`);
                  await tx.execute(sql`select ${i}::int as i`);
                });
          const outcome = await settle(statement, 10_000);
          if ('hung' in outcome) tally.hung++;
          else if (outcome.ok) tally.answered++;
          else if (isDatabaseUnavailable(outcome.err)) tally.unavailable++;
          else tally.other.push(outcome.err);
        }
      };
      const killer = async () => {
        while (Date.now() < stopAt) {
          await new Promise((r) => setTimeout(r, 30 + Math.random() * 120));
          await terminateAll();
          tally.kills++;
        }
      };
      await Promise.all([...Array.from({ length: 16 }, (_, w) => worker(w)), killer()]);
      expect(escaped).toEqual([]);
      expect(tally.other).toEqual([]);
      expect(tally.hung).toBe(0);
      expect(tally.kills).toBeGreaterThan(5);
      expect(tally.unavailable).toBeGreaterThan(0); // the terminations did hit statements
      expect(tally.answered).toBeGreaterThan(0);
      // Every connection of the pool answers again (a statement may still meet the last termination).
      await vi.waitFor(
        async () => {
          const outcomes = await Promise.all(
            Array.from({ length: 8 }, (_, i) => settle(database.query('select $1::int as i', [i]), 2_000)),
          );
          expect(outcomes).toEqual(Array.from({ length: 8 }, () => ({ ok: true })));
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(escaped).toEqual([]);
    } finally {
      process.off('uncaughtException', onEscape);
      process.off('unhandledRejection', onEscape);
      await database.close();
    }
  }, 30_000);
});
