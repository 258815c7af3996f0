/** Evaluates named rules with json-rules-engine (async), one engine per rule so a step runs only what it needs. */
import { Engine } from 'json-rules-engine';
import type { RuleDef } from '../types';
import { derivedFacts, type FactContext, type InstanceLookup } from './facts';
import { OPERATORS } from './operators';
import { resolvePath } from './path';
import { compileCondition, instanceRefs, type SyncFacts } from './compiled';

export interface Facts {
  data: unknown;
  event: unknown;
  params: Record<string, unknown>;
  today: string;
  now: string;
  env?: { lookupInstance?: InstanceLookup };
  /** Collects the years without a loaded holiday notice whose days the evaluation read. */
  provisional?: Set<number>;
}

/** `compiled`: synchronous closures (default, fast); `json-rules-engine`: the reference evaluator (async). */
export type RuleEvaluator = 'compiled' | 'json-rules-engine';

export class RuleSet {
  private readonly engines = new Map<string, Engine>();
  private readonly compiled = new Map<string, (f: SyncFacts) => boolean>();
  /** Fact paths holding instance ids that some rule looks up (pre-fetched before a compiled step). */
  readonly instanceRefs: string[];

  constructor(readonly rules: Record<string, RuleDef>, ctx: FactContext, readonly mode: RuleEvaluator = 'compiled') {
    this.instanceRefs = [...new Set(Object.values(rules).flatMap((r) => instanceRefs(r.conditions)))];
    for (const [name, rule] of Object.entries(rules)) this.compiled.set(name, compileCondition(rule.conditions, ctx));
    if (mode === 'compiled') return;
    const derived = derivedFacts(ctx);
    for (const [name, rule] of Object.entries(rules)) {
      const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: resolvePath });
      for (const [op, fn] of Object.entries(OPERATORS)) engine.addOperator(op, fn);
      for (const [fact, fn] of Object.entries(derived)) engine.addFact(fact, fn as never);
      engine.addRule({ name, conditions: rule.conditions as never, event: { type: name } });
      this.engines.set(name, engine);
    }
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
    const { results } = await engine.run({ ...facts, event: facts.event ?? {}, env: facts.env ?? {} });
    return results.length > 0;
  }
}
