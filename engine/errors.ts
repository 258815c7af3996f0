import type { I18n, ProblemDetail, Refusal, RefusalCode } from './types';

export function i18n(zh: string, en: string): I18n {
  return { 'zh-CN': zh, en };
}

const CODES = {
  EVENT_NOT_ALLOWED: true,
  FORBIDDEN: true,
  GUARD_REJECTED: true,
  INVALID_PAYLOAD: true,
  INVALID_DEFINITION: true,
  NOT_FOUND: true,
  CALENDAR_RANGE: true,
  INVALID_PERIOD: true,
  CASE_CLOSED: true,
} as const satisfies Record<RefusalCode, true>;

/** Every code a refusal of the engine carries (tests/engine/refusal-codes.test.ts: each is produced somewhere, no other). */
export const REFUSAL_CODES = Object.keys(CODES) as RefusalCode[];

export function refuse(code: RefusalCode, message: I18n, details?: unknown): Refusal {
  return { ok: false, code, message, details };
}

export function problem(path: string, code: string, zh: string, en: string): ProblemDetail {
  return { path, code, message: i18n(zh, en) };
}

/** Thrown by compileProcedure / resolvePacks when a definition is invalid. */
export class DefinitionError extends Error {
  readonly code = 'INVALID_DEFINITION' as const;
  constructor(readonly problems: ProblemDetail[]) {
    super(`invalid definition: ${problems.map((p) => `${p.path}: ${p.message.en}`).join('; ')}`);
  }
}

/** JSON-pointer path segment escaping (RFC 6901). */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
