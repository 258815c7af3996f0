/** Texts, legal bases, amounts and problems: the shapes every other type file uses. */

/** A bilingual text: Chinese first, English alongside. */
export interface I18n {
  'zh-CN': string;
  en: string;
}

export type JSONSchema = Record<string, unknown>;

/**
 * One version of a legal basis: the text in force from `from` (inclusive) until `until` (exclusive), both
 * YYYY-MM-DD. The first version may omit `from`, the last `until`; versions are ordered and do not overlap.
 */
export interface BasisVersion extends I18n {
  from?: string;
  until?: string;
}

/** A legal basis as written in DOMAIN.md: one text, or its versions by date when the law changed (engine/basis.ts). */
export type Basis = I18n | BasisVersion[];

/** A value that is either literal or names a pack parameter: `{ "param": "mediationDays" }`. */
export type ParamRef = { param: string };
export type Amount = number | ParamRef;

export type PeriodUnit = 'calendarDays' | 'naturalDays' | 'workingDays' | 'months';

export interface ProblemDetail {
  path: string;
  message: I18n;
  code?: string;
}
