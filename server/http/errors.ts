/**
 * One error type for everything a caller did wrong (4xx), and one middleware that writes every error body in the
 * shape of API.md: `{error: {code, message: {zh-CN, en}, details}}`. Anything else is a bug: 500 with an id.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { DefinitionError, type I18n } from '../../engine';
import { StorageFullError, isNoSpace } from '../store/errors';

export type ApiCode =
  | 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'EVENT_NOT_ALLOWED' | 'GUARD_REJECTED'
  | 'REVISION_CONFLICT' | 'INVALID_PAYLOAD' | 'INVALID_DEFINITION' | 'PAYLOAD_TOO_LARGE' | 'CLOCK_BACKWARDS'
  | 'CALENDAR_RANGE' | 'INVALID_PERIOD' | 'INVALID_CALENDAR' | 'UNSUPPORTED_MEDIA_TYPE' | 'METHOD_NOT_ALLOWED' | 'STORAGE_FULL' | 'INTERNAL'
  | 'MIGRATION_REFUSED';

export const STATUS_OF: Record<ApiCode, number> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, EVENT_NOT_ALLOWED: 409, GUARD_REJECTED: 409,
  REVISION_CONFLICT: 409, CLOCK_BACKWARDS: 409, MIGRATION_REFUSED: 409, INVALID_PAYLOAD: 422, INVALID_DEFINITION: 422, CALENDAR_RANGE: 422,
  INVALID_PERIOD: 422, INVALID_CALENDAR: 422,
  PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, METHOD_NOT_ALLOWED: 405, STORAGE_FULL: 507, INTERNAL: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ApiCode, readonly text: I18n, readonly details?: unknown) {
    super(text.en);
    this.status = STATUS_OF[code];
  }
}

export const fail = (code: ApiCode, zh: string, en: string, details?: unknown): ApiError =>
  new ApiError(code, { 'zh-CN': zh, en }, details);

export const notFound = (what: I18n = { 'zh-CN': '资源不存在', en: 'not found' }): ApiError => new ApiError('NOT_FOUND', what);

export function errorBody(code: string, message: I18n, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Koa's own http-errors (e.g. from ctx.throw or a malformed URL) → our shape. */
function fromHttpError(e: { status?: number; expose?: boolean; message?: string }): ApiError | null {
  const s = e.status;
  if (!s || s < 400 || s >= 500) return null;
  const code: ApiCode = s === 401 ? 'UNAUTHORIZED' : s === 403 ? 'FORBIDDEN' : s === 404 ? 'NOT_FOUND' : s === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  return new ApiError(code, { 'zh-CN': '请求有误', en: e.expose && e.message ? e.message : 'bad request' });
}

/** A definition the engine refused while compiling it (e.g. one that loops on its initial state): 422. */
function definition(e: unknown): ApiError | null {
  if (!(e instanceof DefinitionError)) return null;
  return new ApiError('INVALID_DEFINITION', { 'zh-CN': `流程定义有 ${e.problems.length} 个问题`, en: `the definition has ${e.problems.length} problem(s)` }, e.problems);
}

/** A write refused for lack of space, with nothing of it left behind (see store/errors.ts): 507. */
function storageFull(e: unknown): ApiError | null {
  if (!(e instanceof StorageFullError) && !isNoSpace(e)) return null;
  return new ApiError('STORAGE_FULL', { 'zh-CN': '存储空间已满,本次请求未被接受,未保存任何内容', en: 'the store is full: the request was not accepted and nothing was saved' });
}

export function errorMiddleware(log: (msg: string) => void) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof ApiError ? err : storageFull(err) ?? definition(err) ?? fromHttpError(err as never);
      if (e) {
        ctx.status = e.status;
        ctx.body = errorBody(e.code, e.text, e.details);
        return;
      }
      const id = randomUUID();
      log(`[500 ${id}] ${ctx.method} ${ctx.path}: ${(err as Error)?.stack ?? err}`);
      ctx.status = 500;
      ctx.body = errorBody('INTERNAL', { 'zh-CN': `服务器内部错误(编号 ${id})`, en: `internal error (id ${id})` }, { id });
    }
  };
}
