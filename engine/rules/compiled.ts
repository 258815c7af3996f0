/**
 * A synchronous evaluator for json-rules-engine conditions, compiled once per rule into closures.
 * Same condition format and operator semantics as json-rules-engine (which stays the reference
 * evaluator, see evaluate.ts; tests/engine/rules-equivalence.test.ts runs both on every bundled rule).
 * Being synchronous, it can answer XState guards directly inside the pure transition.
 */
import { computePeriod, isValidDate } from '../calendar';
import type { PeriodUnit } from '../types';
import { paramOnValue, sumOf, type FactContext } from './facts';
import { OPERATORS } from './operators';
import { resolveFactRef, resolvePath } from './path';

export interface SyncFacts {
  data: unknown;
  event: unknown;
  params: Record<string, unknown>;
  today: string;
  now: string;
  /** Pre-fetched `instance` lookups by id. */
  instances?: Record<string, unknown>;
  /** Collects the years without a loaded holiday notice whose days this evaluation read (periodEnd). */
  provisional?: Set<number>;
}

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

function statics(f: SyncFacts): Record<string, unknown> {
  return f as unknown as Record<string, unknown>;
}

function factGetter(name: string, params: Record<string, unknown> | undefined, ctx: FactContext): Value {
  const p = params ?? {};
  switch (name) {
    case 'data': case 'event': case 'params': case 'today': case 'now':
      return (f) => statics(f)[name];
    case 'periodEnd':
      return (f) => {
        const from = resolveFactRef(statics(f), String(p.from));
        if (!isValidDate(from) || typeof p.amount !== 'number') return null;
        // a calendar failure (range, invalid period) propagates: it is an error of the step, never a rule result
        const r = computePeriod(ctx.calendar, from, p.amount, p.unit as PeriodUnit);
        for (const y of r.provisional) f.provisional?.add(y);
        return r.date;
      };
    case 'ratio':
      return (f) => {
        const num = resolveFactRef(statics(f), String(p.num));
        const den = resolveFactRef(statics(f), String(p.den));
        return typeof num === 'number' && typeof den === 'number' && den !== 0 ? num / den : null;
      };
    case 'sum': {
      const of = Array.isArray(p.of) ? p.of.map(String) : [];
      return (f) => sumOf(of.map((ref) => resolveFactRef(statics(f), ref)));
    }
    case 'paramOn':
      return (f) => paramOnValue(ctx.parameters, p.name, resolveFactRef(statics(f), String(p.on)), p.factor);
    case 'packData':
      return () => ctx.packData[String(p.name)] ?? null;
    case 'instance':
      return (f) => {
        const id = resolveFactRef(statics(f), String(p.id));
        return typeof id === 'string' ? (f.instances?.[id] ?? null) : null;
      };
    default:
      return () => undefined;
  }
}

function withPath(get: Value, path: unknown): Value {
  return typeof path === 'string' ? (f) => resolvePath(get(f), path) : get;
}

function compileLeaf(c: Record<string, unknown>, ctx: FactContext): Eval {
  const fact = withPath(factGetter(String(c.fact), c.params as Record<string, unknown>, ctx), c.path);
  const v = c.value as Record<string, unknown> | undefined;
  const value: Value = v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string'
    ? withPath(factGetter(v.fact, v.params as Record<string, unknown>, ctx), v.path)
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
  if (Array.isArray(cond.all)) {
    const parts = cond.all.map((x) => compileCondition(x, ctx));
    return (f) => parts.every((p) => p(f));
  }
  if (Array.isArray(cond.any)) {
    const parts = cond.any.map((x) => compileCondition(x, ctx));
    return (f) => parts.some((p) => p(f));
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
  for (const k of ['all', 'any']) if (Array.isArray(cond[k])) (cond[k] as unknown[]).forEach((x) => instanceRefs(x, out));
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
      return { kind, children, result: kind === 'all' ? children.every((x) => x.result) : children.some((x) => x.result) };
    }
  }
  if (cond.not !== undefined) {
    const inner = explainCondition(cond.not, facts, ctx);
    return { kind: 'not', children: [inner], result: !inner.result };
  }
  const actual = withPath(factGetter(String(cond.fact), cond.params as Record<string, unknown>, ctx), cond.path)(facts);
  const v = cond.value as Record<string, unknown> | undefined;
  const expected = v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string'
    ? withPath(factGetter(v.fact, v.params as Record<string, unknown>, ctx), v.path)(facts)
    : cond.value;
  return { kind: 'leaf', result: compileLeaf(cond, ctx)(facts), leaf: { condition: cond, actual, expected } as LeafTrace };
}
