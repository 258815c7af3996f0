/**
 * What a base pack locks (rules, deadlines, states it marks `locked`, by national law) may not be changed while a
 * county pack is edited: any command whose result changes a locked item is refused, whatever the command is (a
 * form, the canvas or the JSON view). The base pack itself edits its own locked items freely.
 */
import type { ProcedureDoc } from '../../../../engine/browser';
import { walkStates } from '../../../../engine/browser';
import { CommandError, type Check } from './stack';

export interface Locks {
  rules: Set<string>;
  deadlines: Set<string>;
  states: Set<string>;
}

export const noLocks = (): Locks => ({ rules: new Set(), deadlines: new Set(), states: new Set() });

/**
 * The locks a county inherits for one procedure: items marked `locked` in the base document (a county's resolved
 * document carries the marks too, so a county token that cannot read its base still sees them) and the base
 * manifests' lists.
 */
type Listed = (string | { item: string })[];

export function locksOf(
  base: ProcedureDoc | null,
  listed: { rules?: Listed; states?: Listed; deadlines?: Listed } = {},
  procedure = base?.id ?? '',
): Locks {
  const locks = noLocks();
  if (base) {
    for (const [k, r] of Object.entries(base.rules ?? {})) if (r.locked) locks.rules.add(k);
    for (const [k, d] of Object.entries(base.deadlines ?? {})) if (d.locked) locks.deadlines.add(k);
  }
  // a manifest lists `procedure/item`, or `{item, basis}` where the lock cites its (dated) basis
  const mine = (list?: Listed) =>
    (list ?? [])
      .map((x) => (typeof x === 'string' ? x : x.item))
      .filter((x) => x.startsWith(`${procedure}/`))
      .map((x) => x.slice(procedure.length + 1));
  for (const r of mine(listed.rules)) locks.rules.add(r);
  for (const d of mine(listed.deadlines)) locks.deadlines.add(d);
  for (const s of mine(listed.states)) locks.states.add(s);
  return locks;
}

/** Equal: the same object (an edit shares what it did not touch), else the same JSON. */
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function stateBody(doc: ProcedureDoc, path: string): unknown {
  const s = walkStates(doc.machine).find((x) => x.path === path);
  if (!s) return undefined;
  const { meta: _m, ...rest } = s.node;
  return rest;
}

/** The first locked item `after` changes against `before`, as [kind, name], or null. */
export function lockedChange(
  before: ProcedureDoc,
  after: ProcedureDoc,
  locks: Locks,
): ['rule' | 'deadline' | 'state', string] | null {
  for (const r of locks.rules) if (!same(before.rules?.[r], after.rules?.[r])) return ['rule', r];
  for (const d of locks.deadlines) if (!same(before.deadlines?.[d], after.deadlines?.[d])) return ['deadline', d];
  for (const s of locks.states) if (!same(stateBody(before, s), stateBody(after, s))) return ['state', s];
  return null;
}

const KIND = { rule: ['规则', 'rule'], deadline: ['期限', 'deadline'], state: ['状态', 'state'] } as const;

/** A stack check refusing commands that change a locked item (named by its title where it has one). */
export function lockCheck(
  locks: Locks,
  title: (kind: 'rule' | 'deadline' | 'state', name: string) => { 'zh-CN': string; en: string },
): Check {
  return (before, after) => {
    const hit = lockedChange(before, after, locks);
    if (!hit) return null;
    const [kind, name] = hit;
    const t = title(kind, name);
    return new CommandError({
      'zh-CN': `${KIND[kind][0]}「${t['zh-CN']}」由上级配置包锁定(国家法律规定),本级不能修改`,
      en: `the ${KIND[kind][1]} '${t.en}' is locked by the base pack (national law) and cannot be changed here`,
    });
  };
}
