/**
 * The State Council holiday notice, read from its text: the official 2025 and 2026 notices give exactly the shipped
 * calendar files; the variants of its fixed shape are read; a notice that contradicts the statute, or that cannot be
 * read, is refused with the reason (the missing day named).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendar } from '../../engine';

const notice = (y: number) => readFileSync(`tests/engine/fixtures/notices/${y}.txt`, 'utf8');
const shipped = (y: number) => readFileSync(`configs/packs/national/data/calendar-${y}.json`, 'utf8');
const { parseNotice, checkCalendarFile } = calendar;

function parsed(text: string) {
  const r = parseNotice(text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.file;
}

describe('the official notices', () => {
  it.each([2025, 2026])('the %i notice gives the shipped calendar file, byte for byte in the pack format', (year) => {
    const file = parsed(notice(year));
    expect(file).toEqual(JSON.parse(shipped(year)));
    expect(JSON.stringify(file, null, 1)).toBe(shipped(year));
  });

  it('reads full-width punctuation and CRLF line ends the same way', () => {
    const wide = notice(2026)
      .replace(/:/g, ':')
      .replace(/\(/g, '(')
      .replace(/\)/g, ')')
      .replace(/,/g, ',')
      .replace(/\n/g, '\r\n');
    expect(parsed(wide)).toEqual(JSON.parse(shipped(2026)));
  });
});

/** A notice with other holiday lines (the statute's days of 2027; not the 2027 notice, which is not published here). */
function made(items: string[], year = 2027): string {
  return [
    `国务院办公厅关于${year}年部分节假日安排的通知`,
    '各省、自治区、直辖市人民政府:',
    ...items,
    '国务院办公厅',
    `${year - 1}年11月1日`,
  ].join('\n');
}
const base2027 = [
  '一、元旦:1月1日(周五)至3日(周日)放假,共3天。',
  '二、春节:2月5日(农历除夕、周五)至12日(农历正月初八、周五)放假调休,共8天。2月20日(周六)上班。',
  '三、清明节:4月3日(周六)至5日(周一)放假,共3天。',
  '四、劳动节:5月1日(周六)至5日(周三)放假调休,共5天。4月25日(周日)上班。',
  '五、端午节:6月9日(周三)放假1天,不调休。',
  '六、中秋节:9月15日(周三)放假1天,不调休。',
  '七、国庆节:10月1日(周五)至7日(周四)放假调休,共7天。9月26日(周日)、10月9日(周六)上班。',
];

describe('variants of the fixed shape (made-up texts for testing, 示例)', () => {
  it('reads a spanning range, 与周末连休, a separate 补休 day, 农历 notes and a heading naming two festivals', () => {
    const text = made([
      '一、元旦:1月1日(周五)放假,与周末连休。',
      '二、春节:2月5日(农历除夕、周五)至2月10日(农历正月初五、周三)放假调休,共6天。2月20日(星期六)上班。',
      '三、清明节:4月5日(周一)放假,与周末连休。',
      '四、劳动节:5月1日(周六)至5日(周三)放假调休,共5天。4月25日(周日)上班。',
      '五、端午节:6月9日(周三)放假1天,不调休。',
      '六、中秋节:9月15日(周三)放假。',
      '七、国庆节:10月1日(周五)至3日(周日)放假,10月4日(周一)补休。10月5日(周二)补休。',
    ]);
    const f = parsed(text);
    expect(f.year).toBe(2027);
    expect(f.source).toEqual({
      'zh-CN': '国务院办公厅关于2027年部分节假日安排的通知(2026年11月1日发布)',
      en: 'General Office of the State Council, Notice on the arrangement of certain holidays in 2027 (issued 1 Nov 2026)',
    });
    expect(f.holidays.filter((h) => h.name === '春节').map((h) => h.date)).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
    ]);
    expect(f.holidays.filter((h) => h.name === '国庆节').map((h) => h.date)).toEqual([
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
      '2027-10-04',
      '2027-10-05',
    ]);
    expect(f.workdays).toEqual([
      { date: '2027-02-20', name: '春节调休上班(周六)' },
      { date: '2027-04-25', name: '劳动节调休上班(周日)' },
    ]);
  });

  it('refuses a sentence with days off that is neither the first, a 补休 nor a 上班 sentence (never guessed)', () => {
    const r = parseNotice(
      made([
        '一、元旦:1月1日(周五)放假,与周末连休。',
        '二、春节:2月5日(农历除夕、周五)至12日(农历正月初八、周五)放假调休,共8天。',
        '三、清明节:4月5日(周一)放假,与周末连休。',
        '四、劳动节:5月1日(周六)至5日(周三)放假调休,共5天。',
        '五、端午节:6月9日(周三)放假1天,不调休。',
        '六、中秋节、国庆节:9月15日(周三)至21日(周二)放假调休,共7天。10月1日(周五)至3日(周日)放假。',
      ]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ code: 'NOTICE_UNREADABLE', path: '/notice/六' });
  });
});

describe('refusals', () => {
  it('a notice missing a statutory day is refused with the day named (2026 without 端午节)', () => {
    const text = notice(2026)
      .split('\n')
      .filter((l) => !l.startsWith('五、端午节'))
      .join('\n');
    const r = parseNotice(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ code: 'STATUTORY_DAY_MISSING', date: '2026-06-19' })]);
    expect(r.problems[0].message['zh-CN']).toContain('端午节');
    expect(r.problems[0].message['zh-CN']).toContain('农历五月初五');
    expect(calendar.invalidCalendarMessage(r.problems)['zh-CN']).toContain('2026-06-19');
  });

  it('a 春节 that does not include 除夕 is refused (2025 notice moved to start on 初一)', () => {
    const text = notice(2025).replace(
      '1月28日(农历除夕、周二)至2月4日(农历正月初七、周二)放假调休,共8天',
      '1月29日(农历正月初一、周三)至2月4日(农历正月初七、周二)放假调休,共7天',
    );
    const r = parseNotice(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => (p as { date?: string }).date)).toEqual(['2025-01-28']);
  });

  it('a weekday that does not match its date, or a day count that does not match the range, is refused', () => {
    const wrongDay = parseNotice(notice(2026).replace('1月1日(周四)', '1月1日(周五)'));
    expect(wrongDay.ok === false && wrongDay.problems[0].code).toBe('WEEKDAY_MISMATCH');
    const wrongCount = parseNotice(notice(2026).replace('共9天', '共8天'));
    expect(wrongCount.ok === false && wrongCount.problems[0].code).toBe('DAY_COUNT_MISMATCH');
  });

  it('a text that is not a notice is refused as unreadable', () => {
    for (const text of ['', '明天放假', '国务院办公厅关于2027年部分节假日安排的通知\n全体放假。']) {
      const r = parseNotice(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems[0].code).toBe('NOTICE_UNREADABLE');
    }
  });

  it('the made-up 2027 text above is read, and passes the statute check (all 13 days off)', () => {
    expect(parsed(made(base2027)).holidays).toHaveLength(3 + 8 + 3 + 5 + 1 + 1 + 7);
  });

  it('checks calendar data given as JSON: year, dates in the year, make-up days on weekends, no day both off and on', () => {
    const good = JSON.parse(shipped(2026));
    expect(checkCalendarFile(good, 2026)).toEqual([]);
    expect(checkCalendarFile(good, 2027)[0].code).toBe('YEAR_MISMATCH');
    const bad = {
      ...good,
      workdays: [
        ...good.workdays,
        { date: '2026-03-02', name: 'x' },
        { date: '2026-01-01', name: 'y' },
        { date: '2027-01-02', name: 'z' },
      ],
    };
    expect(checkCalendarFile(bad).map((p) => p.code)).toEqual([
      'WORKDAY_NOT_WEEKEND',
      'DUPLICATE_DATE',
      'WORKDAY_NOT_WEEKEND',
      'DATE_OUTSIDE_YEAR',
    ]);
    expect(checkCalendarFile({ ...good, year: 2024 })[0].code).toBe('YEAR_NOT_COVERED');
  });
});
