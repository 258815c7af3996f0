/**
 * County drafts are overlays (DESIGN decision 6): a county's draft of a base procedure is kept as the operations that
 * turn the base — as the designer had it — into the draft, so a base that moves on meanwhile is followed, and
 * publishing stores those operations as the county's patch (never a copy). A county's parameter overrides are drafted
 * apart, in the pack draft (procedure `$pack`), each recording the base value it replaces.
 */
import {
  applyOverlay,
  diffOverlay,
  isItemList,
  type OverlayOp,
  type PackConflict,
  type PackParameter,
  type PackSource,
  type ProblemDetail,
  type ProcedureDoc,
  type ResolvedPack,
} from '../../engine';
import { problem } from '../../engine/errors';

type Source = Omit<PackSource, 'folder'>;

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
export function draftOnBase(
  baseNow: ProcedureDoc,
  overlay: OverlayOp[],
  procedure: string,
): { doc: ProcedureDoc; conflicts: PackConflict[] } {
  const r = applyOverlay(body(baseNow), overlay);
  return {
    doc: r.doc,
    conflicts: r.conflicts.map((c) => ({
      kind: 'patch',
      procedure,
      path: c.op.path,
      reason: c.reason,
      index: c.index,
      op: c.op.op,
      ...('was' in c.op ? { expected: c.op.was } : {}),
      ...('base' in c ? { base: c.base } : {}),
      ...('value' in c.op ? { county: c.op.value } : {}),
      message: c.message,
    })),
  };
}

/** The pack's source once a procedure draft is published: the base's procedures get the overlay, the county's own the document. */
export function countyDraftSource(
  src: Source,
  procedure: string,
  doc: ProcedureDoc,
  overlay: OverlayOp[] | undefined,
): Source {
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
export function parameterDraft(
  pack: ResolvedPack,
  base: ResolvedPack | undefined,
  edits: Record<string, ParameterEdit | null>,
  locked: Set<string>,
): { parameters: Record<string, PackParameter | null>; problems: ProblemDetail[] } {
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
      problems.push(
        problem(at, 'UNKNOWN_PARAMETER', `上级配置包没有参数 ${name}`, `the base pack has no parameter ${name}`),
      );
      continue;
    }
    if (locked.has(name) || b?.locked) {
      problems.push(
        problem(
          at,
          'PACK_LOCKED',
          `参数 ${name} 由上级配置包锁定,县级配置包不得修改`,
          `parameter ${name} is locked by the base pack; a county pack may not change it`,
        ),
      );
      continue;
    }
    const ref = b ?? own!;
    if (ref.table || own?.table) {
      problems.push(
        problem(
          `${at}/value`,
          'PARAMETER_TABLE',
          `参数 ${name} 按日期列表取值,请在配置包文件中逐行修改`,
          `parameter ${name} is a table by date: change its rows in the pack file`,
        ),
      );
      continue;
    }
    if (kind(e.value) !== kind(ref.value)) {
      problems.push(
        problem(
          `${at}/value`,
          'PARAMETER_TYPE',
          `参数 ${name} 的值应为 ${kind(ref.value)}`,
          `parameter ${name} must be a ${kind(ref.value)}`,
        ),
      );
      continue;
    }
    parameters[name] = {
      value: e.value,
      title: e.title ?? ref.title,
      basis: e.basis ?? ref.basis,
      ...((e.unit ?? ref.unit) ? { unit: e.unit ?? ref.unit } : {}),
      ...((e.sample ?? ref.sample) ? { sample: true } : {}),
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

export type ListEdits = Record<string, Record<string, Record<string, unknown>[]>>;

/**
 * A pack draft's list items: each names a data file of the base (not a calendar) and one of its lists of items with
 * ids; an item needs an id and a bilingual title (or `removed: true`). Problems are listed with their paths.
 */
export function listDraft(base: ResolvedPack | undefined, edits: ListEdits): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  for (const [file, fields] of Object.entries(edits)) {
    const b = base?.data[file] as Record<string, unknown> | undefined;
    if (!b || /^calendar-\d{4}$/.test(file)) {
      problems.push(
        problem(
          `/data/${file}`,
          'UNKNOWN_LIST',
          `上级配置包没有数据文件 ${file}`,
          `the base pack has no data file ${file}`,
        ),
      );
      continue;
    }
    for (const [field, items] of Object.entries(fields)) {
      if (!isItemList(b[field])) {
        problems.push(
          problem(
            `/data/${file}/${field}`,
            'UNKNOWN_LIST',
            `数据文件 ${file} 没有清单 ${field}`,
            `data file ${file} has no list ${field}`,
          ),
        );
        continue;
      }
      items.forEach((it, i) => {
        const title = it.title as { 'zh-CN'?: unknown; en?: unknown } | undefined;
        if (
          !it.removed &&
          (typeof title?.['zh-CN'] !== 'string' || !title['zh-CN'] || typeof title.en !== 'string' || !title.en)
        ) {
          problems.push(
            problem(
              `/data/${file}/${field}/${i}/title`,
              'ITEM_TITLE',
              '条目须有中文和英文名称',
              'an item needs a Chinese and an English title',
            ),
          );
        }
      });
      const ids = items.map((x) => x.id);
      if (new Set(ids).size !== ids.length)
        problems.push(
          problem(
            `/data/${file}/${field}`,
            'DUPLICATE_ID',
            '同一清单中条目编号重复',
            'an id appears twice in the list',
          ),
        );
    }
  }
  return problems;
}

/** The pack's source once its draft's list items are published: its own data file holds only what it adds or changes. */
export function listDraftSource(src: Source, edits: ListEdits): Source {
  const data = { ...src.data };
  for (const [file, fields] of Object.entries(edits)) {
    const own = {
      ...((data[file] as Record<string, unknown> | undefined) ?? {
        source: {
          'zh-CN': '本地在设计器中补充或修改的清单条目',
          en: 'List items added or changed locally in the designer',
        },
      }),
    };
    for (const [field, items] of Object.entries(fields)) {
      const list = [...((own[field] as Record<string, unknown>[] | undefined) ?? [])];
      for (const it of items) {
        const at = list.findIndex((x) => x.id === it.id);
        if (at >= 0) list[at] = it;
        else list.push(it);
      }
      own[field] = list;
    }
    data[file] = own;
  }
  return { ...src, data };
}
