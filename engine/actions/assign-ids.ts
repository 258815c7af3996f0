/** `assignIds`: gives every object of the array at `path` without an `id` the first free `<prefix><n>` (n = 1, 2, …). */
import { getPath, setPath } from '../data-path';
import { dataPath, type DataAction } from './action';

const idOf = (x: unknown) => (x && typeof x === 'object' ? (x as { id?: unknown }).id : undefined);

function withIds(list: unknown, prefix: string): unknown {
  if (!Array.isArray(list)) return list;
  const used = new Set(list.map(idOf).filter((id) => typeof id === 'string'));
  let n = 1;
  return list.map((x) => {
    if (!x || typeof x !== 'object' || Array.isArray(x) || typeof idOf(x) === 'string') return x;
    while (used.has(`${prefix}${n}`)) n++;
    used.add(`${prefix}${n}`);
    return { id: `${prefix}${n}`, ...(x as object) };
  });
}

export const assignIds: DataAction = {
  type: 'assignIds',
  kind: 'data',
  paramsSchema: {
    type: 'object',
    required: ['path', 'prefix'],
    additionalProperties: false,
    properties: { path: dataPath, prefix: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,20}$' } },
  },
  doc: {
    does: {
      'zh-CN': '为数组中没有 id 的每一项编号(如 p1、p2)',
      en: 'gives every object of the array at `path` without an `id` the first free id p1, p2, …',
    },
    example: { path: 'parties', prefix: 'p' },
  },
  apply: (data, params) =>
    setPath(data, String(params.path), withIds(getPath(data, String(params.path)), String(params.prefix))),
};
