/**
 * Simulation and running-case helpers: which events the active state accepts, the trace shape the
 * server returns, the path a case took (states and transitions, for highlighting), dates for deadlines.
 */
import type { Effect, HistoryEntry, ProcedureDoc, RuleResult } from '../../../engine/browser';
import { ancestors } from '../../../engine/browser';
import { ownerAt, transitionList } from './doc';
import type { ChartModel } from './graph';

export interface TraceDeadline {
  name: string;
  state?: string;
  dueAt: string;
  dueDate?: string;
  overdue?: boolean;
  /** Depends on a year whose holiday notice is not loaded yet (暂定). */
  provisional?: boolean;
}

export interface TraceEntry {
  event: string | { type: string; payload?: unknown };
  at?: string;
  from: string | null;
  to: string;
  state?: string;
  rules: RuleResult[];
  effects: (Effect | string)[];
  deadlines?: TraceDeadline[];
  data?: Record<string, unknown>;
  transitions?: string[];
  refused?: { code: string; message: { 'zh-CN': string; en: string }; details?: unknown };
}

export const eventType = (e: TraceEntry['event']): string => (typeof e === 'string' ? e : (e?.type ?? ''));

/** Events accepted in the active leaf (own transitions, then ancestors', then the root's), not system events. */
export function acceptedEvents(doc: ProcedureDoc, leaf: string | null): string[] {
  if (!leaf) return [];
  const out: string[] = [];
  for (const path of [leaf, ...ancestors(leaf)]) {
    const owner = ownerAt(doc.machine, path);
    for (const ev of Object.keys((owner?.on ?? {}) as Record<string, unknown>)) {
      if (!out.includes(ev) && !doc.events?.[ev]?.system) out.push(ev);
    }
  }
  for (const ev of Object.keys((doc.machine.on ?? {}) as Record<string, unknown>)) if (!out.includes(ev)) out.push(ev);
  return out;
}

/** Whether any transition for `event` from `leaf` (or its ancestors) has a guard. */
export function hasGuard(doc: ProcedureDoc, leaf: string, event: string): boolean {
  return [leaf, ...ancestors(leaf)].some((p) => {
    const o = ownerAt(doc.machine, p);
    return o ? transitionList(o, event).some((t) => t.guard !== undefined) : false;
  });
}

/** The active state after the trace (or the last accepted step). */
export function activeAfter(trace: TraceEntry[]): string | null {
  for (let i = trace.length - 1; i >= 0; i--) {
    const t = trace[i];
    if (t.refused) continue;
    return t.state ?? t.to ?? null;
  }
  return null;
}

/** States and edges a case went through: from the history's transitions pointers, or from → to pairs. */
export function pathTaken(
  model: ChartModel,
  steps: { from: string | null; to: string; transitions?: string[] }[],
): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  // The start goes from the initial state (through its automatic transitions) to where the case settled.
  const initial = model.nodes.find((n) => n.parent === null && n.initial)?.id ?? null;
  for (const step of steps) {
    const s =
      step.from === null && !step.transitions?.length && initial && initial !== step.to
        ? { ...step, from: initial }
        : step;
    if (s.from) nodes.add(s.from);
    if (s.to) nodes.add(s.to);
    for (const p of [s.from, s.to]) if (p) for (const a of ancestors(p)) nodes.add(a);
    if (s.transitions?.length) {
      for (const ptr of s.transitions) for (const e of model.edges) if (e.pointer === ptr) edges.add(e.id);
    } else if (s.from && s.to) {
      const e =
        model.edges.find((x) => x.source === s.from && x.target === s.to) ??
        model.edges.find(
          (x) =>
            (s.from === x.source || s.from!.startsWith(x.source + '.')) &&
            (s.to === x.target || s.to.startsWith(x.target + '.')),
        );
      if (e) edges.add(e.id);
    }
  }
  return { nodes, edges };
}

/** The steps of a case's history (the engine's entries, or the server's history answer). */
export const historyToSteps = (h: Pick<HistoryEntry, 'from' | 'to' | 'transitions'>[]) =>
  h.map((x) => ({ from: x.from, to: x.to, transitions: x.transitions }));

const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2025-10-27T23:59:59+08:00` → `2025-10-27(周一)` (the date in Asia/Shanghai). */
export function formatDue(iso: string | undefined, lang: 'zh-CN' | 'en'): string {
  if (!iso) return '';
  const date = /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0];
  if (!date) return iso;
  const [y, m, d] = date.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return lang === 'zh-CN' ? `${date}(${WEEKDAYS_ZH[wd]})` : `${date} (${WEEKDAYS_EN[wd]})`;
}

/** An instant as the wall-clock time in Asia/Shanghai: `2025-09-26T01:00:00Z` → `2025-09-26 09:00`. */
export function formatInstant(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const local = new Date(t + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** The transitions a refused event tried from the active state (or its ancestors): marked on the chart. */
export function refusedEdges(model: ChartModel, active: string | null, refusal: TraceEntry): Set<string> {
  const type = eventType(refusal.event);
  const from = new Set(active ? [active, ...ancestors(active)] : []);
  const out = new Set<string>();
  for (const e of model.edges) if (e.event === type && from.has(e.source)) out.add(e.id);
  return out;
}
