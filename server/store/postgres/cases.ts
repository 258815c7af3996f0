/**
 * Cases on PostgreSQL. One event is one transaction: the case row is locked first (`SELECT … FOR UPDATE`), the
 * step runs, and the commit writes the case row (guarded by its `rev`), the history row, the timers, the outbox rows
 * and the idempotency answer, then the transaction commits — or nothing is written at all.
 */
import type pg from 'pg';
import type { Instance } from '../../../engine';
import type { IdempotencyRecord, StartRecord, StoredHistoryEntry } from '../types';
import {
  StoreConflict,
  earliestDue,
  sortKey,
  type CaseDelta,
  type CaseQuery,
  type CaseState,
  type CaseStore,
  type CaseSummaryRow,
  type CaseTx,
  type OpenCount,
  type StatsCounts,
  type StatsQuery,
} from '../seam';
import type { FigureRow } from '../stats-index';
import { likeEscape, num, placeholders, uniqueViolation, type Queryable } from './sql';
import { appendDeltas, deltaRows, openCounts, queryCounts } from './stats-index';

/** Root segment of a state path; parallel configurations (comma-joined paths) are filed under `*`. */
export function stateRoot(state: string): string {
  return state.includes(',') ? '*' : state.split('.')[0];
}

const CASE_COLUMNS =
  'id, pack, procedure, version, rev, status, state, state_root, overdue, ever_overdue, business_key, created_at, updated_at, instance, satisfied, satisfaction_total, start_key, start_record, due_at, figures';
/** What a transaction and `get` read of a case row. */
const STATE_COLUMNS = 'instance, satisfied, satisfaction_total, start_record, figures';

/** Up to how many matches a business-key prefix is read through its own index (see `list`). */
const PREFIX_FEW = 100_000;
/** The unique column `start_key` of a keyed start: `["<subject>","<Idempotency-Key>"]` (text may not hold NUL). */
const startKeyOf = (subject: string, key: string) => JSON.stringify([subject, key]);

function caseValues(
  i: Instance,
  sat: CaseState['satisfaction'],
  start: StartRecord | undefined,
  figures: CaseState['figures'],
): unknown[] {
  return [
    i.id,
    i.pack,
    i.procedure,
    i.version,
    i.rev,
    i.status,
    i.state,
    stateRoot(i.state),
    i.overdue,
    !!i.everOverdue,
    i.businessKey ?? null,
    i.createdAt,
    i.updatedAt,
    JSON.stringify(i),
    sat?.satisfied ?? null,
    sat?.total ?? null,
    start ? startKeyOf(start.subject, start.key) : null,
    start ? JSON.stringify(start) : null,
    earliestDue(i) ?? null,
    figures ? JSON.stringify(figures) : null,
  ];
}

function stateOf(row: {
  instance: string;
  satisfied: number | null;
  satisfaction_total: number | null;
  start_record: string | null;
  figures?: string | null;
}): CaseState {
  const instance = JSON.parse(row.instance) as Instance;
  return {
    instance,
    ...(row.satisfied === null || row.satisfaction_total === null
      ? {}
      : { satisfaction: { satisfied: Number(row.satisfied), total: Number(row.satisfaction_total) } }),
    ...(row.start_record ? { start: JSON.parse(row.start_record) as StartRecord } : {}),
    ...(row.figures ? { figures: JSON.parse(row.figures) } : {}),
  };
}

/** What the figures read of a case (store/stats-index.ts). */
function figureRowOf(st: CaseState): FigureRow {
  const i = st.instance;
  return {
    pack: i.pack,
    procedure: i.procedure,
    createdAt: i.createdAt,
    status: i.status,
    state: i.state,
    overdue: i.overdue,
    everOverdue: !!i.everOverdue,
    ...(st.satisfaction ? { satisfaction: st.satisfaction } : {}),
    ...(st.figures ? { figures: st.figures } : {}),
  };
}

function shanghaiDayStart(day: string, plusDays = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + plusDays * 86_400_000);
}

export class PgCases implements CaseStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly notify: boolean,
    private readonly committed: (d: CaseDelta) => void,
  ) {}

  async transact<T>(id: string, fn: (tx: CaseTx) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    let delta: CaseDelta | null = null;
    try {
      await c.query('BEGIN');
      const r = await c.query(`SELECT rev, ${STATE_COLUMNS} FROM gz_cases WHERE id = $1 FOR UPDATE`, [id]);
      const current = r.rows[0] ? stateOf(r.rows[0]) : null;
      const rev = r.rows[0] ? Number(r.rows[0].rev) : 0;
      const tx: CaseTx = {
        current,
        idempotency: async (key) => {
          const q = await c.query('SELECT record FROM gz_idempotency WHERE case_id = $1 AND key = $2', [id, key]);
          return q.rows[0] ? (JSON.parse(q.rows[0].record) as IdempotencyRecord) : undefined;
        },
        takeTimer: async (name, dueAt) => {
          const q = await c.query('DELETE FROM gz_timers WHERE case_id = $1 AND name = $2 AND due_at = $3', [
            id,
            name,
            dueAt,
          ]);
          return (q.rowCount ?? 0) > 0;
        },
        commit: async (d) => {
          if (delta) throw new Error('a case transaction commits once');
          if (d.instance.id !== id || d.instance.rev !== rev + 1) {
            throw new StoreConflict('revision', `case ${id}: expected revision ${rev + 1}, got ${d.instance.rev}`);
          }
          await this.write(c, current, rev, d);
          delta = d;
        },
      };
      const out = await fn(tx);
      await c.query('COMMIT');
      if (delta) this.committed(delta);
      return out;
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

  private async write(c: pg.PoolClient, current: CaseState | null, rev: number, d: CaseDelta): Promise<void> {
    const i = d.instance;
    const sat = d.satisfaction ?? current?.satisfaction;
    const figures = d.figures ?? current?.figures;
    if (current) {
      const u = await c.query(
        `UPDATE gz_cases SET version = $2, rev = $3, status = $4, state = $5, state_root = $6, overdue = $7, ever_overdue = $8,
           updated_at = $9, instance = $10, satisfied = $11, satisfaction_total = $12, due_at = $14, figures = $15 WHERE id = $1 AND rev = $13`,
        [
          i.id,
          i.version,
          i.rev,
          i.status,
          i.state,
          stateRoot(i.state),
          i.overdue,
          !!i.everOverdue,
          i.updatedAt,
          JSON.stringify(i),
          sat?.satisfied ?? null,
          sat?.total ?? null,
          rev,
          earliestDue(i) ?? null,
          figures ? JSON.stringify(figures) : null,
        ],
      );
      if (!u.rowCount) throw new StoreConflict('revision', `case ${i.id} changed (revision ${rev} is gone)`);
    } else {
      try {
        await c.query('SAVEPOINT gz_insert');
        await c.query(
          `INSERT INTO gz_cases (${CASE_COLUMNS}) VALUES (${placeholders(1, 20)})`,
          caseValues(i, sat, d.start, figures),
        );
        await c.query('RELEASE SAVEPOINT gz_insert');
      } catch (e) {
        const which = uniqueViolation(e);
        if (which === null) throw e;
        if (which.includes('business_key'))
          throw new StoreConflict('businessKey', `business key ${i.businessKey} of pack ${i.pack} is taken`);
        if (which.includes('start_key'))
          throw new StoreConflict('startKey', `the start key ${d.start?.key} of ${d.start?.subject} is taken`);
        throw new StoreConflict('exists', `case ${i.id} exists`);
      }
    }
    const h = d.history;
    await c.query('INSERT INTO gz_history (case_id, seq, at, entry) VALUES ($1, $2, $3, $4)', [
      i.id,
      h.seq,
      h.at,
      JSON.stringify(h),
    ]);
    // the figures' counters: this case's new contribution less its old one (appended, never updated in place)
    await appendDeltas(
      c,
      deltaRows(
        current ? figureRowOf(current) : null,
        figureRowOf({ instance: i, ...(sat ? { satisfaction: sat } : {}), ...(figures ? { figures } : {}) }),
      ),
    );
    const names = [...new Set([...d.timers.cancel, ...d.timers.arm.map((t) => t.name)])];
    if (names.length && current)
      await c.query(`DELETE FROM gz_timers WHERE case_id = $1 AND name IN (${placeholders(2, names.length)})`, [
        i.id,
        ...names,
      ]);
    if (d.timers.arm.length) {
      const vals: unknown[] = [];
      const rows = d.timers.arm.map((t, k) => {
        vals.push(i.id, t.name, t.dueAt, t.dueAt);
        return `(${placeholders(k * 4 + 1, 4)})`;
      });
      await c.query(`INSERT INTO gz_timers (case_id, name, due_at, due) VALUES ${rows.join(', ')}`, vals);
    }
    if (d.outbox.length) {
      const vals: unknown[] = [];
      const rows = d.outbox.map((o, k) => {
        vals.push(o.id, i.id, o.webhook, o.type, o.createdAt, JSON.stringify(o.body), o.requestId ?? null);
        return `(${placeholders(k * 7 + 1, 7)}, 'pending')`;
      });
      await c.query(
        `INSERT INTO gz_outbox (id, case_id, webhook, type, created_at, body, request_id, status) VALUES ${rows.join(', ')}`,
        vals,
      );
    }
    if (d.idempotency) {
      await c.query('INSERT INTO gz_idempotency (case_id, key, at, record) VALUES ($1, $2, $3, $4)', [
        i.id,
        d.idempotency.key,
        d.idempotency.at,
        JSON.stringify(d.idempotency),
      ]);
    }
    if (this.notify) {
      if (d.timers.arm.length) await c.query("SELECT pg_notify('gongzhi', 'timers')");
      if (d.outbox.length) await c.query("SELECT pg_notify('gongzhi', 'outbox')");
    }
  }

  async get(id: string): Promise<CaseState | null> {
    const r = await this.pool.query(`SELECT ${STATE_COLUMNS} FROM gz_cases WHERE id = $1`, [id]);
    return r.rows[0] ? stateOf(r.rows[0]) : null;
  }

  async summary(id: string): Promise<CaseSummaryRow | null> {
    const r = await this.pool.query('SELECT instance FROM gz_cases WHERE id = $1', [id]);
    if (!r.rows[0]) return null;
    const i = JSON.parse(r.rows[0].instance) as Instance;
    return {
      id: i.id,
      pack: i.pack,
      procedure: i.procedure,
      version: i.version,
      state: i.state,
      status: i.status,
      overdue: i.overdue,
      ...(i.businessKey ? { businessKey: i.businessKey } : {}),
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    };
  }

  async history(id: string): Promise<StoredHistoryEntry[]> {
    const r = await this.pool.query('SELECT entry FROM gz_history WHERE case_id = $1 ORDER BY seq', [id]);
    return r.rows.map((x) => JSON.parse(x.entry) as StoredHistoryEntry);
  }

  async list(q: CaseQuery): Promise<{ items: Instance[]; next: string | null; nextKey?: string }> {
    const sort = q.sort ?? 'id';
    type Row = { id: string; instance: string; k?: Date | null };
    // A business-key prefix can match many cases that lie far back in the order asked for (a month's keys, a month
    // ago): the planner then walks the order's index past every newer case (≈ 1.7 s at 1,000,000 cases). When the
    // prefix matches fewer than PREFIX_FEW cases, they are read through the prefix index and only they are sorted.
    const pattern = q.businessKeyPrefix !== undefined ? `${likeEscape(q.businessKeyPrefix)}%` : undefined;
    const byPrefix =
      pattern !== undefined &&
      (
        await this.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM gz_cases WHERE business_key LIKE $1 ESCAPE '\\' LIMIT ${PREFIX_FEW}) x`,
          [pattern],
        )
      ).rows[0]!.n < PREFIX_FEW;
    /** One indexed query: `root` narrows a state filter to one state_root; `phase` of a dueAt order. */
    const run = async (root: string | undefined, phase?: 'due' | 'none'): Promise<Row[]> => {
      const where: string[] = [];
      const vals: unknown[] = [];
      const add = (sql: string, ...v: unknown[]) => {
        where.push(sql.replace(/\?/g, () => `$${vals.push(v.shift())}`));
      };
      if (q.packs !== '*') {
        if (!q.packs.length) return [];
        add(`pack IN (${q.packs.map(() => '?').join(', ')})`, ...q.packs);
      }
      if (q.pack !== undefined) add('pack = ?', q.pack);
      if (q.procedure !== undefined) add('procedure = ?', q.procedure);
      if (q.status !== undefined) add('status = ?', q.status);
      if (q.overdue !== undefined) add(q.overdue ? 'overdue' : 'NOT overdue');
      if (q.businessKey !== undefined) add('business_key = ?', q.businessKey);
      if (pattern !== undefined) add("business_key LIKE ? ESCAPE '\\'", pattern);
      if (q.from !== undefined) add('created_at >= ?', new Date(`${q.from}T00:00:00+08:00`));
      if (q.to !== undefined) add('created_at < ?', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
      if (root !== undefined && q.state !== undefined) {
        // stateMatches() in SQL: some comma-separated path is the state or inside it
        const f = likeEscape(q.state);
        const patterns = [`${f}.%`, `${f},%`, `%,${f}`, `%,${f},%`, `%,${f}.%`];
        add('state_root = ?', root);
        add(`(state = ? OR ${patterns.map(() => "state LIKE ? ESCAPE '\\'").join(' OR ')})`, q.state, ...patterns);
      }
      let order: string;
      let key = '';
      if (sort === 'id') {
        if (q.after !== undefined) add('id > ?', q.after);
        order = 'id';
      } else if (sort === 'dueAt') {
        if (phase === 'due') {
          add('due_at IS NOT NULL');
          if (q.after !== undefined && q.afterKey) add('(due_at, id) > (?, ?)', new Date(q.afterKey), q.after);
          order = 'due_at, id';
          key = ', due_at AS k';
        } else {
          add('due_at IS NULL');
          if (q.after !== undefined && !q.afterKey) add('id > ?', q.after);
          order = 'id';
        }
      } else {
        const desc = sort === '-createdAt';
        if (q.after !== undefined)
          add(`(created_at, id) ${desc ? '<' : '>'} (?, ?)`, new Date(q.afterKey ?? 0), q.after);
        order = desc ? 'created_at DESC, id DESC' : 'created_at, id';
        key = ', created_at AS k';
      }
      const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const sql = byPrefix
        ? // the prefix's few matches first (MATERIALIZED: not planned into a walk of the order's index), then ordered
          `WITH m AS MATERIALIZED (SELECT id, created_at, due_at FROM gz_cases ${cond}), ` +
          `t AS (SELECT id, created_at, due_at FROM m ORDER BY ${order} LIMIT ${q.limit + 1}) ` +
          `SELECT id, (SELECT c.instance FROM gz_cases c WHERE c.id = t.id) AS instance${key} FROM t ORDER BY ${order}`
        : `SELECT id, instance${key} FROM gz_cases ${cond} ORDER BY ${order} LIMIT ${q.limit + 1}`;
      return (await this.pool.query<Row>(sql, vals)).rows;
    };
    const cmp = (x: Row, y: Row) => {
      const dir = sort === '-createdAt' ? -1 : 1;
      const kx = x.k ? x.k.getTime() : 0;
      const ky = y.k ? y.k.getTime() : 0;
      return dir * (kx - ky || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    };
    const runAll = async (phase?: 'due' | 'none') => {
      if (q.state === undefined) return run(undefined, phase);
      const [a, b] = await Promise.all([run(stateRoot(q.state.split(',')[0]), phase), run('*', phase)]);
      return [...a, ...b].sort(cmp).slice(0, q.limit + 1);
    };
    let rows: Row[];
    if (sort === 'dueAt') {
      // cases with a deadline first (earliest due first), then those without (in creation order)
      rows = q.after !== undefined && !q.afterKey ? [] : await runAll('due');
      if (rows.length <= q.limit) rows = [...rows, ...(await runAll('none'))].slice(0, q.limit + 1);
    } else rows = await runAll();
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map((r) => JSON.parse(r.instance) as Instance);
    const last = items[items.length - 1];
    return more && last
      ? { items, next: last.id, ...(sort === 'id' ? {} : { nextKey: sortKey(last, sort) }) }
      : { items, next: null };
  }

  async byBusinessKey(pack: string, key: string): Promise<string | null> {
    const r = await this.pool.query('SELECT id FROM gz_cases WHERE pack = $1 AND business_key = $2', [pack, key]);
    return r.rows[0]?.id ?? null;
  }

  async byStartKey(subject: string, key: string): Promise<string | null> {
    const r = await this.pool.query('SELECT id FROM gz_cases WHERE start_key = $1', [startKeyOf(subject, key)]);
    return r.rows[0]?.id ?? null;
  }

  /** The counters of the scope and window (postgres/stats-index.ts): weeks × packs × procedures × states, not cases. */
  async stats(q: StatsQuery): Promise<StatsCounts> {
    return queryCounts(this.pool, q);
  }

  async openCases(): Promise<OpenCount[]> {
    return openCounts(this.pool);
  }

  async withDeadlinesFrom(packs: string[], since: string): Promise<{ id: string; pack: string }[]> {
    if (!packs.length) return [];
    const r = await this.pool.query(
      `SELECT c.id, c.pack FROM gz_cases c
        WHERE c.status = 'active' AND c.pack IN (${placeholders(2, packs.length)})
          AND EXISTS (SELECT 1 FROM gz_timers t WHERE t.case_id = c.id AND t.due >= $1)
        ORDER BY c.id`,
      [shanghaiDayStart(since), ...packs],
    );
    return r.rows.map((x) => ({ id: x.id as string, pack: x.pack as string }));
  }

  async count(): Promise<number> {
    return num((await this.pool.query('SELECT count(*) AS n FROM gz_cases')).rows[0].n);
  }

  /** Drops idempotency answers older than `before` (they are kept at least as long as the server promises). */
  async purgeIdempotency(before: Date, db: Queryable = this.pool): Promise<number> {
    return (await db.query('DELETE FROM gz_idempotency WHERE at < $1', [before])).rowCount ?? 0;
  }
}
