import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files start their own databases and servers; two cores run two at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
