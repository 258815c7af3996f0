/** UI-free statechart graph helpers over the procedure's machine JSON (used by validation, compile, designer). */
import type { MachineJSON, StateJSON, TransitionJSON } from '../types';
import { pointer } from '../errors';

export interface StateEntry {
  /** Dotted path, e.g. `fastTrackCourt.trial`. */
  path: string;
  parent: string | null;
  node: StateJSON;
  /** JSON pointer of the state inside the document. */
  pointer: string;
}

export function walkStates(machine: MachineJSON): StateEntry[] {
  const out: StateEntry[] = [];
  const visit = (states: Record<string, StateJSON> | undefined, parent: string | null, ptr: string) => {
    for (const [key, node] of Object.entries(states ?? {})) {
      if (!node || typeof node !== 'object') continue;
      const path = parent ? `${parent}.${key}` : key;
      const p = `${ptr}${pointer('states', key)}`;
      out.push({ path, parent, node, pointer: p });
      visit(node.states, path, p);
    }
  };
  visit(machine.states, null, '/machine');
  return out;
}

export interface TransitionEntry {
  source: string | null; // null: the machine root
  event: string | null; // null: eventless (always)
  index: number;
  transition: TransitionJSON;
  pointer: string;
}

function normalize(t: unknown): TransitionJSON[] {
  if (typeof t === 'string') return [{ target: t }];
  if (Array.isArray(t)) return t as TransitionJSON[];
  if (t && typeof t === 'object') return [t as TransitionJSON];
  return [];
}

export function transitionsOf(node: StateJSON | MachineJSON, source: string | null, ptr: string): TransitionEntry[] {
  const out: TransitionEntry[] = [];
  for (const [event, t] of Object.entries((node.on ?? {}) as Record<string, unknown>)) {
    const list = normalize(t);
    const many = Array.isArray(t);
    list.forEach((transition, index) =>
      out.push({
        source,
        event,
        index,
        transition,
        pointer: ptr + pointer('on', event) + (many ? pointer(index) : ''),
      }),
    );
  }
  if ('always' in node && node.always !== undefined) {
    const many = Array.isArray(node.always);
    normalize(node.always).forEach((transition, index) =>
      out.push({ source, event: null, index, transition, pointer: ptr + '/always' + (many ? pointer(index) : '') }),
    );
  }
  return out;
}

export function allTransitions(machine: MachineJSON): TransitionEntry[] {
  const out = transitionsOf(machine, null, '/machine');
  for (const s of walkStates(machine)) out.push(...transitionsOf(s.node, s.path, s.pointer));
  return out;
}

export function targetsOf(t: TransitionJSON): string[] {
  if (t.target === undefined) return [];
  return Array.isArray(t.target) ? t.target : [t.target];
}

/** Resolves an XState target string from a source state to a dotted state path, or null. */
export function resolveTarget(
  machine: MachineJSON,
  machineId: string,
  source: string | null,
  target: string,
  known: Set<string>,
): string | null {
  let path: string;
  if (target.startsWith('#')) {
    const rest = target.slice(1);
    const ids = [machineId, machine.id].filter(Boolean) as string[];
    const id = ids.find((i) => rest === i || rest.startsWith(i + '.'));
    if (!id) return null;
    path = rest.slice(id.length + 1);
  } else if (target.startsWith('.')) {
    path = source ? source + target : target.slice(1);
  } else {
    const parent = source && source.includes('.') ? source.slice(0, source.lastIndexOf('.')) : null;
    path = source === null ? target : parent ? `${parent}.${target}` : target;
  }
  return known.has(path) ? path : null;
}

/** The leaf entered when entering `path` (following `initial`). */
export function initialLeaf(byPath: Map<string, StateEntry>, path: string): string {
  let cur = path;
  for (let guard = 0; guard < 64; guard++) {
    const node = byPath.get(cur)?.node;
    if (!node?.states || Object.keys(node.states).length === 0) return cur;
    const init = node.initial ?? Object.keys(node.states)[0];
    if (!node.states[init]) return cur;
    cur = `${cur}.${init}`;
  }
  return cur;
}

export function ancestors(path: string): string[] {
  const parts = path.split('.');
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 1; i--) out.push(parts.slice(0, i).join('.'));
  return out;
}

export function isFinal(node: StateJSON): boolean {
  return node.type === 'final';
}

/** Names a guard refers to: [rule names], and the combinator type if any. */
export function guardRules(guard: unknown): { rules: string[]; type: string | null } {
  if (typeof guard === 'string') return { rules: [guard], type: null };
  if (!guard || typeof guard !== 'object') return { rules: [], type: null };
  const g = guard as { type?: unknown; params?: Record<string, unknown> };
  const type = typeof g.type === 'string' ? g.type : null;
  if (type === 'allOf' || type === 'anyOf') {
    const rules = Array.isArray(g.params?.rules) ? (g.params!.rules as unknown[]).map(String) : [];
    return { rules, type };
  }
  if (type === 'not') return { rules: g.params?.rule !== undefined ? [String(g.params.rule)] : [], type };
  return { rules: type ? [type] : [], type: null };
}
