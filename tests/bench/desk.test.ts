/**
 * Smoke run of the desk benchmark on quick sizes (1,000 and 5,000 cases): it fills the mix, asks the desk's pages and
 * figures over HTTP (each answer checked by the benchmark), and explains each statement the server ran (a sequential
 * scan of gz_cases fails it); the figures themselves are not judged here.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/postgres-desk';

describe('bench/postgres-desk (quick)', () => {
  it('given quick sizes, then every figure is positive and finite, and every statement of the desk uses an index', async () => {
    const r = await run({ quick: true });
    expect(r.rows.length).toBe(6 * 4);
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value > 0, `${row.label}: ${row.value}`).toBe(true);
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
    const plans = (r.notes ?? []).filter((n) => n.startsWith('Plan, '));
    expect(plans).toHaveLength(6);
    for (const p of plans) expect(p, p).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
  }, 240_000);
});
