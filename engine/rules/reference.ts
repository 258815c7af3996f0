/**
 * json-rules-engine, the reference evaluator: the compiled evaluator (compiled.ts) answers every guard at run time,
 * and must agree with this one (tests/engine/rules-differential.test.ts generates conditions and facts;
 * tests/engine/rules-equivalence.test.ts replays every rule evaluation of the bundled scenarios). Facts come from
 * the same registry (facts.ts), paths from the same resolver (path.ts), custom operators from operators.ts.
 */
import { Engine, type Almanac } from 'json-rules-engine';
import { FACTS, type FactContext, type FactInput } from './facts';
import { OPERATORS } from './operators';
import { resolvePath } from './path';

const STEP_INPUT = ['data', 'event', 'params', 'today', 'now', 'instances', 'provisional'] as const;

/** The evaluation's input as json-rules-engine holds it (runtime facts of the almanac). */
async function inputOf(almanac: Almanac): Promise<FactInput> {
  const out: Record<string, unknown> = {};
  for (const k of STEP_INPUT) out[k] = await almanac.factValue(k);
  return out as unknown as FactInput;
}

/** One rule's conditions in a json-rules-engine of its own, reading every derived fact of the registry. */
export class ReferenceRule {
  private readonly engine: Engine;

  constructor(conditions: unknown, ctx: FactContext, name = 'rule') {
    this.engine = new Engine([], { allowUndefinedFacts: true, pathResolver: resolvePath });
    for (const [op, fn] of Object.entries(OPERATORS)) this.engine.addOperator(op, fn);
    for (const f of FACTS.filter((x) => x.kind === 'derived')) {
      this.engine.addFact(f.name, (async (params: Record<string, unknown>, almanac: Almanac) =>
        f.value(params ?? {}, await inputOf(almanac), ctx)) as never);
    }
    this.engine.addRule({ name, conditions: conditions as never, event: { type: name } });
  }

  async evaluate(input: FactInput): Promise<boolean> {
    const { results } = await this.engine.run({
      ...input,
      event: input.event ?? {},
      instances: input.instances ?? {},
      provisional: input.provisional,
    });
    return results.length > 0;
  }
}
