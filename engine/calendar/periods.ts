/**
 * Legal periods (DOMAIN.md "Time and the legal calendar"):
 * - calendarDays, months: 民事诉讼法 Art. 85 — the start day is not counted; a last day on a statutory rest
 *   day moves to the first working day after it.
 * - workingDays: count working days from the day after the start (调休 make-up days count).
 * - naturalDays: plain day count, no shifting.
 * A year with a State Council notice is official. A year without one is derived from the statute (statute.ts) and
 * every period that read one of its days says so (`provisional`, the years whose notice is missing) — unless the
 * pack's `calendarPolicy` is `refuse`, where such a period is a CalendarRangeError, as are years the statute
 * derivation does not cover.
 */
import type { CalendarData, PeriodUnit } from '../types';
import { addDays, addMonths, isValidDate } from './dates';
import { CalendarRangeError, InvalidPeriodError } from './errors';
import { provisionalHolidays, statuteCovers } from './statute';

export interface PeriodResult {
  /** The due day, YYYY-MM-DD. */
  date: string;
  /** Calendar years whose days the computation read, ascending. */
  years: number[];
  /** Of those, the years without a loaded notice (derived from the statute), ascending; empty when official. */
  provisional: number[];
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
const provisionalIndex = new Map<number, Set<number>>();

function indexOf(cal: CalendarData): Index {
  let idx = indexes.get(cal);
  if (!idx) {
    idx = {
      holidays: new Set(cal.holidays.map(dayNumber)),
      workdays: new Set(cal.workdays.map(dayNumber)),
      years: new Set(cal.years),
    };
    indexes.set(cal, idx);
  }
  return idx;
}

function provisionalRestDays(year: number): Set<number> {
  let set = provisionalIndex.get(year);
  if (!set) {
    set = new Set(provisionalHolidays(year).map((d) => dayNumber(d.date)));
    provisionalIndex.set(year, set);
  }
  return set;
}

/** Whether the calendar can answer for `year`, and how: official data, the statute (provisional), or not at all. */
export function yearStatus(cal: CalendarData, year: number): 'official' | 'provisional' | 'none' {
  if (indexOf(cal).years.has(year)) return 'official';
  return cal.policy !== 'refuse' && statuteCovers(year) ? 'provisional' : 'none';
}

/** Reads one day. `seen` collects the years read; throws CalendarRangeError for a year the calendar cannot answer for. */
function rest(cal: CalendarData, idx: Index, n: number, seen: Set<number>): boolean {
  const year = yearOf(n);
  seen.add(year);
  if (idx.years.has(year)) {
    if (idx.holidays.has(n)) return true;
    if (idx.workdays.has(n)) return false;
  } else {
    if (cal.policy === 'refuse' || !statuteCovers(year))
      throw new CalendarRangeError(fromDayNumber(n), cal.years, cal.policy === 'refuse' ? 'refuse' : 'statute');
    if (provisionalRestDays(year).has(n)) return true;
  }
  const weekday = ((n + 3) % 7) + 1; // Monday = 1
  return weekday >= 6;
}

function result(cal: CalendarData, idx: Index, n: number, seen: Set<number>): PeriodResult {
  const years = [...seen].sort((a, b) => a - b);
  return { date: fromDayNumber(n), years, provisional: years.filter((y) => !idx.years.has(y)) };
}

/** Whether `date` is a rest day, with the years read (one) and whether that year is provisional. */
export function dayStatus(cal: CalendarData, date: string): { rest: boolean; provisional: boolean } {
  if (!isValidDate(date)) throw new InvalidPeriodError('date', date);
  const idx = indexOf(cal);
  const seen = new Set<number>();
  const r = rest(cal, idx, dayNumber(date), seen);
  return { rest: r, provisional: !idx.years.has(yearOf(dayNumber(date))) };
}

export function isRestDay(cal: CalendarData, date: string): boolean {
  return dayStatus(cal, date).rest;
}

export function isWorkingDay(cal: CalendarData, date: string): boolean {
  return !isRestDay(cal, date);
}

/** How far a period may move its end to find a working day (the longest run of rest days is far shorter). */
const MAX_REST_RUN = 60;

function nextWorkingDayFrom(cal: CalendarData, idx: Index, n: number, seen: Set<number>): number {
  let d = n;
  for (let i = 0; rest(cal, idx, d, seen); i++) {
    if (i > MAX_REST_RUN) throw new CalendarRangeError(fromDayNumber(d), cal.years, 'statute');
    d++;
  }
  return d;
}

/** Periods remembered per calendar (a deadline armed today is the same period as the last one armed today). */
export const PERIOD_CACHE_MAX = 10_000;

/**
 * Per calendar object, the periods computed on it (their arrays copied in and out: a caller keeps its own). A period
 * depends only on its calendar (holidays, make-up days, years with a notice, policy), its start, amount and unit; a
 * calendar is never changed in place (a notice loaded makes a new one, as `indexes` above also relies on), so a
 * notice loaded at run time is a new calendar with nothing remembered. Refused periods (errors) are not remembered.
 */
const periods = new WeakMap<CalendarData, Map<string, PeriodResult>>();

/** The due day of a period, with the calendar years it read and which of them are provisional. */
export function computePeriod(cal: CalendarData, from: string, amount: number, unit: PeriodUnit): PeriodResult {
  let known = periods.get(cal);
  if (!known) periods.set(cal, (known = new Map()));
  const key = `${from}|${amount}|${unit}`;
  const hit = typeof from === 'string' && typeof amount === 'number' ? known.get(key) : undefined;
  if (hit) return { date: hit.date, years: [...hit.years], provisional: [...hit.provisional] };
  const r = periodOf(cal, from, amount, unit);
  if (known.size >= PERIOD_CACHE_MAX) known.clear();
  known.set(key, { date: r.date, years: [...r.years], provisional: [...r.provisional] });
  return r;
}

/** How many periods are remembered for `cal` (tests: the bound). */
export function periodCacheSize(cal: CalendarData): number {
  return periods.get(cal)?.size ?? 0;
}

function periodOf(cal: CalendarData, from: string, amount: number, unit: PeriodUnit): PeriodResult {
  if (!isValidDate(from)) throw new InvalidPeriodError('date', from);
  if (!Number.isInteger(amount) || amount < 0) throw new InvalidPeriodError('amount', amount);
  const idx = indexOf(cal);
  const start = dayNumber(from);
  const seen = new Set<number>();
  if (yearStatus(cal, yearOf(start)) === 'none')
    throw new CalendarRangeError(from, cal.years, cal.policy === 'refuse' ? 'refuse' : 'statute');
  switch (unit) {
    case 'naturalDays':
      return { date: addDays(from, amount), years: [], provisional: [] };
    case 'calendarDays':
      return result(cal, idx, nextWorkingDayFrom(cal, idx, start + amount, seen), seen);
    case 'months':
      return result(cal, idx, nextWorkingDayFrom(cal, idx, dayNumber(addMonths(from, amount)), seen), seen);
    case 'workingDays': {
      let d = start;
      for (let left = amount; left > 0;) {
        d++;
        if (!rest(cal, idx, d, seen)) left--;
      }
      return result(cal, idx, d, seen);
    }
    default:
      throw new InvalidPeriodError('unit', unit);
  }
}

export function addPeriod(cal: CalendarData, from: string, amount: number, unit: PeriodUnit): string {
  return computePeriod(cal, from, amount, unit).date;
}
