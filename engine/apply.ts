/**
 * Interprets what XState returned from one transition, in order: the engine's own markers (a state with deadlines
 * entered or left) and the effect actions of the registry (engine/actions), over the step's deadlines and effects.
 */
import type { CompiledProcedure } from './compile';
import type { DeadlineState, Effect } from './types';
import { ACTIONS, type EffectStep, type EngineEvent } from './actions';
import type { GuardSession } from './session';
import { arm, deadlinesOfState, extend, startDate } from './deadlines';
import { MARK } from './markers';

type Action = { type: string; params?: Record<string, unknown> };

/** A step's effects applied to its deadlines: the deadlines after, the effects emitted, what to arm and cancel. */
export interface AppliedEffects {
  deadlines: DeadlineState[];
  effects: Effect[];
  arm: DeadlineState[];
  cancel: string[];
}

export function applyActions(
  proc: CompiledProcedure,
  before: DeadlineState[],
  actions: Action[],
  session: GuardSession,
  ctx: { data: Record<string, unknown>; ev: EngineEvent },
): AppliedEffects {
  let deadlines = [...before];
  const effects: Effect[] = [];
  const wasArmed = new Set(before.filter((d) => !d.overdue).map((d) => d.name));
  const cancelled = new Set<string>();
  const drop = (pred: (d: DeadlineState) => boolean) => {
    for (const d of deadlines.filter(pred)) if (wasArmed.has(d.name)) cancelled.add(d.name);
    deadlines = deadlines.filter((d) => !pred(d));
  };
  const step: EffectStep = {
    data: ctx.data,
    emit: (effect) => effects.push(effect),
    extendDeadline: (name, amount, unit) => {
      deadlines = deadlines.map((d) => (d.name === name ? extend(proc, d, amount, unit) : d));
    },
    cancelDeadline: (name) => drop((d) => d.name === name),
  };
  for (const a of actions) {
    const p = a.params ?? {};
    if (a.type === MARK.dropDeadlines) {
      drop((d) => d.state === p.state);
    } else if (a.type === MARK.armDeadlines) {
      for (const [name, def] of deadlinesOfState(proc, String(p.state))) {
        if (def.when) {
          session.evaluate([def.when], ctx.data);
          if (!session.results().find((r) => r.rule === def.when)?.result) continue;
        }
        const from = startDate(def, { data: ctx.data, event: ctx.ev.payload, today: ctx.ev.today });
        drop((d) => d.name === name);
        deadlines.push(arm(proc, name, from, ctx.ev.now));
      }
    } else {
      const action = ACTIONS.get(a.type);
      if (action?.kind === 'effect') action.apply(step, p);
    }
  }
  const armed = deadlines.filter(
    (d) => !d.overdue && !before.some((b) => b.name === d.name && b.dueAt === d.dueAt && !b.overdue),
  );
  return { deadlines, effects, arm: armed, cancel: [...cancelled] };
}
