/**
 * Legal periods (DOMAIN.md "Time and the legal calendar"):
 * - calendarDays, months: 民事诉讼法 Art. 85 — the start day is not counted; a last day on a statutory rest
 *   day moves to the first working day after it.
 * - workingDays: count working days from the day after the start (调休 make-up days count).
 * - naturalDays: plain day count, no shifting.
 * A period that needs a day outside the calendar data is an error (CalendarRangeError), never a guess.
 */
import type { CalendarData, I18n, PeriodUnit } from '../types';
import { addDays, addMonths, isValidDate, InvalidDateError } from './dates';

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
  holidays: Set<number>;
  workdays: Set<number>;
  years: Set<number>;
}

const DAY_MS = 86_400_000;
/** Days since 1970-01-01 (a Thursday). */
function dayNumber(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
}
function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
function yearOf(n: number): number {
  return new Date(n * DAY_MS).getUTCFullYear();
}

const indexes = new WeakMap<CalendarData, Index>();

function indexOf(cal: CalendarData): Index {
  let idx = indexes.get(cal);
  if (!idx) {
    idx = { holidays: new Set(cal.holidays.map(dayNumber)), workdays: new Set(cal.workdays.map(dayNumber)), years: new Set(cal.years) };
    indexes.set(cal, idx);
  }
  return idx;
}

/** Rest day by day number; throws when the day is outside the calendar's years. */
function rest(cal: CalendarData, idx: Index, n: number): boolean {
  if (!idx.years.has(yearOf(n))) throw new CalendarRangeError(fromDayNumber(n), cal.years);
  if (idx.holidays.has(n)) return true;
  if (idx.workdays.has(n)) return false;
  const weekday = ((n + 3) % 7) + 1; // Monday = 1
  return weekday >= 6;
}

export function isRestDay(cal: CalendarData, date: string): boolean {
  if (!isValidDate(date)) throw new InvalidDateError(date);
  return rest(cal, indexOf(cal), dayNumber(date));
}

export function isWorkingDay(cal: CalendarData, date: string): boolean {
  return !isRestDay(cal, date);
}

function nextWorkingDayFrom(cal: CalendarData, idx: Index, n: number): number {
  let d = n;
  for (let i = 0; rest(cal, idx, d); i++) {
    if (i > 60) throw new CalendarRangeError(fromDayNumber(d), cal.years);
    d++;
  }
  return d;
}

export function addPeriod(cal: CalendarData, from: string, amount: number, unit: PeriodUnit): string {
  if (!isValidDate(from)) throw new InvalidDateError(from);
  if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`period amount must be a whole number ≥ 0, got ${amount}`);
  const idx = indexOf(cal);
  const start = dayNumber(from);
  if (!idx.years.has(yearOf(start))) throw new CalendarRangeError(from, cal.years);
  switch (unit) {
    case 'naturalDays':
      return addDays(from, amount);
    case 'calendarDays':
      return fromDayNumber(nextWorkingDayFrom(cal, idx, start + amount));
    case 'months':
      return fromDayNumber(nextWorkingDayFrom(cal, idx, dayNumber(addMonths(from, amount))));
    case 'workingDays': {
      let d = start;
      for (let left = amount; left > 0;) {
        d++;
        if (!rest(cal, idx, d)) left--;
      }
      return fromDayNumber(d);
    }
    default:
      throw new RangeError(`unknown period unit ${String(unit)}`);
  }
}
