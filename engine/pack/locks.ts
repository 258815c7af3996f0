/** Items a base pack locks (national law, e.g. the 30-day confirmation window) may not be changed by a county. */
import type { Basis, LockEntry, PackManifest, PackParameter, ProblemDetail, ProcedureDoc } from '../types';
import { problem, pointer } from '../errors';
import { walkStates } from '../machine';
import { currentBasis } from '../basis';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function stateNode(doc: ProcedureDoc | undefined, path: string): unknown {
  const s = doc ? walkStates(doc.machine).find((x) => x.path === path) : undefined;
  if (!s) return undefined;
  const { meta: _m, ...rest } = s.node;
  return rest;
}

const itemOf = (e: LockEntry) => (typeof e === 'string' ? e : e.item);

export function checkLocks(
  packId: string,
  baseManifests: PackManifest[],
  baseParams: Record<string, PackParameter>,
  params: Record<string, PackParameter>,
  baseProcs: Record<string, ProcedureDoc>,
  procs: Record<string, ProcedureDoc>,
): ProblemDetail[] {
  const out: ProblemDetail[] = [];
  type Kind = 'parameters' | 'rules' | 'states' | 'deadlines';
  // item → the basis of its lock (the manifest's, else the item's own), or null when none is known
  const locked: Record<Kind, Map<string, Basis | null>> = {
    parameters: new Map(),
    rules: new Map(),
    states: new Map(),
    deadlines: new Map(),
  };
  const add = (k: Kind, item: string, basis: Basis | null | undefined) => {
    if (!locked[k].get(item)) locked[k].set(item, basis ?? null);
  };
  for (const m of baseManifests) {
    for (const k of ['parameters', 'rules', 'states', 'deadlines'] as const) {
      for (const e of m.locked?.[k] ?? []) add(k, itemOf(e), typeof e === 'string' ? null : e.basis);
    }
  }
  for (const [name, p] of Object.entries(baseParams))
    if (p.locked || locked.parameters.has(name)) add('parameters', name, p.basis);
  for (const [id, doc] of Object.entries(baseProcs)) {
    for (const [r, def] of Object.entries(doc.rules ?? {}))
      if (def.locked || locked.rules.has(`${id}/${r}`)) add('rules', `${id}/${r}`, def.basis);
    for (const [d, def] of Object.entries(doc.deadlines ?? {}))
      if (def.locked || locked.deadlines.has(`${id}/${d}`)) add('deadlines', `${id}/${d}`, def.basis);
  }
  const msg = (what: string, whatEn: string, path: string, basis: Basis | null) => {
    const cite = basis ? currentBasis(basis) : null;
    out.push(
      problem(
        path,
        'PACK_LOCKED',
        `「${what}」由上级配置包锁定(${cite ? cite['zh-CN'] : '国家法律规定'}),县级配置包不得修改`,
        `'${whatEn}' is locked by the base pack (${cite ? cite.en : 'national law'}); a county pack may not change it`,
      ),
    );
  };
  for (const [name, basis] of locked.parameters) {
    if (!same(baseParams[name]?.value, params[name]?.value) || !same(baseParams[name]?.table, params[name]?.table)) {
      msg(`参数 ${name}`, `parameter ${name}`, `/packs/${packId}/parameters/${name}`, basis);
    }
  }
  const check = (
    set: Map<string, Basis | null>,
    get: (doc: ProcedureDoc | undefined, key: string) => unknown,
    kind: string,
    seg: string,
  ) => {
    for (const [item, basis] of set) {
      const [proc, key] = [item.slice(0, item.indexOf('/')), item.slice(item.indexOf('/') + 1)];
      if (!baseProcs[proc]) continue;
      if (!same(get(baseProcs[proc], key), get(procs[proc], key))) {
        msg(
          `${proc} 的${kind} ${key}`,
          `${kind === '规则' ? 'rule' : kind === '期限' ? 'deadline' : 'state'} ${key} of ${proc}`,
          `/packs/${packId}/procedures/${proc}${pointer(seg, key)}`,
          basis,
        );
      }
    }
  };
  check(locked.rules, (d, k) => d?.rules?.[k], '规则', 'rules');
  check(locked.deadlines, (d, k) => d?.deadlines?.[k], '期限', 'deadlines');
  check(locked.states, (d, k) => stateNode(d, k), '状态', 'states');
  return out;
}
