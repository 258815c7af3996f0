/**
 * The State Council General Office's annual holiday notice (国务院办公厅关于…年部分节假日安排的通知), read from its text
 * into a calendar file, and any calendar file checked against the statute.
 *
 * The notice has a fixed shape: a title naming the year, an optional document number (国办发明电〔2024〕12号), one
 * line per holiday — "一、元旦:1月1日(周五)至3日(周日)放假调休,共3天。1月4日(周日)上班。" — and the issuing date
 * at the end. Variants the notices use: a single day ("1月1日(周三)放假1天,不调休"), "与周末连休", a separate
 * "补休" day, 农历 notes inside the brackets ("(农历除夕、周二)"), a range across months, a later day without its
 * month ("至3日"), and two festivals under one heading ("国庆节、中秋节"). Full-width punctuation is accepted.
 * Nothing is guessed: a sentence with dates that is not understood, a weekday that does not match its date, or a day
 * count ("共8天") that does not match the range refuses the notice.
 */
import type { I18n, ProblemDetail } from '../types';
import type { CalendarFile } from './data';
import { addDays, isValidDate, isoWeekday } from './dates';
import { STATUTE, STATUTE_FIRST_YEAR, STATUTE_LAST_YEAR, statutoryDays } from './statute';

export type NoticeResult = { ok: true; file: CalendarFile } | { ok: false; problems: ProblemDetail[] };

const WEEKDAY_ZH = ['', '一', '二', '三', '四', '五', '六', '日'];
const WEEKDAY_OF: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Document-number prefixes of the State Council (General Office) in pinyin, for the English source line. */
const DOC_PREFIX_EN: Record<string, string> = {
  国办发明电: 'Guobanfamingdian',
  国办发: 'Guobanfa',
  国发明电: 'Guofamingdian',
  国发: 'Guofa',
  国办函: 'Guobanhan',
};

const prob = (
  path: string,
  code: string,
  zh: string,
  en: string,
  date?: string,
): ProblemDetail & { date?: string } => ({ path, code, message: { 'zh-CN': zh, en }, ...(date ? { date } : {}) });

function normalize(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => (c === '\uFF5E' ? c : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(/[\u3000\t ]+/g, '')
    .replace(/\r\n?/g, '\n');
}

const pad = (n: number) => String(n).padStart(2, '0');

interface DateToken {
  date: string;
  end: number;
  start: number;
  weekday?: number;
  raw: string;
}

/** Every date in a sentence; a date without a month takes the previous one's, a date without a year the notice's. */
function datesIn(
  sentence: string,
  year: number,
  state: { month?: number },
  path: string,
  problems: ProblemDetail[],
): DateToken[] {
  const out: DateToken[] = [];
  const re = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?/g;
  for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
    const y = m[1] ? Number(m[1]) : year;
    const month = m[2] ? Number(m[2]) : state.month;
    if (month === undefined) {
      problems.push(prob(path, 'NOTICE_UNREADABLE', `「${m[0]}」没有月份`, `'${m[0]}' has no month`));
      continue;
    }
    state.month = month;
    const date = `${y}-${pad(month)}-${pad(Number(m[3]))}`;
    if (!isValidDate(date)) {
      problems.push(prob(path, 'INVALID_DATE', `「${m[0]}」不是有效日期`, `'${m[0]}' is not a valid date`));
      continue;
    }
    const wd = m[4] ? /(?:周|星期)([一二三四五六日天])(?!.*(?:周|星期))/.exec(m[4]) : null;
    out.push({
      date,
      start: m.index,
      end: m.index + m[0].length,
      raw: m[0],
      ...(wd ? { weekday: WEEKDAY_OF[wd[1]] } : {}),
    });
  }
  return out;
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

function sourceOf(
  title: string,
  docNo: string | undefined,
  issued: { y: number; m: number; d: number } | undefined,
  year: number,
): I18n {
  const dateZh = issued ? `${issued.y}年${issued.m}月${issued.d}日` : '';
  const dateEn = issued ? `${issued.d} ${MONTHS_EN[issued.m - 1]} ${issued.y}` : '';
  let docEn: string | undefined;
  if (docNo) {
    const m = /^(.+)〔(\d{4})〕(\d+)号$/.exec(docNo);
    docEn = m ? `${DOC_PREFIX_EN[m[1]] ?? m[1]} [${m[2]}] No. ${m[3]}` : docNo;
  }
  const zhParts = docNo ? [docNo, dateZh].filter(Boolean).join(',') : dateZh ? `${dateZh}发布` : '';
  const enParts = docEn ? [docEn, dateEn].filter(Boolean).join(', ') : dateEn ? `issued ${dateEn}` : '';
  return {
    'zh-CN': zhParts ? `${title}(${zhParts})` : title,
    en: `General Office of the State Council, Notice on the arrangement of certain holidays in ${year}${enParts ? ` (${enParts})` : ''}`,
  };
}

/** Reads a notice's text into a calendar file (checked against the statute), or says what is wrong with it. */
export function parseNotice(input: string): NoticeResult {
  const problems: ProblemDetail[] = [];
  if (typeof input !== 'string' || !input.trim()) {
    return { ok: false, problems: [prob('/notice', 'NOTICE_UNREADABLE', '通知正文为空', 'the notice text is empty')] };
  }
  const lines = normalize(input).split('\n').filter(Boolean);
  const titleLine = lines.find((l) => /^国务院办公厅关于\d{4}年.*节假日安排的通知$/.test(l));
  const titleMatch = titleLine ? /^国务院办公厅关于(\d{4})年/.exec(titleLine) : null;
  if (!titleLine || !titleMatch) {
    return {
      ok: false,
      problems: [
        prob(
          '/notice',
          'NOTICE_UNREADABLE',
          '找不到通知标题「国务院办公厅关于××××年部分节假日安排的通知」',
          "no title 'Notice of the General Office of the State Council on the arrangement of certain holidays in YYYY' found",
        ),
      ],
    };
  }
  const year = Number(titleMatch[1]);
  const docNo = lines.find((l) => /^国[^〔]*〔\d{4}〕\d+号$/.test(l));
  const dateLines = lines
    .map((l) => /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m);
  const last = dateLines[dateLines.length - 1];
  const issued = last ? { y: Number(last[1]), m: Number(last[2]), d: Number(last[3]) } : undefined;

  const holidays: { date: string; name: string }[] = [];
  const workdays: { date: string; name: string }[] = [];
  const items = lines
    .map((l) => /^([一二三四五六七八九十]+)、([^:]{1,20}):(.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m);
  if (!items.length)
    problems.push(
      prob(
        '/notice',
        'NOTICE_UNREADABLE',
        '找不到放假安排条目(如「一、元旦:…」)',
        "no holiday items found (like '一、元旦:…')",
      ),
    );

  for (const [, num, name, body] of items) {
    const path = `/notice/${num}`;
    const first = name.split('、')[0];
    const state: { month?: number } = {};
    const sentences = body.split('。').filter(Boolean);
    const own: string[] = [];
    const checkWeekday = (t: DateToken) => {
      if (t.weekday !== undefined && isoWeekday(t.date) !== t.weekday) {
        problems.push(
          prob(
            path,
            'WEEKDAY_MISMATCH',
            `${name}:${t.raw} 标注为周${WEEKDAY_ZH[t.weekday]},但 ${t.date} 是周${WEEKDAY_ZH[isoWeekday(t.date)]}`,
            `${name}: ${t.raw} says weekday ${t.weekday}, but ${t.date} is weekday ${isoWeekday(t.date)}`,
            t.date,
          ),
        );
      }
    };
    sentences.forEach((sentence, i) => {
      const dates = datesIn(sentence, year, state, path, problems);
      dates.forEach(checkWeekday);
      if (!dates.length) return;
      const rest = (from: number) => sentence.slice(from);
      if (/上班$/.test(sentence) && !/放假|补休/.test(sentence)) {
        for (const t of dates)
          workdays.push({ date: t.date, name: `${first}调休上班(周${WEEKDAY_ZH[isoWeekday(t.date)]})` });
        return;
      }
      if (i === 0 && /放假/.test(sentence)) {
        const [a, b] = dates;
        const isRange = b !== undefined && sentence.slice(a.end, b.start) === '至';
        const days = isRange ? daysBetween(a.date, b.date) : [a.date];
        if (isRange && b.date < a.date)
          problems.push(
            prob(
              path,
              'NOTICE_UNREADABLE',
              `${name}:放假区间结束早于开始`,
              `${name}: the holiday range ends before it starts`,
            ),
          );
        own.push(...days);
        // "D放假,E补休": more days off in the same sentence
        for (const t of dates.slice(isRange ? 2 : 1)) {
          if (/^补休/.test(rest(t.end))) own.push(t.date);
          else
            problems.push(
              prob(
                path,
                'NOTICE_UNREADABLE',
                `${name}:无法理解「${sentence}」中的 ${t.raw}`,
                `${name}: cannot read ${t.raw} in '${sentence}'`,
                t.date,
              ),
            );
        }
        const count = /共(\d+)天/.exec(sentence) ?? /放假(\d+)天/.exec(sentence);
        if (count && Number(count[1]) !== own.length) {
          problems.push(
            prob(
              path,
              'DAY_COUNT_MISMATCH',
              `${name}:通知写明共 ${count[1]} 天,所列日期为 ${own.length} 天`,
              `${name}: the notice says ${count[1]} days, the dates listed give ${own.length}`,
            ),
          );
        }
        return;
      }
      if (/补休$/.test(sentence)) {
        own.push(...dates.map((t) => t.date));
        return;
      }
      problems.push(
        prob(
          path,
          'NOTICE_UNREADABLE',
          `${name}:无法理解「${sentence}」`,
          `${name}: cannot read '${sentence}'`,
          dates[0].date,
        ),
      );
    });
    if (!own.length)
      problems.push(prob(path, 'NOTICE_UNREADABLE', `${name}:没有找到放假日期`, `${name}: no days off found`));
    for (const date of own) holidays.push({ date, name });
  }
  if (problems.length) return { ok: false, problems };
  const byDate = (a: { date: string }, b: { date: string }) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  const file: CalendarFile = {
    year,
    source: sourceOf(titleLine, docNo, issued, year),
    holidays: holidays.sort(byDate),
    workdays: workdays.sort(byDate),
  };
  const check = checkCalendarFile(file);
  return check.length ? { ok: false, problems: check } : { ok: true, file };
}

/**
 * Checks a calendar file (parsed from a notice or given as data): its shape, dates in its year, make-up days on
 * weekends, no day both off and on, and the statute — every Art. 2 day of the year must be a rest day.
 */
export function checkCalendarFile(file: unknown, expectedYear?: number): ProblemDetail[] {
  const f = file as Partial<CalendarFile> | null;
  const problems: ProblemDetail[] = [];
  if (!f || typeof f !== 'object')
    return [prob('', 'INVALID_CALENDAR', '日历应为对象', 'the calendar must be an object')];
  const year = f.year;
  if (!Number.isInteger(year)) problems.push(prob('/year', 'INVALID_CALENDAR', '缺少年份', 'the year is missing'));
  else if (expectedYear !== undefined && year !== expectedYear) {
    problems.push(
      prob(
        '/year',
        'YEAR_MISMATCH',
        `通知是 ${year} 年的,而不是 ${expectedYear} 年`,
        `the notice is for ${year}, not ${expectedYear}`,
      ),
    );
  } else if (year! < STATUTE_FIRST_YEAR || year! > STATUTE_LAST_YEAR) {
    problems.push(
      prob(
        '/year',
        'YEAR_NOT_COVERED',
        `只能载入 ${STATUTE_FIRST_YEAR}–${STATUTE_LAST_YEAR} 年的日历(2024年修订的放假办法自2025年起施行)`,
        `only ${STATUTE_FIRST_YEAR}–${STATUTE_LAST_YEAR} can be loaded (the 2024 statute applies from 2025)`,
      ),
    );
  }
  const src = f.source as I18n | undefined;
  if (!src || typeof src['zh-CN'] !== 'string' || !src['zh-CN'] || typeof src.en !== 'string' || !src.en) {
    problems.push(
      prob(
        '/source',
        'INVALID_CALENDAR',
        '来源须写明通知(中文与英文)',
        'the source must name the notice (zh-CN and en)',
      ),
    );
  }
  const seen = new Map<string, string>();
  for (const kind of ['holidays', 'workdays'] as const) {
    const list = f[kind];
    if (!Array.isArray(list)) {
      problems.push(prob(`/${kind}`, 'INVALID_CALENDAR', `${kind} 应为数组`, `${kind} must be an array`));
      continue;
    }
    list.forEach((d, i) => {
      const path = `/${kind}/${i}`;
      if (!d || typeof d !== 'object' || !isValidDate(d.date) || typeof d.name !== 'string' || !d.name) {
        problems.push(
          prob(
            path,
            'INVALID_CALENDAR',
            '每一天须有有效日期(YYYY-MM-DD)和名称',
            'each day needs a valid date (YYYY-MM-DD) and a name',
          ),
        );
        return;
      }
      if (Number.isInteger(year) && !d.date.startsWith(`${year}-`)) {
        problems.push(
          prob(path, 'DATE_OUTSIDE_YEAR', `${d.date} 不在 ${year} 年内`, `${d.date} is not in ${year}`, d.date),
        );
      }
      if (seen.has(d.date))
        problems.push(
          prob(
            path,
            'DUPLICATE_DATE',
            `${d.date} 重复出现(${seen.get(d.date)})`,
            `${d.date} is listed twice (${seen.get(d.date)})`,
            d.date,
          ),
        );
      seen.set(d.date, kind);
      if (kind === 'workdays' && isoWeekday(d.date) < 6) {
        problems.push(
          prob(
            path,
            'WORKDAY_NOT_WEEKEND',
            `调休上班日 ${d.date} 不是周末`,
            `the make-up working day ${d.date} is not a weekend day`,
            d.date,
          ),
        );
      }
    });
  }
  if (problems.length || !Number.isInteger(year)) return problems;
  const off = new Set(f.holidays!.map((h) => h.date));
  const on = new Set(f.workdays!.map((w) => w.date));
  for (const s of statutoryDays(year!)) {
    const rest = off.has(s.date) || (isoWeekday(s.date) >= 6 && !on.has(s.date));
    if (!rest) {
      problems.push(
        prob(
          '/holidays',
          'STATUTORY_DAY_MISSING',
          `${s.date}(${s.name}·${s.what})是${STATUTE['zh-CN']}规定的全体公民放假日,通知未安排放假`,
          `${s.date} (${s.name}, ${s.what}) is a statutory day off for all citizens under the ${STATUTE.en}, but the notice does not give it off`,
          s.date,
        ),
      );
    }
  }
  return problems;
}

/** The statute's problems as one INVALID_CALENDAR message. */
export function invalidCalendarMessage(problems: ProblemDetail[]): I18n {
  const missing = problems.filter((p) => p.code === 'STATUTORY_DAY_MISSING').map((p) => (p as { date?: string }).date);
  return missing.length
    ? {
        'zh-CN': `节假日安排与法定假日不符:${missing.join('、')} 未放假`,
        en: `the holiday arrangement contradicts the statute: ${missing.join(', ')} not given off`,
      }
    : {
        'zh-CN': `节假日通知无法载入(${problems.length} 个问题)`,
        en: `the holiday notice cannot be loaded (${problems.length} problem(s))`,
      };
}
