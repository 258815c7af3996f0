import { defineConfig } from 'vitest/config';

/** The HTTP contract and scenario suites that run a second time on the PostgreSQL store (tests/server/helpers.ts). */
export const POSTGRES_SUITES = [
  'tests/server/procedures-over-http.test.ts',
  'tests/server/errors.test.ts',
  'tests/server/auth.test.ts',
  'tests/server/clock.test.ts',
  'tests/server/stats-and-list.test.ts',
  'tests/server/webhooks.test.ts',
  'tests/server/race.test.ts',
  'tests/server/replay.test.ts',
  'tests/server/packs-api.test.ts',
  'tests/server/openapi.test.ts',
  'tests/server/county-follow.test.ts',
  'tests/server/integrator.test.ts',
  'tests/server/webhook-deliveries.test.ts',
  'tests/server/operations.test.ts',
  'tests/server/desk-http.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one PostgreSQL server for the run (GONGZHI_PG_URL, or a throwaway cluster): see tests/support/postgres-cluster.ts
    globalSetup: ['tests/support/pg-global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'default', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'] } },
      { extends: true, test: { name: 'postgres', include: POSTGRES_SUITES, env: { GONGZHI_TEST_STORE: 'postgres' } } },
    ],
  },
});
