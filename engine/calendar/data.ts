/** Calendar data files (one per year, from the State Council's annual holiday notice) → CalendarData. */
import type { CalendarData, I18n } from '../types';

export interface CalendarFile {
  year: number;
  source: I18n;
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
}

export function mergeCalendars(files: CalendarFile[]): CalendarData {
  const sorted = [...files].sort((a, b) => a.year - b.year);
  return {
    years: sorted.map((f) => f.year),
    holidays: sorted.flatMap((f) => f.holidays.map((h) => h.date)),
    workdays: sorted.flatMap((f) => f.workdays.map((w) => w.date)),
  };
}

export function isCalendarFile(v: unknown): v is CalendarFile {
  const f = v as CalendarFile;
  return !!f && typeof f.year === 'number' && Array.isArray(f.holidays) && Array.isArray(f.workdays);
}

/** The legal calendar of a pack from its data files (`calendar-<year>`). */
export function calendarOfPackData(data: Record<string, unknown>): CalendarData {
  const files = Object.entries(data).filter(([k, v]) => /^calendar-\d{4}$/.test(k) && isCalendarFile(v)).map(([, v]) => v as CalendarFile);
  return mergeCalendars(files);
}
