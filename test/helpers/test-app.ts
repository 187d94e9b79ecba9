import { type App, type AppOptions, buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  app: App;
  db: TestDatabase;
  /** POSTs a GraphQL operation through yoga.fetch (no port needed). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

/** A Baton app on a fresh test database (PGlite, or PostgreSQL with TEST_DATABASE_URL). */
export async function createTestApp(
  options: AppOptions & { env?: Record<string, string>; db?: TestDatabase } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'false', ...options.env });
  const app = await buildApp(config, { ...options, database: db.database });
  return {
    app,
    db,
    async gql(query, variables, token) {
      const res = await app.yoga.fetch('http://baton.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResult<never>;
    },
    async close() {
      await app.stop();
      if (!options.db) await db.dispose();
    },
  };
}

/** The first error's code, for asserting typed errors. */
export const errorCode = (r: GraphQLResult) => r.errors?.[0]?.extensions?.code;
