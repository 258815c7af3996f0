/**
 * The rule answers of one step. XState's guards are synchronous, and so is the compiled evaluator (rules/compiled.ts),
 * so a guard asks the step's session and gets its answer at once; the session records every evaluation (the history
 * entry's rule results). The session reaches the guards on the event XState hands them (compile.ts `StepEvent`), so
 * a compiled procedure holds no per-step state and steps of one procedure can run side by side.
 */
import type { CompiledProcedure, RuleAnswers } from './compile';
import type { FactInput } from './rules';
import type { RuleResult } from './types';
import { basisOn } from './basis';

const ascending = (a: number, b: number) => a - b;

export class GuardSession implements RuleAnswers {
  /**
   * The first error a rule raised while XState ran its guards (a calendar failure). XState turns an error thrown by a
   * guard into an error snapshot, so the guard answers false and the error is rethrown once the pure run returns.
   */
  private failure: { error: unknown } | null = null;
  /** Results in the order they were evaluated (for the history entry), with the provisional calendar years each read. */
  readonly evaluated: { rule: string; result: boolean; provisional: number[] }[] = [];

  constructor(
    private readonly proc: CompiledProcedure,
    private readonly facts: Omit<FactInput, 'data' | 'provisional'>,
  ) {}

  check(rule: string, context: unknown): boolean {
    if (this.failure) return false;
    const seen = new Set<number>();
    const f = this.facts;
    // built field by field: V8 takes a slow path (≈ 1–2 µs) for `{ ...facts, data, provisional }`, whose spread copy
    // then gains properties the source does not have
    const input: FactInput = {
      data: context,
      event: f.event,
      params: f.params,
      today: f.today,
      now: f.now,
      instances: f.instances,
      provisional: seen,
    };
    let result: boolean;
    try {
      result = this.proc.rules.evaluate(rule, input);
    } catch (error) {
      this.failure = { error };
      return false;
    }
    this.evaluated.push({ rule, result, provisional: seen.size ? [...seen].sort(ascending) : [] });
    return result;
  }

  /** The last answer of `rule` in this step (undefined when it was not evaluated). */
  answer(rule: string): boolean | undefined {
    for (let i = this.evaluated.length - 1; i >= 0; i--)
      if (this.evaluated[i].rule === rule) return this.evaluated[i].result;
    return undefined;
  }

  /** Evaluates rules outside XState (start, payload and data rules; a deadline's `when`). */
  evaluate(rules: string[], context: unknown): void {
    for (const rule of rules) this.check(rule, context);
    this.rethrow();
  }

  /** Runs one of XState's pure functions with this session answering its guards, then rethrows a rule's failure. */
  run<T>(pure: () => T): T {
    const out = pure();
    this.rethrow();
    return out;
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  results(): RuleResult[] {
    const last = new Map<string, { result: boolean; provisional: number[] }>();
    for (const e of this.evaluated) last.set(e.rule, e);
    return [...last].map(([rule, { result, provisional }]) => {
      const def = this.proc.doc.rules[rule];
      return {
        rule,
        result,
        description: def.description,
        basis: basisOn(def.basis, this.facts.today),
        ...(provisional.length ? { provisional } : {}),
      };
    });
  }
}
