/** Readable labels for chart elements: state titles, event titles, guards — in the chosen language. */
import type { ProcedureDoc } from '../../../engine/types';
import { guardLabel, type ChartEdge, type ChartNode } from './graph';
import { text, type Lang } from './doc';

export function stateTitle(node: ChartNode, lang: Lang): string {
  return text(node.title, lang) || node.key;
}

export function eventTitle(doc: ProcedureDoc, event: string | null, lang: Lang): string {
  if (event === null) return lang === 'zh-CN' ? '自动' : 'automatic';
  return text(doc.events?.[event]?.title, lang) || event;
}

export function edgeLabel(doc: ProcedureDoc, edge: Pick<ChartEdge, 'event' | 'guard' | 'guardType'>, lang: Lang): { event: string; guard: string } {
  const event = eventTitle(doc, edge.event, lang);
  const guard = guardLabel(edge.guard, edge.guardType, lang);
  return { event, guard: guard ? `[${guard}]` : edge.event === null ? (lang === 'zh-CN' ? '[否则]' : '[otherwise]') : '' };
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
