/**
 * Interprets what XState returned from one transition, in order: the engine's own markers (a state with deadlines
 * entered or left) and the effect actions of the registry (engine/actions), over the step's deadlines and effects.
 */
import type { CompiledProcedure } from './compile';
import type { DeadlineState, Effect, PeriodUnit } from './types';
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

/**
 * The deadlines and effects of one step as its actions change them. A class, not closures made per step: the server
 * runs under tsx, whose keepNames wraps every named closure in a `__name` call (a property definition) each time it
 * is made.
 */
class StepEffects implements EffectStep {
  deadlines: DeadlineState[];
  readonly effects: Effect[] = [];
  readonly cancelled = new Set<string>();
  private readonly wasArmed: Set<string>;

  constructor(
    private readonly proc: CompiledProcedure,
    before: DeadlineState[],
    readonly data: Record<string, unknown>,
  ) {
    this.deadlines = [...before];
    this.wasArmed = new Set();
    for (const d of before) if (!d.overdue) this.wasArmed.add(d.name);
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  extendDeadline(name: string, amount: number, unit: PeriodUnit): void {
    this.deadlines = this.deadlines.map((d) => (d.name === name ? extend(this.proc, d, amount, unit) : d));
  }

  cancelDeadline(name: string): void {
    this.drop('name', name);
  }

  /** Drops the deadlines whose `name` (or `state`) is `value`; those armed before the step are cancelled. */
  drop(key: 'name' | 'state', value: string): void {
    const kept: DeadlineState[] = [];
    for (const d of this.deadlines) {
      if (d[key] !== value) kept.push(d);
      else if (this.wasArmed.has(d.name)) this.cancelled.add(d.name);
    }
    this.deadlines = kept;
  }
}

export function applyActions(
  proc: CompiledProcedure,
  before: DeadlineState[],
  actions: Action[],
  session: GuardSession,
  ctx: { data: Record<string, unknown>; ev: EngineEvent },
): AppliedEffects {
  const step = new StepEffects(proc, before, ctx.data);
  for (const a of actions) {
    const p = a.params ?? {};
    if (a.type === MARK.transitionTaken) continue;
    if (a.type === MARK.dropDeadlines) {
      step.drop('state', p.state as string);
    } else if (a.type === MARK.armDeadlines) {
      for (const [name, def] of deadlinesOfState(proc, String(p.state))) {
        if (def.when) {
          session.evaluate([def.when], ctx.data);
          if (!session.answer(def.when)) continue;
        }
        const from = startDate(def, { data: ctx.data, event: ctx.ev.payload, today: ctx.ev.today });
        step.drop('name', name);
        step.deadlines.push(arm(proc, name, from, ctx.ev.now));
      }
    } else {
      const action = ACTIONS.get(a.type);
      if (action?.kind === 'effect') action.apply(step, p);
    }
  }
  const deadlines = step.deadlines;
  const armed = deadlines.filter(
    (d) => !d.overdue && !before.some((b) => b.name === d.name && b.dueAt === d.dueAt && !b.overdue),
  );
  return { deadlines, effects: step.effects, arm: armed, cancel: [...step.cancelled] };
}
