/**
 * Maps a validation problem's JSON path to what it concerns on the chart: the state node, the
 * transition edge, or a catalogue item (event, rule, deadline) and the node/edge that uses it.
 */
import type { ProblemDetail, ProcedureDoc } from '../../../engine/browser';
import { guardRules } from '../../../engine/browser';
import type { ChartModel } from './graph';

export interface ProblemTarget {
  node?: string;
  edge?: string;
  item?: { kind: 'event' | 'rule' | 'deadline' | 'role' | 'data' | 'procedure'; name: string };
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** `/machine/states/a/states/b/on/X/0/target` → { state: 'a.b', rest: ['on','X','0','target'] }. */
export function splitStatePointer(path: string): { state: string | null; rest: string[] } {
  const segs = path.split('/').slice(1).map(unescape);
  if (segs[0] !== 'machine') return { state: null, rest: segs };
  const keys: string[] = [];
  let i = 1;
  while (segs[i] === 'states' && i + 1 < segs.length) {
    keys.push(segs[i + 1]);
    i += 2;
  }
  return { state: keys.length ? keys.join('.') : null, rest: segs.slice(i) };
}

const isPrefix = (p: string, path: string) => path === p || path.startsWith(p + '/') || path.startsWith(p + '#');

export function problemTarget(problem: ProblemDetail, model: ChartModel, doc: ProcedureDoc): ProblemTarget {
  const path = problem.path;
  if (path.startsWith('/machine')) {
    // The longest transition pointer that prefixes the path wins (an edge, or an internal transition).
    let best: { id: string; len: number; node?: string } | null = null;
    for (const e of model.edges)
      if (isPrefix(e.pointer, path) && (!best || e.pointer.length > best.len))
        best = { id: e.id, len: e.pointer.length };
    for (const n of model.nodes)
      for (const t of n.internal) {
        if (isPrefix(t.id, path) && (!best || t.id.length > best.len))
          best = { id: t.id, len: t.id.length, node: n.id };
      }
    const { state } = splitStatePointer(path);
    if (best && !best.node) return { edge: best.id, node: model.edges.find((e) => e.id === best!.id)?.source };
    if (best?.node) return { node: best.node };
    if (state && model.byId.has(state)) return { node: state };
    // An unknown-target problem names a transition whose edge could not be drawn: point at its source.
    if (state) {
      const parts = state.split('.');
      for (let i = parts.length; i > 0; i--)
        if (model.byId.has(parts.slice(0, i).join('.'))) return { node: parts.slice(0, i).join('.') };
    }
    if (path === '/machine/initial' || path === '/machine') {
      const first = model.nodes.find((n) => n.parent === null && n.initial) ?? model.nodes[0];
      return first ? { node: first.id } : {};
    }
    return {};
  }
  const segs = path.split('/').slice(1).map(unescape);
  const name = segs[1] ?? '';
  switch (segs[0]) {
    case 'deadlines': {
      const state = doc.deadlines?.[name]?.state;
      return { item: { kind: 'deadline', name }, ...(state && model.byId.has(state) ? { node: state } : {}) };
    }
    case 'events': {
      const edge = model.edges.find((e) => e.event === name);
      const internal = model.nodes.find((n) => n.internal.some((t) => t.event === name));
      return {
        item: { kind: 'event', name },
        ...(edge ? { edge: edge.id, node: edge.source } : internal ? { node: internal.id } : {}),
      };
    }
    case 'rules': {
      const edge = model.edges.find((e) => e.guard.includes(name));
      return { item: { kind: 'rule', name }, ...(edge ? { edge: edge.id, node: edge.source } : {}) };
    }
    case 'roles':
      return { item: { kind: 'role', name } };
    case 'data':
      return { item: { kind: 'data', name: segs.slice(1).join('.') } };
    default:
      return { item: { kind: 'procedure', name: segs.join('.') } };
  }
}

/** Problems grouped by the node they concern (for the red marks on the chart). */
export function problemsByNode(problems: ProblemDetail[], model: ChartModel, doc: ProcedureDoc): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of problems) {
    const t = problemTarget(p, model, doc);
    if (t.node) out.set(t.node, (out.get(t.node) ?? 0) + 1);
  }
  return out;
}

/** Rules a guard or deadline names, for "which rules matter here". */
export const rulesOfGuard = (guard: unknown): string[] => guardRules(guard).rules;

/**
 * A validation message in words: the ids it quotes (「state1」, 「AGREEMENT_SIGNED」, 「jointApplication」) replaced by
 * the titles of what they name, so the problems list speaks the language of the chart.
 */
export function humanizeMessage(message: string, doc: ProcedureDoc, lang: 'zh-CN' | 'en'): string {
  const titles = new Map<string, string>();
  const pick = (t: { 'zh-CN': string; en: string } | undefined) => (t ? t[lang] || t['zh-CN'] : '');
  const walk = (
    states:
      | Record<string, { meta?: { title?: { 'zh-CN': string; en: string } }; states?: Record<string, unknown> }>
      | undefined,
    prefix: string,
  ) => {
    for (const [k, s] of Object.entries(states ?? {})) {
      const t = pick(s.meta?.title);
      if (t) {
        titles.set(`${prefix}${k}`, t);
        if (!titles.has(k)) titles.set(k, t);
      }
      walk(s.states as never, `${prefix}${k}.`);
    }
  };
  walk(doc.machine?.states as never, '');
  for (const [k, e] of Object.entries(doc.events ?? {})) if (e?.title) titles.set(k, pick(e.title));
  for (const [k, r] of Object.entries(doc.rules ?? {}))
    if (r?.description) titles.set(k, pick(r.description).split(/[,;，；。]/)[0]);
  for (const [k, d] of Object.entries(doc.deadlines ?? {})) if (d?.title) titles.set(k, pick(d.title));
  for (const [k, r] of Object.entries(doc.roles ?? {})) if (r?.title) titles.set(k, pick(r.title));
  return message.replace(/「([^」]+)」|'([^']+)'/g, (all, zh?: string, en?: string) => {
    const t = titles.get(zh ?? en ?? '');
    return t ? (zh !== undefined ? `「${t}」` : `'${t}'`) : all;
  });
}
