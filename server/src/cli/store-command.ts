import { resolve } from 'node:path';
import { count } from 'drizzle-orm';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { knowledgeArticles, storeOrders, storeProducts, storeUsers, storeVariants } from '../store/schema/index.js';
import { writeStoreExport } from '../store/store-export.js';
import { seedStore } from '../store/store-seed.js';
import type { CliIo } from './baton.js';

const usage = ['usage: pnpm baton store reset', '       pnpm baton store export <dir>'];

export interface CommandOptions {
  /** Use this database instead of the configured one (tests); it is left open. */
  database?: Database;
}

/** `pnpm baton store reset | export <dir>`: reload the demo store, or write it out in the dataset's shape. */
export async function run(args: string[], io: CliIo, options: CommandOptions = {}): Promise<number> {
  const [sub, dir, ...extra] = args;
  if (!(sub === 'reset' && dir === undefined) && !(sub === 'export' && dir && extra.length === 0)) {
    for (const line of usage) io.err(line);
    return 2;
  }
  const config = options.database ? undefined : loadConfig(io.env);
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config!.databaseUrl, dataDir: config!.dataDir }));
  try {
    await database.migrate();
    const db = database.db;
    if (sub === 'reset') {
      await seedStore(db, { force: true, dataDir: io.env.STORE_DATA_DIR });
      const [[users], [orders], [products], [variants], [articles]] = await Promise.all([
        db.select({ n: count() }).from(storeUsers),
        db.select({ n: count() }).from(storeOrders),
        db.select({ n: count() }).from(storeProducts),
        db.select({ n: count() }).from(storeVariants),
        db.select({ n: count() }).from(knowledgeArticles),
      ]);
      io.out(
        `Store reset: ${users?.n} users, ${orders?.n} orders, ${products?.n} products with ${variants?.n} variants, ${articles?.n} knowledge articles.`,
      );
      return 0;
    }
    await seedStore(db, { dataDir: io.env.STORE_DATA_DIR });
    // pnpm runs scripts from server/; INIT_CWD is where the user typed the command.
    const written = await writeStoreExport(db, resolve(io.env.INIT_CWD ?? process.cwd(), dir!));
    for (const path of written) io.out(`wrote ${path}`);
    return 0;
  } finally {
    if (!options.database) await database.close();
  }
}
