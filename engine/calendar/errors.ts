/**
 * Calendar failures. Each carries its stable code, a bilingual message and bilingual details, so a step can refuse
 * with them as they are (a calendar failure inside a rule is an error of the step, never a rule result).
 */
import type { I18n } from '../types';

export abstract class CalendarError extends Error {
  abstract readonly code: 'CALENDAR_RANGE' | 'INVALID_PERIOD';
  abstract readonly i18n: I18n;
  abstract readonly details: Record<string, unknown>;
}

/**
 * A period needs a day the calendar cannot answer for: a year without a notice in a pack whose `calendarPolicy` is
 * `refuse`, or a year outside the statute's derivation (before 2025, after 2100).
 */
export class CalendarRangeError extends CalendarError {
  readonly code = 'CALENDAR_RANGE' as const;
  readonly i18n: I18n;
  readonly details: { date: string; years: number[]; reason: I18n };
  constructor(
    readonly date: string,
    readonly years: number[],
    why: 'refuse' | 'statute',
  ) {
    super(`date ${date} is outside the legal calendar data (${years.join(', ')})`);
    const y = date.slice(0, 4);
    const listZh = years.length ? `${years.join('、')} 年` : '无';
    const listEn = years.length ? years.join(', ') : 'none';
    this.i18n = {
      'zh-CN': `日期 ${date} 超出法定节假日日历的范围(已载入通知:${listZh})`,
      en: `date ${date} is outside the legal calendar data (notices loaded: ${listEn})`,
    };
    const reason: I18n =
      why === 'refuse'
        ? {
            'zh-CN': `${y} 年的国务院办公厅节假日安排通知尚未载入,且本配置包的 calendarPolicy 为 refuse(不按法定假日暂定推算):请先载入该年通知`,
            en: `the State Council holiday notice for ${y} is not loaded and this pack's calendarPolicy is "refuse" (no provisional days from the statute): load that year's notice first`,
          }
        : {
            'zh-CN': `${y} 年既无通知,也不在《全国年节及纪念日放假办法》(2024年修订)可推算的年份(2025–2100 年)之内`,
            en: `${y} has no notice and lies outside the years the 2024 National Measures on Holidays can be applied to (2025–2100)`,
          };
    this.details = { date, years, reason };
  }
}

/** A period that cannot be computed at all: an impossible date, a negative or fractional amount, an unknown unit. */
export class InvalidPeriodError extends CalendarError {
  readonly code = 'INVALID_PERIOD' as const;
  readonly i18n: I18n;
  readonly details: { field: string; value: unknown; reason: I18n };
  constructor(field: 'date' | 'amount' | 'unit', value: unknown) {
    super(`invalid period ${field}: ${JSON.stringify(value)}`);
    const what: Record<typeof field, I18n> = {
      date: {
        'zh-CN': `不是有效的日期(YYYY-MM-DD):${JSON.stringify(value)}`,
        en: `not a valid YYYY-MM-DD date: ${JSON.stringify(value)}`,
      },
      amount: {
        'zh-CN': `期间长度应为不小于 0 的整数:${JSON.stringify(value)}`,
        en: `a period amount must be a whole number ≥ 0: ${JSON.stringify(value)}`,
      },
      unit: { 'zh-CN': `未知的期间单位:${JSON.stringify(value)}`, en: `unknown period unit: ${JSON.stringify(value)}` },
    };
    this.i18n = {
      'zh-CN': `期间无法计算:${what[field]['zh-CN']}`,
      en: `the period cannot be computed: ${what[field].en}`,
    };
    this.details = { field, value, reason: what[field] };
  }
}
