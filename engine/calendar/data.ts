/** Calendar data files (one per year, from the State Council's annual holiday notice) → CalendarData. */
import type { CalendarData, CalendarPolicy, I18n } from '../types';
import { STATUTE, provisionalHolidays, statuteCovers } from './statute';

export interface CalendarFile {
  year: number;
  source: I18n;
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
}

export function mergeCalendars(files: CalendarFile[], policy?: CalendarPolicy): CalendarData {
  const sorted = [...files].sort((a, b) => a.year - b.year);
  return {
    years: sorted.map((f) => f.year),
    holidays: sorted.flatMap((f) => f.holidays.map((h) => h.date)),
    workdays: sorted.flatMap((f) => f.workdays.map((w) => w.date)),
    ...(policy === 'refuse' ? { policy } : {}),
  };
}

export function isCalendarFile(v: unknown): v is CalendarFile {
  const f = v as CalendarFile;
  return !!f && typeof f.year === 'number' && Array.isArray(f.holidays) && Array.isArray(f.workdays);
}

/** The calendar files among a pack's data (`calendar-<year>`), by year. */
export function calendarFiles(data: Record<string, unknown>): Map<number, CalendarFile> {
  const out = new Map<number, CalendarFile>();
  for (const [k, v] of Object.entries(data)) if (/^calendar-\d{4}$/.test(k) && isCalendarFile(v)) out.set(v.year, v);
  return out;
}

/** The legal calendar of a pack from its data files (`calendar-<year>`) and its calendar policy. */
export function calendarOfPackData(data: Record<string, unknown>, policy?: CalendarPolicy): CalendarData {
  return mergeCalendars([...calendarFiles(data).values()], policy);
}

export interface CalendarYearView {
  year: number;
  /** Whether the State Council's notice for the year is loaded. */
  official: boolean;
  source: I18n | null;
  /** Rest days; in a year without a notice, the statutory days and provisional substitute days (`provisional: true`). */
  holidays: { date: string; name: string; provisional?: true; kind?: 'statutory' | 'substitute'; for?: string }[];
  workdays: { date: string; name: string }[];
  policy: CalendarPolicy;
}

/** One year of a pack's calendar as the API shows it: the notice's days, or the days the statute alone fixes. */
export function calendarYear(
  data: Record<string, unknown>,
  year: number,
  policy: CalendarPolicy = 'provisional',
): CalendarYearView {
  const file = calendarFiles(data).get(year);
  if (file)
    return { year, official: true, source: file.source, holidays: file.holidays, workdays: file.workdays, policy };
  if (!statuteCovers(year)) return { year, official: false, source: null, holidays: [], workdays: [], policy };
  return {
    year,
    official: false,
    policy,
    source: {
      'zh-CN': `暂定:${year} 年国务院办公厅节假日安排通知尚未载入,按${STATUTE['zh-CN']}推算(不含调休上班日)`,
      en: `Provisional: the State Council holiday notice for ${year} is not loaded; derived from the ${STATUTE.en} (no make-up working days)`,
    },
    holidays: provisionalHolidays(year).map((d) => ({
      date: d.date,
      name: d.name,
      provisional: true,
      kind: d.kind,
      ...(d.for ? { for: d.for } : {}),
    })),
    workdays: [],
  };
}
