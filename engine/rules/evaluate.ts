/** Evaluates named rules with json-rules-engine (async), one engine per rule so a step runs only what it needs. */
import { Engine, type Almanac } from 'json-rules-engine';
import type { RuleDef } from '../types';
import { FACTS, type FactContext, type FactInput } from './facts';
import { OPERATORS } from './operators';
import { resolvePath } from './path';
import { compileCondition, instanceRefs, type SyncFacts } from './compiled';

export type Facts = FactInput;

/** `compiled`: synchronous closures (default, fast); `json-rules-engine`: the reference evaluator (async). */
export type RuleEvaluator = 'compiled' | 'json-rules-engine';

const STEP_INPUT = ['data', 'event', 'params', 'today', 'now', 'instances', 'provisional'] as const;

/** The evaluation's input as json-rules-engine holds it (runtime facts of the almanac). */
async function inputOf(almanac: Almanac): Promise<FactInput> {
  const out: Record<string, unknown> = {};
  for (const k of STEP_INPUT) out[k] = await almanac.factValue(k);
  return out as unknown as FactInput;
}

/** A json-rules-engine for one rule, reading every derived fact of the registry. */
function referenceEngine(name: string, rule: RuleDef, ctx: FactContext): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: resolvePath });
  for (const [op, fn] of Object.entries(OPERATORS)) engine.addOperator(op, fn);
  for (const f of FACTS.filter((x) => x.kind === 'derived')) {
    engine.addFact(f.name, (async (params: Record<string, unknown>, almanac: Almanac) => f.value(params ?? {}, await inputOf(almanac), ctx)) as never);
  }
  engine.addRule({ name, conditions: rule.conditions as never, event: { type: name } });
  return engine;
}

export class RuleSet {
  private readonly engines = new Map<string, Engine>();
  private readonly compiled = new Map<string, (f: SyncFacts) => boolean>();
  /** Fact paths holding instance ids that some rule looks up (fetched before a step). */
  readonly instanceRefs: string[];

  constructor(readonly rules: Record<string, RuleDef>, ctx: FactContext, readonly mode: RuleEvaluator = 'compiled') {
    this.instanceRefs = [...new Set(Object.values(rules).flatMap((r) => instanceRefs(r.conditions)))];
    for (const [name, rule] of Object.entries(rules)) this.compiled.set(name, compileCondition(rule.conditions, ctx));
    if (mode === 'compiled') return;
    for (const [name, rule] of Object.entries(rules)) this.engines.set(name, referenceEngine(name, rule, ctx));
  }

  has(name: string): boolean {
    return name in this.rules;
  }

  get sync(): boolean {
    return this.mode === 'compiled';
  }

  evaluateSync(name: string, facts: SyncFacts): boolean {
    const fn = this.compiled.get(name);
    if (!fn) throw new Error(`unknown rule ${name}`);
    return fn(facts);
  }

  async evaluate(name: string, facts: Facts): Promise<boolean> {
    const engine = this.engines.get(name);
    if (!engine) throw new Error(`unknown rule ${name}`);
    const { results } = await engine.run({ ...facts, event: facts.event ?? {}, instances: facts.instances ?? {}, provisional: facts.provisional });
    return results.length > 0;
  }
}
