/**
 * Years without a State Council notice: rest days derived from 《全国年节及纪念日放假办法》(2024) Art. 2 and Art. 6 with
 * tyme4ts, checked against the official 2025 and 2026 notices; periods that read such a year say so (provisional).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendar, CalendarRangeError, InvalidPeriodError, type CalendarData } from '../../engine';

const file = (y: number) => JSON.parse(readFileSync(`configs/packs/national/data/calendar-${y}.json`, 'utf8'));
const files = [2025, 2026].map(file);
const full = calendar.mergeCalendars(files);
const only2025 = calendar.mergeCalendars([files[0]]);
const refuse: CalendarData = calendar.mergeCalendars(files, 'refuse');
const { computePeriod, statutoryDays, provisionalHolidays, isRestDay, isoWeekday } = calendar;

describe('the 13 statutory days (Art. 2) from the lunar calendar and the 清明 solar term', () => {
  it.each([2025, 2026])(
    'are all rest days of the official %i notice, inside the holiday of the same festival',
    (year) => {
      const f = files[year - 2025];
      const byDate = new Map<string, string>(f.holidays.map((h: { date: string; name: string }) => [h.date, h.name]));
      const days = statutoryDays(year);
      expect(days).toHaveLength(13);
      for (const d of days) {
        expect(byDate.get(d.date), `${d.date} ${d.name} (${d.what})`).toContain(d.name);
      }
    },
  );

  it('gives the 2025 and 2026 lunar and solar-term dates the notices name', () => {
    const pick = (y: number, what: string) => statutoryDays(y).find((d) => d.what === what)!.date;
    expect(pick(2025, '农历除夕')).toBe('2025-01-28'); // notice: 1月28日(农历除夕、周二)
    expect(pick(2026, '农历正月初一')).toBe('2026-02-17');
    expect(pick(2025, '清明节气')).toBe('2025-04-04');
    expect(pick(2026, '清明节气')).toBe('2026-04-05');
    expect(pick(2025, '农历八月十五')).toBe('2025-10-06'); // inside 国庆节、中秋节 10/1–10/8
    expect(pick(2026, '农历五月初五')).toBe('2026-06-19');
  });

  it('names 2027-02-05 as 除夕, and 2027 清明, 端午, 中秋 as DOMAIN.md gives them for reference', () => {
    const y2027 = statutoryDays(2027);
    expect(y2027.find((d) => d.what === '农历除夕')!.date).toBe('2027-02-05');
    expect(y2027.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
  });
});

describe('a provisional year (Art. 6 substitutes, no make-up working days)', () => {
  it('makes up each statutory day on a weekend on the first weekday after it that is not already a rest day', () => {
    const subs = provisionalHolidays(2027)
      .filter((d) => d.kind === 'substitute')
      .map((d) => [d.date, d.for]);
    expect(subs).toEqual([
      ['2027-02-09', '2027-02-06'], // 初一 Sat: 2/7 Sun, 2/8 初三 → Tue 2/9
      ['2027-02-10', '2027-02-07'], // 初二 Sun: 2/9 taken → Wed 2/10
      ['2027-05-03', '2027-05-01'],
      ['2027-05-04', '2027-05-02'],
      ['2027-10-04', '2027-10-02'],
      ['2027-10-05', '2027-10-03'],
    ]);
    for (const [date] of subs) expect(isoWeekday(date!)).toBeLessThan(6);
  });

  it('assumes no make-up working day: every weekend of 2027 is a rest day', () => {
    for (let d = '2027-01-01'; d < '2028-01-01'; d = calendar.addDays(d, 1)) {
      if (isoWeekday(d) >= 6) expect(isRestDay(full, d), d).toBe(true);
    }
  });

  it('the days of a year without a notice are shown as provisional, the notice years as official', () => {
    expect(calendar.calendarYear({ 'calendar-2026': files[1] }, 2026)).toMatchObject({
      official: true,
      source: files[1].source,
    });
    const y = calendar.calendarYear({ 'calendar-2026': files[1] }, 2027);
    expect(y.official).toBe(false);
    expect(y.source?.['zh-CN']).toContain('全国年节及纪念日放假办法');
    expect(y.holidays.every((h) => h.provisional)).toBe(true);
    expect(y.holidays).toHaveLength(19);
    expect(y.workdays).toEqual([]);
  });
});

describe('periods that read a year without a notice', () => {
  it('a 2-month period filed 2025-12-20 ends on Fri 2026-02-20 without the 2026 notice (provisional), on 2026-02-24 with it', () => {
    expect(computePeriod(only2025, '2025-12-20', 2, 'months')).toEqual({
      date: '2026-02-20',
      years: [2026],
      provisional: [2026],
    });
    expect(computePeriod(full, '2025-12-20', 2, 'months')).toEqual({
      date: '2026-02-24',
      years: [2026],
      provisional: [],
    });
  });

  it('a working-day period across 2026/2027 skips provisional 元旦 and names 2027', () => {
    // from Fri 2026-12-25: 12/28, 29, 30, 31 (4), 2027-01-01 元旦, 01-02/03 weekend, 01-04 (5)
    expect(computePeriod(full, '2026-12-25', 5, 'workingDays')).toEqual({
      date: '2027-01-04',
      years: [2026, 2027],
      provisional: [2027],
    });
  });

  it('a 30-day mediation started on 2026-12-02 ends on Mon 2027-01-04 (01-01 元旦, then the weekend), provisional', () => {
    expect(computePeriod(full, '2026-12-02', 30, 'calendarDays')).toEqual({
      date: '2027-01-04',
      years: [2027],
      provisional: [2027],
    });
  });

  it('a period that reads only official days is not provisional; natural days read no calendar', () => {
    expect(computePeriod(full, '2026-11-02', 30, 'calendarDays')).toEqual({
      date: '2026-12-02',
      years: [2026],
      provisional: [],
    });
    expect(computePeriod(full, '2026-12-20', 30, 'naturalDays')).toEqual({
      date: '2027-01-19',
      years: [],
      provisional: [],
    });
  });

  it('with calendarPolicy "refuse" the same period is CALENDAR_RANGE, with a bilingual reason', () => {
    let error: unknown;
    try {
      computePeriod(refuse, '2026-12-02', 30, 'calendarDays');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarRangeError);
    const e = error as CalendarRangeError;
    expect(e.code).toBe('CALENDAR_RANGE');
    expect(e.details.date).toBe('2027-01-01'); // the first day it could not read
    expect(e.details.reason['zh-CN']).toContain('refuse');
    expect(e.details.reason.en).toContain('2027');
  });

  it('years the 2024 statute does not govern are never derived, whatever the policy', () => {
    expect(() => computePeriod(full, '2024-12-30', 1, 'calendarDays')).toThrow(CalendarRangeError);
    expect(() => computePeriod(full, '2100-12-20', 30, 'calendarDays')).toThrow(CalendarRangeError);
  });

  it('an impossible date or amount is an InvalidPeriodError with a bilingual message', () => {
    expect(() => computePeriod(full, '2026-02-30', 1, 'calendarDays')).toThrow(InvalidPeriodError);
    let error: unknown;
    try {
      computePeriod(full, '2026-02-03', -1, 'workingDays');
    } catch (e) {
      error = e;
    }
    expect((error as InvalidPeriodError).code).toBe('INVALID_PERIOD');
    expect((error as InvalidPeriodError).i18n['zh-CN']).toContain('期间无法计算');
  });
});
