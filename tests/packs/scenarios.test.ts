/**
 * Runs the scenarios of every pack under configs/packs/ against that pack — a county also runs its bases' scenarios,
 * as `gongzhi test` does (one of its own of the same file name replaces the base's) — and reports how many states
 * and transitions of each procedure they reached. The national procedures must reach every state and at least 90 %
 * of their transitions; the procedures a county changes (its patches: its own practice laid over the base) every
 * state and every transition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileProcedure,
  coverage,
  percent,
  resolvePacks,
  runScenario,
  type CompiledProcedure,
  type Scenario,
  type ScenarioReport,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const sources = loadPacksRoot('configs/packs');
const { packs, problems } = resolvePacks(sources);

function compiled(packId: string, procId: string): CompiledProcedure {
  const pack = packs[packId];
  return compileProcedure({ ...pack.procedures[procId], version: 1 }, pack);
}

const sourceOf = new Map(sources.map((src) => [src.manifest.id, src]));
/** A pack's scenarios with its bases': by file name, the nearest pack's (as `gongzhi test` runs them). */
function scenariosOf(packId: string) {
  const byName = new Map<string, { owner: string; sc: Scenario }>();
  const chain: string[] = [];
  for (let id: string | undefined = packId; id && !chain.includes(id); id = sourceOf.get(id)?.manifest.extends)
    chain.unshift(id);
  for (const id of chain)
    for (const [name, sc] of Object.entries(sourceOf.get(id)?.scenarios ?? {})) byName.set(name, { owner: id, sc });
  return [...byName].map(([name, { owner, sc }]) => ({ packId, owner, name, sc }));
}
const scenarios = sources.flatMap((src) => scenariosOf(src.manifest.id));
/** Every scenario's report, run once before any test reads it (so each test stands alone, in any order). */
const reports = new Map<string, ScenarioReport>(); // key: pack/scenario

beforeAll(async () => {
  for (const { packId, name, sc } of scenarios) {
    if (packs[packId]?.procedures[sc.procedure])
      reports.set(`${packId}/${name}`, await runScenario(compiled(packId, sc.procedure), sc));
  }
});

/** The reports of one procedure's scenarios in one pack. */
const reportsOf = (packId: string, procId: string) =>
  scenarios
    .filter((x) => x.packId === packId && x.sc.procedure === procId)
    .map((x) => reports.get(`${packId}/${x.name}`)!)
    .filter(Boolean);

describe('bundled packs', () => {
  it('resolve and validate without problems', () => {
    expect(problems).toEqual([]);
    expect(Object.keys(packs)).toContain('national');
  });

  for (const { packId, owner, name, sc } of scenarios) {
    const label = owner === packId ? name : `${owner}/${name}`;
    it(`${packId}: scenario ${label} — ${typeof sc.title === 'string' ? sc.title : sc.title['zh-CN']}`, () => {
      expect(packs[packId]?.procedures[sc.procedure], `procedure ${sc.procedure} exists in ${packId}`).toBeDefined();
      expect(reports.get(`${packId}/${name}`)!.failures).toEqual([]);
    });
  }
});

describe('scenario coverage of the national procedures', () => {
  const national = packs.national;
  for (const procId of Object.keys(national?.procedures ?? {})) {
    it(`${procId}: every state and ≥ 90 % of transitions reached`, () => {
      const cov = coverage(national.procedures[procId], reportsOf('national', procId));
      expect(cov.states.missing, 'states not reached').toEqual([]);
      expect(
        percent(cov.transitions.reached, cov.transitions.total),
        `transitions not reached: ${cov.transitions.missing.join(', ')}`,
      ).toBeGreaterThanOrEqual(90);
    });
  }
});

describe('scenario coverage of what the counties change', () => {
  for (const src of sources.filter((x) => x.manifest.extends)) {
    for (const procId of Object.keys(src.patches ?? {})) {
      it(`${src.manifest.id}/${procId}: every state and every transition reached`, () => {
        const cov = coverage(packs[src.manifest.id].procedures[procId], reportsOf(src.manifest.id, procId));
        expect(cov.states.missing, 'states not reached').toEqual([]);
        expect(cov.transitions.missing, 'transitions not reached').toEqual([]);
      });
    }
  }
});

afterAll(() => {
  const lines = ['', '场景覆盖 / scenario coverage:'];
  const keys = [...new Set(scenarios.map((x) => `${x.packId}/${x.sc.procedure}`))].sort();
  for (const key of keys) {
    const [packId, procId] = key.split('/');
    const runs = reportsOf(packId, procId);
    if (!runs.length) continue;
    const cov = coverage(packs[packId].procedures[procId], runs);
    lines.push(
      `  ${key}: ${runs.length} 个场景 scenarios · 状态 states ${cov.states.reached}/${cov.states.total} (${percent(cov.states.reached, cov.states.total)} %) · 流转 transitions ${cov.transitions.reached}/${cov.transitions.total} (${percent(cov.transitions.reached, cov.transitions.total)} %)`,
    );
  }
  console.log(lines.join('\n'));
});
