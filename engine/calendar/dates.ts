/** Plain calendar-date arithmetic on YYYY-MM-DD strings, and Asia/Shanghai time (UTC+8, no DST). */
import type { I18n } from '../types';
import { InvalidPeriodError } from './errors';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends InvalidPeriodError {
  constructor(readonly value: unknown) {
    super('date', value);
  }
}

const known = new Set<string>();

export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  if (known.has(s)) return true;
  if (!check(s)) return false;
  if (known.size > 10_000) known.clear();
  known.add(s);
  return true;
}

function check(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function toUtc(date: string): Date {
  if (!isValidDate(date)) throw new InvalidDateError(date);
  return new Date(date + 'T00:00:00Z');
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** Same day-of-month n months later, clamped to the month's last day. */
export function addMonths(date: string, n: number): string {
  const d = toUtc(date);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return fromUtc(target);
}

/** Monday = 1 … Sunday = 7. */
export function isoWeekday(date: string): number {
  const wd = toUtc(date).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: between them `toISOString` has a four-digit year. */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_800_000] as const;

/** The last local day formatted (a step formats its `now` and `today`, and consecutive steps share a day). */
let lastDay = Number.NaN;
let lastDayText = '';

function dayText(dayNumber: number): string {
  if (dayNumber !== lastDay) {
    lastDayText = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    lastDay = dayNumber;
  }
  return lastDayText;
}

const two = (n: number) => (n < 10 ? '0' : '') + n;
const three = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

export function shanghaiDate(instant: Date): string {
  const local = instant.getTime() + SHANGHAI_OFFSET_MS;
  if (!(local >= FOUR_DIGIT_YEARS[0] && local < FOUR_DIGIT_YEARS[1])) return isoOf(local).slice(0, 10);
  return dayText(Math.floor(local / DAY_MS));
}

/** e.g. 2025-10-01T09:00:00+08:00 (milliseconds kept when present). */
export function toShanghaiISO(instant: Date): string {
  const local = instant.getTime() + SHANGHAI_OFFSET_MS;
  if (!(local >= FOUR_DIGIT_YEARS[0] && local < FOUR_DIGIT_YEARS[1])) {
    // years outside 0000–9999, and invalid dates (RangeError), as toISOString has them
    const text = isoOf(local);
    const ms = text.slice(19, 23);
    return text.slice(0, 19) + (ms === '.000' ? '' : ms) + '+08:00';
  }
  const dayNumber = Math.floor(local / DAY_MS);
  let rest = local - dayNumber * DAY_MS;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const s = rest % 60;
  rest = (rest - s) / 60;
  const m = rest % 60;
  const h = (rest - m) / 60;
  return `${dayText(dayNumber)}T${two(h)}:${two(m)}:${two(s)}${ms ? '.' + three(ms) : ''}+08:00`;
}

function isoOf(local: number): string {
  return new Date(local).toISOString();
}

export function endOfDay(date: string): string {
  if (!isValidDate(date)) throw new InvalidDateError(date);
  return `${date}T23:59:59+08:00`;
}

export function endOfDayInstant(date: string): Date {
  return new Date(endOfDay(date));
}

export type { I18n };
