/**
 * A county follows its base (DESIGN decision 6): when a base changes, every pack extending it is re-resolved, and what
 * no longer applies — a patch operation or parameter override whose base moved, a problem of the re-resolved pack, one
 * of its own scenarios that now fails — makes it conflicted. Its procedures concerned are held on their published
 * versions (running and new cases stay there); the others follow the base.
 */
import {
  jsonEqual,
  retestPack,
  type Scenario,
  type OverlayOp,
  type PackConflict,
  type PackSource,
  type ProblemDetail,
  type ResolveResult,
  type ResolvedPack,
} from '../../engine';

type Source = Omit<PackSource, 'folder'>;

export interface Assessment {
  conflicts: PackConflict[];
  /** Procedures held on their published versions. */
  held: string[];
}

/** The procedures of `pack` whose document names parameter `name` (a `{param}`, `paramOn`, a `params` path). */
export function readersOf(pack: ResolvedPack, name: string): string[] {
  const needle = JSON.stringify(name);
  return Object.entries(pack.procedures)
    .filter(([, doc]) => JSON.stringify(doc).includes(needle))
    .map(([id]) => id);
}

/** The procedure a problem's path names (`/packs/<id>/procedures/<proc>/…`, `/packs/<id>/patches/<proc>…`), or null. */
function procedureOfPath(path: string): string | null {
  const seg = path.split('/');
  return (seg[3] === 'procedures' || seg[3] === 'patches') && seg[4] ? seg[4] : null;
}

/** The event loop's next turn: other requests are answered before a re-test goes on. */
const nextTurn = () => new Promise<void>((res) => setImmediate(res));

/**
 * The county's scenarios a change of its base can make fail: those of the procedures whose resolved document changed,
 * or all when anything else a scenario reads (parameters, data, …) changed. `before` is the county as it resolved
 * before the change, given only while it had no conflict (all its scenarios passed then): a scenario of an unchanged
 * procedure would pass again (the re-test of every county's every scenario on each publish was most of its cost).
 */
export function scenariosToRetest(
  pack: ResolvedPack,
  before: ResolvedPack | undefined,
  scenarios: Record<string, Scenario>,
): Record<string, Scenario> {
  if (!before) return scenarios;
  const rest = (p: ResolvedPack) => ({ ...p, procedures: null, overrides: null, conflicts: null });
  if (!jsonEqual(rest(before), rest(pack))) return scenarios;
  const same = new Map<string, boolean>();
  const unchanged = (proc: string) => {
    if (!same.has(proc)) same.set(proc, jsonEqual(before.procedures[proc], pack.procedures[proc]));
    return same.get(proc)!;
  };
  return Object.fromEntries(Object.entries(scenarios).filter(([, sc]) => !unchanged(sc.procedure)));
}

/** Re-tests a re-resolved county and says what conflicts and which procedures it holds back. */
export async function assess(
  pack: ResolvedPack,
  problems: ProblemDetail[],
  source: Source | undefined,
  before?: ResolvedPack,
): Promise<Assessment> {
  const conflicts: PackConflict[] = [
    ...(pack.conflicts ?? []),
    ...problems.map((p): PackConflict => ({
      kind: 'problem',
      ...(procedureOfPath(p.path) ? { procedure: procedureOfPath(p.path)! } : {}),
      path: p.path,
      reason: 'invalid',
      message: p.message,
    })),
  ];
  // scenarios only where the pack still resolves cleanly (a problem already holds it)
  if (!problems.length)
    conflicts.push(...(await retestPack(pack, scenariosToRetest(pack, before, source?.scenarios ?? {}), nextTurn)));
  const held = new Set<string>();
  for (const c of conflicts) {
    if (c.procedure) held.add(c.procedure);
    else if (c.kind === 'parameter') readersOf(pack, c.path).forEach((p) => held.add(p));
    else Object.keys(pack.procedures).forEach((p) => held.add(p));
  }
  return { conflicts, held: [...held].sort() };
}

/** A pack's source with its copies of base procedures and merge patches turned into overlays (resolvePacks `upgrade`). */
export function upgradedSource(src: Source, up: ResolveResult['upgraded'][string] | undefined): Source {
  if (!up) return src;
  const copies = new Set(up.turned.flatMap((t) => ('procedure' in t && t.from === 'copy' ? [t.procedure] : [])));
  const procedures = Object.fromEntries(Object.entries(src.procedures).filter(([id]) => !copies.has(id)));
  const patches: Record<string, OverlayOp[]> = up.patches;
  return {
    ...src,
    manifest: { ...src.manifest, ...(up.parameters ? { parameters: up.parameters } : {}) },
    procedures,
    patches,
  };
}

/** A conflict as a problem of the pack's own change (refusing an import or a publish that does not apply cleanly). */
export function conflictProblem(packId: string, c: PackConflict): ProblemDetail {
  const path =
    c.kind === 'patch'
      ? `/packs/${packId}/patches/${c.procedure}/${c.index}`
      : c.kind === 'parameter'
        ? `/packs/${packId}/parameters/${c.path}`
        : c.path;
  return { path, code: c.kind === 'parameter' ? 'PARAMETER_CONFLICT' : 'PATCH_CONFLICT', message: c.message };
}
