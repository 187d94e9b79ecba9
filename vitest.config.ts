import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Every test runs on the embedded default, PGlite. With TEST_DATABASE_URL set (as `.ci/run` does), the
 * tests of the server and its fault suite run a second time on that PostgreSQL server, in the same run:
 * those are the tests whose behaviour depends on the database. The studio, widget and client tests drive
 * the server through its API and the stand-in's tests use no database, so a second one adds nothing to them.
 * `vitest run --project postgres --project postgres-measures` runs only the PostgreSQL half.
 */
const postgresUrl = process.env.TEST_DATABASE_URL;

/**
 * Server tests that measure their own process (its event loop's utilisation, turn latency beside a
 * flood): timers and warm code that earlier files leave in a shared process would be measured too, and
 * another file's servers on the same two cores would be measured with them. They run in a process of
 * their own each, one at a time, after every other file (`measures` and `postgres-measures`).
 */
const measuresProcess = ['test/server/models/offline-thread.test.ts', 'test/server/security/fairness.test.ts'];

/**
 * Files that need a process of their own: a DOM environment (its globals would make the `openai`
 * client of a later file think it runs in a browser), or `vi.mock` of a module (electron).
 */
const ownProcess = [
  'test/studio/renderer/use-conversation-events.test.ts',
  'test/studio/renderer/feed/live-feed-view.test.ts',
  'test/studio/main/**/*.test.ts',
  'test/studio/preload/**/*.test.ts',
];

/** Runs the measuring files after the rest (groups 1 and 2, one after the other), alone, each in a fresh process. */
const measuring = (groupOrder: number) => ({ isolate: true, fileParallelism: false, sequence: { groupOrder } });

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Node (and so yoga) loads the CJS one. Vite would pick the ESM
    // one for our sources, and two copies of GraphQLError break `instanceof`. Use Node's choice.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default: a studio e2e waiting for a click's result in the development
    // build, on two cores beside other work, can take longer than that without anything being wrong.
    expect: { poll: { timeout: 10_000 } },
    // Test files start their own databases and servers; two cores run two at a time.
    pool: 'forks',
    maxWorkers: 2,
    // A worker process runs file after file: loading the server's dependencies again in a fresh process
    // for each of ~560 file runs took about 640 s of the two workers' time, a third of CI. Every file
    // builds its own app on its own database and closes it; the few that cannot share a process are
    // in the `isolated` project.
    isolate: false,
    projects: [
      // An empty TEST_DATABASE_URL reads as unset (test/helpers/test-database.ts): PGlite.
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          exclude: [...ownProcess, ...measuresProcess],
          env: { TEST_DATABASE_URL: '' },
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ownProcess, isolate: true, env: { TEST_DATABASE_URL: '' } },
      },
      {
        extends: true,
        test: { name: 'measures', include: measuresProcess, ...measuring(1), env: { TEST_DATABASE_URL: '' } },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/server/**/*.test.ts', 'test/reliability/**/*.test.ts'],
                exclude: measuresProcess,
                env: { TEST_DATABASE_URL: postgresUrl },
              },
            },
            {
              extends: true as const,
              test: {
                name: 'postgres-measures',
                include: measuresProcess,
                ...measuring(2),
                env: { TEST_DATABASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
