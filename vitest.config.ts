import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one PostgreSQL server for the run (GONGZHI_PG_URL, or a throwaway cluster): see tests/support/postgres-cluster.ts
    globalSetup: ['tests/support/pg-global-setup.ts'],
  },
});
