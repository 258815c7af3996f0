/**
 * The compiled rule evaluator must agree with json-rules-engine (the reference) on every rule the bundled
 * scenarios exercise: same states, same refusals, and the same result for every rule both evaluate, step by step.
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
        // Same outcomes step by step; every rule both evaluated has the same result. (The reference mode may
        // evaluate extra candidates: its first pure run asks for every guard it meets before results are known.)
        expect(fast.trace.map((t) => [t.type, t.outcome])).toEqual(reference.trace.map((t) => [t.type, t.outcome]));
        fast.trace.forEach((t, i) => {
          const ref = new Map(reference.trace[i].rules);
          for (const [rule, result] of t.rules) if (ref.has(rule)) expect([rule, result]).toEqual([rule, ref.get(rule)]);
        });
      });
    }
  }
});
