export {
  isValidDate, addDays, addMonths, isoWeekday, compareDates, shanghaiDate, toShanghaiISO, endOfDay, endOfDayInstant,
  InvalidDateError,
} from './dates';
export { addPeriod, isRestDay, isWorkingDay, CalendarRangeError } from './periods';
export { mergeCalendars, isCalendarFile, calendarOfPackData, type CalendarFile } from './data';
