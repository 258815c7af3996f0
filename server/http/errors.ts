/**
 * The one place that writes error bodies, in the shape of API.md: `{error: {code, message: {zh-CN, en}, details}}`.
 * A domain error's status comes from the error table (contract/errors.ts); Koa's own http errors are mapped to the
 * nearest code; anything else is a bug: 500 with an id, logged with the request id.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { DefinitionError, type I18n } from '../../engine';
import { statusOf, type ApiCode } from '../contract';
import { DomainError, notFound } from '../errors';
import type { Logger } from '../log';
import { StorageFullError, isNoSpace } from '../store/errors';

export function errorBody(code: ApiCode, message: I18n, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Koa's own http-errors (e.g. from ctx.throw or a malformed URL) → our shape. */
function fromHttpError(e: { status?: number; expose?: boolean; message?: string }): DomainError | null {
  const s = e.status;
  if (!s || s < 400 || s >= 500) return null;
  const code: ApiCode =
    s === 401
      ? 'UNAUTHORIZED'
      : s === 403
        ? 'FORBIDDEN'
        : s === 404
          ? 'NOT_FOUND'
          : s === 413
            ? 'PAYLOAD_TOO_LARGE'
            : 'BAD_REQUEST';
  return new DomainError(code, { 'zh-CN': '请求有误', en: e.expose && e.message ? e.message : 'bad request' });
}

/** A definition the engine refused while compiling it (e.g. one that loops on its initial state): 422. */
function definition(e: unknown): DomainError | null {
  if (!(e instanceof DefinitionError)) return null;
  return new DomainError(
    'INVALID_DEFINITION',
    { 'zh-CN': `流程定义有 ${e.problems.length} 个问题`, en: `the definition has ${e.problems.length} problem(s)` },
    e.problems,
  );
}

/** A write refused for lack of space, with nothing of it left behind (see store/errors.ts): 507. */
function storageFull(e: unknown): DomainError | null {
  if (!(e instanceof StorageFullError) && !isNoSpace(e)) return null;
  return new DomainError('STORAGE_FULL', {
    'zh-CN': '存储空间已满,本次请求未被接受,未保存任何内容',
    en: 'the store is full: the request was not accepted and nothing was saved',
  });
}

export function errorMiddleware(logger: Logger, onError?: (code: ApiCode) => void) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      // an API path nothing answered (the designer's pages are not API paths)
      const api = ctx.path.startsWith('/api/') || ctx.path === '/api' || ctx.path === '/metrics';
      if (api && ctx.status === 404 && ctx.body == null) {
        throw notFound({
          'zh-CN': `接口不存在:${ctx.method} ${ctx.path}`,
          en: `no such endpoint: ${ctx.method} ${ctx.path}`,
        });
      }
    } catch (err) {
      const e = err instanceof DomainError ? err : (storageFull(err) ?? definition(err) ?? fromHttpError(err as never));
      if (e) {
        ctx.status = statusOf(e.code);
        ctx.body = errorBody(e.code, e.text, e.details);
        onError?.(e.code);
        return;
      }
      const id = randomUUID();
      logger.error(
        { err, errorId: id, reqId: ctx.state.requestId, method: ctx.method, path: ctx.path },
        `500 ${ctx.method} ${ctx.path}`,
      );
      ctx.status = 500;
      ctx.body = errorBody(
        'INTERNAL',
        { 'zh-CN': `服务器内部错误(编号 ${id})`, en: `internal error (id ${id})` },
        { id },
      );
      onError?.('INTERNAL');
    }
  };
}
