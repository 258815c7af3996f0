/** Small helpers for plain parameterised SQL on `pg`. */
import type pg from 'pg';

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** `$from, $from+1, …` for `n` values (an IN list without PostgreSQL's `= ANY(array)`). */
export function placeholders(from: number, n: number): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
}

/** Whether a `pg` error is a unique-key violation (SQLSTATE 23505), and of which constraint. */
export function uniqueViolation(e: unknown): string | null {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' ? (err.constraint ?? '') : null;
}

/** Runs `fn` in a transaction on one pooled connection; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    try {
      await c.query('ROLLBACK');
    } catch (re) {
      broken = re as Error; // the connection is unusable: do not give it back to the pool
    }
    throw e;
  } finally {
    c.release(broken);
  }
}

/** `LIKE` pattern text with its wildcards escaped (use with `ESCAPE '\'`). */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** Reads bigint columns (pg returns them as strings). */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
