/** `emit`: an effect of the step (delivered as the webhook `effect:<name>`) carrying the case data. */
import { def, type EffectAction } from './action';

export const emit: EffectAction = {
  type: 'emit',
  kind: 'effect',
  paramsSchema: {
    type: 'object',
    required: ['effect'],
    additionalProperties: false,
    properties: { effect: def('effectName'), with: { type: 'object' } },
  },
  doc: {
    does: {
      'zh-CN': '发出一个效果(webhook effect:<名称>),附带案件数据',
      en: 'an effect (webhook `effect:<name>`) carrying the case data',
    },
    example: { effect: 'court.handoff', with: { court: 'county' } },
  },
  apply(step, params) {
    step.emit({
      name: String(params.effect),
      ...(params.with ? { params: params.with as Record<string, unknown> } : {}),
      data: step.data,
    });
  },
};
