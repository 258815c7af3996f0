/** `increment`: adds 1 to a numeric data field (a missing or non-numeric field counts as 0). */
import { getPath, setPath } from '../data-path';
import { dataPath, type DataAction } from './action';

export const increment: DataAction = {
  type: 'increment',
  kind: 'data',
  paramsSchema: { type: 'object', required: ['path'], additionalProperties: false, properties: { path: dataPath } },
  doc: {
    does: { 'zh-CN': '数据字段加 1', en: 'adds 1 to a numeric data field' },
    example: { path: 'mediationExtensions' },
  },
  apply(data, params) {
    const cur = getPath(data, String(params.path));
    return setPath(data, String(params.path), (typeof cur === 'number' ? cur : 0) + 1);
  },
};
