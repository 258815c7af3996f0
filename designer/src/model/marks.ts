/**
 * Change marks on the chart from a list of engine overrides (a version diff, or what a county pack
 * changed against its base): states and transitions added / removed / changed. Removed states and
 * transitions only exist in the base, so the chart shown is the union of both documents.
 */
import type { Override, ProcedureDoc } from '../../../engine/browser';
import { collectParamRefs } from '../../../engine/browser';
import { buildChart, type ChartEdge, type ChartModel, type ChartNode } from './graph';

export type Change = 'added' | 'removed' | 'changed';

export interface Marks {
  nodes: Record<string, Change>;
  edges: Record<string, Change>;
}

/** The engine's transition key: `source —EVENT[i]→` (diffProcedure). */
export const transitionKey = (e: { source: string | null; event: string | null; index: number }) =>
  `${e.source ?? '(root)'} —${e.event ?? 'always'}[${e.index}]→`;

const TRANSITION = /^transitions\.(.+) —(.+)\[(\d+)\]→$/;

export function parseTransitionKey(
  path: string,
): { source: string | null; event: string | null; index: number } | null {
  const m = TRANSITION.exec(path);
  if (!m) return null;
  return { source: m[1] === '(root)' ? null : m[1], event: m[2] === 'always' ? null : m[2], index: Number(m[3]) };
}

/** Union chart: the `next` chart plus the states and transitions only `base` has (ids of removed edges are prefixed). */
export function unionChart(base: ProcedureDoc | null, next: ProcedureDoc): ChartModel {
  const b = buildChart(next);
  if (!base) return b;
  const a = buildChart(base);
  const nodes: ChartNode[] = [...b.nodes];
  const byId = new Map(b.byId);
  for (const n of a.nodes) {
    if (byId.has(n.id)) continue;
    if (n.parent && !byId.has(n.parent)) continue;
    const copy = { ...n, initial: false };
    nodes.push(copy);
    byId.set(n.id, copy);
  }
  const keys = new Set(b.edges.map((e) => `${transitionKey(e)}>${e.target}`));
  const bKeys = new Set(b.edges.map((e) => transitionKey(e)));
  const edges: ChartEdge[] = [...b.edges];
  for (const e of a.edges) {
    if (keys.has(`${transitionKey(e)}>${e.target}`) || bKeys.has(transitionKey(e))) continue;
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    edges.push({ ...e, id: `removed:${e.id}` });
  }
  // Parents before children, as the canvas needs.
  const order = new Map<string, number>();
  const sorted: ChartNode[] = [];
  const visit = (parent: string | null) => {
    for (const n of nodes)
      if (n.parent === parent && !order.has(n.id)) {
        order.set(n.id, sorted.length);
        sorted.push(n);
        visit(n.id);
      }
  };
  visit(null);
  return { nodes: sorted, edges, byId };
}

/** Marks for `chart` (built by unionChart) from the overrides of one procedure. */
export function marksFrom(
  overrides: Override[],
  chart: ChartModel,
  next: ProcedureDoc,
  base?: ProcedureDoc | null,
): Marks {
  const marks: Marks = { nodes: {}, edges: {} };
  const markNode = (id: string, c: Change) => {
    if (!chart.byId.has(id)) return;
    if (marks.nodes[id] === 'added' || marks.nodes[id] === 'removed') return;
    marks.nodes[id] = c;
  };
  const markEdgesWhere = (pred: (e: ChartEdge) => boolean, c: Change) => {
    for (const e of chart.edges) if (pred(e) && !marks.edges[e.id]) marks.edges[e.id] = c;
  };
  const rulesUsingParam = (param: string): string[] =>
    Object.entries(next.rules ?? {})
      .filter(([, r]) => collectParamRefs(r.conditions).some((x) => x.name === param))
      .map(([n]) => n);

  for (const o of overrides) {
    if (o.path.startsWith('states.')) markNode(o.path.slice('states.'.length), o.change);
    else if (o.path.startsWith('stateTitles.')) markNode(o.path.slice('stateTitles.'.length), 'changed');
    else if (o.path.startsWith('transitions.')) {
      const k = parseTransitionKey(o.path);
      if (!k) continue;
      const key = transitionKey(k);
      if (o.change === 'removed')
        markEdgesWhere((e) => e.id.startsWith('removed:') && transitionKey(e) === key, 'removed');
      else markEdgesWhere((e) => !e.id.startsWith('removed:') && transitionKey(e) === key, o.change);
      if (k.source && !chart.edges.some((e) => transitionKey(e) === key)) markNode(k.source, 'changed'); // a stay-in-state transition
    } else if (o.kind === 'rule' && o.path.startsWith('rules.')) {
      const rule = o.path.slice('rules.'.length);
      markEdgesWhere((e) => e.guard.includes(rule), 'changed');
    } else if (o.kind === 'event' && o.path.startsWith('events.')) {
      const ev = o.path.slice('events.'.length);
      markEdgesWhere((e) => e.event === ev, 'changed');
    } else if (o.kind === 'deadline' && o.path.startsWith('deadlines.')) {
      const name = o.path.slice('deadlines.'.length);
      const state = next.deadlines?.[name]?.state ?? base?.deadlines?.[name]?.state;
      if (state) markNode(state, 'changed');
    } else if (o.kind === 'data' && o.path.startsWith('data/')) {
      // a list the procedure's rules read (e.g. the duty lists): mark the transitions those rules guard
      const file = o.path.split('/')[1];
      const rules = Object.entries(next.rules ?? {})
        .filter(([, r]) => packDataRead(r.conditions).has(file))
        .map(([n]) => n);
      markEdgesWhere((e) => e.guard.some((r) => rules.includes(r)), 'changed');
    } else if (o.kind === 'parameter') {
      const rules = rulesUsingParam(o.path);
      markEdgesWhere((e) => e.guard.some((r) => rules.includes(r)), 'changed');
      for (const [, d] of Object.entries(next.deadlines ?? {})) {
        const amount = d.amount as unknown;
        if (amount && typeof amount === 'object' && (amount as { param?: string }).param === o.path)
          markNode(d.state, 'changed');
      }
    }
  }
  return marks;
}

/** The pack data files that rule conditions read (`packData` facts), anywhere in `v`. */
function packDataRead(v0: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as { fact?: unknown; params?: { name?: unknown } };
      if (o.fact === 'packData' && typeof o.params?.name === 'string') names.add(o.params.name);
      Object.values(v).forEach(walk);
    }
  };
  walk(v0);
  return names;
}

/** Overrides that concern one procedure (parameters and pack data concern every procedure that uses them). */
export function overridesFor(overrides: Override[], procedure: string, doc: ProcedureDoc): Override[] {
  const used = new Set(
    collectParamRefs({ rules: doc.rules, deadlines: doc.deadlines, machine: doc.machine }).map((r) => r.name),
  );
  const data = packDataRead(doc.rules);
  return overrides.filter(
    (o) =>
      o.procedure === procedure ||
      (o.kind === 'parameter' && used.has(o.path)) ||
      (o.kind === 'data' && !o.procedure && data.has(o.path.split('/')[1])),
  );
}
