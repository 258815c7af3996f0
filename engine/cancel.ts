/**
 * cancel: a running case is withdrawn (a duplicate or mistaken ticket). Its deadlines are dropped, its state stays
 * where it was, its status becomes `cancelled`, and the history records who and why. Nothing else may happen to it.
 */
import type { CompiledProcedure } from './compile';
import type { Actor, Instance, StepResult } from './types';
import { i18n, refuse } from './errors';
import { toShanghaiISO } from './calendar';

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export function cancel(
  proc: CompiledProcedure,
  instance: Instance,
  input: CancelInput,
  env: { now: Date },
  opts: { anyRole?: boolean } = {},
): StepResult {
  if (instance.status !== 'active') {
    const status = instance.status === 'done' ? i18n('已办结', 'done') : i18n('已撤销', 'cancelled');
    return refuse(
      'CASE_CLOSED',
      i18n(`案件${status['zh-CN']},不能撤销`, `the case is ${status.en}: it cannot be cancelled`),
      { status: instance.status },
    );
  }
  const allowed = proc.doc.cancelRoles ?? [];
  if (!opts.anyRole && !allowed.some((r) => input.actor.roles.includes(r))) {
    return refuse(
      'FORBIDDEN',
      i18n(
        `角色无权撤销该流程的案件(允许:${allowed.join('、') || '仅管理员'})`,
        `your roles may not cancel cases of this procedure (allowed: ${allowed.join(', ') || 'administrators only'})`,
      ),
      { roles: allowed },
    );
  }
  const at = toShanghaiISO(env.now);
  const rev = instance.rev + 1;
  const next: Instance = {
    ...instance,
    rev,
    status: 'cancelled',
    deadlines: [],
    overdue: false,
    updatedAt: at,
    cancelled: { at, by: input.actor.subject, reason: input.reason },
  };
  return {
    ok: true,
    instance: next,
    effects: [],
    timers: { arm: [], cancel: instance.deadlines.filter((d) => !d.overdue).map((d) => d.name) },
    history: {
      seq: rev,
      at,
      type: 'CANCEL',
      payload: { reason: input.reason },
      actor: input.actor,
      from: instance.state,
      to: instance.state,
      rules: [],
      effects: [],
    },
  };
}
