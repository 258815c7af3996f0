/**
 * Exports staff open in office software (.xlsx, written with exceljs): the case list as the desk shows it (every
 * page of a listing, up to EXPORT_LIMIT rows; a last row says when there were more), and the figures of
 * `GET /api/stats` with each figure's definition (engine/figures.ts). Headers in Chinese, or English with
 * `lang=en`; titles, never ids, except the case number column kept for finding a case again.
 */
import ExcelJS from 'exceljs';
import {
  FIGURE,
  FIGURES,
  WINDOW_DEFINITION,
  leadingDeadline,
  provisionalMarks,
  stateTitleOf,
  type I18n,
  type Instance,
  type ProcedureDoc,
} from '../../engine';

export const EXPORT_LIMIT = 10_000;

export type Lang = 'zh-CN' | 'en';
const pick = (v: I18n | undefined, lang: Lang, fallback = '') => (v ? v[lang] || v['zh-CN'] : fallback);
const tx = (zh: string, en: string): I18n => ({ 'zh-CN': zh, en });

const STATUS: Record<string, I18n> = {
  active: tx('办理中', 'active'),
  done: tx('已办结', 'done'),
  cancelled: tx('已撤销', 'cancelled'),
};

/** Shanghai wall-clock time of an instant, `YYYY-MM-DD HH:mm`. */
function local(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = new Date(t + 8 * 3600_000).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

export const CASE_COLUMNS: { key: string; title: I18n; width: number }[] = [
  { key: 'businessKey', title: tx('业务编号', 'Business key'), width: 22 },
  { key: 'procedure', title: tx('流程', 'Procedure'), width: 24 },
  { key: 'state', title: tx('当前环节', 'Current state'), width: 26 },
  { key: 'status', title: tx('办理状态', 'Status'), width: 10 },
  { key: 'deadline', title: tx('期限', 'Deadline'), width: 22 },
  { key: 'due', title: tx('到期日', 'Due'), width: 12 },
  { key: 'provisional', title: tx('暂定', 'Provisional'), width: 8 },
  { key: 'overdue', title: tx('逾期', 'Overdue'), width: 8 },
  { key: 'opened', title: tx('立案时间', 'Opened'), width: 18 },
  { key: 'updated', title: tx('最近办理', 'Last handled'), width: 18 },
  { key: 'pack', title: tx('配置包', 'Pack'), width: 24 },
  { key: 'id', title: tx('案件编号', 'Case number'), width: 24 },
];

export interface CaseExport {
  lang: Lang;
  /** What was asked, in words (the sheet's first line). */
  filters: string;
  cases: AsyncIterable<Instance>;
  docOf(i: Instance): Promise<ProcedureDoc | undefined>;
  packTitle(pack: string): I18n | undefined;
}

function sheetHead(ws: ExcelJS.Worksheet, title: string, note: string, columns: number): void {
  ws.addRow([title]).font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, columns);
  ws.addRow([note]).font = { color: { argb: 'FF656D76' } };
  ws.mergeCells(2, 1, 2, columns);
}

export async function casesWorkbook(x: CaseExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '共治 Gongzhi';
  const lang = x.lang;
  const ws = wb.addWorksheet(pick(tx('案件列表', 'Cases'), lang), { views: [{ state: 'frozen', ySplit: 3 }] });
  sheetHead(ws, pick(tx('督办台 · 案件列表', 'Supervision desk · cases'), lang), x.filters, CASE_COLUMNS.length);
  const head = ws.addRow(CASE_COLUMNS.map((c) => pick(c.title, lang)));
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF6F8FA' } };
  CASE_COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  const yes = pick(tx('是', 'yes'), lang);
  let n = 0;
  for await (const i of x.cases) {
    if (n === EXPORT_LIMIT) {
      ws.addRow([
        pick(
          tx(
            `仅导出前 ${EXPORT_LIMIT} 件;请缩小筛选范围后再导出其余案件`,
            `Only the first ${EXPORT_LIMIT} cases were exported; narrow the filters to export the rest`,
          ),
          lang,
        ),
      ]).font = { italic: true };
      break;
    }
    const doc = await x.docOf(i);
    const d = leadingDeadline(i.deadlines.map((dl) => ({ ...dl, ...provisionalMarks(dl) })));
    const row = ws.addRow([
      i.businessKey ?? '',
      pick(doc?.title, lang, i.procedure),
      doc ? pick(stateTitleOf(doc.machine, i.state), lang) : i.state,
      pick(STATUS[i.status], lang, i.status),
      d ? pick(doc?.deadlines?.[d.name]?.title, lang, d.name) : '',
      d ? d.dueAt.slice(0, 10) : '',
      d?.provisional ? pick(tx('暂定', 'provisional'), lang) : '',
      i.overdue ? yes : '',
      local(i.createdAt),
      local(i.updatedAt),
      pick(x.packTitle(i.pack), lang, i.pack),
      i.id,
    ]);
    if (i.overdue) row.font = { color: { argb: 'FFCF222E' } };
    n++;
  }
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: CASE_COLUMNS.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface FigureExport {
  lang: Lang;
  filters: string;
  stats: {
    opened: number;
    closed: number;
    overdue: number;
    completionRate: number | null;
    onTimeRate: number | null;
    satisfactionRate: number | null;
    resolutionRate: number | null;
    handedOff: number;
    weekly: { week: string; opened: number; closed: number }[];
    byState: Record<string, Record<string, number>>;
    timeInState: Record<string, Record<string, { days: number; n: number }>>;
  };
  docOf(procedure: string): ProcedureDoc | undefined;
}

const percent = (r: number | null) => (r === null ? '' : r);

export async function figuresWorkbook(x: FigureExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '共治 Gongzhi';
  const lang = x.lang;
  const s = x.stats;
  const main = wb.addWorksheet(pick(tx('指标', 'Figures'), lang), { views: [{ state: 'frozen', ySplit: 3 }] });
  sheetHead(
    main,
    pick(tx('督办台 · 统计', 'Supervision desk · figures'), lang),
    `${x.filters} · ${pick(WINDOW_DEFINITION, lang)}`,
    3,
  );
  main.addRow([
    pick(tx('指标', 'Figure'), lang),
    pick(tx('数值', 'Value'), lang),
    pick(tx('口径', 'Definition'), lang),
  ]).font = { bold: true };
  main.getColumn(1).width = 16;
  main.getColumn(2).width = 12;
  main.getColumn(3).width = 100;
  const values: Record<string, number | string> = {
    opened: s.opened,
    closed: s.closed,
    completionRate: percent(s.completionRate),
    onTimeRate: percent(s.onTimeRate),
    overdue: s.overdue,
    satisfactionRate: percent(s.satisfactionRate),
    resolutionRate: percent(s.resolutionRate),
    handedOff: s.handedOff,
  };
  for (const f of FIGURES) {
    if (!(f.id in values)) continue;
    const row = main.addRow([pick(f.title, lang), values[f.id], pick(f.definition, lang)]);
    if (f.rate && typeof values[f.id] === 'number') row.getCell(2).numFmt = '0.0%';
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
  }

  const weeks = wb.addWorksheet(pick(tx('每周立案与办结', 'Per week'), lang));
  sheetHead(weeks, pick(FIGURE.weekly.title, lang), pick(FIGURE.weekly.definition, lang), 3);
  weeks.addRow([
    pick(tx('周(周一)', 'Week (Monday)'), lang),
    pick(tx('立案', 'Opened'), lang),
    pick(tx('办结', 'Closed'), lang),
  ]).font = { bold: true };
  weeks.getColumn(1).width = 16;
  for (const w of s.weekly) weeks.addRow([w.week, w.opened, w.closed]);

  const states = wb.addWorksheet(pick(tx('各环节', 'By state'), lang));
  sheetHead(states, pick(FIGURE.timeInState.title, lang), pick(FIGURE.timeInState.definition, lang), 5);
  states.addRow([
    pick(tx('流程', 'Procedure'), lang),
    pick(tx('环节', 'State'), lang),
    pick(tx('当前在办', 'Open now'), lang),
    pick(tx('平均用时(天)', 'Average days'), lang),
    pick(tx('停留次数', 'Stays'), lang),
  ]).font = { bold: true };
  states.getColumn(1).width = 24;
  states.getColumn(2).width = 28;
  const procs = [...new Set([...Object.keys(s.byState), ...Object.keys(s.timeInState)])].sort();
  for (const p of procs) {
    const doc = x.docOf(p);
    const names = [...new Set([...Object.keys(s.byState[p] ?? {}), ...Object.keys(s.timeInState[p] ?? {})])].sort();
    for (const st of names) {
      states.addRow([
        pick(doc?.title, lang, p),
        doc ? pick(stateTitleOf(doc.machine, st), lang) : st,
        s.byState[p]?.[st] ?? 0,
        s.timeInState[p]?.[st]?.days ?? '',
        s.timeInState[p]?.[st]?.n ?? 0,
      ]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `Content-Disposition` for a download with a Chinese file name (RFC 6266 / 5987). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
