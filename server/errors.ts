/**
 * What the server's services throw when a caller asked for something that cannot be done: a code of the API's
 * error table, a bilingual message and details. No HTTP here: the error middleware (http/errors.ts) turns the code
 * into its status. Refusals of the engine become these through `fromRefusal`, code by code.
 */
import type { I18n, Refusal, RefusalCode } from '../engine';
import type { ApiCode } from './contract/errors';

export class DomainError extends Error {
  constructor(
    readonly code: ApiCode,
    readonly text: I18n,
    readonly details?: unknown,
  ) {
    super(text.en);
  }
}

export const fail = (code: ApiCode, zh: string, en: string, details?: unknown): DomainError =>
  new DomainError(code, { 'zh-CN': zh, en }, details);

export const notFound = (what: I18n = { 'zh-CN': '资源不存在', en: 'not found' }): DomainError =>
  new DomainError('NOT_FOUND', what);

/** The API code of each engine refusal code (exhaustive: a new engine code fails the type check until it is mapped). */
const ENGINE_CODES: Record<RefusalCode, ApiCode> = {
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  EVENT_NOT_ALLOWED: 'EVENT_NOT_ALLOWED',
  GUARD_REJECTED: 'GUARD_REJECTED',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  INVALID_DEFINITION: 'INVALID_DEFINITION',
  CALENDAR_RANGE: 'CALENDAR_RANGE',
  CASE_CLOSED: 'CASE_CLOSED',
  INVALID_PERIOD: 'INVALID_PERIOD',
};

export function fromRefusal(r: Refusal): DomainError {
  return new DomainError(ENGINE_CODES[r.code], r.message, r.details);
}
