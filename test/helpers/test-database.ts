import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../server/src/db/client.js';
import { seedStore } from '../../server/src/store/store-seed.js';

/** Which database the suite runs on: PGlite unless TEST_DATABASE_URL is set (see .ci/run). */
export const testDatabaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  database: Database;
  /** The URL of the fresh PostgreSQL database (undefined on PGlite). */
  url?: string;
  /** Closes and, on PostgreSQL, drops the database. */
  dispose(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply migrations (default true). */
  migrate?: boolean;
  /** Also load the demo store (implies migrate). */
  seeded?: boolean;
}

const repo = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A fingerprint of everything a template database is built from: migrations, the store's seed code
 * and the dataset. A change to any of them builds a new template.
 */
function templateKey(seeded: boolean): string {
  const hash = createHash('sha256').update(seeded ? 'seeded' : 'migrated');
  const add = (dir: string, filter: (f: string) => boolean) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
      const path = join(dir, f);
      if (filter(f) && statSync(path).isFile()) hash.update(f).update(readFileSync(path));
    }
  };
  add(join(repo, 'drizzle'), (f) => f.endsWith('.sql') || f.endsWith('.json'));
  if (seeded) {
    add(join(repo, 'server/src/store'), (f) => f.endsWith('.ts'));
    const data = process.env.STORE_DATA_DIR ?? join(repo, '../shared/data/tau-retail');
    for (const f of ['users.json', 'orders.json', 'products.json'])
      if (existsSync(join(data, f))) hash.update(f).update(String(statSync(join(data, f)).mtimeMs));
  }
  return hash.digest('hex').slice(0, 16);
}

async function prepare(database: Database, seeded: boolean) {
  await database.migrate();
  if (seeded) await seedStore(database.db);
}

/** PGlite: build a migrated (and seeded) data directory once, then start every test database from its dump. */
async function pgliteFromTemplate(seeded: boolean): Promise<Database> {
  const dir = join(tmpdir(), 'baton-test-templates');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pglite-${templateKey(seeded)}.tar.gz`);
  if (!existsSync(file)) {
    const builder = await openDatabase({ dataDir: 'memory://' });
    await prepare(builder, seeded);
    const dump = await builder.dumpDataDir!('gzip');
    await builder.close();
    // Written under a unique name and renamed, so parallel workers never read a half-written file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  return openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(file)]) });
}

/** PostgreSQL: `CREATE DATABASE … TEMPLATE` copies a prepared database in milliseconds. */
async function postgresFromTemplate(base: string, name: string, seeded: boolean): Promise<void> {
  const template = `baton_tmpl_${seeded ? 's' : 'm'}_${templateKey(seeded)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(${0x0ba7_7e57})`;
    const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!exists) {
      for (const old of await admin`select datname from pg_database where datname like ${`baton_tmpl_${seeded ? 's' : 'm'}_%`}`)
        await admin.unsafe(`drop database if exists ${old.datname} with (force)`);
      await admin.unsafe(`create database ${template}`);
      const url = new URL(base);
      url.pathname = `/${template}`;
      const db = await openDatabase({ databaseUrl: url.toString(), maxConnections: 2 });
      try {
        await prepare(db, seeded);
      } catch (err) {
        await db.close();
        await admin.unsafe(`drop database if exists ${template} with (force)`);
        throw err;
      }
      await db.close();
    }
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin`select pg_advisory_unlock(${0x0ba7_7e57})`.catch(() => {});
    await admin.end();
  }
}

/** A fresh database: in-memory PGlite, or a new PostgreSQL database per call, migrated (and seeded) from a template. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const seeded = options.seeded ?? false;
  const migrate = seeded || options.migrate !== false;
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = migrate ? await pgliteFromTemplate(seeded) : await openDatabase({ dataDir: 'memory://' });
    return { database, dispose: () => database.close() };
  }
  const name = `baton_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (migrate) await postgresFromTemplate(base, name, seeded);
  else {
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 5 });
  return {
    database,
    url: url.toString(),
    async dispose() {
      await database.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
