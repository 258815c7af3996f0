/**
 * The stats index on PostgreSQL (migration 004), the same counts as the embedded stores' (store/stats-index.ts): what
 * a case transaction appends (the change of the case's contribution), the fold that moves those deltas into the day and week rows, the query that
 * sums them for `GET /api/stats`, and the recount from the cases themselves.
 *
 * A query reads whole weeks from week rows and the days at the window's edges from day rows, plus the deltas not
 * folded yet: its cost grows with weeks × packs × procedures × states, not with cases.
 */
import type pg from 'pg';
import { calendar } from '../../../engine';
import {
  COHORT_FIELDS,
  emptyCounts,
  placed,
  type CohortCounts,
  type FigureRow,
  type Placed,
  type StatsCounts,
} from '../stats-index';
import type { OpenCount, StatsQuery } from '../seam';
import { num, placeholders, type Queryable } from './sql';

/** Counter columns in the order of the tables. */
const COLS = [
  'opened',
  'closed',
  'cancelled',
  'on_time',
  'overdue',
  'rated',
  'satisfied',
  'total',
  'resolvable',
  'resolved',
  'handed_off',
  'open_n',
  'stay_ms',
  'stay_n',
] as const;
type Col = (typeof COLS)[number];
const COHORT_COL: Record<keyof CohortCounts, Col> = {
  opened: 'opened',
  closed: 'closed',
  cancelled: 'cancelled',
  onTime: 'on_time',
  overdue: 'overdue',
  rated: 'rated',
  satisfied: 'satisfied',
  total: 'total',
  resolvable: 'resolvable',
  resolved: 'resolved',
  handedOff: 'handed_off',
};

/** One counter row: where (kind, pack, procedure, day, state) and the amounts. */
export interface CounterRow {
  kind: 'c' | 's' | 'x';
  pack: string;
  procedure: string;
  day: string;
  state: string;
  v: Partial<Record<Col, number>>;
}

const rowKey = (r: Pick<CounterRow, 'kind' | 'pack' | 'procedure' | 'day' | 'state'>) =>
  `${r.kind}\u0000${r.pack}\u0000${r.procedure}\u0000${r.day}\u0000${r.state}`;

/** Adds `k` × a case's contribution to `acc` (rows by key). */
export function addContribution(acc: Map<string, CounterRow>, p: Placed, k: 1 | -1): void {
  const at = (kind: CounterRow['kind'], day: string, state: string) => {
    const key = rowKey({ kind, pack: p.pack, procedure: p.procedure, day, state });
    let r = acc.get(key);
    if (!r) acc.set(key, (r = { kind, pack: p.pack, procedure: p.procedure, day, state, v: {} }));
    return r;
  };
  const bump = (r: CounterRow, col: Col, n: number) => {
    if (n) r.v[col] = (r.v[col] ?? 0) + k * n;
  };
  const c = at('c', p.day, '');
  for (const f of COHORT_FIELDS) bump(c, COHORT_COL[f], p.cohort[f]);
  if (p.open !== undefined) bump(at('s', p.day, p.open), 'open_n', 1);
  for (const [state, s] of Object.entries(p.stays ?? {})) {
    const r = at('s', p.day, state);
    bump(r, 'stay_ms', s.ms);
    bump(r, 'stay_n', s.n);
  }
  if (p.closedDay !== undefined) bump(at('x', p.closedDay, ''), 'closed', 1);
}

/** The rows a change of one case appends: its new contribution less its old one, rows that net to nothing left out. */
export function deltaRows(before: FigureRow | null, after: FigureRow | null): CounterRow[] {
  const acc = new Map<string, CounterRow>();
  if (before) addContribution(acc, placed(before), -1);
  if (after) addContribution(acc, placed(after), 1);
  return [...acc.values()].filter((r) => COLS.some((c) => r.v[c]));
}

/** Appends counter rows to gz_stats_delta (one statement). */
export async function appendDeltas(db: Queryable, rows: CounterRow[]): Promise<void> {
  if (!rows.length) return;
  const per = 5 + COLS.length;
  const vals: unknown[] = [];
  const tuples = rows.map((r, i) => {
    vals.push(r.kind, r.pack, r.procedure, r.day, r.state, ...COLS.map((c) => r.v[c] ?? 0));
    return `(${placeholders(i * per + 1, per)})`;
  });
  await db.query(
    `INSERT INTO gz_stats_delta (kind, pack, procedure, day, state, ${COLS.join(', ')}) VALUES ${tuples.join(', ')}`,
    vals,
  );
}

/** The advisory lock key of the fold ("gzstat"). */
const FOLD_LOCK = 0x67_7a_73_74_61_74;

const addDays = (day: string, n: number) => calendar.addDays(day, n);
const mondayOf = (day: string) => addDays(day, 1 - calendar.isoWeekday(day));

/**
 * Moves every delta committed so far into the day and week rows, in one transaction; another process folding at
 * the same time makes this one return 0 at once. Returns how many deltas were folded.
 */
export async function fold(pool: pg.Pool): Promise<number> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const locked = await c.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [FOLD_LOCK]);
    if (!locked.rows[0].ok) {
      await c.query('ROLLBACK');
      return 0;
    }
    const moved = await c.query(
      `DELETE FROM gz_stats_delta RETURNING kind, pack, procedure, to_char(day, 'YYYY-MM-DD') AS day, state, ${COLS.join(', ')}`,
    );
    const acc = new Map<string, CounterRow & { grain: 'd' | 'w' }>();
    for (const row of moved.rows) {
      for (const grain of ['d', 'w'] as const) {
        const at = {
          kind: row.kind,
          pack: row.pack,
          procedure: row.procedure,
          day: grain === 'd' ? row.day : mondayOf(row.day),
          state: row.state,
        };
        const k = `${grain}\u0000${rowKey(at)}`;
        let r = acc.get(k);
        if (!r) acc.set(k, (r = { grain, ...at, v: {} }));
        for (const col of COLS) if (num(row[col])) r.v[col] = (r.v[col] ?? 0) + num(row[col]);
      }
    }
    const rows = [...acc.values()];
    const per = 6 + COLS.length;
    const types = [
      'char(1)',
      'char(1)',
      'varchar',
      'varchar',
      'date',
      'varchar',
      ...COLS.map((col) => (col === 'satisfied' || col === 'total' ? 'double precision' : 'bigint')),
    ];
    const keys =
      's.grain = f.grain AND s.kind = f.kind AND s.pack = f.pack AND s.procedure = f.procedure AND s.day = f.day AND s.state = f.state';
    const names = ['grain', 'kind', 'pack', 'procedure', 'day', 'state', ...COLS];
    for (let i = 0; i < rows.length; i += 300) {
      const chunk = rows.slice(i, i + 300);
      const vals: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        vals.push(r.grain, r.kind, r.pack, r.procedure, r.day, r.state, ...COLS.map((col) => r.v[col] ?? 0));
        return `(${types.map((t, n) => `$${j * per + n + 1}::${t}`).join(', ')})`;
      });
      const f = `(VALUES ${tuples.join(', ')}) AS f (${names.join(', ')})`;
      // one folder at a time (the lock above): no other writer adds rows to gz_stats meanwhile
      await c.query(
        `UPDATE gz_stats s SET ${COLS.map((col) => `${col} = s.${col} + f.${col}`).join(', ')} FROM ${f} WHERE ${keys}`,
        vals,
      );
      await c.query(
        `INSERT INTO gz_stats (${names.join(', ')}) SELECT ${names.map((x) => `f.${x}`).join(', ')} FROM ${f} WHERE NOT EXISTS (SELECT 1 FROM gz_stats s WHERE ${keys})`,
        vals,
      );
    }
    await c.query('COMMIT');
    return moved.rows.length;
  } catch (e) {
    try {
      await c.query('ROLLBACK');
    } catch (re) {
      broken = re as Error;
    }
    throw e;
  } finally {
    c.release(broken);
  }
}

/** The figures of a scope: week rows for whole weeks inside the window, day rows for the rest, and the deltas. */
export async function queryCounts(db: Queryable, q: StatsQuery): Promise<StatsCounts> {
  const out = emptyCounts();
  if (q.packs !== '*' && !q.packs.length) return out;
  const vals: unknown[] = [];
  const p = (v: unknown) => `$${vals.push(v)}`;
  const scope: string[] = [];
  if (q.packs !== '*') scope.push(`pack IN (${q.packs.map(p).join(', ')})`);
  if (q.pack !== undefined) scope.push(`pack = ${p(q.pack)}`);
  if (q.procedure !== undefined) scope.push(`procedure = ${p(q.procedure)}`);
  const and = scope.length ? ` AND ${scope.join(' AND ')}` : '';
  // whole weeks [w0, w1) read from week rows; the days before w0 and from w1 on from day rows
  const w0 = q.from ? (calendar.isoWeekday(q.from) === 1 ? q.from : addDays(mondayOf(q.from), 7)) : undefined;
  const w1 = q.to ? (calendar.isoWeekday(q.to) === 7 ? addDays(q.to, 1) : mondayOf(q.to)) : undefined;
  const parts: string[] = [];
  const within = (lo?: string, hi?: string) =>
    [lo ? `day >= ${p(lo)}` : '', hi ? `day < ${p(hi)}` : ''].filter(Boolean);
  const select = `kind, procedure, day, state, ${COLS.map((c) => `${c}`).join(', ')}`;
  if (w0 === undefined || w1 === undefined || w0 < w1) {
    parts.push(
      `SELECT ${select} FROM gz_stats WHERE grain = 'w' ${[...within(w0, w1)].map((x) => `AND ${x}`).join(' ')}${and}`,
    );
    if (w0 !== undefined)
      parts.push(`SELECT ${select} FROM gz_stats WHERE grain = 'd' AND ${[...within(q.from, w0)].join(' AND ')}${and}`);
    if (w1 !== undefined)
      parts.push(
        `SELECT ${select} FROM gz_stats WHERE grain = 'd' AND ${[...within(w1, addDays(q.to!, 1))].join(' AND ')}${and}`,
      );
  } else {
    parts.push(
      `SELECT ${select} FROM gz_stats WHERE grain = 'd' ${within(q.from, q.to ? addDays(q.to, 1) : undefined)
        .map((x) => `AND ${x}`)
        .join(' ')}${and}`,
    );
  }
  parts.push(
    `SELECT ${select} FROM gz_stats_delta WHERE true ${within(q.from, q.to ? addDays(q.to, 1) : undefined)
      .map((x) => `AND ${x}`)
      .join(' ')}${and}`,
  );
  const r = await db.query(
    `SELECT kind, procedure, to_char(day, 'YYYY-MM-DD') AS day, state, ${COLS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM (${parts.join(' UNION ALL ')}) x GROUP BY kind, procedure, day, state`,
    vals,
  );
  for (const row of r.rows) {
    if (row.kind === 'c') {
      for (const f of COHORT_FIELDS) out.cohort[f] += num(row[COHORT_COL[f]]);
      const n = num(row.opened);
      const w = mondayOf(row.day);
      if (n) out.openedByWeek[w] = (out.openedByWeek[w] ?? 0) + n;
    } else if (row.kind === 's') {
      const open = num(row.open_n);
      if (open)
        (out.byState[row.procedure] ??= {})[row.state] = ((out.byState[row.procedure] ?? {})[row.state] ?? 0) + open;
      const n = num(row.stay_n);
      if (n) {
        const m = (out.stays[row.procedure] ??= {});
        const t = m[row.state] ?? { ms: 0, n: 0 };
        m[row.state] = { ms: t.ms + num(row.stay_ms), n: t.n + n };
      }
    } else {
      const n = num(row.closed);
      const w = mondayOf(row.day);
      if (n) out.closedByWeek[w] = (out.closedByWeek[w] ?? 0) + n;
    }
  }
  return out;
}

/** Open and overdue cases per pack and procedure (those with open cases), for /metrics: the cohort rows of every week. */
export async function openCounts(db: Queryable): Promise<OpenCount[]> {
  const r = await db.query(
    `SELECT pack, procedure, sum(opened) - sum(closed) - sum(cancelled) AS open, sum(overdue) AS overdue
       FROM (SELECT pack, procedure, opened, closed, cancelled, overdue FROM gz_stats WHERE grain = 'w' AND kind = 'c'
             UNION ALL SELECT pack, procedure, opened, closed, cancelled, overdue FROM gz_stats_delta WHERE kind = 'c') x
      GROUP BY pack, procedure ORDER BY pack, procedure`,
  );
  return r.rows
    .map((x) => ({
      pack: x.pack as string,
      procedure: x.procedure as string,
      open: num(x.open),
      overdue: num(x.overdue),
    }))
    .filter((e) => e.open > 0);
}

/** A case row as the figures read it. */
export function figureRow(row: {
  pack: string;
  procedure: string;
  created_at: Date | string;
  status: string;
  state: string;
  overdue: boolean;
  ever_overdue: boolean;
  satisfied: number | null;
  satisfaction_total: number | null;
  figures: string | null;
}): FigureRow {
  return {
    pack: row.pack,
    procedure: row.procedure,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
    status: row.status,
    state: row.state,
    overdue: row.overdue,
    everOverdue: row.ever_overdue,
    ...(row.satisfied === null || row.satisfaction_total === null
      ? {}
      : { satisfaction: { satisfied: Number(row.satisfied), total: Number(row.satisfaction_total) } }),
    ...(row.figures ? { figures: JSON.parse(row.figures) } : {}),
  };
}

/**
 * Counts the counters again from the cases (a database that held cases before migration 004, or filled by other
 * means than case transactions): case writes wait meanwhile (the cases table is locked in SHARE mode).
 */
export async function recount(pool: pg.Pool): Promise<{ cases: number; rows: number }> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    await c.query('LOCK TABLE gz_cases IN SHARE MODE');
    await c.query('DELETE FROM gz_stats_delta');
    await c.query('DELETE FROM gz_stats');
    const acc = new Map<string, CounterRow>();
    let after = '';
    let cases = 0;
    for (;;) {
      const r = await c.query(
        `SELECT id, pack, procedure, created_at, status, state, overdue, ever_overdue, satisfied, satisfaction_total, figures
           FROM gz_cases WHERE id > $1 ORDER BY id LIMIT 20000`,
        [after],
      );
      if (!r.rows.length) break;
      for (const row of r.rows) addContribution(acc, placed(figureRow(row)), 1);
      cases += r.rows.length;
      after = r.rows[r.rows.length - 1].id;
    }
    // day rows and week rows, a few hundred per statement
    const rows = [...acc.values()].filter((x) => COLS.some((col) => x.v[col]));
    const weeks = new Map<string, CounterRow>();
    for (const x of rows) {
      const w = { ...x, day: mondayOf(x.day), v: {} as CounterRow['v'] };
      const k = rowKey(w);
      const into = weeks.get(k) ?? w;
      for (const col of COLS) if (x.v[col]) into.v[col] = (into.v[col] ?? 0) + x.v[col]!;
      weeks.set(k, into);
    }
    const all = [...rows.map((x) => ['d', x] as const), ...[...weeks.values()].map((x) => ['w', x] as const)];
    const per = 6 + COLS.length;
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      const vals: unknown[] = [];
      const tuples = chunk.map(([grain, x], j) => {
        vals.push(grain, x.kind, x.pack, x.procedure, x.day, x.state, ...COLS.map((col) => x.v[col] ?? 0));
        return `(${placeholders(j * per + 1, per)})`;
      });
      await c.query(
        `INSERT INTO gz_stats (grain, kind, pack, procedure, day, state, ${COLS.join(', ')}) VALUES ${tuples.join(', ')}`,
        vals,
      );
    }
    await c.query("DELETE FROM gz_settings WHERE key = 'stats.recount'");
    await c.query('COMMIT');
    return { cases, rows: all.length };
  } catch (e) {
    try {
      await c.query('ROLLBACK');
    } catch (re) {
      broken = re as Error;
    }
    throw e;
  } finally {
    c.release(broken);
  }
}
