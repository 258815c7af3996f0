/** Listing cases: the opaque cursor of GET /api/instances (the store lists; see store/seam.ts, `CaseStore.list`). */
import { fail } from '../errors';

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-z]{8,40}$/.test(id)) throw fail('BAD_REQUEST', 'cursor 参数无效', 'invalid cursor', [{ path: '/query/cursor', message: { 'zh-CN': '无效', en: 'invalid' } }]);
  return id;
}
