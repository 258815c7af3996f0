/**
 * The statistics of `GET /api/stats` and the open cases of /metrics, counted in ONE place that every store uses
 * (definitions: engine/figures.ts). What one case adds to the counts is its *contribution*; a change of a case takes
 * the old contribution away and adds the new one, so the counters always equal a count over the cases — which
 * tests check against a recount after random histories (tests/server/desk-store.test.ts).
 *
 * - cohort counters, by the day the case was opened: opened, closed, cancelled, on time, overdue now, satisfaction,
 *   resolution (化解), hand-off (移交速裁);
 * - open cases by current state, by the day opened;
 * - cases closed, by the day they were closed (the weekly chart);
 * - completed stays in a state (time in state), by the day the case was opened.
 *
 * The embedded stores keep the counters in memory (`StatsIndex`, fed by the summary index's observer on every
 * change of a case, at load too); PostgreSQL keeps them in counter tables written in the case's own transaction
 * (postgres/stats-index.ts, migration 004). A query adds up the counters of its scope and window, so its cost grows
 * with packs × procedures × days, not with cases.
 *
 * A case keeps what cannot be read from its instance in its `CaseFigures` (the stays it completed among them), so the
 * counters can be rebuilt from the cases alone.
 */
import { calendar, weekOf, type Instance, type ProcedureDoc } from '../../engine';
import { stateMatches, type OpenCount, type StatsQuery } from './seam';
import type { CaseSummary } from './types';

/** What a case keeps for the figures besides its instance. */
export interface CaseFigures {
  /** When its current state was entered. */
  since: string;
  /** When it was closed (done). */
  closedAt?: string;
  /** Its procedure counts resolution (`metrics.resolution`): set true or false. */
  resolved?: boolean;
  /** Its procedure counts a hand-off (`metrics.handoff`) and the case entered that state. */
  handedOff?: boolean;
  /** Completed stays: per state, the milliseconds spent and how many stays. */
  stays?: Record<string, StayTotal>;
}

export interface StayTotal {
  ms: number;
  n: number;
}

export interface CohortCounts {
  opened: number;
  closed: number;
  cancelled: number;
  onTime: number;
  overdue: number;
  rated: number;
  satisfied: number;
  total: number;
  resolvable: number;
  resolved: number;
  handedOff: number;
}

export const COHORT_FIELDS = [
  'opened',
  'closed',
  'cancelled',
  'onTime',
  'overdue',
  'rated',
  'satisfied',
  'total',
  'resolvable',
  'resolved',
  'handedOff',
] as const;

export const emptyCohort = (): CohortCounts => ({
  opened: 0,
  closed: 0,
  cancelled: 0,
  onTime: 0,
  overdue: 0,
  rated: 0,
  satisfied: 0,
  total: 0,
  resolvable: 0,
  resolved: 0,
  handedOff: 0,
});

/** The parts of a case the figures read. */
export interface FigureRow {
  pack: string;
  procedure: string;
  createdAt: string;
  status: string;
  state: string;
  overdue: boolean;
  everOverdue?: boolean;
  satisfaction?: { satisfied: number; total: number };
  figures?: CaseFigures;
}

export interface Contribution {
  /** Opened day (YYYY-MM-DD, Asia/Shanghai). */
  day: string;
  cohort: CohortCounts;
  /** The current state when the case is open. */
  open?: string;
  /** The day it was closed, when done. */
  closedDay?: string;
  /** Completed stays by state. */
  stays?: Record<string, StayTotal>;
}

/**
 * The Asia/Shanghai day of an ISO 8601 instant. The instants the server writes carry `+08:00` (toShanghaiISO), so
 * their day is their first ten characters — read as such on every change of a case, without a Date and its
 * formatting; any other form is converted.
 */
export const dayOf = (iso: string): string =>
  iso.length >= 25 && iso.endsWith('+08:00') && iso.charCodeAt(10) === 84 /* T */ && SHANGHAI_DAY.test(iso)
    ? iso.slice(0, 10)
    : calendar.shanghaiDate(new Date(iso));
const SHANGHAI_DAY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?\+08:00$/;

export function contribution(r: FigureRow): Contribution {
  const c = emptyCohort();
  c.opened = 1;
  if (r.status === 'done') {
    c.closed = 1;
    if (!r.everOverdue) c.onTime = 1;
  } else if (r.status === 'cancelled') c.cancelled = 1;
  else if (r.overdue) c.overdue = 1;
  if (r.satisfaction) {
    c.rated = 1;
    c.satisfied = r.satisfaction.satisfied;
    c.total = r.satisfaction.total;
  }
  if (r.figures?.resolved !== undefined) {
    c.resolvable = 1;
    if (r.figures.resolved) c.resolved = 1;
  }
  if (r.figures?.handedOff) c.handedOff = 1;
  return {
    day: dayOf(r.createdAt),
    cohort: c,
    ...(r.status === 'active' ? { open: r.state } : {}),
    ...(r.status === 'done' ? { closedDay: dayOf(r.figures?.closedAt ?? r.createdAt) } : {}),
    ...(r.figures?.stays && Object.keys(r.figures.stays).length ? { stays: r.figures.stays } : {}),
  };
}

const addStay = (
  stays: Record<string, StayTotal> | undefined,
  state: string,
  ms: number,
): Record<string, StayTotal> => {
  const out = { ...(stays ?? {}) };
  const t = out[state] ?? { ms: 0, n: 0 };
  out[state] = { ms: t.ms + ms, n: t.n + 1 };
  return out;
};

type Metrics = ProcedureDoc['metrics'];

/** A case's figures after a step (`prev` null for a new case); `at` is the step's time. */
export function figuresAfter(
  metrics: Metrics,
  prev: { instance: Instance; figures?: CaseFigures } | null,
  next: Instance,
  at: string,
): CaseFigures {
  const moved = !prev || prev.instance.state !== next.state;
  // a case stored before its figures were kept: its last step is the best known entry into its state
  const since = prev?.figures?.since ?? prev?.instance.updatedAt ?? at;
  const f: CaseFigures = { since: moved ? at : since };
  const closedAt = prev?.figures?.closedAt ?? (next.status === 'done' ? at : undefined);
  if (next.status === 'done' && closedAt) f.closedAt = closedAt;
  if (metrics?.resolution)
    f.resolved = next.status === 'done' && metrics.resolution.states.some((s) => stateMatches(next.state, s));
  if (metrics?.handoff && (prev?.figures?.handedOff || stateMatches(next.state, metrics.handoff.state)))
    f.handedOff = true;
  const stays =
    prev && moved
      ? addStay(prev.figures?.stays, prev.instance.state, Math.max(0, Date.parse(at) - Date.parse(since)))
      : prev?.figures?.stays;
  if (stays && Object.keys(stays).length) f.stays = stays;
  return f;
}

/** The figures of a case replayed from its history (for a case stored before its figures were kept). */
export function figuresFromHistory(
  metrics: Metrics,
  instance: Instance,
  history: readonly { at: string; to: string }[],
): CaseFigures {
  let state: string | null = null;
  let since = instance.createdAt;
  let stays: Record<string, StayTotal> | undefined;
  let handedOff = false;
  for (const h of history) {
    if (state === null) since = h.at;
    else if (h.to !== state) {
      stays = addStay(stays, state, Math.max(0, Date.parse(h.at) - Date.parse(since)));
      since = h.at;
    }
    state = h.to;
    if (metrics?.handoff && stateMatches(h.to, metrics.handoff.state)) handedOff = true;
  }
  const f: CaseFigures = { since };
  if (instance.status === 'done') f.closedAt = history.length ? history[history.length - 1].at : instance.updatedAt;
  if (metrics?.resolution)
    f.resolved = instance.status === 'done' && metrics.resolution.states.some((s) => stateMatches(instance.state, s));
  if (handedOff) f.handedOff = true;
  if (stays) f.stays = stays;
  return f;
}

/** A case's contribution with where it is counted. */
export interface Placed extends Contribution {
  pack: string;
  procedure: string;
}

export const placed = (r: FigureRow): Placed => ({ pack: r.pack, procedure: r.procedure, ...contribution(r) });

/** What the stores answer for `GET /api/stats` (store/seam.ts `CaseStore.stats`). */
export interface StatsCounts {
  cohort: CohortCounts;
  /** Open cases per procedure and current state. */
  byState: Record<string, Record<string, number>>;
  /** Completed stays per procedure and state. */
  stays: Record<string, Record<string, StayTotal>>;
  /** Cases opened per week (by its Monday), days in the window only. */
  openedByWeek: Record<string, number>;
  /** Cases closed per week they were closed in (by its Monday), days in the window only. */
  closedByWeek: Record<string, number>;
}

export const emptyCounts = (): StatsCounts => ({
  cohort: emptyCohort(),
  byState: {},
  stays: {},
  openedByWeek: {},
  closedByWeek: {},
});

interface Bucket {
  pack: string;
  procedure: string;
  day: string;
  cohort: CohortCounts;
  open: Map<string, number>;
  stays: Map<string, StayTotal>;
}

/**
 * The counters in memory (the embedded stores): per pack, procedure and day opened, and cases closed per day
 * closed. A query adds up the buckets of its scope, so its cost grows with packs × procedures × days, not cases.
 */
export class StatsIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly closed = new Map<string, { pack: string; procedure: string; day: string; n: number }>();

  /** Counts `next` in place of `prev` (the same case before the change, or none for a new case). */
  apply(prev: CaseSummary | undefined, next: CaseSummary): void {
    if (prev) this.add(this.placedOf(prev), -1);
    this.add(this.placedOf(next), 1);
  }

  /**
   * Where a summary is counted. Summaries are replaced, never changed, and the one a change takes away is the one
   * the change before added: its placement is kept with it rather than worked out again on every step — under its
   * case's id, with the summary it was worked out from (`of`), so one that does not match is worked out again.
   *
   * A Map by id, not a WeakMap by summary: a WeakMap entry is an ephemeron, which V8's mark phase handles apart from
   * every other object (marked in a fixpoint of its own); with one per stored case, 300,000 of them made 366 ms of a
   * 410 ms full collection's pause (bench/PROFILE.md, "Old-generation collections at 300,000 cases"). Cases are
   * never deleted, and the entry of a case is replaced with its summary, so this holds nothing the summaries do not.
   */
  private readonly placements = new Map<string, Placed & { of: CaseSummary }>();
  private placedOf(s: CaseSummary): Placed {
    const kept = this.placements.get(s.id);
    if (kept?.of === s) return kept;
    const p = { ...placed(s), of: s };
    this.placements.set(s.id, p);
    return p;
  }
  private add(p: Placed, k: 1 | -1): void {
    const key = `${p.pack}\u0000${p.procedure}\u0000${p.day}`;
    let b = this.buckets.get(key);
    if (!b)
      this.buckets.set(
        key,
        (b = {
          pack: p.pack,
          procedure: p.procedure,
          day: p.day,
          cohort: emptyCohort(),
          open: new Map(),
          stays: new Map(),
        }),
      );
    for (const f of COHORT_FIELDS) b.cohort[f] += k * p.cohort[f];
    if (p.open !== undefined) {
      const n = (b.open.get(p.open) ?? 0) + k;
      if (n) b.open.set(p.open, n);
      else b.open.delete(p.open);
    }
    // the bucket's totals are its own objects (never handed out): changed in place, without an entry array per change
    const stays = p.stays;
    if (stays)
      for (const state in stays) {
        const s = stays[state];
        let t = b.stays.get(state);
        if (!t) b.stays.set(state, (t = { ms: 0, n: 0 }));
        t.ms += k * s.ms;
        t.n += k * s.n;
        if (!t.n) b.stays.delete(state);
      }
    if (b.cohort.opened === 0) this.buckets.delete(key);
    if (p.closedDay !== undefined) {
      const ck = `${p.pack}\u0000${p.procedure}\u0000${p.closedDay}`;
      const c = this.closed.get(ck) ?? { pack: p.pack, procedure: p.procedure, day: p.closedDay, n: 0 };
      c.n += k;
      if (c.n) this.closed.set(ck, c);
      else this.closed.delete(ck);
    }
  }

  counts(q: StatsQuery): StatsCounts {
    const out = emptyCounts();
    const inScope = (x: { pack: string; procedure: string; day: string }) =>
      (q.packs === '*' || q.packs.includes(x.pack)) &&
      (!q.pack || x.pack === q.pack) &&
      (!q.procedure || x.procedure === q.procedure) &&
      (!q.from || x.day >= q.from) &&
      (!q.to || x.day <= q.to);
    for (const b of this.buckets.values()) {
      if (!inScope(b)) continue;
      for (const f of COHORT_FIELDS) out.cohort[f] += b.cohort[f];
      const w = weekOf(b.day);
      out.openedByWeek[w] = (out.openedByWeek[w] ?? 0) + b.cohort.opened;
      for (const [state, n] of b.open) {
        const m = (out.byState[b.procedure] ??= {});
        m[state] = (m[state] ?? 0) + n;
      }
      for (const [state, s] of b.stays) {
        const m = (out.stays[b.procedure] ??= {});
        const t = m[state] ?? { ms: 0, n: 0 };
        m[state] = { ms: t.ms + s.ms, n: t.n + s.n };
      }
    }
    for (const c of this.closed.values()) {
      if (!inScope(c)) continue;
      const w = weekOf(c.day);
      out.closedByWeek[w] = (out.closedByWeek[w] ?? 0) + c.n;
    }
    return out;
  }

  /** Open and overdue cases per pack and procedure (those with open cases), for /metrics. */
  openCases(): OpenCount[] {
    const by = new Map<string, OpenCount>();
    for (const b of this.buckets.values()) {
      const key = `${b.pack}\u0000${b.procedure}`;
      const e = by.get(key) ?? { pack: b.pack, procedure: b.procedure, open: 0, overdue: 0 };
      e.open += b.cohort.opened - b.cohort.closed - b.cohort.cancelled;
      e.overdue += b.cohort.overdue;
      by.set(key, e);
    }
    return [...by.values()].filter((e) => e.open > 0);
  }
}
