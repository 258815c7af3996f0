/**
 * Drafts in the catalogue: the base a county's draft is made against, the draft as saved (with its overlay on that
 * base) and as the designer sees it (laid on the base as it is now), and the change publishing one makes — a
 * procedure's draft, or a pack draft of parameter overrides and list items. PackCatalog runs these in its turn.
 */
import { own, type PackSource, type ProcedureDoc, type ResolvedPack } from '../../engine';
import type { StoredPack, VersionInfo } from '../registry';
import type { Draft } from '../store/seam';
import { fail, notFound } from '../errors';
import { countyDraftSource, draftOnBase, listDraftSource, overlayOf, parameterDraftSource } from './county';
import type { PackChange } from './plan';
import type { PublishedVersion } from './versions';

type Source = Omit<PackSource, 'folder'>;

/** What the draft functions read of the catalogue. */
export interface CatalogView {
  resolved(id: string): ResolvedPack | undefined;
  source(id: string): Source | undefined;
  stored(id: string): StoredPack | undefined;
  versions(pack: string, procedure: string): VersionInfo[];
  latestVersion(pack: string, procedure: string): number | undefined;
  version(pack: string, procedure: string, version?: number): Promise<PublishedVersion>;
}

/**
 * The base pack's procedure a county draft is made against: the published version the designer had (`version`),
 * else the base as it resolves now. Null for a pack extending none, or a procedure its base does not have.
 */
export async function baseOf(
  cat: CatalogView,
  pack: string,
  procedure: string,
  version?: number,
): Promise<{ pack: string; version: number | null; doc: ProcedureDoc } | null> {
  const baseId = cat.resolved(pack)?.extends;
  const now = baseId ? cat.resolved(baseId)?.procedures[procedure] : undefined;
  if (!baseId || !now) return null;
  if (version !== undefined && cat.versions(baseId, procedure).some((v) => v.version === version)) {
    return { pack: baseId, version, doc: (await cat.version(baseId, procedure, version)).doc };
  }
  return { pack: baseId, version: cat.latestVersion(baseId, procedure) ?? null, doc: now };
}

/**
 * A draft as saved. A county's draft of a base procedure is kept with the operations that turn the base it was made
 * against into it (so it follows the base, and publishes as a patch).
 */
export async function draftRecord(
  cat: CatalogView,
  pack: string,
  procedure: string,
  doc: ProcedureDoc,
  by: string,
  now: string,
  baseVersion?: number,
): Promise<Draft> {
  const base = await baseOf(cat, pack, procedure, baseVersion);
  const overlay = base ? { overlay: overlayOf(base.doc, doc), base: { pack: base.pack, version: base.version } } : {};
  return { doc, savedAt: now, savedBy: by, ...overlay };
}

/**
 * A draft as the designer should see it: a county's draft laid on its base as it is now (a base that moved on since
 * is followed; operations that no longer apply are its conflicts).
 */
export function draftView(
  cat: CatalogView,
  procedure: string,
  draft: Draft,
): { draft: Draft; doc: ProcedureDoc; conflicts: ReturnType<typeof draftOnBase>['conflicts'] } {
  const baseNow = draft.overlay && draft.base ? cat.resolved(draft.base.pack)?.procedures[procedure] : undefined;
  if (
    !draft.overlay ||
    !draft.base ||
    !baseNow ||
    draft.base.version === (cat.latestVersion(draft.base.pack, procedure) ?? null)
  ) {
    return { draft, doc: draft.doc, conflicts: [] };
  }
  const r = draftOnBase(baseNow, draft.overlay, procedure);
  return { draft, doc: { ...r.doc, id: procedure }, conflicts: r.conflicts };
}

/** A pack published from the designer: its origin becomes the designer's (unless imported), its disk hash is kept. */
function fromDesigner(cat: CatalogView, pack: string, source: Source): Record<string, PackChange> {
  const stored = cat.stored(pack)!;
  const origin = stored.origin === 'disk' ? 'designer' : stored.origin;
  return { [pack]: { source, origin, diskHash: stored.diskHash } };
}

/**
 * The change publishing a procedure's draft makes: a county's draft of a base procedure as its patch (the operations,
 * with what each expected of the base: one the base no longer satisfies refuses the publish), any other as the
 * pack's own procedure document.
 */
export function procedureDraftChange(
  cat: CatalogView,
  pack: string,
  procedure: string,
  draft: Draft | null,
): Record<string, PackChange> {
  if (!draft)
    throw fail('NOT_FOUND', `流程「${procedure}」没有草稿可发布`, `procedure '${procedure}' has no draft to publish`);
  const src = cat.source(pack);
  if (!src) throw notFound();
  const overlay = draft.overlay && cat.resolved(pack)?.extends ? draft.overlay : undefined;
  return fromDesigner(cat, pack, countyDraftSource(src, procedure, draft.doc, overlay));
}

/** The change publishing a pack draft (parameter overrides, list items) makes. */
export function packDraftChange(cat: CatalogView, pack: string, draft: Draft | null): Record<string, PackChange> {
  if (!draft || (!draft.parameters && !draft.data))
    throw fail('NOT_FOUND', `配置包「${pack}」没有草稿可发布`, `pack '${pack}' has no draft to publish`);
  const src = cat.source(pack);
  if (!src) throw notFound();
  return fromDesigner(cat, pack, listDraftSource(parameterDraftSource(src, draft.parameters ?? {}), draft.data ?? {}));
}
