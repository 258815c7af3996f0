/**
 * Pack resolution: a county pack `extends` its base and changes it by parameters, overlays on the base's procedures
 * (engine/pack/overlay.ts), added procedures, and data. It never holds a copy of a base procedure. The resolved pack
 * is validated whole; an overlay operation or a parameter override whose base moved is a conflict, not applied.
 */
import type {
  OverlayOp,
  PackConflict,
  PackSource,
  PackParameter,
  ProblemDetail,
  ProcedureDoc,
  ResolvedPack,
} from '../types';
import { i18n, problem } from '../errors';
import { ajvProblems, validatePackSchema, validateProcedure } from '../validate';
import { calendarOfPackData } from '../calendar';
import { applyOverlay, checkOverlay, diffOverlay, isMergePatch, jsonEqual, overlayOfMergePatch } from './overlay';
import { diffData, diffParameters, diffProcedures } from './diff';
import { checkLocks } from './locks';
import { mergeData } from './data';
import { checkBasis, checkTable } from '../basis';
import { isSlug } from '../ids';

export interface ResolveResult {
  packs: Record<string, ResolvedPack>;
  problems: ProblemDetail[];
  /**
   * With `upgrade`: the packs whose source held merge patches or copies of base procedures, with the overlay
   * operations they became (against the base they were resolved with) and what was turned.
   */
  upgraded: Record<
    string,
    {
      patches: Record<string, OverlayOp[]>;
      procedures: Record<string, ProcedureDoc>;
      parameters?: Record<string, PackParameter>;
      turned: ({ procedure: string; from: 'merge-patch' | 'copy' } | { parameter: string; from: 'override' })[];
    }
  >;
}

export interface ResolveOptions {
  /**
   * Turn merge patches and full copies of base procedures into overlay operations (a bundle imported, packs loaded
   * by the server). Without it a copy of a base procedure is the problem FROZEN_COPY and a merge patch is applied
   * as such (it cannot say what it expected of the base).
   */
  upgrade?: boolean;
  /** Resolutions to keep as they are for the packs outside `only` (see resolvePacks). */
  reuse?: Record<string, ResolvedPack>;
  only?: Set<string>;
}

function order(sources: PackSource[], problems: ProblemDetail[]): PackSource[] {
  const byId = new Map(sources.map((s) => [s.manifest?.id, s]));
  const out: PackSource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: PackSource): boolean => {
    const id = s.manifest.id;
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'visiting') {
      problems.push(
        problem(
          `/packs/${id}/extends`,
          'PACK_CYCLE',
          `配置包继承关系存在循环(${id})`,
          `pack inheritance has a cycle (${id})`,
        ),
      );
      return false;
    }
    state.set(id, 'visiting');
    const base = s.manifest.extends;
    if (base) {
      const b = byId.get(base);
      if (!b) {
        problems.push(
          problem(
            `/packs/${id}/extends`,
            'UNKNOWN_BASE_PACK',
            `继承的配置包「${base}」不存在`,
            `base pack '${base}' does not exist`,
          ),
        );
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

/**
 * A county's parameter overrides laid over its base's. One that records the base value it replaced (`baseValue`) is a
 * conflict when the base has moved since (changed the value, or removed the parameter): the county's value stays in
 * use, but the procedures reading it do not follow the base until the county confirms or drops it.
 */
function overrideParameters(
  base: Record<string, PackParameter>,
  own: Record<string, PackParameter>,
  conflicts: PackConflict[],
): Record<string, PackParameter> {
  const show = (v: unknown) => JSON.stringify(v);
  for (const [name, p] of Object.entries(own)) {
    if (!('baseValue' in p)) continue;
    const b = base[name];
    if (!b) {
      conflicts.push({
        kind: 'parameter',
        path: name,
        reason: 'removed',
        expected: p.baseValue,
        county: p.value,
        message: i18n(
          `上级配置包已删除参数 ${name};本地取值 ${show(p.value)} 仍保留,请确认或删除`,
          `the base removed parameter ${name}; the local value ${show(p.value)} is kept until confirmed or dropped`,
        ),
      });
    } else if (!jsonEqual(b.value, p.baseValue) && !jsonEqual(b.value, p.value)) {
      conflicts.push({
        kind: 'parameter',
        path: name,
        reason: 'changed',
        expected: p.baseValue,
        base: b.value,
        county: p.value,
        message: i18n(
          `上级配置包把参数 ${name} 从 ${show(p.baseValue)} 改为 ${show(b.value)};本地取值 ${show(p.value)} 仍保留,请确认`,
          `the base changed parameter ${name} from ${show(p.baseValue)} to ${show(b.value)}; the local value ${show(p.value)} is kept until confirmed`,
        ),
      });
    }
  }
  return { ...base, ...own };
}

/**
 * Resolves packs. With `reuse` and `only`, a pack outside `only` (one a change does not touch: neither changed nor
 * built on a changed pack) keeps its resolution from `reuse` instead of being resolved and validated again, so a
 * change costs the packs it touches, not every pack.
 */
export function resolvePacks(sources: PackSource[], opts: ResolveOptions = {}): ResolveResult {
  const problems: ProblemDetail[] = [];
  const upgraded: ResolveResult['upgraded'] = {};
  const reused = (id: unknown) =>
    opts.only && typeof id === 'string' && !opts.only.has(id) && opts.reuse && Object.hasOwn(opts.reuse, id)
      ? opts.reuse[id]
      : undefined;
  const valid = sources.filter((s) => {
    if (reused(s.manifest?.id)) return true;
    if (validatePackSchema(s.manifest)) return true;
    const id = (s.manifest as { id?: string } | undefined)?.id ?? s.folder ?? '?';
    problems.push(...ajvProblems(validatePackSchema.errors, `/packs/${id}/manifest`));
    return false;
  });
  const packs: Record<string, ResolvedPack> = {};
  const manifests = new Map(valid.map((s) => [s.manifest.id, s.manifest]));
  for (const src of order(valid, problems)) {
    const m = src.manifest;
    const kept = reused(m.id);
    if (kept) {
      packs[m.id] = kept;
      continue;
    }
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
    const conflicts: PackConflict[] = [];
    const parameters = base
      ? overrideParameters(base.parameters, m.parameters ?? {}, conflicts)
      : { ...(m.parameters ?? {}) };
    const procedures: Record<string, ProcedureDoc> = structuredClone(base?.procedures ?? {});
    const badKey = (kind: 'procedures' | 'patches', id: string, why: 'pattern' | 'mismatch') =>
      problems.push(
        problem(
          `/packs/${m.id}/${kind}/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          'BAD_ID',
          why === 'pattern'
            ? `编号「${id}」不合规(小写字母开头,仅含小写字母、数字和 -,最长 64 位,且不能是保留名称)`
            : `流程的键「${id}」必须与其 id 一致`,
          why === 'pattern'
            ? `id '${id}' is invalid (a lowercase letter, then lowercase letters, digits or '-', at most 64, not a reserved name)`
            : `the key '${id}' must equal the procedure's id`,
        ),
      );
    const badProcedure = Object.entries(src.procedures ?? {}).find(
      ([id, doc]) => !isSlug(id) || (doc as { id?: unknown })?.id !== id,
    );
    const badPatch = Object.keys(src.patches ?? {}).find((id) => !isSlug(id));
    if (badProcedure || badPatch) {
      // keys become file names (versions/<pack>/<procedure>/<n>.json): a pack with a bad one is refused whole
      for (const [id, doc] of Object.entries(src.procedures ?? {})) {
        if (!isSlug(id)) badKey('procedures', id, 'pattern');
        else if ((doc as { id?: unknown })?.id !== id) badKey('procedures', id, 'mismatch');
      }
      for (const id of Object.keys(src.patches ?? {})) if (!isSlug(id)) badKey('patches', id, 'pattern');
      continue;
    }
    const turned: ResolveResult['upgraded'][string] = { patches: {}, procedures: {}, turned: [] };
    const overlays: Record<string, OverlayOp[]> = {};
    for (const [id, patch] of Object.entries(src.patches ?? {})) {
      const at = `/packs/${m.id}/patches/${id}`;
      if (!Object.prototype.hasOwnProperty.call(procedures, id)) {
        problems.push(
          problem(
            at,
            'UNKNOWN_PROCEDURE',
            `补丁针对的流程「${id}」在上级配置包中不存在`,
            `patch targets procedure '${id}', which the base pack does not have`,
          ),
        );
        continue;
      }
      if (isMergePatch(patch)) {
        overlays[id] = overlayOfMergePatch(procedures[id], patch);
        turned.turned.push({ procedure: id, from: 'merge-patch' });
        continue;
      }
      const bad = checkOverlay(patch, at);
      if (bad.length) problems.push(...bad);
      else overlays[id] = patch;
    }
    for (const [id, doc] of Object.entries(src.procedures)) {
      if (!base || !Object.prototype.hasOwnProperty.call(base.procedures, id)) continue;
      if (!opts.upgrade) {
        problems.push(
          problem(
            `/packs/${m.id}/procedures/${id}`,
            'FROZEN_COPY',
            `县级配置包不得保存上级流程「${id}」的完整副本:改动应写成补丁(gongzhi overlay 可转换)`,
            `a county pack may not hold a full copy of the base's procedure '${id}': write its changes as a patch (gongzhi overlay converts it)`,
          ),
        );
        continue;
      }
      // a copy becomes the operations that turn the base into it (after the pack's own patch, which it replaced)
      overlays[id] = diffOverlay(procedures[id], doc);
      turned.turned.push({ procedure: id, from: 'copy' });
    }
    for (const [id, ops] of Object.entries(overlays)) {
      const r = applyOverlay(procedures[id], ops);
      procedures[id] = r.doc;
      for (const c of r.conflicts) {
        conflicts.push({
          kind: 'patch',
          procedure: id,
          path: c.op.path,
          reason: c.reason,
          index: c.index,
          op: c.op.op,
          ...('was' in c.op ? { expected: c.op.was } : {}),
          ...('base' in c ? { base: c.base } : {}),
          ...('value' in c.op ? { county: c.op.value } : {}),
          message: c.message,
        });
      }
    }
    for (const [id, doc] of Object.entries(src.procedures)) {
      if (base && Object.prototype.hasOwnProperty.call(base.procedures, id)) continue;
      procedures[id] = structuredClone(doc);
      turned.procedures[id] = doc;
    }
    // a parameter override that does not say which base value it replaced records the base's current one
    const ownParams = m.parameters ?? {};
    const unpinned = base
      ? Object.keys(ownParams).filter((n) => base.parameters[n] && !('baseValue' in ownParams[n]))
      : [];
    if (opts.upgrade && unpinned.length) {
      turned.parameters = Object.fromEntries(
        Object.entries(ownParams).map(([n, p]) => [
          n,
          unpinned.includes(n) ? { ...p, baseValue: structuredClone(base!.parameters[n].value) } : p,
        ]),
      );
      for (const n of unpinned) turned.turned.push({ parameter: n, from: 'override' });
    }
    if (opts.upgrade && turned.turned.length) {
      turned.patches = {
        ...(Object.fromEntries(Object.entries(src.patches ?? {}).filter(([, p]) => !isMergePatch(p))) as Record<
          string,
          OverlayOp[]
        >),
        ...overlays,
      };
      upgraded[m.id] = turned;
    }
    const data = mergeData(base?.data ?? {}, src.data);
    const calendarPolicy = m.calendarPolicy ?? base?.calendarPolicy ?? 'provisional';
    for (const [id, doc] of Object.entries(procedures)) {
      for (const p of validateProcedure(doc, { parameters }))
        problems.push({ ...p, path: `/packs/${m.id}/procedures/${id}${p.path === '/' ? '' : p.path}` });
    }
    if (base) {
      const lineageManifests = base.lineage.map((id) => manifests.get(id)!).filter(Boolean);
      problems.push(...checkLocks(m.id, lineageManifests, base.parameters, parameters, base.procedures, procedures));
    }
    packs[m.id] = {
      id: m.id,
      title: m.title,
      ...(m.description ? { description: m.description } : {}),
      ...(m.extends ? { extends: m.extends } : {}),
      lineage: [...(base?.lineage ?? []), m.id],
      parameters,
      procedures,
      data,
      calendar: calendarOfPackData(data, calendarPolicy),
      calendarPolicy,
      overrides: base
        ? [
            ...diffParameters(base.parameters, parameters),
            ...diffProcedures(base.procedures, procedures),
            ...diffData(base.data, data),
          ]
        : [],
      ...(conflicts.length ? { conflicts } : {}),
    };
  }
  return { packs, problems, upgraded };
}
