/**
 * The compiled rule evaluator must agree with json-rules-engine (the reference) on every rule evaluation the bundled
 * scenarios make: each scenario runs on the compiled evaluator, and every evaluation (rule, facts, answer, provisional
 * years, failure) is replayed with json-rules-engine on the same facts.
 */
import { describe, expect, it } from 'vitest';
import { resolvePacks, runScenario } from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { withReferenceCheck } from '../support/reference-check';

const sources = loadPacksRoot('configs/packs');
const { packs } = resolvePacks(sources);
const scenarios = sources.flatMap((src) =>
  Object.entries(src.scenarios ?? {}).map(([name, sc]) => ({ pack: packs[src.manifest.id], name, sc })),
);

describe('compiled rules ≡ json-rules-engine', () => {
  it('every pack with scenarios resolved', () => {
    expect(scenarios.filter((x) => !x.pack).map((x) => x.name)).toEqual([]);
  });

  for (const { pack, name, sc } of scenarios.filter((x) => x.pack)) {
    it(`${pack.id}/${name}`, async () => {
      const check = withReferenceCheck({ ...pack.procedures[sc.procedure], version: 1 }, pack);
      const report = await runScenario(check.proc, sc);
      expect(report.failures).toEqual([]);
      expect(await check.disagreements()).toEqual([]);
    });
  }
});
