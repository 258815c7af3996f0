/** expireDeadline: a deadline's due time has passed. Marks it overdue, emits its effects, sends its expiry event. */
import type { CompiledProcedure } from './compile';
import type { Instance, StepResult } from './types';
import { i18n, pointer, refuse } from './errors';
import { StepBudgetError } from './budget';
import { step, type StepEnv } from './step';
import { shanghaiDate, toShanghaiISO } from './calendar';

export async function expireDeadline(
  proc: CompiledProcedure,
  instance: Instance,
  name: string,
  env: StepEnv,
): Promise<StepResult> {
  const d = instance.deadlines.find((x) => x.name === name && !x.overdue);
  if (!d || instance.status !== 'active') {
    return refuse('NOT_FOUND', i18n(`期限「${name}」未在计时`, `deadline '${name}' is not armed`));
  }
  const def = proc.deadlines[name];
  const now = toShanghaiISO(env.now);
  const marked: Instance = {
    ...instance,
    overdue: true,
    everOverdue: true,
    deadlines: instance.deadlines.map((x) => (x.name === name ? { ...x, overdue: true } : x)),
  };
  const effects = (def.onExpiry.effects ?? []).map((effect) => ({
    name: effect,
    params: { deadline: name, dueAt: d.dueAt, state: d.state },
    data: structuredClone(instance.data),
  }));
  if (def.onExpiry.event) {
    const result = await step(
      proc,
      marked,
      { type: def.onExpiry.event, payload: { deadline: name, dueAt: d.dueAt } },
      env,
      { system: true },
    );
    if (!result.ok) return result;
    // an expiry that arms a deadline already due would fire again at once, for ever: part of the step budget
    const again = result.instance.deadlines.find((x) => !x.overdue && Date.parse(x.dueAt) <= env.now.getTime());
    if (again) {
      const e = new StepBudgetError(`deadline '${again.name}' re-armed already due by the expiry of '${name}'`);
      return refuse(
        'INVALID_DEFINITION',
        i18n(
          '期限到期后重新计时的期限已经到期,会无限循环,已拒绝',
          'the expiry re-arms a deadline that is already due, which would loop for ever: refused',
        ),
        [{ ...e.problem(), path: pointer('deadlines', again.name) }],
      );
    }
    result.effects.unshift(...effects);
    result.history.effects.unshift(...effects);
    result.instance.everOverdue = true;
    return result;
  }
  const rev = instance.rev + 1;
  const next: Instance = { ...marked, rev, updatedAt: now };
  return {
    ok: true,
    instance: next,
    history: {
      seq: rev,
      at: now,
      type: 'DEADLINE_EXPIRED',
      payload: { deadline: name, dueAt: d.dueAt, day: shanghaiDate(env.now) },
      from: instance.state,
      to: instance.state,
      rules: [],
      effects,
    },
    effects,
    timers: { arm: [], cancel: [name] },
  };
}
