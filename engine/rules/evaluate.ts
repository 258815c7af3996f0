/**
 * A procedure's rules, compiled: each rule's conditions become a synchronous function (compiled.ts) that answers
 * XState's guards inside the pure transition. json-rules-engine is the reference these answers must agree with
 * (reference.ts; tests/engine/rules-differential.test.ts and rules-equivalence.test.ts), not a run-time path.
 */
import type { RuleDef } from '../types';
import type { FactContext, FactInput } from './facts';
import { compileCondition, instanceRefs } from './compiled';

/** What a rule answered for an input: its result, or the error it raised (a calendar failure). */
export type RuleOutcome = { result: boolean; provisional: number[] } | { error: unknown };

/** Sees every rule evaluation (tools and tests: replaying them against the reference evaluator). */
export type RuleObserver = (rule: string, input: FactInput, outcome: RuleOutcome) => void;

export class RuleSet {
  private readonly compiled = new Map<string, (f: FactInput) => boolean>();
  /** Fact paths holding instance ids that some rule looks up (fetched before a step). */
  readonly instanceRefs: string[];

  constructor(
    readonly rules: Record<string, RuleDef>,
    readonly ctx: FactContext,
    private readonly observe?: RuleObserver,
  ) {
    this.instanceRefs = [...new Set(Object.values(rules).flatMap((r) => instanceRefs(r.conditions)))];
    for (const [name, rule] of Object.entries(rules)) this.compiled.set(name, compileCondition(rule.conditions, ctx));
  }

  has(name: string): boolean {
    return name in this.rules;
  }

  evaluate(name: string, input: FactInput): boolean {
    const fn = this.compiled.get(name);
    if (!fn) throw new Error(`unknown rule ${name}`);
    if (!this.observe) return fn(input);
    let result: boolean;
    try {
      result = fn(input);
    } catch (error) {
      this.observe(name, input, { error });
      throw error;
    }
    this.observe(name, input, { result, provisional: [...(input.provisional ?? [])].sort((a, b) => a - b) });
    return result;
  }
}
