/** Smoke run of the pack-load benchmark on tiny sizes (a 4-procedure generated pack, one cold child each). */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/packs';

describe('bench/packs (quick)', () => {
  it('given quick sizes, then every figure is positive and finite and the ratios are present', async () => {
    const r = await run({ quick: true });
    expect(r.name).toBe('packs');
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value > 0, `${row.label}: ${row.value}`).toBe(true);
    expect(r.ratios.length).toBeGreaterThanOrEqual(3);
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
    expect(r.ratios.some((x) => x.target !== undefined && typeof x.met === 'boolean')).toBe(true);
  });
});
