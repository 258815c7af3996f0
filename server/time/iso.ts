/** Every instant the API writes is ISO 8601 in Asia/Shanghai (+08:00). */
import { calendar } from '../../engine';
import { fail } from '../errors';

export const iso = (d: Date): string => calendar.toShanghaiISO(d);

/** A stored instant (any offset) as the API writes it. */
export const isoOf = (s: string): string => calendar.toShanghaiISO(new Date(s));

/** An ISO 8601 instant that JavaScript can represent (a leap second such as 23:59:60 cannot): else 400. */
export function instant(text: string, path: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    throw fail(
      'BAD_REQUEST',
      `时间「${text}」无法表示(例如闰秒 23:59:60)`,
      `the instant '${text}' cannot be represented (a leap second such as 23:59:60, say)`,
      [{ path, message: { 'zh-CN': '无效的时间', en: 'invalid instant' } }],
    );
  }
  return d;
}
