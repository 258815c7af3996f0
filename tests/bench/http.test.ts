/** Smoke run of the HTTP benchmark on tiny sizes (40 cases, 4 connections, 1 s runs): it must produce figures, never judged here. */
import { describe, expect, it } from 'vitest';
import { run } from '../../bench/http';

describe('bench/http (quick)', () => {
  it('given quick sizes, then every server answers, every figure is positive and finite and the ratios are present', async () => {
    const r = await run({ quick: true });
    expect(r.name).toBe('http');
    expect(r.rows.length).toBeGreaterThanOrEqual(12);
    for (const row of r.rows)
      expect(Number.isFinite(row.value) && row.value > 0, `${row.label}: ${row.value}`).toBe(true);
    expect(r.ratios.map((x) => x.label)).toEqual(expect.arrayContaining(['Gongzhi / bare Koa, requests/s']));
    // each contender's server CPU per request (its main thread, all its threads), read from /proc around its rounds
    expect(r.rows.filter((x) => /server CPU per request/.test(x.label))).toHaveLength(16);
    // the event request in two halves: the server with the case's work taken out, and that work without HTTP
    expect(r.rows.map((x) => x.label)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/HTTP side only.*requests\/s$/),
        expect.stringMatching(/work without HTTP.*requests\/s$/),
      ]),
    );
    for (const x of r.ratios) expect(Number.isFinite(x.value) && x.value > 0, `${x.label}: ${x.value}`).toBe(true);
    expect(r.ratios.filter((x) => x.target !== undefined).every((x) => typeof x.met === 'boolean')).toBe(true);
  }, 120_000);
});
