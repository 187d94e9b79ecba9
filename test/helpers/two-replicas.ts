import { openDatabase } from '../../server/src/db/client.js';
import type { EventBus } from '../../server/src/db/event-bus.js';
import { MemoryEventBus } from '../../server/src/db/memory-event-bus.js';
import { createTestApp, type TestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TwoReplicas {
  a: TestApp;
  b: TestApp;
  /** The database both use (A's connection to it). */
  db: TestDatabase;
  close(): Promise<void>;
}

export interface TwoReplicasOptions {
  env?: Record<string, string>;
  /** Start from the demo store's data. */
  seeded?: boolean;
  /** The size of B's own pool on PostgreSQL (default 4). */
  maxConnections?: number;
  /**
   * B's bus, made from the one A uses: then both replicas share an in-process MemoryEventBus, on PostgreSQL too
   * (a LateBus, to make B hear of A's changes late).
   */
  busOfB?: (shared: EventBus) => EventBus;
}

/**
 * Two replicas of the app on one fresh database. On PostgreSQL B has its own connection pool, as another process would,
 * and each replica its own LISTEN/NOTIFY bus; on PGlite they share the database and a memory bus (with `busOfB`, a
 * memory bus on PostgreSQL too). `close` stops both and disposes of the database.
 */
export async function createTwoReplicas(options: TwoReplicasOptions = {}): Promise<TwoReplicas> {
  const db = await createTestDatabase({ seeded: options.seeded });
  const shared = options.busOfB || !db.url ? new MemoryEventBus() : undefined;
  const busOfB = shared && options.busOfB ? options.busOfB(shared) : shared;
  const env = options.env ?? {};
  const a = await createTestApp({ db, env, eventBus: shared });
  const second = db.url
    ? await openDatabase({ databaseUrl: db.url, maxConnections: options.maxConnections ?? 4 })
    : undefined;
  const b = await createTestApp({
    db: second ? { database: second, url: db.url, dispose: () => second.close() } : db,
    env,
    eventBus: busOfB,
  });
  return {
    a,
    b,
    db,
    async close() {
      await b.close();
      if (second) await second.close();
      await a.close();
      if (busOfB !== shared) await busOfB?.close();
      await shared?.close();
      await db.dispose();
    },
  };
}
