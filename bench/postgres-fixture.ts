/**
 * The PostgreSQL benchmarks' fixtures (bench/postgres.ts, bench/postgres-desk.ts, bench/pg-worker.ts): a Gongzhi on
 * either store, and large databases made of SQL copies of real cases (case, history, timers) with the stats index
 * recounted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServer, type Server } from 'node:http';
import { closeDeps, createGongzhi } from '../server/app';
import { recount } from '../server/store/postgres/stats-index';
import type { AppDeps } from '../server/deps';
import { ADMIN, GRID_DATA, LOOP, NOW } from './grid-event';
import { PACKS_ROOT } from './mediation-path';

export interface Opened {
  deps: AppDeps;
  /** Serves the app over HTTP on a free port: its base URL, and a close. */
  serve(): Promise<{ base: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function open(store: 'file' | 'postgres', pgUrl?: string): Promise<Opened> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-pg-'));
  const { deps, app } = await createGongzhi({
    dataDir,
    packsDir: PACKS_ROOT,
    adminToken: 'bench-admin',
    controlledClock: true,
    now: NOW,
    quiet: true,
    log: () => {},
    fsync: true,
    store,
    pgUrl,
    pgPollMs: 500,
  });
  return {
    deps,
    async serve() {
      const server: Server = createServer(app.callback());
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
      const port = (server.address() as { port: number }).port;
      return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((res) => server.close(() => res())) };
    },
    async close() {
      await closeDeps(deps);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Copies template cases (with their history and timers) `count` times with new ids `<prefix><n>` and business keys.
 * The copies bypass case transactions, so the stats index must be recounted afterwards (`recountStats`).
 */
export async function fill(c: pg.Client, templates: string[], prefix: string, count: number): Promise<void> {
  const chunk = 50_000;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk) - 1;
    await c.query('BEGIN');
    for (const [k, tid] of templates.entries()) {
      // case n copies template n % templates.length
      const args = [tid, prefix, from, to, templates.length, k];
      const newId = "$2 || lpad(g::text, 10, '0')";
      const pick = 'g % $5 = $6';
      await c.query(
        `INSERT INTO gz_cases (id, pack, procedure, version, rev, status, state, state_root, overdue, ever_overdue, business_key, created_at, updated_at, instance, satisfied, satisfaction_total, due_at, figures)
         SELECT ${newId}, pack, procedure, version, rev, status, state, state_root, overdue, ever_overdue, 'BK-' || ${newId}, created_at, updated_at,
                replace(replace(instance, t.id, ${newId}), 'TEMPLATE-BK', 'BK-' || ${newId}), satisfied, satisfaction_total, due_at, figures
           FROM gz_cases t, generate_series($3::int, $4::int) g WHERE t.id = $1 AND ${pick}`,
        args,
      );
      await c.query(
        `INSERT INTO gz_history (case_id, seq, at, entry) SELECT ${newId}, seq, at, entry FROM gz_history h, generate_series($3::int, $4::int) g WHERE h.case_id = $1 AND ${pick}`,
        args,
      );
      await c.query(
        `INSERT INTO gz_timers (case_id, name, due_at, due) SELECT ${newId}, name, due_at, due FROM gz_timers t, generate_series($3::int, $4::int) g WHERE t.case_id = $1 AND ${pick}`,
        args,
      );
    }
    await c.query('COMMIT');
  }
  await c.query('ANALYZE');
}

/** Counts the stats index again from the cases (server/store/postgres/stats-index.ts `recount`). */
export async function recountStats(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return (await recount(pool)).cases;
  } finally {
    await pool.end();
  }
}

/** Starts template grid cases: one in `dispatch`, one in `handling` (their business key is replaced by `fill`). */
export async function templates(deps: AppDeps): Promise<string[]> {
  const a = (
    await deps.cases.start(ADMIN, {
      pack: 'national',
      procedure: 'grid-event',
      data: GRID_DATA,
      businessKey: 'TEMPLATE-BK',
    })
  ).instance.id;
  const b = (await deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA })).instance.id;
  await deps.cases.send(ADMIN, b, LOOP.ASSIGN);
  return [a, b];
}
