/** Readable labels for chart elements: state titles, event titles, guards — in the chosen language. */
import type { ProcedureDoc } from '../../../engine/types';
import { guardLabel, type ChartEdge, type ChartModel, type ChartNode } from './graph';
import { text, type Lang } from './doc';
import { translate } from '../i18n/strings';

export function stateTitle(node: ChartNode, lang: Lang): string {
  return text(node.title, lang) || node.key;
}

export function eventTitle(doc: ProcedureDoc, event: string | null, lang: Lang): string {
  if (event === null) return translate(lang, 'auto');
  return text(doc.events?.[event]?.title, lang) || event;
}

export function edgeLabel(doc: ProcedureDoc, edge: Pick<ChartEdge, 'event' | 'guard' | 'guardType'>, lang: Lang): { event: string; guard: string } {
  const event = eventTitle(doc, edge.event, lang);
  const guard = guardLabel(edge.guard, edge.guardType, lang);
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

/** Rough text width: CJK glyphs are square, Latin about half as wide. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFFF]/.test(ch) ? size : size * 0.58;
  return w;
}

export const LABEL_MAX_WIDTH = 190;

/** The room each edge label needs (event title on one line, the guard below it), for the layout. */
export function labelSizes(doc: ProcedureDoc, model: ChartModel, lang: Lang): Record<string, { width: number; height: number }> {
  const out: Record<string, { width: number; height: number }> = {};
  for (const e of model.edges) {
    const l = edgeLabel(doc, e, lang);
    const width = Math.min(LABEL_MAX_WIDTH, Math.ceil(Math.max(textWidth(l.event, 12), textWidth(l.guard, 10)) + 14));
    out[e.id] = { width, height: l.guard ? 34 : 20 };
  }
  return out;
}
