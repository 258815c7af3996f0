/**
 * A synchronous evaluator for json-rules-engine conditions, compiled once per rule into closures.
 * Same condition format and operator semantics as json-rules-engine (which stays the reference
 * evaluator, see evaluate.ts; tests/engine/rules-equivalence.test.ts runs both on every bundled rule).
 * Being synchronous, it can answer XState guards directly inside the pure transition.
 */
import { FACT_DEFS, type FactContext, type FactInput } from './facts';
import { OPERATORS } from './operators';
import { pathResolver } from './path';

/** The facts of one evaluation (see facts.ts). */
export type SyncFacts = FactInput;

type Eval = (f: SyncFacts) => boolean;
type Value = (f: SyncFacts) => unknown;

const isNumberish = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN';
const BUILTIN: Record<string, [(a: any, b: any) => boolean, ((a: unknown) => boolean)?]> = {
  equal: [(a, b) => a === b],
  notEqual: [(a, b) => a !== b],
  in: [(a, b) => b.indexOf(a) > -1],
  notIn: [(a, b) => b.indexOf(a) === -1],
  contains: [(a, b) => a.indexOf(b) > -1, Array.isArray],
  doesNotContain: [(a, b) => a.indexOf(b) === -1, Array.isArray],
  lessThan: [(a, b) => a < b, isNumberish],
  lessThanInclusive: [(a, b) => a <= b, isNumberish],
  greaterThan: [(a, b) => a > b, isNumberish],
  greaterThanInclusive: [(a, b) => a >= b, isNumberish],
};

/** A fact of the registry as a function of the evaluation's facts (an unknown fact reads undefined). */
function factGetter(name: string, params: Record<string, unknown> | undefined, ctx: FactContext): Value {
  const def = FACT_DEFS.get(name);
  if (!def) return () => undefined;
  const p = params ?? {};
  return (f) => def.value(p, f, ctx);
}

function withPath(get: Value, path: unknown): Value {
  if (typeof path !== 'string' || !path) return get;
  // as json-rules-engine: a path applies to an object (or array); any other value is compared as it is
  const resolve = pathResolver(path);
  return (f) => {
    const v = get(f);
    return v !== null && typeof v === 'object' ? resolve(v) : v;
  };
}

/** As json-rules-engine: a value that is an object with its own `fact` is read as that fact, not compared as it is. */
const isFactRef = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, 'fact');

function compileLeaf(c: Record<string, unknown>, ctx: FactContext): Eval {
  const fact = withPath(factGetter(String(c.fact), c.params as Record<string, unknown>, ctx), c.path);
  const v = c.value as Record<string, unknown> | undefined;
  const value: Value = isFactRef(v)
    ? withPath(factGetter(String(v.fact), v.params as Record<string, unknown>, ctx), v.path)
    : () => c.value;
  const op = String(c.operator);
  const custom = OPERATORS[op];
  const [cb, validator] = BUILTIN[op] ?? [custom ?? (() => false)];
  return (f) => {
    // both sides are read first, outside the try: a fact that fails (a calendar error) fails the step
    const a = fact(f);
    const b = value(f);
    if (validator && !validator(a)) return false;
    try {
      return cb(a, b) === true;
    } catch {
      return false;
    }
  };
}

export function compileCondition(c: unknown, ctx: FactContext): Eval {
  const cond = (c ?? {}) as Record<string, unknown>;
  // as json-rules-engine: every condition of a group is evaluated (a calendar failure in any of them fails the step),
  // and an empty group holds, `any: []` included
  for (const kind of ['all', 'any'] as const) {
    if (!Array.isArray(cond[kind])) continue;
    const parts = (cond[kind] as unknown[]).map((x) => compileCondition(x, ctx));
    if (parts.length === 0) return () => true;
    return kind === 'all' ? (f) => parts.map((p) => p(f)).every(Boolean) : (f) => parts.map((p) => p(f)).some(Boolean);
  }
  if (cond.not !== undefined) {
    const inner = compileCondition(cond.not, ctx);
    return (f) => !inner(f);
  }
  return compileLeaf(cond, ctx);
}

/** Rules whose conditions read the async `instance` fact, with the fact paths holding the ids. */
export function instanceRefs(c: unknown, out: string[] = []): string[] {
  if (!c || typeof c !== 'object') return out;
  const cond = c as Record<string, unknown>;
  for (const k of ['all', 'any'])
    if (Array.isArray(cond[k])) (cond[k] as unknown[]).forEach((x) => instanceRefs(x, out));
  if (cond.not) instanceRefs(cond.not, out);
  for (const side of [cond, cond.value as Record<string, unknown> | undefined]) {
    if (side && side.fact === 'instance') out.push(String((side.params as { id?: string } | undefined)?.id));
  }
  return out;
}

/** One leaf condition as evaluated: the fact's actual value, the value compared with, and the result. */
export interface LeafTrace {
  condition: Record<string, unknown>;
  actual: unknown;
  expected: unknown;
  result: boolean;
}

/** A condition tree evaluated with every leaf's values kept (for "which condition failed, with what value"). */
export interface ConditionTrace {
  kind: 'all' | 'any' | 'not' | 'leaf';
  result: boolean;
  children?: ConditionTrace[];
  leaf?: LeafTrace;
}

/** Evaluates a condition like compileCondition, keeping each leaf's actual and expected values. */
export function explainCondition(c: unknown, facts: SyncFacts, ctx: FactContext): ConditionTrace {
  const cond = (c ?? {}) as Record<string, unknown>;
  for (const kind of ['all', 'any'] as const) {
    if (Array.isArray(cond[kind])) {
      const children = (cond[kind] as unknown[]).map((x) => explainCondition(x, facts, ctx));
      const result =
        children.length === 0 || (kind === 'all' ? children.every((x) => x.result) : children.some((x) => x.result));
      return { kind, children, result };
    }
  }
  if (cond.not !== undefined) {
    const inner = explainCondition(cond.not, facts, ctx);
    return { kind: 'not', children: [inner], result: !inner.result };
  }
  const actual = withPath(factGetter(String(cond.fact), cond.params as Record<string, unknown>, ctx), cond.path)(facts);
  const v = cond.value as Record<string, unknown> | undefined;
  const expected = isFactRef(v)
    ? withPath(factGetter(String(v.fact), v.params as Record<string, unknown>, ctx), v.path)(facts)
    : cond.value;
  return {
    kind: 'leaf',
    result: compileLeaf(cond, ctx)(facts),
    leaf: { condition: cond, actual, expected } as LeafTrace,
  };
}
