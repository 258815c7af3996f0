/** Interprets the effect actions XState returned (in order): deadline hooks, emits, extensions. */
import type { CompiledProcedure } from './compile';
import type { DeadlineState, Effect, PeriodUnit } from './types';
import type { EngineEvent } from './actions';
import type { GuardSession } from './session';
import { arm, deadlinesOfState, extend, startDate } from './deadlines';

type Action = { type: string; params?: Record<string, unknown> };

export interface Applied {
  deadlines: DeadlineState[];
  effects: Effect[];
  arm: DeadlineState[];
  cancel: string[];
}

export async function applyActions(
  proc: CompiledProcedure, before: DeadlineState[], actions: Action[], session: GuardSession,
  ctx: { data: Record<string, unknown>; ev: EngineEvent },
): Promise<Applied> {
  let deadlines = [...before];
  const effects: Effect[] = [];
  const wasArmed = new Set(before.filter((d) => !d.overdue).map((d) => d.name));
  const cancelled = new Set<string>();
  const drop = (pred: (d: DeadlineState) => boolean) => {
    for (const d of deadlines.filter(pred)) if (wasArmed.has(d.name)) cancelled.add(d.name);
    deadlines = deadlines.filter((d) => !pred(d));
  };
  for (const a of actions) {
    const p = a.params ?? {};
    switch (a.type) {
      case 'gz.exit':
        drop((d) => d.state === p.state);
        break;
      case 'gz.enter':
        for (const [name, def] of deadlinesOfState(proc, String(p.state))) {
          if (def.when) {
            await session.evaluate([def.when], ctx.data);
            if (!session.results().find((r) => r.rule === def.when)?.result) continue;
          }
          const from = startDate(def, { data: ctx.data, event: ctx.ev.payload, today: ctx.ev.today });
          drop((d) => d.name === name);
          deadlines.push(arm(proc, name, from, ctx.ev.now));
        }
        break;
      case 'emit':
        effects.push({ name: String(p.effect), ...(p.with ? { params: p.with as Record<string, unknown> } : {}), data: ctx.data });
        break;
      case 'extendDeadline':
        deadlines = deadlines.map((d) => (d.name === p.deadline ? extend(proc, d, Number(p.amount), p.unit as PeriodUnit) : d));
        break;
      case 'cancelDeadline':
        drop((d) => d.name === p.deadline);
        break;
      default:
        break;
    }
  }
  const armed = deadlines.filter((d) => !d.overdue && !before.some((b) => b.name === d.name && b.dueAt === d.dueAt && !b.overdue));
  return { deadlines, effects, arm: armed, cancel: [...cancelled] };
}
