/** Smoke run of bench/designer-open.ts: the 200-state procedure opens in Chromium and yields a positive figure. */
import { describe, expect, it } from 'vitest';
import { generateProcedure, run, STATES } from '../../bench/designer-open';
import { validateProcedure } from '../../engine';
import { walkStates } from '../../engine/machine';

describe('designer open benchmark (quick)', () => {
  it('generates a valid 200-state procedure', () => {
    const doc = generateProcedure();
    expect(walkStates(doc.machine)).toHaveLength(STATES);
    expect(validateProcedure(doc, { parameters: {} })).toEqual([]);
  });

  it('measures open → interactive as a positive figure', async () => {
    const r = await run({ quick: true });
    expect(r.rows[0].unit).toBe('ms');
    expect(r.rows[0].value).toBeGreaterThan(0);
    expect(r.ratios[0].target).toBe('< 1');
  }, 120_000);
});
