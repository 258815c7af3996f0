/**
 * The stats index of the embedded stores (server/store/stats-index.ts `StatsIndex`) keeps where each case's summary is
 * counted under the case's id, with the summary it was worked out from: the counts after any sequence of changes are
 * those of the cases as they stand, whether the summary a change takes away is the object kept or an equal copy.
 */
import { describe, expect, it } from 'vitest';
import { StatsIndex } from '../../server/store/stats-index';
import { summarize } from '../../server/cases/summarize';
import type { CaseSummary } from '../../server/store';
import { gridRecord } from '../support/records';

/** A grid-event case's summary: `done` cases closed on a later day, with stays in `dispatch`. */
function summary(id: string, o: { status?: 'active' | 'done'; at?: string; rev?: number } = {}): CaseSummary {
  const rec = gridRecord(id, { rev: o.rev, at: o.at });
  const s = summarize({ ...rec, instance: { ...rec.instance, status: o.status ?? 'active' } });
  return o.status === 'done'
    ? {
        ...s,
        figures: {
          since: s.createdAt,
          closedAt: '2025-10-02T09:00:00.000+08:00',
          stays: { dispatch: { ms: 5, n: 1 } },
        },
      }
    : s;
}

const all = { packs: '*' as const };

describe('StatsIndex', () => {
  it('counts the cases as they stand after a sequence of changes, as an index built from them anew', () => {
    const index = new StatsIndex();
    const a1 = summary('a', { at: '2025-09-26T10:00:00.000+08:00' });
    const b1 = summary('b', { at: '2025-09-27T10:00:00.000+08:00' });
    index.apply(undefined, a1);
    index.apply(undefined, b1);
    const a2 = summary('a', { at: '2025-09-26T10:00:00.000+08:00', rev: 2, status: 'done' });
    index.apply(a1, a2);
    // the summary taken away is a copy of the one counted (not the object kept): counted out all the same
    const b2 = summary('b', { at: '2025-09-28T10:00:00.000+08:00', rev: 2 });
    index.apply(structuredClone(b1), b2);
    const fresh = new StatsIndex();
    fresh.apply(undefined, a2);
    fresh.apply(undefined, b2);
    expect(index.counts(all)).toEqual(fresh.counts(all));
    expect(index.counts(all).cohort.opened).toBe(2);
    expect(index.counts(all).closedByWeek).toEqual(fresh.counts(all).closedByWeek);
    expect(Object.values(index.counts(all).closedByWeek)).toEqual([1]);
    // nothing left of b1's day: its bucket went with it
    expect(index.counts({ packs: '*', from: '2025-09-27', to: '2025-09-27' }).cohort.opened).toBe(0);
    expect(index.openCases()).toEqual(fresh.openCases());
  });
});
