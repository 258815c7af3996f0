/** GET /api/stats, computed from the stored cases' summaries (definitions in the OpenAPI description). */
import { calendar } from '../../engine';
import type { CaseSummary } from '../store';

export interface StatsQuery {
  pack?: string;
  procedure?: string;
  from?: string;
  to?: string;
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

export function computeStats(summaries: Iterable<CaseSummary>, q: StatsQuery) {
  let opened = 0;
  let closed = 0;
  let onTime = 0;
  let overdue = 0;
  let satisfied = 0;
  let total = 0;
  let rated = 0;
  const byState: Record<string, number> = {};
  for (const s of summaries) {
    if (q.pack && s.pack !== q.pack) continue;
    if (q.procedure && s.procedure !== q.procedure) continue;
    const day = calendar.shanghaiDate(new Date(s.createdAt));
    if ((q.from && day < q.from) || (q.to && day > q.to)) continue;
    opened++;
    byState[s.state] = (byState[s.state] ?? 0) + 1;
    if (s.status === 'done') {
      closed++;
      if (!s.everOverdue) onTime++;
    } else if (s.overdue) overdue++;
    if (s.satisfaction) {
      rated++;
      satisfied += s.satisfaction.satisfied;
      total += s.satisfaction.total;
    }
  }
  return {
    ...(q.pack ? { pack: q.pack } : {}), ...(q.procedure ? { procedure: q.procedure } : {}),
    from: q.from ?? null, to: q.to ?? null,
    opened, closed, active: opened - closed, overdue, byState,
    completionRate: rate(closed, opened), onTimeRate: rate(onTime, closed), satisfactionRate: rate(satisfied, total), rated,
  };
}
