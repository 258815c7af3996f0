/** `set`: one data field from a literal, or from the first fact path that holds a value (optionally translated by `map`). */
import { setPath } from '../data-path';
import { resolveFactRef } from '../rules/path';
import { dataPath, factPath, type ActionParams, type DataAction, type EngineEvent, type CaseData } from './action';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

function source(data: CaseData, params: ActionParams, event: EngineEvent): unknown {
  if ('value' in params) return params.value;
  const facts = { data, event: event.payload, today: event.today, now: event.now };
  const refs = Array.isArray(params.from) ? params.from.map(String) : [String(params.from)];
  let v: unknown;
  for (const ref of refs) {
    v = resolveFactRef(facts, ref);
    if (!isEmpty(v)) break;
  }
  const map = params.map as Record<string, unknown> | undefined;
  if (map && typeof v === 'string' && Object.prototype.hasOwnProperty.call(map, v)) return map[v];
  return v;
}

export const set: DataAction = {
  type: 'set',
  kind: 'data',
  paramsSchema: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: dataPath,
      value: true,
      from: { oneOf: [factPath, { type: 'array', items: factPath, minItems: 1 }] },
      map: { type: 'object' },
    },
    oneOf: [{ required: ['value'] }, { required: ['from'] }],
  },
  doc: {
    does: {
      'zh-CN': '设置一个数据字段:取字面值 value,或依次尝试 from 中的事实路径取第一个有值的,可用 map 翻译',
      en: 'sets one data field from a literal `value`, or from the first fact path in `from` holding a value, translated by `map`',
    },
    example: { path: 'track', from: ['event.track', 'data.requestedTrack'], map: { small: 'smallClaims' } },
  },
  apply: (data, params, event) => setPath(data, String(params.path), source(data, params, event)),
};
