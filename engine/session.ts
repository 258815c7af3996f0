/**
 * A guard session: rule results for one step. XState guards are sync and json-rules-engine is async,
 * so a step runs XState's pure functions with guards that *ask* the session; unknown rules are
 * recorded, evaluated (async) with the context XState had at that moment, and the pure run is
 * repeated from the same snapshot until no guard asks for anything new.
 */
import type { CompiledProcedure } from './compile';
import type { Facts } from './rules';
import type { RuleResult } from './types';
import { basisOn } from './basis';

interface Request {
  rule: string;
  key: string;
  context: unknown;
}

export class GuardSession {
  private readonly known = new Map<string, boolean>();
  private requests: Request[] = [];
  /**
   * The first error a rule raised while XState ran its guards (a calendar failure). XState turns an error thrown by a
   * guard into an error snapshot, so the guard answers false and the error is rethrown once the pure run returns.
   */
  private failure: { error: unknown } | null = null;
  /** Results in the order they were evaluated (for the history entry), with the provisional calendar years each read. */
  readonly evaluated: { rule: string; result: boolean; provisional: number[] }[] = [];

  constructor(
    private readonly proc: CompiledProcedure,
    private readonly baseContext: unknown,
    private readonly facts: Omit<Facts, 'data'> & { instances?: Record<string, unknown> },
  ) {}

  private keyOf(rule: string, context: unknown): string {
    return context === this.baseContext ? rule : `${rule}\u0000${JSON.stringify(context)}`;
  }

  check(rule: string, context: unknown): boolean {
    if (this.proc.rules.sync) {
      if (this.failure) return false;
      const seen = new Set<number>();
      let result: boolean;
      try {
        result = this.proc.rules.evaluateSync(rule, { ...this.facts, data: context, provisional: seen });
      } catch (error) {
        this.failure = { error };
        return false;
      }
      this.evaluated.push({ rule, result, provisional: [...seen].sort((a, b) => a - b) });
      return result;
    }
    const key = this.keyOf(rule, context);
    const known = this.known.get(key);
    if (known !== undefined) return known;
    if (!this.requests.some((r) => r.key === key)) this.requests.push({ rule, key, context });
    return false;
  }

  async evaluate(rules: string[], context: unknown): Promise<void> {
    if (this.proc.rules.sync) {
      for (const rule of rules) this.check(rule, context);
      this.rethrow();
      return;
    }
    for (const rule of rules) {
      const key = this.keyOf(rule, context);
      if (!this.known.has(key)) await this.resolve({ rule, key, context });
    }
  }

  private async resolve(r: Request): Promise<void> {
    const seen = new Set<number>();
    const result = await this.proc.rules.evaluate(r.rule, { ...this.facts, data: r.context, provisional: seen });
    this.known.set(r.key, result);
    this.evaluated.push({ rule: r.rule, result, provisional: [...seen].sort((a, b) => a - b) });
  }

  /** Runs a pure XState function until its guards need nothing new. */
  async settle<T>(run: () => T, maxRounds = 32): Promise<T> {
    for (let round = 0; round < maxRounds; round++) {
      this.requests = [];
      this.proc.session.current = this;
      let out: T;
      try {
        out = run();
      } finally {
        this.proc.session.current = null;
      }
      this.rethrow();
      if (this.requests.length === 0) return out;
      for (const r of this.requests) await this.resolve(r);
    }
    throw new Error('rule evaluation did not settle');
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  results(): RuleResult[] {
    const last = new Map<string, { result: boolean; provisional: number[] }>();
    for (const e of this.evaluated) last.set(e.rule, e);
    return [...last].map(([rule, { result, provisional }]) => {
      const def = this.proc.doc.rules[rule];
      return { rule, result, description: def.description, basis: basisOn(def.basis, this.facts.today), ...(provisional.length ? { provisional } : {}) };
    });
  }
}
