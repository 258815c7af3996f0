/** Smoke run of the store-scaling benchmark on tiny sizes (100 against 1,000 cases): it must produce figures, never judged here. */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/store';

describe('bench/store (quick)', () => {
  it('given quick sizes, then every figure is positive and finite and the scaling ratios are present', async () => {
    const r = await run({ quick: true });
    expect(r.name).toBe('store');
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value > 0, `${row.label}: ${row.value}`).toBe(true);
    expect(r.ratios.length).toBeGreaterThanOrEqual(2);
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
    expect(r.ratios.some((x) => x.target !== undefined && typeof x.met === 'boolean')).toBe(true);
  }, 120_000);
});
