import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Every test runs on the embedded default, PGlite. With TEST_DATABASE_URL set (as `.ci/run` does), the
 * tests of the server and its fault suite run a second time on that PostgreSQL server, in the same run:
 * those are the tests whose behaviour depends on the database. The studio, widget and client tests drive
 * the server through its API and the stand-in's tests use no database, so a second one adds nothing to them.
 * `vitest run --project postgres` runs only the PostgreSQL half.
 */
const postgresUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Node (and so yoga) loads the CJS one. Vite would pick the ESM
    // one for our sources, and two copies of GraphQLError break `instanceof`. Use Node's choice.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files start their own databases and servers; two cores run two at a time.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // An empty TEST_DATABASE_URL reads as unset (test/helpers/test-database.ts): PGlite.
      { extends: true, test: { name: 'pglite', include: ['test/**/*.test.ts'], env: { TEST_DATABASE_URL: '' } } },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/server/**/*.test.ts', 'test/reliability/**/*.test.ts'],
                env: { TEST_DATABASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
