/**
 * Smoke run of the PostgreSQL benchmark on tiny sizes (5,000 cases, 500 deadlines): it must produce figures and fire
 * every deadline exactly once across the two processes; the figures themselves are not judged here.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/postgres';

describe('bench/postgres (quick)', () => {
  it('given quick sizes, then every figure is positive and finite, and 500 deadlines fire exactly once across 2 processes', async () => {
    const r = await run({ quick: true });
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value >= 0, `${row.label}: ${row.value}`).toBe(true);
    expect(r.ratios.length).toBeGreaterThanOrEqual(4);
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
    const once = r.ratios.find((x) => x.label.startsWith('deadlines fired exactly once'));
    expect(once).toMatchObject({ value: 1, met: true });
  }, 240_000);
});
