/**
 * The fact registry: every fact a rule condition may read, implemented once. The compiled evaluator (compiled.ts)
 * and the json-rules-engine reference (evaluate.ts) both read facts through this list; validation and the designer
 * take the fact names from it.
 */
import { computePeriod, isValidDate } from '../calendar';
import type { CalendarData, InstanceStatus, PackParameter, PeriodUnit } from '../types';
import { rowOn } from '../basis';
import { resolveFactRef } from './path';

/** What one evaluation of a rule is given. */
export interface FactInput {
  data: unknown;
  event: unknown;
  params: Record<string, unknown>;
  today: string;
  now: string;
  /** The `instance` fact's lookups, fetched before the step (the lookup is async, a rule is not). */
  instances?: Record<string, unknown>;
  /** Collects the years without a loaded holiday notice whose days this evaluation read (periodEnd). */
  provisional?: Set<number>;
}

/** What a compiled procedure's facts read besides the step: its pack's calendar, data and parameters. */
export interface FactContext {
  calendar: CalendarData;
  packData: Record<string, unknown>;
  /** The pack's parameters with their dated tables (for `paramOn`). */
  parameters?: Record<string, PackParameter>;
}

export type InstanceLookup = (id: string) => Promise<{ status: InstanceStatus; procedure: string } | null>;

export interface FactDef {
  name: string;
  /** `step`: given with the step (data, event, params, today, now); `derived`: computed from them on demand. */
  kind: 'step' | 'derived';
  /** The `params` a derived fact takes (their meaning: engine/FORMAT.md). */
  params?: readonly string[];
  value(params: Record<string, unknown>, input: FactInput, ctx: FactContext): unknown;
}

/** A fact path (`data.a.b`, `event.x`, `today`) resolved against the step's facts. */
const ref = (input: FactInput, path: unknown) =>
  resolveFactRef(input as unknown as Record<string, unknown>, String(path));

const stepFact = (name: 'data' | 'event' | 'params' | 'today' | 'now'): FactDef => ({
  name,
  kind: 'step',
  value: (_p, input) => input[name],
});

/** `sum` params `{of: [fact paths]}`: the sum when every value is a finite number, else null. */
function sumOf(values: unknown[]): number | null {
  let total = 0;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    total += v;
  }
  return total;
}

/**
 * `paramOn` params `{name, on, factor?}`: the value of parameter `name` in force on the date at fact path `on`
 * (the row of its dated table; a parameter without a table has one value for every date), times `factor` when
 * given. Null when the parameter is unknown, the date is not a date, or it lies before the table's first row.
 */
function paramOnValue(
  parameters: Record<string, PackParameter> | undefined,
  name: unknown,
  date: unknown,
  factor: unknown,
): unknown {
  const p =
    parameters && Object.prototype.hasOwnProperty.call(parameters, String(name)) ? parameters[String(name)] : undefined;
  if (!p) return null;
  let v: unknown;
  if (!p.table) v = p.value;
  else {
    if (!isValidDate(date)) return null;
    const row = rowOn(p.table, date);
    if (!row) return null;
    v = row.value;
  }
  if (factor === undefined) return v;
  return typeof v === 'number' && typeof factor === 'number' ? v * factor : null;
}

export const FACTS: readonly FactDef[] = [
  stepFact('data'),
  stepFact('event'),
  stepFact('params'),
  stepFact('today'),
  stepFact('now'),
  {
    name: 'periodEnd',
    kind: 'derived',
    params: ['from', 'amount', 'unit'],
    value(p, input, ctx) {
      const from = ref(input, p.from);
      if (!isValidDate(from) || typeof p.amount !== 'number') return null;
      // a calendar failure (range, invalid period) propagates: it is an error of the step, never a rule result
      const r = computePeriod(ctx.calendar, from, p.amount, p.unit as PeriodUnit);
      for (const y of r.provisional) input.provisional?.add(y);
      return r.date;
    },
  },
  {
    name: 'ratio',
    kind: 'derived',
    params: ['num', 'den'],
    value(p, input) {
      const num = ref(input, p.num);
      const den = ref(input, p.den);
      return typeof num === 'number' && typeof den === 'number' && den !== 0 ? num / den : null;
    },
  },
  {
    name: 'sum',
    kind: 'derived',
    params: ['of'],
    value: (p, input) => sumOf((Array.isArray(p.of) ? p.of : []).map((path) => ref(input, path))),
  },
  {
    name: 'paramOn',
    kind: 'derived',
    params: ['name', 'on', 'factor'],
    value: (p, input, ctx) => paramOnValue(ctx.parameters, p.name, ref(input, p.on), p.factor),
  },
  {
    name: 'packData',
    kind: 'derived',
    params: ['name'],
    value: (p, _input, ctx) =>
      Object.prototype.hasOwnProperty.call(ctx.packData, String(p.name)) ? ctx.packData[String(p.name)] : null,
  },
  {
    name: 'instance',
    kind: 'derived',
    params: ['id'],
    value(p, input) {
      const id = ref(input, p.id);
      return typeof id === 'string' && input.instances && Object.prototype.hasOwnProperty.call(input.instances, id)
        ? input.instances[id]
        : null;
    },
  },
];

export const FACT_DEFS: ReadonlyMap<string, FactDef> = new Map(FACTS.map((f) => [f.name, f]));
export const STATIC_FACTS: readonly string[] = FACTS.filter((f) => f.kind === 'step').map((f) => f.name);
export const DERIVED_FACTS: readonly string[] = FACTS.filter((f) => f.kind === 'derived').map((f) => f.name);
export const ALL_FACTS: ReadonlySet<string> = new Set(FACTS.map((f) => f.name));
