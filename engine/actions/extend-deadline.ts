/** `extendDeadline`: moves an armed deadline's due day later, counting `amount` `unit`s from its current due day. */
import type { PeriodUnit } from '../types';
import { def, type EffectAction } from './action';
import { deadlineExists } from './deadline-ref';

export const extendDeadline: EffectAction = {
  type: 'extendDeadline',
  kind: 'effect',
  paramsSchema: {
    type: 'object',
    required: ['deadline', 'amount', 'unit'],
    additionalProperties: false,
    properties: { deadline: def('identifier'), amount: def('amount'), unit: def('unit') },
  },
  doc: {
    does: { 'zh-CN': '把期限的到期日往后延', en: "moves a deadline's due day later" },
    example: { deadline: 'mediationPeriod', amount: { param: 'mediationExtensionDays' }, unit: 'calendarDays' },
  },
  check: deadlineExists,
  apply: (step, params) =>
    step.extendDeadline(String(params.deadline), Number(params.amount), params.unit as PeriodUnit),
};
