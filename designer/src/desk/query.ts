/**
 * The supervision desk's queries, UI-free: what the filters hold, how they read from and write to the address
 * (so a filtered list can be bookmarked and shared), how they become `GET /api/instances` and `GET /api/stats`
 * parameters, and the named periods (本周, 本月, …) counted from the server's today.
 */
import { weekOf } from '../../../engine/browser-desk';

export type Sort = 'newest' | 'oldest' | 'due' | 'updated';
export const SORTS: readonly Sort[] = ['newest', 'oldest', 'due', 'updated'];

/** The API's `sort` for each of the desk's orders. */
export const SORT_PARAM: Record<Sort, string> = {
  newest: '-createdAt',
  oldest: 'createdAt',
  due: 'dueAt',
  updated: '-updatedAt',
};

export type Period = 'today' | 'thisWeek' | 'lastWeek' | 'thisMonth' | 'last30' | 'last12Weeks' | 'thisYear';
export const PERIODS: readonly Period[] = [
  'today',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'last30',
  'last12Weeks',
  'thisYear',
];

export interface CaseFilters {
  pack?: string;
  procedure?: string;
  state?: string;
  status?: 'active' | 'done' | 'cancelled';
  overdue?: boolean;
  /** Opened on or after (YYYY-MM-DD, Asia/Shanghai). */
  from?: string;
  /** Opened on or before. */
  to?: string;
  /** The period `from`/`to` were set from, shown as chosen while they still match it. */
  period?: Period;
  /** Business keys starting with this. */
  key?: string;
  sort: Sort;
}

export const DEFAULT_FILTERS: CaseFilters = { sort: 'newest' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The days a named period covers, counted from `today` (YYYY-MM-DD); weeks run Monday to Sunday. */
export function periodRange(p: Period, today: string): { from: string; to: string } {
  switch (p) {
    case 'today':
      return { from: today, to: today };
    case 'thisWeek': {
      const mon = weekOf(today);
      return { from: mon, to: addDays(mon, 6) };
    }
    case 'lastWeek': {
      const mon = addDays(weekOf(today), -7);
      return { from: mon, to: addDays(mon, 6) };
    }
    case 'thisMonth': {
      const first = `${today.slice(0, 8)}01`;
      const next = new Date(`${first}T00:00:00Z`);
      next.setUTCMonth(next.getUTCMonth() + 1);
      return { from: first, to: addDays(next.toISOString().slice(0, 10), -1) };
    }
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'last12Weeks': {
      const mon = weekOf(today);
      return { from: addDays(mon, -77), to: addDays(mon, 6) };
    }
    case 'thisYear':
      return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
  }
}

/** Filters with a named period applied. */
export function withPeriod(f: CaseFilters, p: Period | undefined, today: string): CaseFilters {
  const { from: _f, to: _t, period: _p, ...rest } = f;
  return p ? { ...rest, ...periodRange(p, today), period: p } : rest;
}

/** Reads the filters from the address's parameters; anything malformed is left out. */
export function readFilters(q: URLSearchParams): CaseFilters {
  const f: CaseFilters = { sort: 'newest' };
  const id = (k: string) => {
    const v = q.get(k);
    return v && ID.test(v) ? v : undefined;
  };
  f.pack = id('pack');
  f.procedure = f.pack ? id('procedure') : undefined;
  const state = q.get('state');
  if (f.procedure && state && /^[A-Za-z0-9_.-]{1,200}$/.test(state)) f.state = state;
  const status = q.get('status');
  if (status === 'active' || status === 'done' || status === 'cancelled') f.status = status;
  const overdue = q.get('overdue');
  if (overdue === 'true' || overdue === 'false') f.overdue = overdue === 'true';
  for (const k of ['from', 'to'] as const) {
    const v = q.get(k);
    if (v && DATE.test(v)) f[k] = v;
  }
  const period = q.get('period') as Period | null;
  if (period && PERIODS.includes(period)) f.period = period;
  const key = q.get('key');
  if (key && key.length <= 200) f.key = key;
  const sort = q.get('sort') as Sort | null;
  if (sort && SORTS.includes(sort)) f.sort = sort;
  return strip(f);
}

function strip(f: CaseFilters): CaseFilters {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as unknown as CaseFilters;
}

/** The filters as the address's parameters (defaults left out). */
export function writeFilters(f: CaseFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.pack) q.set('pack', f.pack);
  if (f.pack && f.procedure) q.set('procedure', f.procedure);
  if (f.procedure && f.state) q.set('state', f.state);
  if (f.status) q.set('status', f.status);
  if (f.overdue !== undefined) q.set('overdue', String(f.overdue));
  if (f.period) q.set('period', f.period);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.key) q.set('key', f.key);
  if (f.sort !== 'newest') q.set('sort', f.sort);
  return q;
}

/** `GET /api/instances` parameters for the filters (one page of `limit`, after `cursor`). */
export function listParams(f: CaseFilters, limit: number, cursor?: string): URLSearchParams {
  const q = new URLSearchParams();
  if (f.pack) q.set('pack', f.pack);
  if (f.pack && f.procedure) q.set('procedure', f.procedure);
  if (f.procedure && f.state) q.set('state', f.state);
  if (f.status) q.set('status', f.status);
  if (f.overdue !== undefined) q.set('overdue', String(f.overdue));
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.key?.trim()) q.set('businessKeyPrefix', f.key.trim());
  q.set('sort', SORT_PARAM[f.sort]);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q;
}

export interface FigureFilters {
  pack?: string;
  procedure?: string;
  from?: string;
  to?: string;
  period?: Period;
}

/** Reads the figures' filters from the address. */
export function readFigureFilters(q: URLSearchParams): FigureFilters {
  const f = readFilters(q);
  return Object.fromEntries(
    Object.entries({ pack: f.pack, procedure: f.procedure, from: f.from, to: f.to, period: f.period }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as FigureFilters;
}

/** `GET /api/stats` parameters. */
export function statsParams(f: FigureFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.pack) q.set('pack', f.pack);
  if (f.pack && f.procedure) q.set('procedure', f.procedure);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  return q;
}

export function writeFigureFilters(f: FigureFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.pack) q.set('pack', f.pack);
  if (f.pack && f.procedure) q.set('procedure', f.procedure);
  if (f.period) q.set('period', f.period);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  return q;
}
