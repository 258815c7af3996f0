/** GET /api/stats, from the counts the store makes (definitions in the OpenAPI description). */
import type { StatsCounts } from '../store/seam';

export interface StatsQuery {
  pack?: string;
  procedure?: string;
  from?: string;
  to?: string;
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

/** The figures of GET /api/stats from the store's counts. */
export function statsBody(c: StatsCounts, q: StatsQuery) {
  return {
    ...(q.pack ? { pack: q.pack } : {}), ...(q.procedure ? { procedure: q.procedure } : {}),
    from: q.from ?? null, to: q.to ?? null,
    opened: c.opened, closed: c.closed, active: c.opened - c.closed, overdue: c.overdue, byState: c.byState,
    completionRate: rate(c.closed, c.opened), onTimeRate: rate(c.onTime, c.closed), satisfactionRate: rate(c.satisfied, c.total), rated: c.rated,
  };
}
