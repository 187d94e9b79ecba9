import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { repoPath } from '../paths.js';
import * as storeSchema from '../store/schema/index.js';
import { PgliteCheckpoints } from './pglite-checkpoints.js';
import { PglitePreparedStatements } from './pglite-prepared.js';
import { PgliteThread } from './pglite-thread.js';
import * as coreSchema from './schema/index.js';

export const schema = { ...coreSchema, ...storeSchema };
export type Schema = typeof schema;
/** The drizzle handle, the same type on PGlite and on PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: functions that write accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

const migrationsFolder = repoPath('drizzle');
/** Serialises migrations when several replicas start at once. */
const MIGRATION_LOCK = 0x0ba7_0001;

export interface Database {
  kind: 'pglite' | 'postgres';
  /** PGlite only: the data directory as a tarball (`gzip`: compressed), e.g. to start other databases from. */
  dumpDataDir?(compression?: 'none' | 'gzip'): Promise<Blob>;
  db: Db;
  /**
   * Raw SQL for the statements on every turn's path, where a query builder's CPU shows: `$1`-style
   * parameters. Cast parameters in the text (`$1::text::jsonb` for JSON passed as a string).
   * Timestamps may come back as text (dateColumn).
   *
   * Statements are prepared: on PostgreSQL once per connection (postgres.js), so that every execution
   * after the first is one flight (Bind, Execute); on PGlite once per text (PglitePreparedStatements).
   */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** LISTEN on a channel; resolves once listening. `onReconnect` fires after a dropped connection listens again. */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Applies the drizzle migrations in `drizzle/`. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** postgres.js and socket codes, and SQLSTATEs, that mean the database was unreachable rather than the query wrong. */
const unavailableCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** True when `err` (or an error it wraps) says the database could not be reached: worth retrying later. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
  }
  return false;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** PGlite data folder, or `memory://` */
  dataDir?: string;
  /** postgres.js pool size */
  maxConnections?: number;
  /** PGlite only: start from this data-directory dump (tests start from a migrated template). */
  loadDataDir?: Blob;
}

/** Opens PostgreSQL when a URL is given, otherwise embedded PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections)
    : openPglite(options.dataDir, options.loadDataDir);
}

async function openPglite(dataDir = 'memory://', loadDataDir?: Blob): Promise<Database> {
  // On its own thread: each statement runs synchronously in WebAssembly and would stall the server's.
  const client = await PgliteThread.create({
    ...(dataDir !== 'memory://' && { dataDir }),
    ...(loadDataDir && { loadDataDir }),
  });
  // Loaded here: a replica on PostgreSQL does not need drizzle's PGlite driver, nor PGlite, which it loads.
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
  // drizzle's PGlite driver uses query and transaction, which PgliteThread provides with PGlite's semantics.
  const pglite = client as unknown as PGlite;
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
  const prepared = await PglitePreparedStatements.open(client);
  const checkpoints = new PgliteCheckpoints(client, undefined, (err) =>
    process.emitWarning(`PGlite checkpoint failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  checkpoints.start();
  return {
    kind: 'pglite',
    db,
    query: (text, params = []) => prepared.query(text, params),
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async migrate() {
      await migratePglite(drizzlePglite({ client: pglite }), { migrationsFolder });
    },
    dumpDataDir: (compression = 'gzip') => client.dumpDataDir(compression),
    async close() {
      await checkpoints.stop();
      await client.close();
    },
  };
}

async function openPostgres(url: string, max = 10): Promise<Database> {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    // postgres.js's default waits up to 20 s between reconnects, and every connection of the pool that
    // failed during an outage adds to the shared count: after a database restart, queries would stall
    // for that long. Jittered, capped at one second.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
    connection: { application_name: 'baton' },
  });
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async query<T>(text: string, params: readonly unknown[] = []) {
      // Dates are written out here: drizzle turned postgres.js's own timestamp serializer off.
      const values = params.map((v) => (v instanceof Date ? v.toISOString() : v));
      return (await sql.unsafe(text, values as never[], { prepare: true })) as unknown as T[];
    },
    async listen(channel, onMessage, onReconnect) {
      let first = true;
      const sub = await sql.listen(channel, onMessage, () => {
        if (!first) onReconnect?.();
        first = false;
      });
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      // As sql.notify sends it, but prepared: one flight (streamed tokens NOTIFY every 30 ms per task).
      await sql.unsafe('select pg_notify($1::text, $2::text)', [channel, payload], { prepare: true });
    },
    async migrate() {
      // One dedicated connection, so the session-level advisory lock covers the whole migration.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(single), { migrationsFolder });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
