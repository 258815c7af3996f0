/**
 * The embedded store's statistics: counters kept per (pack, procedure, day opened), updated on every change of a case
 * (from its summary before and after). A stats query adds up the buckets in its scope and window, so its cost grows
 * with packs × procedures × days, not with cases. (PostgreSQL answers the same query with an indexed GROUP BY.)
 */
import { calendar } from '../../engine';
import type { CaseSummary } from './types';
import type { OpenCount, StatsCounts, StatsQuery } from './seam';

interface Bucket {
  pack: string;
  procedure: string;
  day: string;
  opened: number;
  closed: number;
  cancelled: number;
  onTime: number;
  overdue: number;
  rated: number;
  satisfied: number;
  total: number;
  /** Open cases per current state. */
  byState: Map<string, number>;
}

export const emptyCounts = (): StatsCounts => ({ opened: 0, closed: 0, cancelled: 0, onTime: 0, overdue: 0, byState: {}, satisfied: 0, total: 0, rated: 0 });

export class StatsIndex {
  private readonly buckets = new Map<string, Bucket>();

  /** Counts `next` in place of `prev` (the same case before the change, or none for a new case). */
  apply(prev: CaseSummary | undefined, next: CaseSummary): void {
    if (prev) this.add(prev, -1);
    this.add(next, 1);
  }

  private add(s: CaseSummary, k: 1 | -1): void {
    const day = calendar.shanghaiDate(new Date(s.createdAt));
    const key = `${s.pack}\u0000${s.procedure}\u0000${day}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { pack: s.pack, procedure: s.procedure, day, opened: 0, closed: 0, cancelled: 0, onTime: 0, overdue: 0, rated: 0, satisfied: 0, total: 0, byState: new Map() };
      this.buckets.set(key, b);
    }
    b.opened += k;
    if (s.status === 'done') {
      b.closed += k;
      if (!s.everOverdue) b.onTime += k;
    } else if (s.status === 'cancelled') b.cancelled += k;
    else {
      if (s.overdue) b.overdue += k;
      const n = (b.byState.get(s.state) ?? 0) + k;
      if (n) b.byState.set(s.state, n);
      else b.byState.delete(s.state);
    }
    if (s.satisfaction) {
      b.rated += k;
      b.satisfied += k * s.satisfaction.satisfied;
      b.total += k * s.satisfaction.total;
    }
    if (b.opened === 0) this.buckets.delete(key);
  }

  counts(q: StatsQuery): StatsCounts {
    const c = emptyCounts();
    for (const b of this.buckets.values()) {
      if ((q.packs !== '*' && !q.packs.includes(b.pack)) || (q.pack && b.pack !== q.pack) || (q.procedure && b.procedure !== q.procedure)) continue;
      if ((q.from && b.day < q.from) || (q.to && b.day > q.to)) continue;
      c.opened += b.opened;
      c.closed += b.closed;
      c.cancelled += b.cancelled;
      c.onTime += b.onTime;
      c.overdue += b.overdue;
      c.rated += b.rated;
      c.satisfied += b.satisfied;
      c.total += b.total;
      if (!b.byState.size) continue;
      const states = (c.byState[b.procedure] ??= {});
      for (const [state, n] of b.byState) states[state] = (states[state] ?? 0) + n;
    }
    return c;
  }

  /** Open and overdue cases per pack and procedure (those with open cases). */
  openCases(): OpenCount[] {
    const by = new Map<string, OpenCount>();
    for (const b of this.buckets.values()) {
      const key = `${b.pack}\u0000${b.procedure}`;
      const e = by.get(key) ?? { pack: b.pack, procedure: b.procedure, open: 0, overdue: 0 };
      e.open += b.opened - b.closed - b.cancelled;
      e.overdue += b.overdue;
      by.set(key, e);
    }
    return [...by.values()].filter((e) => e.open > 0);
  }
}
