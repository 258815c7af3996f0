/**
 * Deadlines: armed on entering their state, cancelled on leaving it, extended by actions. Due days by the legal
 * calendar; each deadline keeps how it was computed (start, amount, unit, extensions, calendar years read and which
 * were provisional), so it can be recomputed from its own period start when a year's notice arrives.
 */
import { computePeriod, endOfDay, isValidDate } from './calendar';
import type { CompiledProcedure } from './compile';
import type { CalendarData, DeadlineComputation, DeadlineDef, DeadlineState, PeriodUnit } from './types';
import { resolveFactRef } from './rules';

const union = (a: number[], b: number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);

export function computeDue(proc: CompiledProcedure, from: string, amount: number, unit: PeriodUnit) {
  const r = computePeriod(proc.pack.calendar, from, amount, unit);
  return { dueDate: r.date, dueAt: endOfDay(r.date), years: r.years, provisional: r.provisional };
}

export function startDate(def: DeadlineDef, facts: { data: unknown; event: unknown; today: string }): string {
  if (!def.from || def.from === 'entry') return facts.today;
  const v = resolveFactRef(facts as Record<string, unknown>, def.from);
  return isValidDate(v) ? v : facts.today;
}

export function arm(proc: CompiledProcedure, name: string, from: string, nowIso: string): DeadlineState {
  const def = proc.deadlines[name];
  const amount = def.amount as number;
  const { dueDate, dueAt, years, provisional } = computeDue(proc, from, amount, def.unit);
  return {
    name,
    state: def.state,
    dueAt,
    dueDate,
    armedAt: nowIso,
    overdue: false,
    extensions: 0,
    computed: { from, amount, unit: def.unit, years, provisional },
  };
}

export function extend(proc: CompiledProcedure, d: DeadlineState, amount: number, unit: PeriodUnit): DeadlineState {
  const r = computeDue(proc, d.dueDate, amount, unit);
  const computed: DeadlineComputation | undefined = d.computed && {
    ...d.computed,
    extensions: [...(d.computed.extensions ?? []), { amount, unit }],
    years: union(d.computed.years, r.years),
    provisional: union(d.computed.provisional, r.provisional),
  };
  return {
    ...d,
    dueDate: r.dueDate,
    dueAt: r.dueAt,
    overdue: false,
    extensions: (d.extensions ?? 0) + 1,
    ...(computed ? { computed } : {}),
  };
}

/**
 * Recomputes a deadline from its recorded period start with another calendar (a year's notice arrived). Null when it
 * has no record of how it was computed (stored before that was kept).
 */
export function recompute(cal: CalendarData, d: DeadlineState): DeadlineState | null {
  const c = d.computed;
  if (!c) return null;
  let r = computePeriod(cal, c.from, c.amount, c.unit);
  let years = r.years;
  let provisional = r.provisional;
  for (const e of c.extensions ?? []) {
    r = computePeriod(cal, r.date, e.amount, e.unit);
    years = union(years, r.years);
    provisional = union(provisional, r.provisional);
  }
  return { ...d, dueDate: r.date, dueAt: endOfDay(r.date), computed: { ...c, years, provisional } };
}

/** The provisional marks of a deadline as callers see them (instance body, history, webhooks, simulation, CLI). */
export function provisionalMarks(d: Pick<DeadlineState, 'computed'>): {
  provisional: boolean;
  provisionalYears?: number[];
} {
  const years = d.computed?.provisional ?? [];
  return years.length ? { provisional: true, provisionalYears: years } : { provisional: false };
}

export function deadlinesOfState(proc: CompiledProcedure, state: string): [string, DeadlineDef][] {
  return Object.entries(proc.deadlines).filter(([, d]) => d.state === state);
}
