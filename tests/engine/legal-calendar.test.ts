/** The legal calendar: 民事诉讼法 Art. 85 calendar-day periods, working days with 调休, months, Asia/Shanghai time. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendar, CalendarRangeError } from '../../engine';

const files = [2025, 2026].map((y) =>
  JSON.parse(readFileSync(`configs/packs/national/data/calendar-${y}.json`, 'utf8')),
);
const cal = calendar.mergeCalendars(files);
const { addPeriod, isRestDay, isWorkingDay, shanghaiDate, toShanghaiISO, endOfDay, isValidDate, isoWeekday } = calendar;

describe('calendar data', () => {
  it('names the State Council notice, keeps each date in its year, and never lists a day as both holiday and workday', () => {
    for (const f of files) {
      expect(f.source['zh-CN']).toContain('国务院办公厅关于' + f.year + '年部分节假日安排的通知');
      for (const d of [...f.holidays, ...f.workdays]) {
        expect(isValidDate(d.date)).toBe(true);
        expect(d.date.startsWith(String(f.year))).toBe(true);
      }
      const hol = new Set(f.holidays.map((h: { date: string }) => h.date));
      expect(f.workdays.filter((w: { date: string }) => hol.has(w.date))).toEqual([]);
      for (const w of f.workdays) expect(isoWeekday(w.date)).toBeGreaterThanOrEqual(6);
    }
  });
});

describe('2025 National Day and Mid-Autumn (10/1–10/8, make-up days 9/28 Sun and 10/11 Sat)', () => {
  it('treats the holiday as rest days and the make-up weekend days as working days', () => {
    for (let d = 1; d <= 8; d++) expect(isRestDay(cal, `2025-10-0${d}`)).toBe(true);
    expect(isWorkingDay(cal, '2025-09-28')).toBe(true); // Sunday, 调休上班
    expect(isWorkingDay(cal, '2025-10-11')).toBe(true); // Saturday, 调休上班
    expect(isWorkingDay(cal, '2025-10-09')).toBe(true);
    expect(isRestDay(cal, '2025-10-12')).toBe(true); // an ordinary Sunday
  });

  it('a calendar-day period ending inside the holiday moves to the first working day after it (10/9)', () => {
    expect(addPeriod(cal, '2025-09-20', 12, 'calendarDays')).toBe('2025-10-09');
  });

  it('a working-day period counts 9/28 and 10/11 and skips the holiday', () => {
    // from Fri 9/26: 9/28 (Sun, make-up) is day 1, 9/29 day 2, 9/30 day 3, then 10/9 day 4, 10/10 day 5, 10/11 (Sat, make-up) day 6
    expect(addPeriod(cal, '2025-09-26', 1, 'workingDays')).toBe('2025-09-28');
    expect(addPeriod(cal, '2025-09-26', 5, 'workingDays')).toBe('2025-10-10');
    expect(addPeriod(cal, '2025-09-26', 6, 'workingDays')).toBe('2025-10-11');
  });
});

describe('calendar-day periods (民事诉讼法 Art. 85)', () => {
  it('does not count the start day', () => {
    expect(addPeriod(cal, '2025-03-03', 1, 'calendarDays')).toBe('2025-03-04');
  });

  it('a period whose last day is a Sunday ends on the Monday', () => {
    expect(isoWeekday('2025-10-26')).toBe(7);
    expect(addPeriod(cal, '2025-09-26', 30, 'calendarDays')).toBe('2025-10-27');
  });

  it('natural days do not move', () => {
    expect(addPeriod(cal, '2025-09-26', 30, 'naturalDays')).toBe('2025-10-26');
  });
});

describe('working-day periods across the 2026 Spring Festival (2/15–2/23; make-up days 2/14 and 2/28)', () => {
  it('skips the nine-day holiday and counts the Saturday make-up days', () => {
    // from Thu 2/12: 2/13 (Fri) 1, 2/14 (Sat, make-up) 2, 2/24 3, 2/25 4, 2/26 5
    expect(addPeriod(cal, '2026-02-12', 5, 'workingDays')).toBe('2026-02-26');
    // 15 working days from 2/10: 2/11,12,13,14 (4), 2/24,25,26,27,28 (9), 3/2..3/6 (14), 3/9 (15)
    expect(addPeriod(cal, '2026-02-10', 15, 'workingDays')).toBe('2026-03-09');
  });
});

describe('months', () => {
  it('keeps the day of month, clamps to the month end, then moves off a rest day', () => {
    expect(addPeriod(cal, '2025-10-09', 2, 'months')).toBe('2025-12-09');
    expect(addPeriod(cal, '2025-01-31', 1, 'months')).toBe('2025-02-28');
    expect(addPeriod(cal, '2025-11-04', 3, 'months')).toBe('2026-02-04');
    expect(addPeriod(cal, '2025-11-15', 3, 'months')).toBe('2026-02-24'); // 2/15 is in the Spring Festival holiday
  });
});

describe('range', () => {
  it('with calendarPolicy "refuse", a period running past the notices is an error, not a guess', () => {
    const refusing = calendar.mergeCalendars(files, 'refuse');
    expect(() => addPeriod(refusing, '2026-12-20', 30, 'calendarDays')).toThrow(CalendarRangeError);
    expect(() => addPeriod(refusing, '2024-12-30', 1, 'calendarDays')).toThrow(CalendarRangeError);
    let error: unknown;
    try {
      addPeriod(refusing, '2026-12-28', 5, 'workingDays');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarRangeError);
    expect((error as CalendarRangeError).i18n['zh-CN']).toContain('超出');
  });

  it('by default a year without a notice is derived from the statute (provisional.test covers it)', () => {
    expect(addPeriod(cal, '2026-12-20', 30, 'calendarDays')).toBe('2027-01-19');
  });

  it('rejects impossible dates', () => {
    expect(isValidDate('2025-02-29')).toBe(false);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('2025-9-1')).toBe(false);
    expect(() => addPeriod(cal, '2025-02-30', 1, 'calendarDays')).toThrow();
  });
});

describe('Asia/Shanghai time', () => {
  it('16:30 UTC is already the next day in Shanghai', () => {
    expect(shanghaiDate(new Date('2025-09-30T16:30:00Z'))).toBe('2025-10-01');
    expect(toShanghaiISO(new Date('2025-09-30T16:30:00Z'))).toBe('2025-10-01T00:30:00+08:00');
  });

  it('a due day ends at 23:59:59+08:00', () => {
    expect(endOfDay('2025-10-27')).toBe('2025-10-27T23:59:59+08:00');
    expect(new Date(endOfDay('2025-10-27')).toISOString()).toBe('2025-10-27T15:59:59.000Z');
  });
});
