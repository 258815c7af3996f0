/** bench/cpuprofile-top.ts: a profile cut to a load's time window, and its samples sorted into categories. */
import { describe, expect, it } from 'vitest';
import { categorise, within, type Profile } from '../../bench/cpuprofile-top';

const frame = (id: number, functionName: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url: 'file:///srv/server/x.ts', lineNumber: 0 },
  children,
});

/** root → startUp, root → request; samples every 100 µs from t = 1,000,000 µs: 5 of start-up, then 5 of requests. */
const profile: Profile = {
  nodes: [frame(1, '(root)', [2, 3]), frame(2, 'startUp'), frame(3, 'request')],
  startTime: 1_000_000,
  samples: [2, 2, 2, 2, 2, 3, 3, 3, 3, 3],
  timeDeltas: Array(10).fill(100),
};

describe('bench/cpuprofile-top', () => {
  it('within keeps only the samples taken in the window, with their own time', () => {
    // sample i is taken at 1,000,000 + 100 (i + 1) µs: the window 1,000,550–1,001,000 holds samples 5–9
    const cut = within(profile, 1_000_550, 1_001_000);
    expect(cut.samples).toEqual([3, 3, 3, 3, 3]);
    expect(cut.timeDeltas).toEqual([100, 100, 100, 100, 100]);
    const cats = categorise(cut, [
      ['start-up', /^startUp /],
      ['requests', /^request /],
    ]);
    expect(cats).toEqual([
      { label: 'start-up', ms: 0 },
      { label: 'requests', ms: 0.5 },
      { label: 'other', ms: 0 },
    ]);
    // the whole profile: both
    expect(categorise(profile, [['start-up', /^startUp /]]).map((c) => c.ms)).toEqual([0.5, 0.5]);
  });

  it('within refuses a window that holds no sample (another clock) and a profile without its start', () => {
    expect(() => within(profile, 5, 10)).toThrow(/not the same clock/);
    expect(() => within({ ...profile, startTime: undefined }, 0, 2e6)).toThrow(/no startTime/);
  });
});
