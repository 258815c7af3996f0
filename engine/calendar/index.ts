export type { I18n } from '../types';
export {
  isValidDate,
  addDays,
  addMonths,
  isoWeekday,
  compareDates,
  shanghaiDate,
  toShanghaiISO,
  endOfDay,
  endOfDayInstant,
  InvalidDateError,
} from './dates';
export { CalendarError, CalendarRangeError, InvalidPeriodError } from './errors';
export { addPeriod, computePeriod, dayStatus, isRestDay, isWorkingDay, yearStatus, type PeriodResult } from './periods';
export {
  statutoryDays,
  provisionalHolidays,
  statuteCovers,
  STATUTE,
  STATUTE_FIRST_YEAR,
  STATUTE_LAST_YEAR,
  type StatutoryDay,
  type DerivedDay,
} from './statute';
export {
  mergeCalendars,
  isCalendarFile,
  calendarFiles,
  calendarOfPackData,
  calendarYear,
  type CalendarFile,
  type CalendarYearView,
} from './data';
export { parseNotice, checkCalendarFile, invalidCalendarMessage, type NoticeResult } from './notice';
