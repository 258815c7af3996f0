/**
 * The stats index reads a case's day from its instants on every change (server/store/stats-index.ts `dayOf`): an
 * instant the server wrote (`+08:00`) by its first ten characters, any other form through a Date. Both must give the
 * Asia/Shanghai day of the instant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendar } from '../../engine';
import { dayOf } from '../../server/store/stats-index';

const instants = fc.date({
  min: new Date('1990-01-01T00:00:00Z'),
  max: new Date('2090-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('dayOf', () => {
  it('is the Shanghai day of the instant, whatever form it is written in', () => {
    fc.assert(
      fc.property(instants, (d) => {
        const day = calendar.shanghaiDate(d);
        expect(dayOf(calendar.toShanghaiISO(d))).toBe(day);
        expect(dayOf(d.toISOString())).toBe(day);
        expect(dayOf(d.toISOString().replace('Z', '+00:00'))).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the edges of a Shanghai day right', () => {
    expect(dayOf('2025-10-01T00:00:00+08:00')).toBe('2025-10-01');
    expect(dayOf('2025-09-30T23:59:59.999+08:00')).toBe('2025-09-30');
    expect(dayOf('2025-09-30T16:00:00Z')).toBe('2025-10-01');
    expect(dayOf('2025-09-30T15:59:59.999Z')).toBe('2025-09-30');
    expect(dayOf('2025-10-01T00:00:00+09:00')).toBe('2025-09-30');
  });
});
