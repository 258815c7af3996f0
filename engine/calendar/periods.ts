/**
 * Legal periods (DOMAIN.md "Time and the legal calendar"):
 * - calendarDays, months: 民事诉讼法 Art. 85 — the start day is not counted; a last day on a statutory rest
 *   day moves to the first working day after it.
 * - workingDays: count working days from the day after the start (调休 make-up days count).
 * - naturalDays: plain day count, no shifting.
 * A period that needs a day outside the calendar data is an error (CalendarRangeError), never a guess.
 */
import type { CalendarData, I18n, PeriodUnit } from '../types';
import { addDays, addMonths, isoWeekday, isValidDate, InvalidDateError } from './dates';

export class CalendarRangeError extends Error {
  readonly code = 'CALENDAR_RANGE' as const;
  readonly i18n: I18n;
  constructor(readonly date: string, readonly years: number[]) {
    super(`date ${date} is outside the legal calendar data (${years.join(', ')})`);
    this.i18n = {
      'zh-CN': `日期 ${date} 超出法定节假日日历的范围(${years.join('、')} 年)`,
      en: `date ${date} is outside the legal calendar data (years ${years.join(', ')})`,
    };
  }
}

interface Index {
  holidays: Set<string>;
  workdays: Set<string>;
  years: Set<number>;
}

const indexes = new WeakMap<CalendarData, Index>();

function indexOf(cal: CalendarData): Index {
  let idx = indexes.get(cal);
  if (!idx) {
    idx = { holidays: new Set(cal.holidays), workdays: new Set(cal.workdays), years: new Set(cal.years) };
    indexes.set(cal, idx);
  }
  return idx;
}

function covered(cal: CalendarData, date: string): Index {
  const idx = indexOf(cal);
  if (!idx.years.has(Number(date.slice(0, 4)))) throw new CalendarRangeError(date, cal.years);
  return idx;
}

export function isRestDay(cal: CalendarData, date: string): boolean {
  if (!isValidDate(date)) throw new InvalidDateError(date);
  const idx = covered(cal, date);
  if (idx.holidays.has(date)) return true;
  if (idx.workdays.has(date)) return false;
  return isoWeekday(date) >= 6;
}

export function isWorkingDay(cal: CalendarData, date: string): boolean {
  return !isRestDay(cal, date);
}

function nextWorkingDayFrom(cal: CalendarData, date: string): string {
  let d = date;
  for (let i = 0; isRestDay(cal, d); i++) {
    if (i > 60) throw new CalendarRangeError(d, cal.years);
    d = addDays(d, 1);
  }
  return d;
}

export function addPeriod(cal: CalendarData, from: string, amount: number, unit: PeriodUnit): string {
  if (!isValidDate(from)) throw new InvalidDateError(from);
  if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`period amount must be a whole number ≥ 0, got ${amount}`);
  covered(cal, from);
  switch (unit) {
    case 'naturalDays':
      return addDays(from, amount);
    case 'calendarDays':
      return nextWorkingDayFrom(cal, addDays(from, amount));
    case 'months':
      return nextWorkingDayFrom(cal, addMonths(from, amount));
    case 'workingDays': {
      let d = from;
      for (let left = amount; left > 0;) {
        d = addDays(d, 1);
        if (isWorkingDay(cal, d)) left--;
      }
      return d;
    }
    default:
      throw new RangeError(`unknown period unit ${String(unit)}`);
  }
}
