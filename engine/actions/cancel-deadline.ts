/** `cancelDeadline`: stops an armed deadline (it will not expire). */
import { def, type EffectAction } from './action';
import { deadlineExists } from './deadline-ref';

export const cancelDeadline: EffectAction = {
  type: 'cancelDeadline',
  kind: 'effect',
  paramsSchema: {
    type: 'object',
    required: ['deadline'],
    additionalProperties: false,
    properties: { deadline: def('identifier') },
  },
  doc: {
    does: { 'zh-CN': '取消一个正在计时的期限', en: 'cancels an armed deadline' },
    example: { deadline: 'mediationPeriod' },
  },
  check: deadlineExists,
  apply: (step, params) => step.cancelDeadline(String(params.deadline)),
};
