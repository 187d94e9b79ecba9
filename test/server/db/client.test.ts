import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

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
    'sends a parameterised statement in one flight, not describe first and bind after, prepared or not (PostgreSQL)',
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
      expect(await flights(() => db.database.query(statement, ['x', 1]))).toBe(1);
      // Prepared now: the next execution is a Bind and an Execute, one flight too, with the same answer.
      expect(await flights(() => db.database.query(statement, ['y', 2]))).toBe(1);
      expect(await db.database.query(statement, ['z', 3])).toMatchObject([{ s: 'z', n: 3 }]);
      // NOTIFY (streamed tokens to other replicas) takes one flight too, and arrives.
      const heard: string[] = [];
      const unlisten = await db.database.listen('baton_client_test', (payload) => heard.push(payload));
      expect(await flights(() => db.database.notify('baton_client_test', "it's here"))).toBe(1);
      for (let i = 0; i < 50 && !heard.length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(["it's here"]);
      await unlisten();
      // An array parameter is described first: two flights.
      expect(await flights(() => db.database.query('select $1::text[] as a', [['x']]))).toBe(2);
    },
  );
});
