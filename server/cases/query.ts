/** Listing cases from the in-memory summaries: filters, creation order, an opaque cursor. */
import type { CaseSummary, InstanceStore } from '../store';
import { canSeePack, type Auth } from '../auth/tokens';
import { fail } from '../http/errors';

export interface ListQuery {
  pack?: string;
  procedure?: string;
  state?: string;
  status?: 'active' | 'done';
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

export function matchesState(state: string, filter: string): boolean {
  return state === filter || state.startsWith(filter + '.') || state.split(',').some((s) => s === filter || s.startsWith(filter + '.'));
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-z]{8,40}$/.test(id)) throw fail('BAD_REQUEST', 'cursor 参数无效', 'invalid cursor', [{ path: '/query/cursor', message: { 'zh-CN': '无效', en: 'invalid' } }]);
  return id;
}

export function listSummaries(store: InstanceStore, auth: Auth, q: ListQuery): { items: CaseSummary[]; next: string | null } {
  const items: CaseSummary[] = [];
  let last: string | undefined;
  for (const s of store.summariesAfter(decodeCursor(q.cursor))) {
    if (!canSeePack(auth, s.pack)) continue;
    if (q.pack && s.pack !== q.pack) continue;
    if (q.procedure && s.procedure !== q.procedure) continue;
    if (q.status && s.status !== q.status) continue;
    if (q.overdue !== undefined && s.overdue !== q.overdue) continue;
    if (q.state && !matchesState(s.state, q.state)) continue;
    if (items.length === q.limit) return { items, next: Buffer.from(last!).toString('base64url') };
    items.push(s);
    last = s.id;
  }
  return { items, next: null };
}
