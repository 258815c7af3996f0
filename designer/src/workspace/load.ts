/** Loads what a workspace needs: the resolved pack, the editable document, its versions, and the base pack's version. */
import type { ProcedureDoc } from '../../../engine/browser';
import { ApiError, loadEditable, type Api, type PackDetail, type VersionInfo } from '../api';

export interface Loaded {
  pack: PackDetail;
  doc: ProcedureDoc;
  fromDraft: boolean;
  version?: number;
  versions: VersionInfo[];
  /** The base pack's procedure of the same id (county view), or null. */
  base: ProcedureDoc | null;
  /** The base pack itself (its parameters: the values a county overrides), or null. */
  basePack: PackDetail | null;
}

export async function loadWorkspace(api: Api, packId: string, procId: string): Promise<Loaded> {
  const [pack, editable, versions] = await Promise.all([
    api.pack(packId),
    loadEditable(api, packId, procId),
    api.versions(packId, procId).catch(() => [] as VersionInfo[]),
  ]);
  let base: ProcedureDoc | null = null;
  let basePack: PackDetail | null = null;
  if (pack.extends) {
    const [b, bp] = await Promise.all([
      api.procedure(pack.extends, procId).catch((e) => {
        if (!(e instanceof ApiError) || e.status !== 404) throw e;
        return null;
      }),
      api.pack(pack.extends),
    ]);
    base = b;
    basePack = bp;
  }
  // a county held back by a conflict with its base: edit it as it resolves on the base now (what applies of its
  // changes), so publishing settles the conflict instead of bringing back the old base
  const resolved = pack.procedures?.[procId];
  if (!editable.fromDraft && resolved && pack.held?.includes(procId)) {
    const { version: _v, ...doc } = resolved;
    return { pack, doc: doc as ProcedureDoc, fromDraft: false, version: editable.version, versions, base, basePack };
  }
  return { pack, ...editable, versions, base, basePack };
}
