/** GET /api/stats, from the counts the store makes (definitions in the OpenAPI description). */
import type { StatsCounts } from '../store/seam';
import type { StatsBody } from '../contract';

export interface StatsQuery {
  pack?: string;
  procedure?: string;
  from?: string;
  to?: string;
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

/** The figures of GET /api/stats from the store's counts; the window's instants in Asia/Shanghai. */
export function statsBody(c: StatsCounts, q: StatsQuery): StatsBody {
  return {
    ...(q.pack ? { pack: q.pack } : {}), ...(q.procedure ? { procedure: q.procedure } : {}),
    from: q.from ?? null, to: q.to ?? null,
    window: {
      start: q.from ? `${q.from}T00:00:00+08:00` : null,
      end: q.to ? `${q.to}T23:59:59.999+08:00` : null,
    },
    opened: c.opened, closed: c.closed, cancelled: c.cancelled, active: c.opened - c.closed - c.cancelled, overdue: c.overdue, byState: c.byState,
    completionRate: rate(c.closed, c.opened), onTimeRate: rate(c.onTime, c.closed), satisfactionRate: rate(c.satisfied, c.total), rated: c.rated,
  };
}
