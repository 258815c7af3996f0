/**
 * When a year's holiday notice arrives, running cases follow it (DOMAIN.md): every pending deadline whose computation
 * read that year is recomputed from its own period start with the new calendar. Each case that changes gets one
 * history entry, DEADLINE_RECALCULATED, listing every deadline moved (old and new due time, provisional years left)
 * and naming the notice. Nothing else about the case changes; past rule results are not rewritten.
 */
import { endOfDay, toShanghaiISO } from './calendar';
import { recompute } from './deadlines';
import type { CalendarData, DeadlineState, I18n, Instance, StepOk } from './types';

export const RECALCULATED = 'DEADLINE_RECALCULATED';

export interface DeadlineMove {
  deadline: string;
  /** Due time before and after (ISO 8601, +08:00); equal when only its provisional status changed. */
  from: string;
  to: string;
  /** Years still without a notice that the new computation read (empty: official). */
  provisional: number[];
}

export interface RecalculationPayload {
  years: number[];
  notice: I18n;
  changes: DeadlineMove[];
}

const sameYears = (a: number[] = [], b: number[] = []) => a.length === b.length && a.every((y, i) => y === b[i]);

/** The pending deadlines of `inst` that read one of `years`, recomputed with `cal`; only those that change. */
export function deadlineMoves(
  inst: Instance,
  cal: CalendarData,
  years: number[],
): { before: DeadlineState; after: DeadlineState }[] {
  if (inst.status !== 'active') return [];
  const out: { before: DeadlineState; after: DeadlineState }[] = [];
  for (const d of inst.deadlines) {
    if (d.overdue || !d.computed || !d.computed.years.some((y) => years.includes(y))) continue;
    const after = recompute(cal, d);
    if (after && (after.dueAt !== d.dueAt || !sameYears(after.computed?.provisional, d.computed.provisional)))
      out.push({ before: d, after });
  }
  return out;
}

/** The step that moves `inst`'s deadlines after the notice for `years` arrived, or null when none moves. */
export function recalculation(
  inst: Instance,
  cal: CalendarData,
  years: number[],
  notice: I18n,
  now: Date,
): StepOk | null {
  const moves = deadlineMoves(inst, cal, years);
  if (!moves.length) return null;
  const at = toShanghaiISO(now);
  const rev = inst.rev + 1;
  const moved = new Map(moves.map((m) => [m.before.name, m.after]));
  const instance: Instance = {
    ...inst,
    rev,
    updatedAt: at,
    deadlines: inst.deadlines.map((d) => moved.get(d.name) ?? d),
  };
  const payload: RecalculationPayload = {
    years,
    notice,
    changes: moves.map((m) => ({
      deadline: m.before.name,
      from: m.before.dueAt,
      to: m.after.dueAt,
      provisional: m.after.computed?.provisional ?? [],
    })),
  };
  return {
    ok: true,
    instance,
    effects: [],
    timers: { arm: moves.filter((m) => m.after.dueAt !== m.before.dueAt).map((m) => m.after), cancel: [] },
    history: {
      seq: rev,
      at,
      type: RECALCULATED,
      payload,
      from: inst.state,
      to: inst.state,
      rules: [],
      effects: [],
      deadlines: moves.map((m) => ({
        name: m.after.name,
        dueAt: m.after.dueAt,
        ...(m.after.computed?.provisional.length ? { provisional: m.after.computed.provisional } : {}),
      })),
    },
  };
}

/** Replays a recorded recalculation: the recorded due times, whatever the calendar is now. */
export function applyRecalculation(inst: Instance, payload: RecalculationPayload, at: string): Instance {
  const byName = new Map(payload.changes.map((c) => [c.deadline, c]));
  return {
    ...inst,
    rev: inst.rev + 1,
    updatedAt: at,
    deadlines: inst.deadlines.map((d) => {
      const c = byName.get(d.name);
      if (!c) return d;
      const dueDate = c.to.slice(0, 10);
      return {
        ...d,
        dueAt: endOfDay(dueDate),
        dueDate,
        ...(d.computed ? { computed: { ...d.computed, provisional: c.provisional } } : {}),
      };
    }),
  };
}
