/** `save`: copies the event payload (or the listed fields of it) into the case data at `to`. */
import { setPath } from '../data-path';
import { dataPath, type DataAction } from './action';

export const save: DataAction = {
  type: 'save',
  kind: 'data',
  paramsSchema: {
    type: 'object',
    required: ['to'],
    additionalProperties: false,
    properties: { to: dataPath, fields: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } },
  },
  doc: {
    does: {
      'zh-CN': '把事件内容(或其中列出的字段)保存到案件数据的 to 字段',
      en: 'copies the event payload (or the listed fields) into data.<to>',
    },
    example: { to: 'agreement' },
  },
  apply(data, params, event) {
    const payload = event.payload ?? {};
    const fields = Array.isArray(params.fields) ? (params.fields as string[]) : null;
    const value = fields
      ? Object.fromEntries(fields.filter((f) => f in payload).map((f) => [f, payload[f]]))
      : { ...payload };
    return setPath(data, String(params.to), value);
  },
};
