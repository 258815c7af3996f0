/**
 * What the start-up banner says about the legal calendar: which years in the next 12 months have no State Council
 * notice loaded (so periods reading them are provisional, or refused for packs with calendarPolicy "refuse"), and
 * how to load the notice.
 */
import { calendar, type ResolvedPack } from '../../engine';

/** Years the next 12 months touch, from `now` (Asia/Shanghai). */
export function yearsAhead(now: Date): number[] {
  const today = calendar.shanghaiDate(now);
  const y = Number(today.slice(0, 4));
  const later = calendar.addMonths(today, 12);
  return Number(later.slice(0, 4)) > y ? [y, y + 1] : [y];
}

/** The banner lines (Chinese, then English); none when every year ahead is official for every pack. */
export function calendarBanner(packs: ResolvedPack[], now: Date): string[] {
  const ahead = yearsAhead(now);
  const byYear = new Map<number, { provisional: string[]; refused: string[] }>();
  for (const p of [...packs].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const year of ahead) {
      const status = calendar.yearStatus(p.calendar, year);
      if (status === 'official') continue;
      const entry = byYear.get(year) ?? { provisional: [], refused: [] };
      (status === 'provisional' ? entry.provisional : entry.refused).push(p.id);
      byYear.set(year, entry);
    }
  }
  const lines: string[] = [];
  for (const [year, { provisional, refused }] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const span = `${year}-01-01 – ${year}-12-31`;
    lines.push(
      `  ! ${year} 年国务院办公厅节假日安排通知尚未载入 / no State Council holiday notice loaded for ${year}:`,
    );
    if (provisional.length) {
      lines.push(
        `    读到 ${span} 的期限按${calendar.STATUTE['zh-CN']}推算,标为暂定(provisional)— 配置包:${provisional.join(', ')}`,
      );
      lines.push(
        `    periods that read ${span} are derived from the ${calendar.STATUTE.en} and marked provisional — packs: ${provisional.join(', ')}`,
      );
    }
    if (refused.length) {
      lines.push(`    calendarPolicy 为 refuse 的配置包拒绝此类期限(CALENDAR_RANGE):${refused.join(', ')}`);
      lines.push(`    packs with calendarPolicy "refuse" refuse such periods (CALENDAR_RANGE): ${refused.join(', ')}`);
    }
    lines.push(`    通知发布后载入 / load the notice when it is published:`);
    lines.push(`      npx gongzhi calendar import <notice-${year}.txt> --pack national`);
    lines.push(
      `      PUT /api/packs/national/calendar/${year}  {"notice": "<通知全文 / the notice's text>"}  (?dryRun=1 先预览 / preview first)`,
    );
  }
  return lines;
}
