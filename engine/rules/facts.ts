/**
 * Facts a rule may read. Static facts (data, event, params, today, now) are passed per evaluation;
 * derived facts (periodEnd, ratio, packData, instance) are computed from them on demand.
 */
import type { Almanac } from 'json-rules-engine';
import { computePeriod, isValidDate } from '../calendar';
import type { CalendarData, PackParameter, PeriodUnit } from '../types';
import { rowOn } from '../basis';
import { resolveFactRef } from './path';

export const STATIC_FACTS = ['data', 'event', 'params', 'today', 'now'] as const;
export const DERIVED_FACTS = ['periodEnd', 'ratio', 'sum', 'paramOn', 'packData', 'instance'] as const;
export const ALL_FACTS = new Set<string>([...STATIC_FACTS, ...DERIVED_FACTS]);

export type InstanceLookup = (id: string) => Promise<{ status: 'active' | 'done'; procedure: string } | null>;

export interface FactContext {
  calendar: CalendarData;
  packData: Record<string, unknown>;
  /** The pack's parameters with their dated tables (for `paramOn`). */
  parameters?: Record<string, PackParameter>;
}

/** `sum` params `{of: [fact paths]}`: the sum when every value is a finite number, else null. */
export function sumOf(values: unknown[]): number | null {
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
export function paramOnValue(parameters: Record<string, PackParameter> | undefined, name: unknown, date: unknown, factor: unknown): unknown {
  const p = parameters?.[String(name)];
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

async function staticFacts(almanac: Almanac): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of STATIC_FACTS) out[f] = await almanac.factValue(f);
  return out;
}

type Derived = (params: Record<string, unknown>, almanac: Almanac) => Promise<unknown>;

export function derivedFacts(ctx: FactContext): Record<string, Derived> {
  return {
    async periodEnd(params, almanac) {
      const from = resolveFactRef(await staticFacts(almanac), String(params.from));
      const amount = params.amount;
      if (!isValidDate(from) || typeof amount !== 'number') return null;
      const r = computePeriod(ctx.calendar, from, amount, params.unit as PeriodUnit);
      const seen = (await almanac.factValue('provisional')) as Set<number> | undefined;
      for (const y of r.provisional) seen?.add(y);
      return r.date;
    },
    async ratio(params, almanac) {
      const facts = await staticFacts(almanac);
      const num = resolveFactRef(facts, String(params.num));
      const den = resolveFactRef(facts, String(params.den));
      if (typeof num !== 'number' || typeof den !== 'number' || den === 0) return null;
      return num / den;
    },
    async sum(params, almanac) {
      const facts = await staticFacts(almanac);
      const of = Array.isArray(params.of) ? params.of : [];
      return sumOf(of.map((ref) => resolveFactRef(facts, String(ref))));
    },
    async paramOn(params, almanac) {
      const date = resolveFactRef(await staticFacts(almanac), String(params.on));
      return paramOnValue(ctx.parameters, params.name, date, params.factor);
    },
    async packData(params) {
      return ctx.packData[String(params.name)] ?? null;
    },
    async instance(params, almanac) {
      const id = resolveFactRef(await staticFacts(almanac), String(params.id));
      const env = (await almanac.factValue('env')) as { lookupInstance?: InstanceLookup } | undefined;
      const lookup = env?.lookupInstance;
      if (typeof id !== 'string' || !id || !lookup) return null;
      return lookup(id);
    },
  };
}
