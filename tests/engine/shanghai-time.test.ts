/**
 * The step's time texts (`now`, `today`) are formatted by arithmetic with the last day's text remembered
 * (engine/calendar/dates.ts); they must be exactly what the former implementation, through `toISOString`, gave for
 * every instant: milliseconds or not, years 0000–9999 and outside them, invalid dates refused alike.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shanghaiDate, toShanghaiISO } from '../../engine/calendar/dates';

const OFFSET = 8 * 3600 * 1000;

/** The former implementations, kept here as the reference. */
function referenceISO(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET).toISOString();
  const ms = local.slice(19, 23);
  return local.slice(0, 19) + (ms === '.000' ? '' : ms) + '+08:00';
}
function referenceDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET).toISOString().slice(0, 10);
}

/** Both, or the same error from both. */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `${(e as Error).name}`;
  }
}

const MAX = 8.64e15; // the largest time value a Date holds

describe('Shanghai time texts', () => {
  it('equal the toISOString-based reference on any instant (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -MAX, max: MAX }),
          // the years a case lives in, whole seconds and not
          fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }),
          fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }).map((s) => s * 1000),
          // around the four-digit-year edges, in local time
          fc.integer({ min: -62_167_219_200_000 - OFFSET - 5000, max: -62_167_219_200_000 - OFFSET + 5000 }),
          fc.integer({ min: 253_402_300_800_000 - OFFSET - 5000, max: 253_402_300_800_000 - OFFSET + 5000 }),
        ),
        (t) => {
          const d = new Date(t);
          expect(outcome(() => toShanghaiISO(d))).toBe(outcome(() => referenceISO(d)));
          expect(outcome(() => shanghaiDate(d))).toBe(outcome(() => referenceDate(d)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('alternating days (the remembered day is replaced, never reused for another day)', () => {
    const days = [Date.UTC(2025, 9, 1, 3), Date.UTC(2025, 9, 2, 20), Date.UTC(2025, 9, 1, 15, 59, 59, 999)];
    for (let i = 0; i < 12; i++) {
      const d = new Date(days[i % days.length]);
      expect(toShanghaiISO(d)).toBe(referenceISO(d));
      expect(shanghaiDate(d)).toBe(referenceDate(d));
    }
    expect(toShanghaiISO(new Date(Date.UTC(2025, 9, 1, 15, 59, 59, 999)))).toBe('2025-10-01T23:59:59.999+08:00');
    expect(toShanghaiISO(new Date(Date.UTC(2025, 9, 1, 16)))).toBe('2025-10-02T00:00:00+08:00');
  });

  it('an invalid date is refused as before (RangeError)', () => {
    expect(() => toShanghaiISO(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
