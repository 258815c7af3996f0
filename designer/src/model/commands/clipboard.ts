/**
 * Copy and paste of states (with their children, their deadlines and the transitions among them), and deleting
 * several states at once. A copied transition into another copied state follows the copy; one to a state left
 * behind keeps pointing at it (so the copy works as the original did).
 */
import type { DeadlineDef, ProcedureDoc, StateJSON, TransitionJSON } from '../../../../engine/browser';
import { walkStates } from '../../../../engine/browser';
import { asList, childStates, clone, keyOf, knownPaths, machineIdOf, parentPath, resolve, stateAt } from '../doc';
import { command, fail, type Command } from './stack';
import { deleteState } from './states';

export interface Snippet {
  /** The parent the states were copied from (null: the top level). */
  parent: string | null;
  states: { key: string; node: StateJSON; pos?: { x: number; y: number } }[];
  /** Deadlines of the copied states, with the copied-relative state path. */
  deadlines: { name: string; def: DeadlineDef; rel: string }[];
}

const inside = (p: string, root: string) => p === root || p.startsWith(root + '.');

/** The selected states (those inside another selected state are taken with it), ready to paste. */
export function copyStates(
  doc: ProcedureDoc,
  ids: string[],
  positions: Record<string, { x: number; y: number }> = {},
): Snippet | null {
  const roots = ids.filter((id) => stateAt(doc.machine, id) && !ids.some((o) => o !== id && inside(id, o)));
  if (!roots.length) return null;
  const parent = parentPath(roots[0]);
  const picked = roots.filter((r) => parentPath(r) === parent);
  const machineId = machineIdOf(doc);
  const known = knownPaths(doc.machine);
  const absolute = (source: string, raw: string) => resolve(doc, source, raw, known);
  // Targets written as absolute paths, tagged when they point into the copy (rewritten at paste).
  const fix = (node: StateJSON, path: string): StateJSON => {
    const out: StateJSON = clone(node);
    const retarget = (t: TransitionJSON | string): TransitionJSON => {
      const tr = typeof t === 'string' ? { target: t } : { ...t };
      if (tr.target === undefined) return tr;
      const targets = asList(tr.target).map((raw) => {
        const abs = absolute(path, raw);
        if (!abs) return raw;
        const root = picked.find((r) => inside(abs, r));
        return root ? `@copy:${abs}` : `#${machineId}.${abs}`;
      });
      tr.target = Array.isArray(tr.target) ? targets : targets[0];
      return tr;
    };
    if (out.on) {
      for (const [ev, list] of Object.entries(out.on)) {
        const fixed = asList(list as TransitionJSON | TransitionJSON[]).map(retarget);
        (out.on as Record<string, unknown>)[ev] = fixed.length === 1 ? fixed[0] : fixed;
      }
    }
    if (out.always !== undefined) {
      const fixed = asList(out.always as TransitionJSON | TransitionJSON[]).map(retarget);
      out.always = fixed.length === 1 ? fixed[0] : fixed;
    }
    if (out.states) for (const [k, child] of Object.entries(out.states)) out.states[k] = fix(child, `${path}.${k}`);
    return out;
  };
  const states = picked.map((id) => ({
    key: keyOf(id),
    node: fix(stateAt(doc.machine, id)!, id),
    ...(positions[id] ? { pos: positions[id] } : {}),
  }));
  const deadlines = Object.entries(doc.deadlines ?? {}).flatMap(([name, def]) => {
    const root = picked.find((r) => inside(def.state, r));
    return root ? [{ name, def: clone(def), rel: keyOf(root) + def.state.slice(root.length) }] : [];
  });
  return { parent, states, deadlines };
}

function freshName(base: string, taken: Set<string>): string {
  const stem = /_copy\d*$/.test(base) ? base.replace(/_copy\d*$/, '') : base;
  for (let i = 1; ; i++) {
    const k = `${stem}_copy${i === 1 ? '' : i}`.slice(0, 64);
    if (!taken.has(k)) return k;
  }
}

/** Pastes a snippet into `parent` (null: the top level), beside the originals; titles get "(副本)". */
export function pasteStates(snippet: Snippet, parent: string | null, offset = { x: 40, y: 40 }): Command {
  const n = snippet.states.length;
  return command('pasteStates', { 'zh-CN': `粘贴 ${n} 个状态`, en: `Paste ${n} state${n === 1 ? '' : 's'}` }, (doc) => {
    if (parent !== null && !stateAt(doc.machine, parent))
      fail(`上级状态「${parent}」不存在`, `parent state '${parent}' does not exist`);
    const into = childStates(doc.machine, parent, true)!;
    const taken = new Set(Object.keys(into));
    const rename = new Map<string, string>(); // old absolute root → new absolute root
    for (const s of snippet.states) {
      const key = freshName(s.key, taken);
      taken.add(key);
      const oldRoot = snippet.parent ? `${snippet.parent}.${s.key}` : s.key;
      rename.set(oldRoot, parent ? `${parent}.${key}` : key);
    }
    const machineId = machineIdOf(doc);
    const newPath = (abs: string) => {
      for (const [from, to] of rename) if (inside(abs, from)) return to + abs.slice(from.length);
      return abs;
    };
    const rewrite = (v: unknown): unknown => {
      if (typeof v === 'string' && v.startsWith('@copy:')) return `#${machineId}.${newPath(v.slice(6))}`;
      if (Array.isArray(v)) return v.map(rewrite);
      if (v && typeof v === 'object')
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, k === 'target' || typeof x === 'object' ? rewrite(x) : x]),
        );
      return v;
    };
    doc.layout = { ...(doc.layout ?? {}), nodes: { ...(doc.layout?.nodes ?? {}) } };
    for (const s of snippet.states) {
      const oldRoot = snippet.parent ? `${snippet.parent}.${s.key}` : s.key;
      const path = rename.get(oldRoot)!;
      const node = rewrite(clone(s.node)) as StateJSON;
      const title = node.meta?.title;
      if (title) node.meta = { ...node.meta, title: { 'zh-CN': `${title['zh-CN']}(副本)`, en: `${title.en} (copy)` } };
      into[keyOf(path)] = node;
      if (s.pos) doc.layout.nodes![path] = { x: Math.round(s.pos.x + offset.x), y: Math.round(s.pos.y + offset.y) };
    }
    if (parent !== null) {
      const p = stateAt(doc.machine, parent)!;
      if (p.type === 'final') delete p.type;
      if (!p.initial) p.initial = Object.keys(into)[0];
    }
    const names = new Set(Object.keys(doc.deadlines ?? {}));
    for (const d of snippet.deadlines) {
      const root = d.rel.split('.')[0];
      const oldRoot = snippet.parent ? `${snippet.parent}.${root}` : root;
      const name = freshName(d.name, names);
      names.add(name);
      (doc.deadlines ??= {})[name] = { ...d.def, state: rename.get(oldRoot)! + d.rel.slice(root.length) };
    }
  });
}

/** Deletes several states as one command (one undo). */
export function deleteStates(paths: string[]): Command {
  const roots = paths.filter((p) => !paths.some((o) => o !== p && inside(p, o)));
  return {
    name: 'deleteStates',
    label: { 'zh-CN': `删除 ${roots.length} 个状态`, en: `Delete ${roots.length} states` },
    apply: (doc) =>
      roots.reduce(
        (cur, p) => (walkStates(cur.machine).some((s) => s.path === p) ? deleteState(p).apply(cur) : cur),
        doc,
      ),
  };
}
