/** Evaluates named rules with json-rules-engine (async), one engine per rule so a step runs only what it needs. */
import type { RuleDef } from '../types';
import type { FactContext, FactInput } from './facts';
import { compileCondition, instanceRefs, type SyncFacts } from './compiled';
import { ReferenceRule } from './reference';

export type Facts = FactInput;

/** `compiled`: synchronous closures (default, fast); `json-rules-engine`: the reference evaluator (async). */
export type RuleEvaluator = 'compiled' | 'json-rules-engine';

export class RuleSet {
  private readonly engines = new Map<string, ReferenceRule>();
  private readonly compiled = new Map<string, (f: SyncFacts) => boolean>();
  /** Fact paths holding instance ids that some rule looks up (fetched before a step). */
  readonly instanceRefs: string[];

  constructor(readonly rules: Record<string, RuleDef>, ctx: FactContext, readonly mode: RuleEvaluator = 'compiled') {
    this.instanceRefs = [...new Set(Object.values(rules).flatMap((r) => instanceRefs(r.conditions)))];
    for (const [name, rule] of Object.entries(rules)) this.compiled.set(name, compileCondition(rule.conditions, ctx));
    if (mode === 'compiled') return;
    for (const [name, rule] of Object.entries(rules)) this.engines.set(name, new ReferenceRule(rule.conditions, ctx, name));
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
    return engine.evaluate(facts);
  }
}
