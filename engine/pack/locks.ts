/** Items a base pack locks (national law, e.g. the 30-day confirmation window) may not be changed by a county. */
import type { PackManifest, PackParameter, ProblemDetail, ProcedureDoc } from '../types';
import { problem, pointer } from '../errors';
import { walkStates } from '../machine';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function stateNode(doc: ProcedureDoc | undefined, path: string): unknown {
  const s = doc ? walkStates(doc.machine).find((x) => x.path === path) : undefined;
  if (!s) return undefined;
  const { meta: _m, ...rest } = s.node;
  return rest;
}

export function checkLocks(
  packId: string, baseManifests: PackManifest[], baseParams: Record<string, PackParameter>, params: Record<string, PackParameter>,
  baseProcs: Record<string, ProcedureDoc>, procs: Record<string, ProcedureDoc>,
): ProblemDetail[] {
  const out: ProblemDetail[] = [];
  const locked = { parameters: new Set<string>(), rules: new Set<string>(), states: new Set<string>(), deadlines: new Set<string>() };
  for (const m of baseManifests) {
    for (const k of ['parameters', 'rules', 'states', 'deadlines'] as const) for (const x of m.locked?.[k] ?? []) locked[k].add(x);
  }
  for (const [name, p] of Object.entries(baseParams)) if (p.locked) locked.parameters.add(name);
  for (const [id, doc] of Object.entries(baseProcs)) {
    for (const [r, def] of Object.entries(doc.rules ?? {})) if (def.locked) locked.rules.add(`${id}/${r}`);
    for (const [d, def] of Object.entries(doc.deadlines ?? {})) if (def.locked) locked.deadlines.add(`${id}/${d}`);
  }
  const msg = (what: string, whatEn: string, path: string) =>
    out.push(problem(path, 'PACK_LOCKED', `「${what}」由上级配置包锁定(国家法律规定),县级配置包不得修改`, `'${whatEn}' is locked by the base pack (national law); a county pack may not change it`));
  for (const name of locked.parameters) {
    if (!same(baseParams[name]?.value, params[name]?.value)) msg(`参数 ${name}`, `parameter ${name}`, `/packs/${packId}/parameters/${name}`);
  }
  const check = (set: Set<string>, get: (doc: ProcedureDoc | undefined, key: string) => unknown, kind: string, seg: string) => {
    for (const item of set) {
      const [proc, key] = [item.slice(0, item.indexOf('/')), item.slice(item.indexOf('/') + 1)];
      if (!baseProcs[proc]) continue;
      if (!same(get(baseProcs[proc], key), get(procs[proc], key))) {
        msg(`${proc} 的${kind} ${key}`, `${kind === '规则' ? 'rule' : kind === '期限' ? 'deadline' : 'state'} ${key} of ${proc}`,
          `/packs/${packId}/procedures/${proc}${pointer(seg, key)}`);
      }
    }
  };
  check(locked.rules, (d, k) => d?.rules?.[k], '规则', 'rules');
  check(locked.deadlines, (d, k) => d?.deadlines?.[k], '期限', 'deadlines');
  check(locked.states, (d, k) => stateNode(d, k), '状态', 'states');
  return out;
}
