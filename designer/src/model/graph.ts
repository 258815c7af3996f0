/**
 * Procedure document → chart model: one node per state (compound states contain their children),
 * one edge per transition target. Targetless transitions (stay in the state) are listed on the node.
 * UI-free: the canvas, the SVG export and the tests all read this model.
 */
import type { I18n, ProcedureDoc } from '../../../engine/browser';
import { allTransitions, guardRules, targetsOf, walkStates } from '../../../engine/browser';
import { resolveTarget } from '../../../engine/browser';
import { knownPaths, machineIdOf, type Lang } from './doc';
import { translate } from '../i18n/strings';
import { wrapText } from './text';

export type NodeKind = 'atomic' | 'compound' | 'final';

export interface InternalTransition {
  /** JSON pointer of the transition (also its id). */
  id: string;
  event: string | null;
  index: number;
  guard: string[];
  guardType: string | null;
}

export interface ChartNode {
  /** Dotted state path. */
  id: string;
  parent: string | null;
  key: string;
  kind: NodeKind;
  title: I18n | null;
  /** Whether this is the initial state of its parent (or of the machine). */
  initial: boolean;
  roles: string[];
  deadlines: string[];
  internal: InternalTransition[];
  /** Transitions whose target does not exist (not drawn): listed so the forms can mend them. */
  broken: (InternalTransition & { target: string })[];
  depth: number;
  /** Default size (compound sizes come from the layout). */
  width: number;
  height: number;
}

export interface ChartEdge {
  /** JSON pointer of the transition, plus `#i` for the i-th of several targets. */
  id: string;
  pointer: string;
  source: string;
  target: string;
  event: string | null;
  /** Index in the event's transition list (the engine's diff key uses it). */
  index: number;
  guard: string[];
  guardType: string | null;
  /** Position among edges with the same source and target (to spread labels). */
  sibling: number;
}

export interface ChartModel {
  nodes: ChartNode[];
  edges: ChartEdge[];
  byId: Map<string, ChartNode>;
}

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 56;
export const INTERNAL_ROW = 20;
/** Text sizes inside a state (px at zoom 1) and the room for them: titles and deadlines wrap, never cut. */
export const NODE_INNER = NODE_WIDTH - 18;
export const TITLE_FONT = 14;
export const TITLE_LINE = 19;
export const SMALL_FONT = 12;
export const SMALL_LINE = 16;

const lines = (s: string, size: number) => wrapText(s, size, NODE_INNER).length;

export function buildChart(doc: ProcedureDoc): ChartModel {
  const machine = doc.machine;
  const states = walkStates(machine);
  const known = knownPaths(machine);
  const deadlinesByState = new Map<string, string[]>();
  for (const [name, d] of Object.entries(doc.deadlines ?? {})) {
    if (!d || typeof d.state !== 'string') continue;
    deadlinesByState.set(d.state, [...(deadlinesByState.get(d.state) ?? []), name]);
  }
  const initialOf = new Map(states.map((s) => [s.path, s.node.initial]));
  const nodes: ChartNode[] = [];
  const byId = new Map<string, ChartNode>();
  for (const s of states) {
    const children = Object.keys(s.node.states ?? {});
    const parentInitial = s.parent === null ? machine.initial : initialOf.get(s.parent);
    const key = s.path.slice(s.path.lastIndexOf('.') + 1);
    const node: ChartNode = {
      id: s.path,
      parent: s.parent,
      key,
      kind: children.length > 0 ? 'compound' : s.node.type === 'final' ? 'final' : 'atomic',
      title: s.node.meta?.title ?? null,
      initial: parentInitial === key,
      roles: Array.isArray(s.node.meta?.roles) ? (s.node.meta!.roles as string[]) : [],
      deadlines: deadlinesByState.get(s.path) ?? [],
      internal: [],
      broken: [],
      depth: s.path.split('.').length - 1,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    };
    nodes.push(node);
    byId.set(node.id, node);
  }

  const edges: ChartEdge[] = [];
  const pairCount = new Map<string, number>();
  const machineId = machineIdOf(doc);
  for (const t of allTransitions(machine)) {
    if (t.source === null) continue; // root-level transitions have no node to start from
    const g = guardRules(t.transition.guard);
    const targets = targetsOf(t.transition);
    const source = byId.get(t.source);
    if (!source) continue;
    if (targets.length === 0) {
      source.internal.push({ id: t.pointer, event: t.event, index: t.index, guard: g.rules, guardType: g.type });
      continue;
    }
    targets.forEach((raw, i) => {
      const target = resolveTarget(machine, machineId, t.source, raw, known);
      if (!target) {
        // unknown target: reported by the problems panel, listed on its source so the forms can mend it
        if (!source.broken.some((b) => b.id === t.pointer))
          source.broken.push({
            id: t.pointer,
            event: t.event,
            index: t.index,
            guard: g.rules,
            guardType: g.type,
            target: raw,
          });
        return;
      }
      const pair = `${t.source}→${target}`;
      const sibling = pairCount.get(pair) ?? 0;
      pairCount.set(pair, sibling + 1);
      edges.push({
        id: i === 0 ? t.pointer : `${t.pointer}#${i}`,
        pointer: t.pointer,
        source: t.source!,
        target,
        event: t.event,
        index: t.index,
        guard: g.rules,
        guardType: g.type,
        sibling,
      });
    });
  }
  // Room for every line (in the longer language): title, roles, stay-in-state events, deadlines with their length.
  for (const n of nodes) {
    if (n.kind === 'compound') continue;
    const title = Math.max(lines(n.title?.['zh-CN'] ?? n.key, TITLE_FONT), lines(n.title?.en ?? n.key, TITLE_FONT));
    const roleText = (lang: 'zh-CN' | 'en') => n.roles.map((r) => doc.roles?.[r]?.title?.[lang] ?? r).join('、');
    const roles = n.roles.length
      ? Math.max(lines(roleText('zh-CN'), SMALL_FONT), lines(roleText('en'), SMALL_FONT))
      : 0;
    const events = n.internal.reduce((sum, t) => {
      const ev = t.event ? doc.events?.[t.event]?.title : undefined;
      return (
        sum + Math.max(lines(`⟳ ${ev?.['zh-CN'] ?? t.event ?? ''} ${'字'.repeat(t.guard.length * 8)}`, SMALL_FONT), 1)
      );
    }, 0);
    const deadlines = n.deadlines.reduce((sum, d) => {
      const tt = doc.deadlines?.[d]?.title;
      return (
        sum +
        Math.max(
          lines(`⟳ ${tt?.['zh-CN'] ?? d} 999个工作日`, SMALL_FONT),
          lines(`⟳ ${tt?.en ?? d} 999 working days`, SMALL_FONT),
        )
      );
    }, 0);
    n.height = Math.max(NODE_HEIGHT, 14 + title * TITLE_LINE + (roles + events + deadlines) * SMALL_LINE + 8);
  }
  return { nodes, edges, byId };
}

/** A stable key of what the layout depends on: the states, their nesting and sizes, and the edges. */
export function layoutSignature(model: ChartModel, labels?: Record<string, { width: number; height: number }>): string {
  const n = model.nodes.map((x) => `${x.id}:${x.kind}:${x.height}`).join('|');
  const e = model.edges
    .map((x) => `${x.id}:${x.source}>${x.target}:${labels?.[x.id]?.width ?? 0}x${labels?.[x.id]?.height ?? 0}`)
    .join('|');
  return `${n}#${e}`;
}

/** Label of a guard: the rules' short Chinese titles (their names in the advanced view), combined the way the guard combines them. */
export function guardLabel(
  guard: string[],
  type: string | null,
  lang: Lang,
  title: (rule: string) => string = (r) => r,
): string {
  if (guard.length === 0) return '';
  const sep = translate(lang, type === 'anyOf' ? 'or' : 'and');
  const shown = guard.map(title).join(sep);
  return type === 'not' ? `${translate(lang, 'notRule')}${shown}` : shown;
}
