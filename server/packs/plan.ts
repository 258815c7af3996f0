/**
 * What a change to the catalogue would do, without doing it (PackCatalog.plan, used by every commit and by the
 * disk load to leave out the packs that do not validate).
 */
import { resolvePacks, type PackSource, type ProblemDetail, type ResolvedPack } from '../../engine';
import type { StoredPack } from '../registry';
import { conflictProblem, upgradedSource } from './follow';

type Source = Omit<PackSource, 'folder'>;

/** One pack's new source in a change, where it came from, and (loaded from disk) the hash of its files. */
export interface PackChange {
  source: Source;
  origin: StoredPack['origin'];
  diskHash?: string;
}

export interface Plan {
  /** Every pack resolved, the touched ones again. */
  packs: Record<string, ResolvedPack>;
  /** Problems of the changed packs (their conflicts with their bases included): any refuses the change. */
  problems: ProblemDetail[];
  /** The changed packs and every pack extending one of them. */
  affected: Set<string>;
  /** Problems of the packs extending a changed one, which become conflicted, not refused. */
  descendants: Record<string, ProblemDetail[]>;
  /** The changed sources, copies and merge patches turned into overlays. */
  sources: Record<string, Source>;
}

/** The ids of `ids` and of every pack that extends one of them, directly or not. */
function withDescendants(ids: string[], sources: PackSource[]): Set<string> {
  const out = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of sources) {
      const base = s.manifest?.extends;
      if (base && out.has(base) && !out.has(s.manifest.id)) {
        out.add(s.manifest.id);
        grew = true;
      }
    }
  }
  return out;
}

/** The event loop's next turn: the server answers other requests before the work goes on. */
const nextTurn = () => new Promise<void>((res) => setImmediate(res));

/** How many bases a pack has above it (its depth in the tree of packs; bases are resolved first). */
function depthIn(byId: Map<unknown, PackSource>): (id: string) => number {
  return (id) => {
    let n = 0;
    for (let cur = byId.get(id)?.manifest?.extends; cur && n < 64; cur = byId.get(cur)?.manifest?.extends) n++;
    return n;
  };
}

/**
 * Every pack resolved, as `resolvePacks(sources).packs`, but one pack at a time, bases first, letting the server
 * answer other requests in between (resolving every pack at once held the event loop for tens of milliseconds).
 */
export async function resolveInTurns(sources: PackSource[]): Promise<Record<string, ResolvedPack>> {
  const depth = depthIn(new Map(sources.map((s) => [s.manifest?.id, s])));
  const ordered = [...sources].sort((a, b) => depth(a.manifest?.id) - depth(b.manifest?.id));
  let packs: Record<string, ResolvedPack> = {};
  for (let i = 0; i < ordered.length; i++) {
    packs = resolvePacks(ordered.slice(0, i + 1), { reuse: packs, only: new Set([ordered[i].manifest?.id]) }).packs;
    if (i + 1 < ordered.length) await nextTurn();
  }
  return packs;
}

/**
 * Plans `changes` over `sources` (every pack, the changed ones as changed) from `resolved` (the resolution before).
 * Only the packs the change touches are resolved and validated again (the others keep their resolution), one pack at
 * a time, bases first, letting the server answer other requests in between.
 */
export async function planChange(
  sources: PackSource[],
  resolved: Record<string, ResolvedPack>,
  changes: Record<string, Source>,
): Promise<Plan> {
  const affected = withDescendants(Object.keys(changes), sources);
  const byId = new Map(sources.map((s) => [s.manifest?.id, s]));
  const depth = depthIn(byId);
  let packs: Record<string, ResolvedPack> = { ...resolved };
  const all: ProblemDetail[] = [];
  const upgraded: ReturnType<typeof resolvePacks>['upgraded'] = {};
  for (const id of [...affected].sort((a, b) => depth(a) - depth(b))) {
    delete packs[id];
    const r = resolvePacks(sources, { reuse: packs, only: new Set([id]), upgrade: true });
    packs = r.packs;
    if (Object.hasOwn(r.upgraded, id)) upgraded[id] = r.upgraded[id];
    all.push(...r.problems.filter((p) => !all.some((q) => q.path === p.path && q.code === p.code)));
    await nextTurn();
  }
  for (const id of Object.keys(packs)) if (!byId.has(id)) delete packs[id];
  const of = (id: string) => all.filter((p) => p.path === `/packs/${id}` || p.path.startsWith(`/packs/${id}/`));
  const problems: ProblemDetail[] = [];
  const descendants: Record<string, ProblemDetail[]> = {};
  for (const id of affected) {
    if (id in changes) problems.push(...of(id), ...(packs[id]?.conflicts ?? []).map((c) => conflictProblem(id, c)));
    else descendants[id] = of(id);
  }
  const upgradedSources = Object.fromEntries(
    Object.entries(changes).map(([id, src]) => [id, upgradedSource(src, upgraded[id])]),
  );
  return { packs, problems, affected, descendants, sources: upgradedSources };
}
