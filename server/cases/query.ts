/**
 * Listing cases (GET /api/instances and the case list export): the listing's filters as the store takes them, the
 * opaque cursor of keyset paging (one per order), and every case of a listing, page after page. The store lists;
 * see store/seam.ts, `CaseStore.list`.
 */
import { fail } from '../errors';
import type { CaseQuery, CaseSort, CaseStore } from '../store/seam';
import type { Instance } from '../../engine';
import type { ExportCasesQuery } from '../contract';

/** The listing's filters and order from the query the contract checked (`to` before `from` is 400). */
export function listFilters(q: ExportCasesQuery, packs: CaseQuery['packs']): Omit<CaseQuery, 'limit'> {
  if (q.from && q.to && q.to < q.from) {
    throw fail('BAD_REQUEST', '参数 to 不能早于 from', 'query parameter to must not be before from', [
      { path: '/query/to', message: { 'zh-CN': '早于 from', en: 'before from' } },
    ]);
  }
  const out: Omit<CaseQuery, 'limit'> = {
    packs,
    pack: q.pack,
    procedure: q.procedure,
    state: q.state,
    status: q.status,
    overdue: q.overdue,
    businessKey: q.businessKey,
    businessKeyPrefix: q.businessKeyPrefix,
    from: q.from,
    to: q.to,
    sort: q.sort ?? 'id',
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Omit<CaseQuery, 'limit'>;
}

const badCursor = () =>
  fail('BAD_REQUEST', 'cursor 参数无效', 'invalid cursor', [
    { path: '/query/cursor', message: { 'zh-CN': '无效', en: 'invalid' } },
  ]);

/**
 * The cursor of the next page: the last case's id, and for an order other than creation its sort key and the
 * order (a cursor made for one order is refused by another).
 */
export function encodeCursor(next: string, sort: CaseSort, key?: string): string {
  return Buffer.from(sort === 'id' ? next : JSON.stringify([next, sort, key ?? ''])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, sort: CaseSort = 'id'): { after?: string; afterKey?: string } {
  if (cursor === undefined || cursor === '') return {};
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (sort === 'id') {
    if (!/^[0-9a-z]{8,40}$/.test(text)) throw badCursor();
    return { after: text };
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw badCursor();
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    typeof v[0] !== 'string' ||
    !/^[0-9a-z]{8,40}$/.test(v[0]) ||
    v[1] !== sort ||
    typeof v[2] !== 'string' ||
    (v[2] !== '' && Number.isNaN(Date.parse(v[2]))) ||
    (v[2] === '' && sort !== 'dueAt')
  )
    throw badCursor();
  return { after: v[0], afterKey: v[2] };
}

/** Every case of a listing in its order, a page at a time. */
export async function* everyCase(store: CaseStore, q: Omit<CaseQuery, 'limit'>, page = 500): AsyncGenerator<Instance> {
  let after: Pick<CaseQuery, 'after' | 'afterKey'> = {};
  for (;;) {
    const r = await store.list({ ...q, ...after, limit: page });
    yield* r.items;
    if (!r.next) return;
    after = { after: r.next, ...(r.nextKey !== undefined ? { afterKey: r.nextKey } : {}) };
  }
}
