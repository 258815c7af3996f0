/** Deadlines: armed on entering their state, cancelled on leaving it, extended by actions. Due days by the legal calendar. */
import { addPeriod, endOfDay, isValidDate } from './calendar';
import type { CompiledProcedure } from './compile';
import type { DeadlineDef, DeadlineState, PeriodUnit } from './types';
import { resolveFactRef } from './rules';

export interface DeadlineChange {
  arm: DeadlineState[];
  cancel: string[];
}

export function computeDue(proc: CompiledProcedure, from: string, amount: number, unit: PeriodUnit) {
  const dueDate = addPeriod(proc.pack.calendar, from, amount, unit);
  return { dueDate, dueAt: endOfDay(dueDate) };
}

export function startDate(def: DeadlineDef, facts: { data: unknown; event: unknown; today: string }): string {
  if (!def.from || def.from === 'entry') return facts.today;
  const v = resolveFactRef(facts as Record<string, unknown>, def.from);
  return isValidDate(v) ? v : facts.today;
}

export function arm(proc: CompiledProcedure, name: string, from: string, nowIso: string): DeadlineState {
  const def = proc.deadlines[name];
  const { dueDate, dueAt } = computeDue(proc, from, def.amount as number, def.unit);
  return { name, state: def.state, dueAt, dueDate, armedAt: nowIso, overdue: false, extensions: 0 };
}

export function extend(proc: CompiledProcedure, d: DeadlineState, amount: number, unit: PeriodUnit): DeadlineState {
  const { dueDate, dueAt } = computeDue(proc, d.dueDate, amount, unit);
  return { ...d, dueDate, dueAt, overdue: false, extensions: (d.extensions ?? 0) + 1 };
}

export function deadlinesOfState(proc: CompiledProcedure, state: string): [string, DeadlineDef][] {
  return Object.entries(proc.deadlines).filter(([, d]) => d.state === state);
}
