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
}

export async function loadWorkspace(api: Api, packId: string, procId: string): Promise<Loaded> {
  const [pack, editable, versions] = await Promise.all([
    api.pack(packId),
    loadEditable(api, packId, procId),
    api.versions(packId, procId).catch(() => [] as VersionInfo[]),
  ]);
  let base: ProcedureDoc | null = null;
  if (pack.extends) {
    try {
      base = await api.procedure(pack.extends, procId);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
  }
  return { pack, ...editable, versions, base };
}
