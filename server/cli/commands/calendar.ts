/**
 * `gongzhi calendar import <notice.txt> [--pack national] [--packs-dir configs/packs] [--dry-run]`: reads the text of
 * a State Council holiday notice (国务院办公厅关于…年部分节假日安排的通知), checks it against the statute, and writes
 * the pack's `data/calendar-<year>.json` in the pack format. A running server picks the file up at its next start and
 * recomputes running cases' deadlines that read the year (or load the notice into a running server with
 * `PUT /api/packs/<pack>/calendar/<year>`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { calendar } from '../../../engine';
import type { Command, Out } from '../command';

export const calendarImport: Command = {
  name: 'calendar',
  usage: [
    '  gongzhi calendar import <notice.txt> [--pack national] [--packs-dir configs/packs] [--dry-run]',
    "                                       载入国务院办公厅节假日安排通知 / read a State Council holiday notice into the pack's calendar-<year>.json",
  ].join('\n'),
  run({ positionals: [sub, file], options, out, usage }) {
    if (sub !== 'import' || !file) {
      out(usage);
      return 2;
    }
    return cmdCalendarImport(
      file,
      {
        pack: options.pack || 'national',
        packsDir: options['packs-dir'] || 'configs/packs',
        dryRun: options['dry-run'] === true,
      },
      out,
    );
  },
};

export function cmdCalendarImport(
  file: string,
  opts: { pack: string; packsDir: string; dryRun: boolean },
  out: Out,
): number {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(opts.pack)) {
    out(`✗ 配置包编号无效 / invalid pack id: ${opts.pack}`);
    return 2;
  }
  const packDir = resolve(opts.packsDir, opts.pack);
  if (!existsSync(join(packDir, 'pack.json'))) {
    out(`✗ [PACK_FILE] ${join(packDir, 'pack.json')}: 找不到配置包 / pack not found`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    out(`✗ 无法读取通知 / cannot read the notice ${file}: ${(e as Error).message}`);
    return 1;
  }
  const r = calendar.parseNotice(text);
  if (!r.ok) {
    const msg = calendar.invalidCalendarMessage(r.problems);
    out(`✗ [INVALID_CALENDAR] ${file}: ${msg['zh-CN']} / ${msg.en}`);
    for (const p of r.problems) out(`  ✗ [${p.code}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);
    return 1;
  }
  const f = r.file;
  const target = join(packDir, 'data', `calendar-${f.year}.json`);
  const json = JSON.stringify(f, null, 1);
  const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  out(`✓ 已读取 / read: ${f.source['zh-CN']}`);
  out(
    `  ${f.year} 年:放假 ${f.holidays.length} 天,调休上班 ${f.workdays.length} 天 / ${f.holidays.length} days off, ${f.workdays.length} make-up working days; 法定假日核对通过 / statutory days checked`,
  );
  if (existing !== undefined && JSON.stringify(JSON.parse(existing)) === JSON.stringify(f)) {
    out(`  = 未变 / unchanged: ${target}`);
    return 0;
  }
  if (opts.dryRun) {
    out(`  (预览,未写入 / dry run, nothing written) → ${target}`);
    return 0;
  }
  writeFileSync(target, json);
  out(`  ${existing === undefined ? '+ 已写入 / written' : '~ 已替换 / replaced'}: ${target}`);
  out(
    `  服务器下次启动时按此重算在办案件的期限;或不重启载入运行中的服务器 / the server recomputes running cases' deadlines at its next start; or load it into a running server:`,
  );
  out(`    PUT /api/packs/${opts.pack}/calendar/${f.year}  {"notice": "…"}`);
  return 0;
}
