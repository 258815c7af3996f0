/**
 * GET /api/stats, from the counts the store keeps (store/stats-index.ts). Every figure is defined once, in
 * engine/figures.ts: the OpenAPI description and the designer's desk show that text.
 */
import { rate, weeksBetween } from '../../engine';
import type { StatsCounts } from '../store/seam';
import type { StatsBody } from '../contract';

export interface StatsQuery {
  pack?: string;
  procedure?: string;
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;
const days = (ms: number, n: number) => Math.round((ms / n / DAY_MS) * 10) / 10;

/** Opened and closed per week (Monday to Sunday) over the weeks that meet the window (to today when open-ended). */
export function weekly(
  c: StatsCounts,
  q: StatsQuery,
  today: string,
): { week: string; opened: number; closed: number }[] {
  const seen = [...Object.keys(c.openedByWeek), ...Object.keys(c.closedByWeek)].sort();
  const from = q.from ?? seen[0];
  if (!from) return [];
  const to = q.to ?? (seen[seen.length - 1] > today ? seen[seen.length - 1] : today);
  return weeksBetween(from, to).map((week) => ({
    week,
    opened: c.openedByWeek[week] ?? 0,
    closed: c.closedByWeek[week] ?? 0,
  }));
}

/**
 * The figures of GET /api/stats from the store's counts; the window's instants in Asia/Shanghai; `today` is the server
 * clock's day.
 */
export function statsBody(c: StatsCounts, q: StatsQuery, today: string): StatsBody {
  const k = c.cohort;
  const timeInState: Record<string, Record<string, { days: number; n: number }>> = {};
  for (const [proc, states] of Object.entries(c.stays)) {
    for (const [state, s] of Object.entries(states))
      if (s.n > 0) (timeInState[proc] ??= {})[state] = { days: days(s.ms, s.n), n: s.n };
  }
  return {
    ...(q.pack ? { pack: q.pack } : {}),
    ...(q.procedure ? { procedure: q.procedure } : {}),
    from: q.from ?? null,
    to: q.to ?? null,
    today,
    window: {
      start: q.from ? `${q.from}T00:00:00+08:00` : null,
      end: q.to ? `${q.to}T23:59:59.999+08:00` : null,
    },
    opened: k.opened,
    closed: k.closed,
    cancelled: k.cancelled,
    active: k.opened - k.closed - k.cancelled,
    overdue: k.overdue,
    byState: c.byState,
    completionRate: rate(k.closed, k.opened),
    onTimeRate: rate(k.onTime, k.closed),
    satisfactionRate: rate(k.satisfied, k.total),
    rated: k.rated,
    resolved: k.resolved,
    resolutionRate: rate(k.resolved, k.resolvable),
    handedOff: k.handedOff,
    weekly: weekly(c, q, today),
    timeInState,
  };
}
