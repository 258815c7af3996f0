/** Small UI-free helpers over a procedure document: find states and transitions by dotted path. */
import type { I18n, MachineJSON, ProcedureDoc, StateJSON, TransitionJSON } from '../../../engine/browser';
import { resolveTarget, walkStates } from '../../../engine/browser';

export type Lang = 'zh-CN' | 'en';

export const text = (v: I18n | string | undefined | null, lang: Lang): string =>
  v == null ? '' : typeof v === 'string' ? v : v[lang] || v['zh-CN'] || v.en || '';

export const machineIdOf = (doc: ProcedureDoc): string => doc.id ?? doc.machine.id ?? 'procedure';

export const parentPath = (path: string): string | null =>
  path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : null;
export const keyOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** The state at a dotted path, or undefined. */
export function stateAt(machine: MachineJSON, path: string): StateJSON | undefined {
  let states: Record<string, StateJSON> | undefined = machine.states;
  let node: StateJSON | undefined;
  for (const key of path.split('.')) {
    node = states?.[key];
    if (!node) return undefined;
    states = node.states;
  }
  return node;
}

/** The `states` map that holds children of `parent` (null: the machine root), created when `create`. */
export function childStates(
  machine: MachineJSON,
  parent: string | null,
  create = false,
): Record<string, StateJSON> | undefined {
  if (parent === null) return machine.states;
  const node = stateAt(machine, parent);
  if (!node) return undefined;
  if (!node.states && create) node.states = {};
  return node.states;
}

/** Either the machine (null) or a state: the owner of `on` / `always`. */
export function ownerAt(machine: MachineJSON, source: string | null): StateJSON | MachineJSON | undefined {
  return source === null ? machine : stateAt(machine, source);
}

export function knownPaths(machine: MachineJSON): Set<string> {
  return new Set(walkStates(machine).map((s) => s.path));
}

/** Target string for a transition from `source` to `target` (both dotted paths): relative when it can be. */
export function targetString(doc: ProcedureDoc, source: string | null, target: string): string {
  const parent = source === null ? null : parentPath(source);
  if (parent === null) return target;
  if (target.startsWith(parent + '.')) return target.slice(parent.length + 1);
  return `#${machineIdOf(doc)}.${target}`;
}

export function resolve(doc: ProcedureDoc, source: string | null, target: string, known?: Set<string>): string | null {
  return resolveTarget(doc.machine, machineIdOf(doc), source, target, known ?? knownPaths(doc.machine));
}

export function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A reference to one transition: its source (null = root), event (null = always) and index in the list. */
export interface TransitionRef {
  source: string | null;
  event: string | null;
  index: number;
}

export function transitionList(owner: StateJSON | MachineJSON, event: string | null): TransitionJSON[] {
  const raw = event === null ? owner.always : (owner.on as Record<string, unknown> | undefined)?.[event];
  return asList(raw as TransitionJSON | TransitionJSON[] | string | undefined).map((t) =>
    typeof t === 'string' ? { target: t } : t,
  );
}

/** Writes a transition list back in its simplest form (one object, or an array; removed when empty). */
export function writeTransitionList(
  owner: StateJSON | MachineJSON,
  event: string | null,
  list: TransitionJSON[],
): void {
  const value = list.length === 1 ? list[0] : list;
  if (event === null) {
    if (list.length === 0) delete owner.always;
    else owner.always = value;
    return;
  }
  const on = (owner.on ?? {}) as Record<string, unknown>;
  if (list.length === 0) delete on[event];
  else on[event] = value;
  if (Object.keys(on).length === 0) delete owner.on;
  else owner.on = on as StateJSON['on'];
}

/** JSON pointer of a transition, the same as the engine's (`/machine/states/a/on/E` or `/machine/states/a/on/E/1`). */
export function transitionPointer(doc: ProcedureDoc, ref: TransitionRef): string {
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const base =
    ref.source === null
      ? '/machine'
      : '/machine' +
        ref.source
          .split('.')
          .map((k) => `/states/${esc(k)}`)
          .join('');
  const owner = ownerAt(doc.machine, ref.source);
  const raw = owner
    ? ref.event === null
      ? owner.always
      : (owner.on as Record<string, unknown> | undefined)?.[ref.event]
    : undefined;
  const many = Array.isArray(raw);
  return base + (ref.event === null ? '/always' : `/on/${esc(ref.event)}`) + (many ? `/${ref.index}` : '');
}

export function statePointer(path: string): string {
  return (
    '/machine' +
    path
      .split('.')
      .map((k) => `/states/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)
      .join('')
  );
}

export const clone = <T>(v: T): T => structuredClone(v);

/** A fresh key not used in `taken`, from a base like `state`: state1, state2, … */
export function freshKey(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** Every dotted state path, for pickers. */
export const statePaths = (doc: ProcedureDoc): string[] => walkStates(doc.machine).map((s) => s.path);
