/**
 * A base change re-tests, in a county that had no conflict, the scenarios it can make fail (server/packs/follow.ts
 * scenariosToRetest): those of the procedures whose resolved document changed, or all when anything else a scenario
 * reads changed; all of them when the county was conflicted before (no `before`).
 */
import { describe, expect, it } from 'vitest';
import { resolvePacks, type PackSource } from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { scenariosToRetest } from '../../server/packs/follow';

const fresh = () => loadPacksRoot('configs/packs');
const national = (s: PackSource[]) => s.find((x) => x.manifest.id === 'national')!;
const gaotai = (s: PackSource[]) => s.find((x) => x.manifest.id === 'gaotai-county')!;

describe('scenariosToRetest', () => {
  const sources = fresh();
  const before = resolvePacks(sources).packs['gaotai-county'];
  const all = gaotai(sources).scenarios!;
  const names = (x: Record<string, unknown>) => Object.keys(x).sort();

  it("national retitles the grid event: gaotai's grid-event scenarios only", () => {
    const s = fresh();
    national(s).procedures['grid-event'].title = { 'zh-CN': '网格事件(改)', en: 'Grid events (changed)' };
    const after = resolvePacks(s).packs['gaotai-county'];
    const picked = names(scenariosToRetest(after, before, all));
    expect(picked.length).toBeGreaterThan(0);
    expect(picked).toEqual(names(all).filter((n) => all[n].procedure === 'grid-event'));
  });

  it('national changes a parameter: every scenario (a scenario reads parameters)', () => {
    const s = fresh();
    national(s).manifest.parameters!.replyWorkingDays.value = 2;
    const after = resolvePacks(s).packs['gaotai-county'];
    expect(names(scenariosToRetest(after, before, all))).toEqual(names(all));
  });

  it('nothing gaotai resolves changed: none; a county conflicted before (no before): every one', () => {
    const after = resolvePacks(fresh()).packs['gaotai-county'];
    expect(scenariosToRetest(after, before, all)).toEqual({});
    expect(names(scenariosToRetest(after, undefined, all))).toEqual(names(all));
  });
});
