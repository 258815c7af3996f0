/**
 * Pack resolution: a county pack `extends` its base and changes it by parameters, procedure patches
 * (JSON merge patch), replaced or added procedures, and data. The resolved pack is validated whole.
 */
import type { PackSource, ProblemDetail, ProcedureDoc, ResolvedPack } from '../types';
import { problem } from '../errors';
import { ajvProblems, validatePackSchema, validateProcedure } from '../validate';
import { calendarOfPackData } from '../calendar';
import { mergePatch } from './merge-patch';
import { diffData, diffParameters, diffProcedures } from './diff';
import { checkLocks } from './locks';
import { checkBasis, checkTable } from '../basis';

export interface ResolveResult {
  packs: Record<string, ResolvedPack>;
  problems: ProblemDetail[];
}

function order(sources: PackSource[], problems: ProblemDetail[]): PackSource[] {
  const byId = new Map(sources.map((s) => [s.manifest?.id, s]));
  const out: PackSource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: PackSource): boolean => {
    const id = s.manifest.id;
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'visiting') {
      problems.push(problem(`/packs/${id}/extends`, 'PACK_CYCLE', `配置包继承关系存在循环(${id})`, `pack inheritance has a cycle (${id})`));
      return false;
    }
    state.set(id, 'visiting');
    const base = s.manifest.extends;
    if (base) {
      const b = byId.get(base);
      if (!b) {
        problems.push(problem(`/packs/${id}/extends`, 'UNKNOWN_BASE_PACK', `继承的配置包「${base}」不存在`, `base pack '${base}' does not exist`));
        state.set(id, 'done');
        return false;
      }
      if (!visit(b)) {
        state.set(id, 'done');
        return false;
      }
    }
    state.set(id, 'done');
    out.push(s);
    return true;
  };
  sources.forEach(visit);
  return out;
}

export function resolvePacks(sources: PackSource[]): ResolveResult {
  const problems: ProblemDetail[] = [];
  const valid = sources.filter((s) => {
    if (validatePackSchema(s.manifest)) return true;
    const id = (s.manifest as { id?: string } | undefined)?.id ?? s.origin ?? '?';
    problems.push(...ajvProblems(validatePackSchema.errors, `/packs/${id}/manifest`));
    return false;
  });
  const packs: Record<string, ResolvedPack> = {};
  const manifests = new Map(valid.map((s) => [s.manifest.id, s.manifest]));
  for (const src of order(valid, problems)) {
    const m = src.manifest;
    const base = m.extends ? packs[m.extends] : undefined;
    if (m.extends && !base) continue; // its base failed; already reported
    for (const [name, p] of Object.entries(m.parameters ?? {})) {
      const ptr = `/packs/${m.id}/parameters/${name}`;
      problems.push(...checkBasis(p.basis, `${ptr}/basis`), ...checkTable(p.table, p.value, ptr));
    }
    for (const k of ['parameters', 'rules', 'states', 'deadlines'] as const) {
      (m.locked?.[k] ?? []).forEach((e, i) => {
        if (typeof e !== 'string') problems.push(...checkBasis(e.basis, `/packs/${m.id}/locked/${k}/${i}/basis`));
      });
    }
    const parameters = { ...(base?.parameters ?? {}), ...(m.parameters ?? {}) };
    const procedures: Record<string, ProcedureDoc> = structuredClone(base?.procedures ?? {});
    for (const [id, patch] of Object.entries(src.patches ?? {})) {
      if (!procedures[id]) {
        problems.push(problem(`/packs/${m.id}/patches/${id}`, 'UNKNOWN_PROCEDURE', `补丁针对的流程「${id}」在上级配置包中不存在`, `patch targets procedure '${id}', which the base pack does not have`));
        continue;
      }
      procedures[id] = mergePatch(procedures[id], patch) as ProcedureDoc;
    }
    for (const [id, doc] of Object.entries(src.procedures)) procedures[id] = structuredClone(doc);
    const data = { ...(base?.data ?? {}), ...src.data };
    const calendarPolicy = m.calendarPolicy ?? base?.calendarPolicy ?? 'provisional';
    for (const [id, doc] of Object.entries(procedures)) {
      for (const p of validateProcedure(doc, { parameters })) problems.push({ ...p, path: `/packs/${m.id}/procedures/${id}${p.path === '/' ? '' : p.path}` });
    }
    if (base) {
      const lineageManifests = base.lineage.map((id) => manifests.get(id)!).filter(Boolean);
      problems.push(...checkLocks(m.id, lineageManifests, base.parameters, parameters, base.procedures, procedures));
    }
    packs[m.id] = {
      id: m.id, title: m.title, ...(m.description ? { description: m.description } : {}), ...(m.extends ? { extends: m.extends } : {}),
      lineage: [...(base?.lineage ?? []), m.id], parameters, procedures, data, calendar: calendarOfPackData(data, calendarPolicy), calendarPolicy,
      overrides: base ? [...diffParameters(base.parameters, parameters), ...diffProcedures(base.procedures, procedures), ...diffData(base.data, data)] : [],
    };
  }
  return { packs, problems };
}
