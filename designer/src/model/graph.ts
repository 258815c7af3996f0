/**
 * Procedure document → chart model: one node per state (compound states contain their children),
 * one edge per transition target. Targetless transitions (stay in the state) are listed on the node.
 * UI-free: the canvas, the SVG export and the tests all read this model.
 */
import type { I18n, ProcedureDoc } from '../../../engine/types';
import { allTransitions, guardRules, targetsOf, walkStates } from '../../../engine/machine';
import { resolveTarget } from '../../../engine/machine';
import { knownPaths, machineIdOf, type Lang } from './doc';
import { translate } from '../i18n/strings';

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
      if (!target) return; // unknown target: the problems panel reports it
      const pair = `${t.source}→${target}`;
      const sibling = pairCount.get(pair) ?? 0;
      pairCount.set(pair, sibling + 1);
      edges.push({
        id: i === 0 ? t.pointer : `${t.pointer}#${i}`, pointer: t.pointer, source: t.source!, target,
        event: t.event, index: t.index, guard: g.rules, guardType: g.type, sibling,
      });
    });
  }
  for (const n of nodes) {
    if (n.internal.length) n.height = NODE_HEIGHT + INTERNAL_ROW * n.internal.length;
    if (n.deadlines.length) n.height += 18;
  }
  return { nodes, edges, byId };
}

/** A stable key of what the layout depends on: the states, their nesting and sizes, and the edges. */
export function layoutSignature(model: ChartModel, labels?: Record<string, { width: number; height: number }>): string {
  const n = model.nodes.map((x) => `${x.id}:${x.kind}:${x.height}`).join('|');
  const e = model.edges.map((x) => `${x.id}:${x.source}>${x.target}:${labels?.[x.id]?.width ?? 0}x${labels?.[x.id]?.height ?? 0}`).join('|');
  return `${n}#${e}`;
}

/** Label of a guard: the rule names, combined the way the guard combines them. */
export function guardLabel(guard: string[], type: string | null, lang: Lang): string {
  if (guard.length === 0) return '';
  const sep = translate(lang, type === 'anyOf' ? 'or' : 'and');
  const shown = guard.length > 2 ? `${guard.slice(0, 2).join(sep)} …+${guard.length - 2}` : guard.join(sep);
  return type === 'not' ? `${translate(lang, 'notRule')} ${shown}` : shown;
}
