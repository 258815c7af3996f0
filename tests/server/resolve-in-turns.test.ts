/**
 * The catalogue resolves every pack a pack at a time (server/packs/plan.ts resolveInTurns), letting other requests in
 * between: the result is the one resolution of all the packs at once, and the event loop turns between packs.
 */
import { describe, expect, it } from 'vitest';
import { resolvePacks } from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { resolveInTurns } from '../../server/packs/plan';

describe('resolveInTurns', () => {
  const sources = loadPacksRoot('configs/packs');

  it('gives what resolvePacks gives for every pack, in any order of the sources', async () => {
    const once = resolvePacks(sources).packs;
    expect(Object.keys(once).length).toBe(sources.length);
    expect(await resolveInTurns(sources)).toEqual(once);
    expect(await resolveInTurns([...sources].reverse())).toEqual(once);
  });

  it('lets other work run between packs (one pack per turn of the event loop)', async () => {
    const immediate = () => new Promise<void>((res) => setImmediate(res));
    let between = 0;
    const counting = (async () => {
      // counts the turns taken while the resolution runs
      while (between >= 0) {
        await immediate();
        between++;
        if (between > 10_000) break;
      }
    })();
    const packs = await resolveInTurns(sources);
    const seen = between;
    between = -1;
    await counting;
    expect(Object.keys(packs)).toContain('nanchang-county');
    // one turn after each pack but the last: the concurrent loop ran at least that often
    expect(seen).toBeGreaterThanOrEqual(sources.length - 1);
  });

  it('leaves out a pack whose base does not resolve, as resolvePacks does', async () => {
    const broken = sources.map((s) =>
      s.manifest.id === 'national' ? { ...s, manifest: { ...s.manifest, id: 'nationalX' } } : s,
    );
    expect(Object.keys(await resolveInTurns(broken)).sort()).toEqual(Object.keys(resolvePacks(broken).packs).sort());
  });
});
