/**
 * The supervision desk's strings ([中文, English]): loaded with the desk's screens, so the designer's open path
 * does not carry them. `{x}` placeholders are filled by dt().
 */
import { useI18n } from './index';
import { translate, type StringKey } from './strings';

export const DESK_STRINGS = {
  allPacks: ['全部配置包', 'All packs'],
  allProcedures: ['全部流程', 'All procedures'],
  caseState: ['当前环节', 'Current state'],
  allStates: ['全部环节', 'All states'],
  caseStatus: ['办理状态', 'Status'],
  allStatuses: ['全部', 'All'],
  overdueFilter: ['逾期', 'Overdue'],
  allCases: ['全部', 'All'],
  onlyOverdue: ['仅逾期', 'Overdue only'],
  notOverdue: ['未逾期', 'Not overdue'],
  openedBetween: ['立案日期', 'Opened'],
  anyTime: ['不限', 'Any time'],
  customDates: ['自定义', 'Dates of my own'],
  fromDate: ['开始日期', 'From'],
  toDate: ['结束日期', 'To'],
  period_today: ['今天', 'Today'],
  period_thisWeek: ['本周', 'This week'],
  period_lastWeek: ['上周', 'Last week'],
  period_thisMonth: ['本月', 'This month'],
  period_last30: ['近30天', 'Last 30 days'],
  period_last12Weeks: ['近12周', 'Last 12 weeks'],
  period_thisYear: ['今年', 'This year'],
  searchBusinessKey: ['按业务编号查找(输入开头部分)', 'Find by business key (its beginning)'],
  searchButton: ['查找', 'Find'],
  sortBy: ['排序', 'Sort'],
  sort_newest: ['最新立案在前', 'Newest first'],
  sort_oldest: ['最早立案在前', 'Oldest first'],
  sort_due: ['期限最近在前', 'Nearest deadline first'],
  sort_updated: ['最近办理在前', 'Recently handled first'],
  clearFilters: ['清除筛选', 'Clear filters'],
  exportXlsx: ['导出 Excel', 'Export to Excel'],
  exporting: ['正在导出…', 'Exporting…'],
  openedAt: ['立案时间', 'Opened'],
  noCases: ['没有符合条件的案件', 'No cases match'],
  prevPage: ['上一页', 'Previous page'],
  nextPage: ['下一页', 'Next page'],
  pageN: ['第 {n} 页', 'Page {n}'],
  backToCase: ['返回案件', 'Back to the case'],
  print: ['打印', 'Print'],
  printHint: [
    'A4 纸张;可在打印对话框中选择“另存为 PDF”。',
    'A4 paper; choose “Save as PDF” in the print dialog for a PDF.',
  ],
  historyOf: ['{procedure}办理记录', '{procedure}: case history'],
  pathTaken: ['办理经过', 'Path taken'],
  time: ['时间', 'Time'],
  step: ['事项', 'Step'],
  handledBy: ['办理人', 'Handled by'],
  contentAndRules: ['内容、规则与依据', 'Content, rules and basis'],
  system: ['系统', 'System'],
  printedAt: ['打印时间:{at}', 'Printed {at}'],
  figOpened: ['立案', 'Opened'],
  figClosed: ['办结', 'Closed'],
  figByState: ['当前在办案件所处环节', 'Open cases by current state'],
  figByStateDef: [
    '统计期内立案、仍在办理的案件,按其当前环节计数。',
    'Cases opened in the window and still open, counted by their current state.',
  ],
  days: ['天', 'days'],
  daysStays: ['{days} 天(共 {n} 次)', '{days} d ({n} stays)'],
  noData: ['暂无数据', 'No data'],
} as const;

export type DeskKey = keyof typeof DESK_STRINGS;

export function deskTranslate(lang: 'zh-CN' | 'en', key: DeskKey, vars?: Record<string, string | number>): string {
  let s: string = DESK_STRINGS[key][lang === 'zh-CN' ? 0 : 1];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** `t` for the designer's shared strings and `dt` for the desk's own. */
export function useDeskI18n() {
  const i = useI18n();
  return {
    ...i,
    dt: (key: DeskKey, vars?: Record<string, string | number>) => deskTranslate(i.lang, key, vars),
    translate: (key: StringKey) => translate(i.lang, key),
  };
}
