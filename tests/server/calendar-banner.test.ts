/** The start-up banner names the years ahead without a notice, what happens to periods reading them, and how to load the notice. */
import { describe, expect, it } from 'vitest';
import { resolvePacks, type PackSource } from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { calendarBanner, yearsAhead } from '../../server/calendar/banner';

const sources = loadPacksRoot('configs/packs');

describe('calendar banner at start-up', () => {
  it('on 2026-11-30 names 2027 as provisional for every pack, with the import command and the API call', () => {
    const { packs } = resolvePacks(sources);
    expect(yearsAhead(new Date('2026-11-30T09:00:00+08:00'))).toEqual([2026, 2027]);
    const text = calendarBanner(Object.values(packs), new Date('2026-11-30T09:00:00+08:00')).join('\n');
    expect(text).toContain('2027-01-01 – 2027-12-31');
    expect(text).toContain('暂定');
    expect(text).toContain(
      'provisional — packs: baoan-district, gaotai-county, jiangyin-city, nanchang-county, national',
    );
    expect(text).toContain('npx gongzhi calendar import');
    expect(text).toContain('PUT /api/packs/national/calendar/2027');
    expect(text).not.toContain('2026-01-01');
  });

  it('says which packs refuse such periods (calendarPolicy "refuse"), and is silent when every year ahead is official', () => {
    const { packs } = resolvePacks(
      sources.map((s): PackSource =>
        s.manifest.id === 'gaotai-county' ? { ...s, manifest: { ...s.manifest, calendarPolicy: 'refuse' } } : s,
      ),
    );
    const text = calendarBanner(Object.values(packs), new Date('2026-11-30T09:00:00+08:00')).join('\n');
    expect(text).toContain('refuse such periods (CALENDAR_RANGE): gaotai-county');
    expect(text).not.toMatch(/provisional — packs:.*gaotai-county/);
    expect(calendarBanner(Object.values(packs), new Date('2025-06-30T09:00:00+08:00'))).toEqual([]);
  });
});
