/**
 * County drafts are overlays (DESIGN decision 6): a county's draft of a base procedure is kept as the operations that
 * turn the base — as the designer had it — into the draft, so a base that moves on meanwhile is followed, and
 * publishing stores those operations as the county's patch (never a copy). A county's parameter overrides are drafted
 * apart, in the pack draft (procedure `$pack`), each recording the base value it replaces.
 */
import { applyOverlay, diffOverlay, type OverlayOp, type PackConflict, type PackParameter, type PackSource, type ProblemDetail, type ProcedureDoc, type ResolvedPack } from '../../engine';
import { problem } from '../../engine/errors';

type Source = Omit<PackSource, 'origin'>;

/** The drafts key of a pack's own (non-procedure) changes. */
export const PACK_DRAFT = '$pack';

const body = (doc: ProcedureDoc) => {
  const { version: _v, ...rest } = doc;
  return rest as ProcedureDoc;
};

export function overlayOf(base: ProcedureDoc, doc: ProcedureDoc): OverlayOp[] {
  return diffOverlay(body(base), body(doc));
}

/** A county draft laid on the base as it is now: the document, and the operations that no longer apply. */
export function draftOnBase(baseNow: ProcedureDoc, overlay: OverlayOp[], procedure: string): { doc: ProcedureDoc; conflicts: PackConflict[] } {
  const r = applyOverlay(body(baseNow), overlay);
  return {
    doc: r.doc,
    conflicts: r.conflicts.map((c) => ({
      kind: 'patch', procedure, path: c.op.path, reason: c.reason, index: c.index, op: c.op.op,
      ...('was' in c.op ? { expected: c.op.was } : {}), ...('base' in c ? { base: c.base } : {}), ...('value' in c.op ? { county: c.op.value } : {}),
      message: c.message,
    })),
  };
}

/** The pack's source once a procedure draft is published: the base's procedures get the overlay, the county's own the document. */
export function countyDraftSource(src: Source, procedure: string, doc: ProcedureDoc, overlay: OverlayOp[] | undefined): Source {
  const procedures = { ...src.procedures };
  const patches = { ...(src.patches ?? {}) };
  if (overlay) {
    delete procedures[procedure];
    if (overlay.length) patches[procedure] = overlay;
    else delete patches[procedure];
  } else {
    delete patches[procedure];
    procedures[procedure] = body(doc);
  }
  return { ...src, procedures, patches };
}

export interface ParameterEdit {
  value: unknown;
  basis?: PackParameter['basis'];
  title?: PackParameter['title'];
  unit?: string;
  sample?: boolean;
}

const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * A pack draft's parameter overrides as they would be stored: each takes the base's title, unit and basis unless it
 * names its own, and records the base value it replaces; `null` drops the county's override. Problems (a parameter
 * the base does not have, a value of another kind, one the base locks) are listed with their paths.
 */
export function parameterDraft(pack: ResolvedPack, base: ResolvedPack | undefined, edits: Record<string, ParameterEdit | null>, locked: Set<string>):
  { parameters: Record<string, PackParameter | null>; problems: ProblemDetail[] } {
  const parameters: Record<string, PackParameter | null> = {};
  const problems: ProblemDetail[] = [];
  for (const [name, e] of Object.entries(edits)) {
    const at = `/parameters/${name}`;
    const b = base?.parameters[name];
    if (e === null) {
      parameters[name] = null;
      continue;
    }
    const own = pack.parameters[name];
    if (!b && !own) {
      problems.push(problem(at, 'UNKNOWN_PARAMETER', `上级配置包没有参数 ${name}`, `the base pack has no parameter ${name}`));
      continue;
    }
    if (locked.has(name) || b?.locked) {
      problems.push(problem(at, 'PACK_LOCKED', `参数 ${name} 由上级配置包锁定,县级配置包不得修改`, `parameter ${name} is locked by the base pack; a county pack may not change it`));
      continue;
    }
    const ref = b ?? own!;
    if (kind(e.value) !== kind(ref.value)) {
      problems.push(problem(`${at}/value`, 'PARAMETER_TYPE', `参数 ${name} 的值应为 ${kind(ref.value)}`, `parameter ${name} must be a ${kind(ref.value)}`));
      continue;
    }
    parameters[name] = {
      value: e.value, title: e.title ?? ref.title, basis: e.basis ?? ref.basis,
      ...((e.unit ?? ref.unit) ? { unit: e.unit ?? ref.unit } : {}), ...((e.sample ?? ref.sample) ? { sample: true } : {}),
      ...(b ? { baseValue: structuredClone(b.value) } : {}),
    };
  }
  return { parameters, problems };
}

/** The pack's source once its pack draft is published. */
export function parameterDraftSource(src: Source, parameters: Record<string, PackParameter | null>): Source {
  const next = { ...(src.manifest.parameters ?? {}) };
  for (const [name, p] of Object.entries(parameters)) {
    if (p === null) delete next[name];
    else next[name] = p;
  }
  const { parameters: _p, ...manifest } = src.manifest;
  return { ...src, manifest: { ...manifest, ...(Object.keys(next).length ? { parameters: next } : {}) } };
}
