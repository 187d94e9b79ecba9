import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PglitePreparedStatements } from '../../../server/src/db/pglite-prepared.js';

describe('PglitePreparedStatements', () => {
  let pg: PGlite;
  let prepared: PglitePreparedStatements;
  beforeAll(async () => {
    pg = await PGlite.create();
    await pg.exec(
      'create table notes (id serial primary key, body text, n int, ok boolean, at timestamptz, doc jsonb)',
    );
    prepared = await PglitePreparedStatements.open(pg);
  });
  afterAll(() => pg.close());

  const insert = `insert into notes (body, n, ok, at, doc) values ($1::text, $2::int, $3::boolean, $4::timestamptz, $5::text::jsonb)
    returning body, n, ok, at, doc`;

  it('sends scalar parameters as literals that round-trip exactly, quotes and backslashes included', async () => {
    const tricky = `it's a \\'test\\'; drop table notes; -- "ünïcode" 🎉 $$ $1`;
    const at = new Date('2026-11-24T10:00:00.000Z');
    const [row] = await prepared.query<Record<string, unknown>>(insert, [
      tricky,
      42,
      false,
      at,
      JSON.stringify({ text: "o'clock" }),
    ]);
    expect(row).toMatchObject({ body: tricky, n: 42, ok: false, doc: { text: "o'clock" } });
    expect(new Date(row!.at as string | Date).toISOString()).toBe(at.toISOString());
    const [nulls] = await prepared.query<Record<string, unknown>>(insert, [null, null, null, null, null]);
    expect(nulls).toMatchObject({ body: null, n: null, ok: null, doc: null });
    expect((await pg.query('select count(*)::int as n from notes')).rows[0]).toEqual({ n: 2 });
  });

  it('prepares each text once, even when its first uses run concurrently', async () => {
    const text = 'select $1::int + 1 as n';
    const results = await Promise.all([1, 2, 3].map((n) => prepared.query<{ n: number }>(text, [n])));
    expect(results.map((r) => r[0]!.n)).toEqual([2, 3, 4]);
    const { rows } = await pg.query<{ n: number }>(
      `select count(*)::int as n from pg_prepared_statements where statement like '%$1::int + 1%'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('passes array parameters through query, and a statement that fails leaves the next one working', async () => {
    const [row] = await prepared.query<{ n: number }>('select array_length($1::text[], 1) as n', [['a', 'b']]);
    expect(row!.n).toBe(2);
    await expect(prepared.query('select $1::int as n from no_such_table', [1])).rejects.toMatchObject({
      code: '42P01',
    });
    expect(await prepared.query('select $1::text as s', ['fine'])).toEqual([{ s: 'fine' }]);
  });
});
