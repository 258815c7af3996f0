/**
 * The supervision figures (督办台): what each figure of `GET /api/stats` counts, in one bilingual text per figure.
 * The OpenAPI description of the stats operation is built from these texts and the designer shows the same text
 * beside each chart, so a figure means one thing wherever it is read.
 *
 * Also the pure arithmetic both sides share: rates rounded to four places (null when nothing to divide by), and
 * weeks (Monday to Sunday, Asia/Shanghai dates).
 */
import type { I18n } from './types';
import { addDays, isoWeekday } from './calendar/dates';

export type FigureId =
  | 'opened'
  | 'closed'
  | 'completionRate'
  | 'onTimeRate'
  | 'overdue'
  | 'satisfactionRate'
  | 'resolutionRate'
  | 'handedOff'
  | 'weekly'
  | 'timeInState';

export interface FigureDef {
  id: FigureId;
  /** The figure's name as staff say it. */
  title: I18n;
  /** What is counted, and over which cases. */
  definition: I18n;
  /** Whether the value is a rate (shown as a percentage). */
  rate?: boolean;
}

const t = (zh: string, en: string): I18n => ({ 'zh-CN': zh, en });

/** Said once for every figure: which cases a window selects. */
export const WINDOW_DEFINITION = t(
  '统计范围:令牌可见的案件,可按配置包、流程筛选;统计期 [from, to](YYYY-MM-DD,北京时间,含首尾两日)按立案日期选取案件。',
  'Scope: the cases the token may see, filtered by pack and procedure; the window [from, to] (YYYY-MM-DD, Asia/Shanghai, both days included) selects cases by the day they were opened.',
);

export const FIGURES: readonly FigureDef[] = [
  {
    id: 'opened',
    title: t('立案数', 'Opened'),
    definition: t('统计期内立案(受理)的案件数。', 'Cases opened (accepted) in the window.'),
  },
  {
    id: 'closed',
    title: t('办结数', 'Closed'),
    definition: t(
      '统计期内立案的案件中已办结的件数(撤销的不计)。',
      'Of the cases opened in the window, those done (closed); cancelled cases are not counted.',
    ),
  },
  {
    id: 'completionRate',
    title: t('办结率', 'Completion rate'),
    rate: true,
    definition: t('办结数 ÷ 立案数。', 'Closed ÷ opened.'),
  },
  {
    id: 'onTimeRate',
    title: t('按期办结率', 'On-time rate'),
    rate: true,
    definition: t(
      '已办结的案件中,任何期限都未曾逾期的件数 ÷ 办结数。',
      'Closed cases none of whose deadlines ever expired ÷ closed.',
    ),
  },
  {
    id: 'overdue',
    title: t('当前逾期', 'Overdue now'),
    definition: t(
      '统计期内立案、仍在办理且现在有期限已逾期的案件数。',
      'Cases opened in the window that are still open and have a deadline expired now.',
    ),
  },
  {
    id: 'satisfactionRate',
    title: t('满意率', 'Satisfaction rate'),
    rate: true,
    definition: t(
      '满意数 ÷ 评价总数,只计流程记录满意度的案件(流程的 metrics.satisfaction:网格事件的回访评价、社区协商的评议),每件取最近一次评价。',
      'Satisfied ÷ total over cases whose procedure records satisfaction (`metrics.satisfaction`: grid-event RATE, consultation EVALUATE), from each case’s latest such event.',
    ),
  },
  {
    id: 'resolutionRate',
    title: t('化解率', 'Resolution rate'),
    rate: true,
    definition: t(
      '成功化解数 ÷ 立案数,只计流程记录化解口径的案件(流程的 metrics.resolution):以其列明的终止状态办结的案件为成功化解(矛盾纠纷调解:履行完毕、司法确认、速裁判决或撤诉后结案;移送公安、移交仲裁的不计)。与南昌县的口径一致(“累計受理重大疑難矛盾糾紛7629件,成功化解6669件,其中速裁1436件,化解率達87.4%”,《小康》2023-12-25):速裁结案计入化解。',
      'Resolved ÷ opened over cases whose procedure records resolution (`metrics.resolution`): a case is resolved when it is done in one of the final states listed there (dispute mediation: closed after performance, judicial confirmation, a fast-track judgment or a withdrawal; police and arbitration referrals are not). As Nanchang County counts it (“7,629 accepted, 6,669 resolved, of which 1,436 by the fast-track court: 87.4%”, Xiaokang 2023-12-25): cases the fast-track court settles count as resolved.',
    ),
  },
  {
    id: 'handedOff',
    title: t('移交速裁', 'Handed to the court'),
    definition: t(
      '统计期内立案的案件中,曾进入流程 metrics.handoff 所列状态的件数(矛盾纠纷调解:移交速裁法庭,即发出 court.handoff 的案件)。',
      'Of the cases opened in the window, those that ever entered the state named by the procedure’s `metrics.handoff` (dispute mediation: handed to the fast-track court, the cases that sent court.handoff).',
    ),
  },
  {
    id: 'weekly',
    title: t('每周立案与办结', 'Opened and closed per week'),
    definition: t(
      '按周(周一至周日,北京时间)计:立案数按立案日期,办结数按办结日期;只列与统计期相交的周。',
      'Per week (Monday to Sunday, Asia/Shanghai): opened by the day a case was opened, closed by the day it was closed; only the weeks that meet the window.',
    ),
  },
  {
    id: 'timeInState',
    title: t('各环节平均用时', 'Time in state'),
    definition: t(
      '统计期内立案的案件在每个状态的平均停留天数:只计已离开的停留(进入该状态到离开它的时长),仍在该状态的不计;n 为停留次数。',
      'Average days a case opened in the window stayed in each state: only stays that ended (from entering the state to leaving it), not the current one; n is the number of stays.',
    ),
  },
];

export const FIGURE: Readonly<Record<FigureId, FigureDef>> = Object.fromEntries(
  FIGURES.map((f) => [f.id, f]),
) as Record<FigureId, FigureDef>;

/** `num ÷ den` rounded to four places; null when `den` is 0. */
export function rate(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 10_000) / 10_000;
}

/** The Monday of the week (Monday to Sunday) that holds `day` (YYYY-MM-DD). */
export function weekOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** The Mondays of every week that meets [from, to], in order. */
export function weeksBetween(from: string, to: string): string[] {
  const out: string[] = [];
  if (to < from) return out;
  for (let w = weekOf(from); w <= to; w = addDays(w, 7)) out.push(w);
  return out;
}

/** The OpenAPI description of the stats operation: the window, then each figure's definition (English, then 中文). */
export function figuresDescription(): string {
  return [
    `${WINDOW_DEFINITION.en} ${WINDOW_DEFINITION['zh-CN']}`,
    ...FIGURES.map(
      (f) => `\`${f.id}\` — ${f.title.en} (${f.title['zh-CN']}): ${f.definition.en} ${f.definition['zh-CN']}`,
    ),
    'Rates are null when their denominator is 0. 分母为 0 的比率为 null。',
  ].join('\n\n');
}
