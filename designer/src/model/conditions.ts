/**
 * The rule form's model: a json-rules-engine condition tree (all / any / not groups and leaf
 * conditions) edited through pure helpers, with values that are a literal, a pack parameter
 * (`{param}`) or another fact (`{fact, path, params}`).
 */
import { ALL_OPERATORS, UNARY_OPERATORS } from '../../../engine/browser';

export interface Leaf {
  fact: string;
  path?: string;
  operator: string;
  value?: unknown;
  params?: Record<string, unknown>;
}
export type Group = { all: Cond[] } | { any: Cond[] } | { not: Cond };
export type Cond = Group | Leaf;

/** The operators the engine knows (derived from it, never listed here; the facts are in engine/browser-rules.ts). */
export const OPERATORS = [...ALL_OPERATORS];
/** Operators whose result ignores the value: the condition keeps `value: true` (the format requires one). */
export const UNARY = UNARY_OPERATORS;

export const isLeaf = (c: Cond): c is Leaf => typeof (c as Leaf).fact === 'string';
export const groupKind = (c: Cond): 'all' | 'any' | 'not' | null =>
  isLeaf(c) ? null : 'all' in c ? 'all' : 'any' in c ? 'any' : 'not' in c ? 'not' : null;

export function children(c: Cond): Cond[] {
  const k = groupKind(c);
  if (k === 'all') return (c as { all: Cond[] }).all;
  if (k === 'any') return (c as { any: Cond[] }).any;
  if (k === 'not') return [(c as { not: Cond }).not];
  return [];
}

export function withChildren(c: Cond, kids: Cond[]): Cond {
  const k = groupKind(c);
  if (k === 'all') return { all: kids };
  if (k === 'any') return { any: kids };
  if (k === 'not') return { not: kids[0] ?? newLeaf() };
  return c;
}

export const newLeaf = (): Leaf => ({ fact: 'data', path: '', operator: 'equal', value: '' });

/** Address of a node in the tree: child indices from the root. */
export type Address = number[];

export function getAt(root: Cond, at: Address): Cond {
  return at.reduce<Cond>((c, i) => children(c)[i], root);
}

export function updateAt(root: Cond, at: Address, fn: (c: Cond) => Cond): Cond {
  if (at.length === 0) return fn(root);
  const kids = children(root).slice();
  kids[at[0]] = updateAt(kids[at[0]], at.slice(1), fn);
  return withChildren(root, kids);
}

export function removeAt(root: Cond, at: Address): Cond {
  if (at.length === 0) return root;
  const parentAt = at.slice(0, -1);
  return updateAt(root, parentAt, (p) =>
    withChildren(
      p,
      children(p).filter((_, i) => i !== at[at.length - 1]),
    ),
  );
}

export function appendAt(root: Cond, at: Address, child: Cond): Cond {
  return updateAt(root, at, (p) => (groupKind(p) === 'not' ? p : withChildren(p, [...children(p), child])));
}

/** Switches a group between all / any / not (keeping its children). */
export function setGroupKind(c: Cond, kind: 'all' | 'any' | 'not'): Cond {
  const kids = children(c);
  if (kind === 'not') return { not: kids[0] ?? newLeaf() };
  return kind === 'all' ? { all: kids } : { any: kids };
}

export type ValueMode = 'literal' | 'param' | 'fact';

export function valueMode(v: unknown): ValueMode {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.param === 'string' && Object.keys(o).length === 1) return 'param';
    if (typeof o.fact === 'string') return 'fact';
  }
  return 'literal';
}

/** Literal as typed in the form: numbers, true/false, null and JSON arrays/objects are read as such. */
export function parseLiteral(raw: string): unknown {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (v !== '' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return raw;
    }
  }
  return raw;
}

export function formatLiteral(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The top-level conditions of a new rule. */
export const emptyConditions = (): Cond => ({ all: [newLeaf()] });

export function asCond(v: unknown): Cond {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (
      Array.isArray(o.all) ||
      Array.isArray(o.any) ||
      (o.not && typeof o.not === 'object') ||
      typeof o.fact === 'string'
    )
      return v as Cond;
  }
  return emptyConditions();
}
