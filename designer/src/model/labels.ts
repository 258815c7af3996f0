/** Readable labels for chart elements: state titles, event titles, guards — in the chosen language. */
import type { PackParameter, ProcedureDoc } from '../../../engine/browser';
import { guardLabel, type ChartEdge, type ChartModel, type ChartNode } from './graph';
import { text, type Lang } from './doc';
import { translate, type StringKey } from '../i18n/strings';
import { paramText, ruleShortTitle } from './rules';
import { textWidth, wrapText } from './text';

export { textWidth, wrapText };

export function stateTitle(node: ChartNode, lang: Lang): string {
  return text(node.title, lang) || node.key;
}

export function eventTitle(doc: ProcedureDoc, event: string | null, lang: Lang): string {
  if (event === null) return translate(lang, 'auto');
  return text(doc.events?.[event]?.title, lang) || event;
}

/** An edge's label: the event's title and the guard in words (rule names instead of titles with `ids`). */
export function edgeLabel(
  doc: ProcedureDoc,
  edge: Pick<ChartEdge, 'event' | 'guard' | 'guardType'>,
  lang: Lang,
  ids = false,
): { event: string; guard: string } {
  const event = ids && edge.event ? edge.event : eventTitle(doc, edge.event, lang);
  const guard = guardLabel(edge.guard, edge.guardType, lang, ids ? undefined : (r) => ruleShortTitle(doc, r, lang));
  return { event, guard: guard ? `[${guard}]` : edge.event === null ? `[${translate(lang, 'otherwise')}]` : '' };
}

export function roleTitle(doc: ProcedureDoc, role: string, lang: Lang): string {
  return text(doc.roles?.[role]?.title, lang) || role;
}

export function ruleTitle(doc: ProcedureDoc, rule: string, lang: Lang): string {
  return text(doc.rules?.[rule]?.description, lang) || rule;
}

export function deadlineTitle(doc: ProcedureDoc, name: string, lang: Lang): string {
  return text(doc.deadlines?.[name]?.title, lang) || name;
}

/** A deadline's length in words: "30日" / "15 个工作日" / "2个月" (a parameter's current value). */
export function deadlineLength(
  doc: ProcedureDoc,
  name: string,
  parameters: Record<string, PackParameter>,
  lang: Lang,
): string {
  const d = doc.deadlines?.[name];
  if (!d) return '';
  const amount = typeof d.amount === 'number' ? d.amount : parameters[d.amount?.param]?.value;
  if (typeof amount !== 'number')
    return d.amount && typeof d.amount === 'object' ? paramText(d.amount.param, parameters, lang) : '';
  return translate(lang, `len_${d.unit}` as StringKey, { n: amount });
}

/** "调解期限 30日". */
export function deadlineText(
  doc: ProcedureDoc,
  name: string,
  parameters: Record<string, PackParameter>,
  lang: Lang,
): string {
  const len = deadlineLength(doc, name, parameters, lang);
  return len ? `${deadlineTitle(doc, name, lang)} ${len}` : deadlineTitle(doc, name, lang);
}

export const LABEL_MAX_WIDTH = 200;
/** Label text sizes (px at zoom 1): nothing on the chart is smaller than 11 px. */
export const EVENT_FONT = 12;
export const GUARD_FONT = 11;
export const EVENT_LINE = 16;
export const GUARD_LINE = 15;

/** The room each edge label needs (event title, the guard below it, both wrapped), for the layout. */
export function labelSizes(
  doc: ProcedureDoc,
  model: ChartModel,
  lang: Lang,
  ids = false,
): Record<string, { width: number; height: number }> {
  const out: Record<string, { width: number; height: number }> = {};
  const inner = LABEL_MAX_WIDTH - 12;
  for (const e of model.edges) {
    const l = edgeLabel(doc, e, lang, ids);
    const ev = wrapText(l.event, EVENT_FONT, inner);
    const gd = l.guard ? wrapText(l.guard, GUARD_FONT, inner) : [];
    const widest = Math.max(...ev.map((x) => textWidth(x, EVENT_FONT)), ...gd.map((x) => textWidth(x, GUARD_FONT)));
    out[e.id] = {
      width: Math.ceil(Math.min(LABEL_MAX_WIDTH, widest + 14)),
      height: 6 + ev.length * EVENT_LINE + gd.length * GUARD_LINE,
    };
  }
  return out;
}
