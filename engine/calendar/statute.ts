/**
 * The rest days the statute itself fixes, for a year whose State Council notice is not loaded (DOMAIN.md "Time and
 * the legal calendar"): 《全国年节及纪念日放假办法》(2024 revision, in force 2025-01-01)
 * - Art. 2: 13 days for all citizens — 元旦 1 (1 Jan), 春节 4 (农历除夕, 正月初一至初三), 清明 1 (the 清明 solar-term
 *   day), 劳动节 2 (1–2 May), 端午 1 (农历五月初五), 中秋 1 (农历八月十五), 国庆 3 (1–3 Oct);
 * - Art. 6: a statutory day on a Saturday or Sunday is made up on a working day — provisionally the first weekday
 *   after it that is not already a rest day.
 * Lunar dates and the solar term come from tyme4ts (a maintained calendar library), never a hand-made table.
 * Make-up working days (调休) are unknown until the notice: none are assumed.
 */
import { LunarDay, SolarDay, SolarTerm } from 'tyme4ts';
import type { I18n } from '../types';
import { addDays, isoWeekday } from './dates';

/** The first year the 2024 revision governs; earlier years have no derivation here. */
export const STATUTE_FIRST_YEAR = 2025;
/** The last year a provisional calendar is derived for (bounds every period computation). */
export const STATUTE_LAST_YEAR = 2100;

export const STATUTE: I18n = {
  'zh-CN': '《全国年节及纪念日放假办法》(2024年修订)第二条、第六条',
  en: 'National Measures on Holidays and Commemorative Days (2024 revision), Arts. 2 and 6',
};

export interface StatutoryDay {
  date: string;
  name: string;
  /** What the statute names, e.g. 农历除夕, 清明节气. */
  what: string;
}

export interface DerivedDay {
  date: string;
  name: string;
  kind: 'statutory' | 'substitute';
  /** For a substitute day: the statutory day (on a weekend) it makes up for. */
  for?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: SolarDay) => `${d.getYear()}-${pad(d.getMonth())}-${pad(d.getDay())}`;

export function statuteCovers(year: number): boolean {
  return Number.isInteger(year) && year >= STATUTE_FIRST_YEAR && year <= STATUTE_LAST_YEAR;
}

const statutoryCache = new Map<number, StatutoryDay[]>();

/** The 13 days of Art. 2 in `year`, in date order. */
export function statutoryDays(year: number): StatutoryDay[] {
  if (!statuteCovers(year))
    throw new RangeError(`the statute is only derived for ${STATUTE_FIRST_YEAR}–${STATUTE_LAST_YEAR}, not ${year}`);
  const hit = statutoryCache.get(year);
  if (hit) return hit;
  const chuyi = LunarDay.fromYmd(year, 1, 1).getSolarDay();
  const days: StatutoryDay[] = [
    { date: `${year}-01-01`, name: '元旦', what: '1月1日' },
    { date: iso(chuyi.next(-1)), name: '春节', what: '农历除夕' },
    { date: iso(chuyi), name: '春节', what: '农历正月初一' },
    { date: iso(chuyi.next(1)), name: '春节', what: '农历正月初二' },
    { date: iso(chuyi.next(2)), name: '春节', what: '农历正月初三' },
    { date: iso(SolarTerm.fromName(year, '清明').getSolarDay()), name: '清明节', what: '清明节气' },
    { date: `${year}-05-01`, name: '劳动节', what: '5月1日' },
    { date: `${year}-05-02`, name: '劳动节', what: '5月2日' },
    { date: iso(LunarDay.fromYmd(year, 5, 5).getSolarDay()), name: '端午节', what: '农历五月初五' },
    { date: iso(LunarDay.fromYmd(year, 8, 15).getSolarDay()), name: '中秋节', what: '农历八月十五' },
    { date: `${year}-10-01`, name: '国庆节', what: '10月1日' },
    { date: `${year}-10-02`, name: '国庆节', what: '10月2日' },
    { date: `${year}-10-03`, name: '国庆节', what: '10月3日' },
  ];
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  statutoryCache.set(year, days);
  return days;
}

const provisionalCache = new Map<number, DerivedDay[]>();

/** A year's rest days as the statute alone gives them: Art. 2 days plus the provisional Art. 6 substitutes, in date order. */
export function provisionalHolidays(year: number): DerivedDay[] {
  const hit = provisionalCache.get(year);
  if (hit) return hit;
  const statutory = statutoryDays(year);
  const rest = new Set(statutory.map((d) => d.date));
  const out: DerivedDay[] = statutory.map((d) => ({ date: d.date, name: d.name, kind: 'statutory' }));
  for (const d of statutory) {
    if (isoWeekday(d.date) < 6) continue;
    let sub = addDays(d.date, 1);
    while (isoWeekday(sub) >= 6 || rest.has(sub)) sub = addDays(sub, 1);
    rest.add(sub);
    out.push({ date: sub, name: `${d.name}(补休)`, kind: 'substitute', for: d.date });
  }
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  provisionalCache.set(year, out);
  return out;
}
