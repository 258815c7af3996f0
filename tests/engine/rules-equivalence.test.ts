/**
 * The compiled rule evaluator must agree with json-rules-engine (the reference) on every rule the bundled
 * scenarios exercise: same states, same refusals, same rule results, step by step.
 */
import { describe, expect, it } from 'vitest';
import { compileProcedure, resolvePacks, runScenario } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const sources = loadPacksRoot('configs/packs');
const { packs } = resolvePacks(sources);

describe('compiled rules ≡ json-rules-engine', () => {
  for (const src of sources) {
    const pack = packs[src.manifest.id];
    if (!pack) continue;
    for (const [name, sc] of Object.entries(src.scenarios ?? {})) {
      it(`${pack.id}/${name}`, async () => {
        const doc = { ...pack.procedures[sc.procedure], version: 1 };
        const fast = await runScenario(compileProcedure(doc, pack, { rules: 'compiled' }), sc);
        const reference = await runScenario(compileProcedure(doc, pack, { rules: 'json-rules-engine' }), sc);
        expect(reference.failures).toEqual([]);
        expect(fast.trace).toEqual(reference.trace);
      });
    }
  }
});
