/** bench/RESULTS.md is built per section: a run of one benchmark replaces its section and keeps the others. */
import { describe, expect, it } from 'vitest';
import { mergeReport, parseSections, renderSection } from '../../bench/report';
import { alternate, median, pairedRatio } from '../../bench/measure';
import type { BenchResult } from '../../bench/types';

const info = { date: '2025-01-01T00:00:00Z', command: 'npm run bench', machine: 'test machine' };
const result = (name: string, value: number): BenchResult => ({
  name,
  title: `${name} title`,
  rows: [{ label: 'a', value, unit: 'ms' }],
  ratios: [{ label: 'a / b', value: 2, target: '≥ 1', met: true }],
});

describe('bench report', () => {
  it('given a report with engine and packs, when only engine runs again, then packs is kept and engine replaced, in registry order', () => {
    const first = mergeReport(
      '',
      new Map([
        ['packs', renderSection(result('packs', 1), info)],
        ['engine', renderSection(result('engine', 1), info)],
      ]),
      ['engine', 'packs'],
    );
    const second = mergeReport(first, new Map([['engine', renderSection(result('engine', 42), info)]]), [
      'engine',
      'packs',
    ]);
    const sections = parseSections(second);
    expect([...sections.keys()]).toEqual(['engine', 'packs']);
    expect(sections.get('engine')).toContain('| a | 42.0 | ms |');
    expect(sections.get('packs')).toBe(parseSections(first).get('packs'));
  });

  it('keeps sections of benchmarks it does not know (added later by others) after the known ones', () => {
    const text = mergeReport(
      '',
      new Map([
        ['zeta', renderSection(result('zeta', 1), info)],
        ['engine', renderSection(result('engine', 1), info)],
      ]),
      ['engine'],
    );
    expect([...parseSections(text).keys()]).toEqual(['engine', 'zeta']);
  });
});

describe('bench measure', () => {
  it('alternates contenders, rotating who goes first, and pairs ratios per round', async () => {
    const order: string[] = [];
    let n = 0;
    const series = await alternate(
      [
        {
          label: 'a',
          sample: async () => {
            order.push('a');
            return 10 + n++;
          },
        },
        {
          label: 'b',
          sample: async () => {
            order.push('b');
            return 5;
          },
        },
      ],
      { rounds: 3, warmup: 1 },
    );
    expect(order).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    expect(series[0].samples).toHaveLength(3);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(
      pairedRatio({ label: 'x', samples: [2, 4, 6], median: 4 }, { label: 'y', samples: [1, 1, 3], median: 1 }),
    ).toBe(2);
  });
});
