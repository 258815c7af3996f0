/** For test files: a fresh database on the run's PostgreSQL server (fails with the reason when there is none). */
import { inject } from 'vitest';
import { createDatabase } from './postgres-cluster';

export function pgAdminUrl(): string {
  const pg = inject('pg');
  if (!pg) throw new Error('PostgreSQL: the vitest global set-up (tests/support/pg-global-setup.ts) did not run');
  if ('error' in pg) throw new Error(`PostgreSQL is required by this test and could not be started: ${pg.error}`);
  return pg.adminUrl;
}

/** A new empty database; `drop` removes it. */
export function freshDatabase(prefix = 'gz'): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(pgAdminUrl(), prefix);
}
