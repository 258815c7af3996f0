/**
 * Packs loaded from a folder at start-up (PackCatalog.loadFromDisk): which changed since the last start, and which of
 * those can be loaded — packs that do not validate are left out, with their problems, so one broken county cannot
 * stop the others.
 */
import { own, type PackSource, type ProblemDetail } from '../../engine';
import type { StoredPack } from '../registry';
import { sha256, stableStringify } from '../util/ids';
import type { PackChange, Plan } from './plan';

type Source = Omit<PackSource, 'folder'>;

function strip(src: PackSource): Source {
  const { folder: _folder, ...rest } = src;
  return rest;
}

/**
 * The packs of `sources` new or changed since the last start: a pack whose files hash as they did keeps what the
 * registry holds (designer publishes included).
 */
export function changedOnDisk(sources: PackSource[], stored: Record<string, StoredPack>): Record<string, PackChange> {
  const changes: Record<string, PackChange> = {};
  for (const src of sources) {
    const source = strip(src);
    const diskHash = sha256(stableStringify(source));
    const id = source.manifest?.id;
    if (typeof id !== 'string') continue;
    if (own(stored, id)?.diskHash === diskHash) continue;
    changes[id] = { source, origin: 'disk', diskHash };
  }
  return changes;
}

/**
 * Takes out of `changes` (in place) the packs with problems, planning again until none is left (an unchanged pack
 * built on a changed one follows it, conflicted if need be); after 20 rounds, all of them. Returns the problems.
 */
export async function leaveOutBroken(
  changes: Record<string, PackChange>,
  plan: (changes: Record<string, Source>) => Promise<Plan>,
): Promise<ProblemDetail[]> {
  const plain = () => Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.source]));
  const allProblems: ProblemDetail[] = [];
  for (let round = 0; Object.keys(changes).length; round++) {
    const { problems } = await plan(plain());
    if (!problems.length) break;
    allProblems.push(...problems.filter((p) => !allProblems.some((q) => q.path === p.path && q.code === p.code)));
    if (round === 20) {
      for (const id of Object.keys(changes)) delete changes[id];
      break;
    }
    for (const id of new Set(problems.map((p) => p.path.split('/')[2]))) delete changes[id];
  }
  return allProblems;
}
