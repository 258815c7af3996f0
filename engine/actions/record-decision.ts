/** `recordDecision`: appends `{name, value, at}` to `data.decisions`. */
import { withKey } from '../data-path';
import type { DataAction } from './action';

export const recordDecision: DataAction = {
  type: 'recordDecision',
  kind: 'data',
  paramsSchema: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, value: true },
  },
  doc: {
    does: {
      'zh-CN': '在 data.decisions 末尾记下一项决定 {name, value, at}',
      en: 'appends `{name, value, at}` to `data.decisions`',
    },
    example: { name: 'triage', value: 'mediation' },
  },
  apply(data, params, event) {
    const list = Array.isArray(data.decisions) ? (data.decisions as unknown[]) : [];
    return withKey(data, 'decisions', [...list, { name: params.name, value: params.value ?? null, at: event.now }]);
  },
};
