import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Node (and so yoga) loads the CJS one. Vite would pick the ESM
    // one for our sources, and two copies of GraphQLError break `instanceof`. Use Node's choice.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files start their own databases and servers; two cores run two at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
