/**
 * Runs the scenarios of every pack under configs/packs/ against that pack, and reports how many states
 * and transitions of each procedure they reached. The national procedures must reach every state and
 * at least 90 % of their transitions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileProcedure, coverage, percent, resolvePacks, runScenario, type CompiledProcedure, type ScenarioReport } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const sources = loadPacksRoot('configs/packs');
const { packs, problems } = resolvePacks(sources);
const runs = new Map<string, ScenarioReport[]>(); // key: pack/procedure

function compiled(packId: string, procId: string): CompiledProcedure {
  const pack = packs[packId];
  return compileProcedure({ ...pack.procedures[procId], version: 1 }, pack);
}

describe('bundled packs', () => {
  it('resolve and validate without problems', () => {
    expect(problems).toEqual([]);
    expect(Object.keys(packs)).toContain('national');
  });

  for (const src of sources) {
    const packId = src.manifest.id;
    for (const [name, sc] of Object.entries(src.scenarios ?? {})) {
      it(`${packId}: scenario ${name} — ${typeof sc.title === 'string' ? sc.title : sc.title['zh-CN']}`, async () => {
        expect(packs[packId]?.procedures[sc.procedure], `procedure ${sc.procedure} exists in ${packId}`).toBeDefined();
        const report = await runScenario(compiled(packId, sc.procedure), sc);
        const key = `${packId}/${sc.procedure}`;
        runs.set(key, [...(runs.get(key) ?? []), report]);
        expect(report.failures).toEqual([]);
      });
    }
  }
});

describe('scenario coverage of the national procedures', () => {
  const national = packs.national;
  for (const procId of Object.keys(national?.procedures ?? {})) {
    it(`${procId}: every state and ≥ 90 % of transitions reached`, () => {
      const cov = coverage(national.procedures[procId], runs.get(`national/${procId}`) ?? []);
      expect(cov.states.missing, 'states not reached').toEqual([]);
      expect(percent(cov.transitions.reached, cov.transitions.total), `transitions not reached: ${cov.transitions.missing.join(', ')}`).toBeGreaterThanOrEqual(90);
    });
  }
});

afterAll(() => {
  const lines = ['', '场景覆盖 / scenario coverage:'];
  for (const [key, reports] of [...runs].sort()) {
    const [packId, procId] = key.split('/');
    const cov = coverage(packs[packId].procedures[procId], reports);
    lines.push(`  ${key}: ${reports.length} 个场景 scenarios · 状态 states ${cov.states.reached}/${cov.states.total} (${percent(cov.states.reached, cov.states.total)} %) · 流转 transitions ${cov.transitions.reached}/${cov.transitions.total} (${percent(cov.transitions.reached, cov.transitions.total)} %)`);
  }
  console.log(lines.join('\n'));
});
