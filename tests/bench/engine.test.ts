/** Smoke run of the engine benchmark on tiny sizes: it must still run and produce figures (never judged here). */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/engine';

describe('bench/engine (quick)', () => {
  it('given quick sizes, then every contender yields a positive finite rate and each ratio is present', async () => {
    const r = await run({ quick: true });
    expect(r.name).toBe('engine');
    expect(r.rows.length).toBeGreaterThanOrEqual(4);
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value > 0, `${row.label}: ${row.value}`).toBe(true);
    expect(r.ratios.map((x) => x.label)).toEqual(
      expect.arrayContaining(['Gongzhi / raw XState', 'Gongzhi / bpmn-engine']),
    );
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
  });
});
