/** One shared ajv (draft 2020-12) instance, and translation of its errors into bilingual problems. */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import { procedureSchema, packSchema } from '../schema';
import type { ProblemDetail } from '../types';
import { i18n } from '../errors';

/** Strings longer than this are always tested afresh; at most MEMO_SIZE answers are kept per pattern. */
export const MEMO_CHARS = 64;
export const MEMO_SIZE = 512;

/**
 * Schema `pattern`, `patternProperties` and `propertyNames` patterns run on RE2 (re2js: a linear-time engine in plain
 * JavaScript, so the designer's browser build runs the same one), never on the backtracking `RegExp`: `^(a+)+$`
 * takes time linear in the input. What RE2 does not support (look-around, back-references) fails to compile, and
 * a definition using it is refused at validation (BAD_SCHEMA).
 */
export const re2Engine = Object.assign(
  (pattern: string) => {
    const rx = RE2JS.compile(pattern);
    // RE2JS's test costs microseconds even on a short string, and a route's checks test the same few short values
    // (ids, event names, dates) again and again: answers for strings up to MEMO_CHARS are kept, up to MEMO_SIZE
    // per pattern (the memo is emptied when full, so it stays bounded whatever the input).
    const memo = new Map<string, boolean>();
    const test = (s: string): boolean => {
      if (s.length > MEMO_CHARS) return rx.test(s);
      let answer = memo.get(s);
      if (answer === undefined) {
        answer = rx.test(s);
        if (memo.size >= MEMO_SIZE) memo.clear();
        memo.set(s, answer);
      }
      return answer;
    };
    return { test, toString: () => `re2:${pattern}` };
  },
  { code: 're2js' },
);

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, code: { regExp: re2Engine } });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

export const ajv = createAjv();
export const validateProcedureSchema: ValidateFunction = ajv.compile(procedureSchema);
export const validatePackSchema: ValidateFunction = ajv.compile(packSchema);

function describe(e: ErrorObject): { zh: string; en: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { zh: `缺少必填字段「${p.missingProperty}」`, en: `missing required field '${p.missingProperty}'` };
    case 'additionalProperties':
      return { zh: `不允许的字段「${p.additionalProperty}」`, en: `field '${p.additionalProperty}' is not allowed` };
    case 'type':
      return { zh: `类型应为 ${p.type}`, en: `must be of type ${p.type}` };
    case 'enum':
      return {
        zh: `取值应为以下之一:${(p.allowedValues as unknown[]).join('、')}`,
        en: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { zh: `取值应为 ${JSON.stringify(p.allowedValue)}`, en: `must equal ${JSON.stringify(p.allowedValue)}` };
    case 'pattern':
      return { zh: `格式不符合要求(${p.pattern})`, en: `must match the pattern ${p.pattern}` };
    case 'format':
      return { zh: `格式应为 ${p.format}`, en: `must be a valid ${p.format}` };
    case 'minLength':
      return { zh: `长度不能少于 ${p.limit}`, en: `must be at least ${p.limit} characters` };
    case 'maxLength':
      return { zh: `长度不能超过 ${p.limit}`, en: `must be at most ${p.limit} characters` };
    case 'minimum':
      return { zh: `不能小于 ${p.limit}`, en: `must be ≥ ${p.limit}` };
    case 'maximum':
      return { zh: `不能大于 ${p.limit}`, en: `must be ≤ ${p.limit}` };
    case 'exclusiveMinimum':
      return { zh: `必须大于 ${p.limit}`, en: `must be > ${p.limit}` };
    case 'minItems':
      return { zh: `至少需要 ${p.limit} 项`, en: `must have at least ${p.limit} items` };
    case 'maxItems':
      return { zh: `最多 ${p.limit} 项`, en: `must have at most ${p.limit} items` };
    case 'uniqueItems':
      return { zh: '不能有重复项', en: 'must not contain duplicates' };
    case 'minProperties':
      return { zh: `至少需要 ${p.limit} 个字段`, en: `must have at least ${p.limit} fields` };
    case 'maxProperties':
      return { zh: `最多 ${p.limit} 个字段`, en: `must have at most ${p.limit} fields` };
    case 'propertyNames':
      return { zh: `名称「${p.propertyName}」不合规`, en: `name '${p.propertyName}' is invalid` };
    case 'not':
      return {
        zh: '该名称是保留名称(对象的内置属性名),不能用作编号',
        en: 'this name is reserved (a built-in object property) and cannot be used as an id',
      };
    case 'oneOf':
    case 'anyOf':
      return { zh: '不符合任何允许的形式', en: 'does not match any allowed form' };
    default:
      return { zh: `不符合要求:${e.message ?? e.keyword}`, en: e.message ?? e.keyword };
  }
}

/** ajv errors → problems, prefixed with `base`; drops oneOf/anyOf summaries when a deeper error explains them. */
export function ajvProblems(errors: ErrorObject[] | null | undefined, base = ''): ProblemDetail[] {
  if (!errors) return [];
  const out: ProblemDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let path = base + e.instancePath;
    if (e.keyword === 'required') path += '/' + String((e.params as { missingProperty: string }).missingProperty);
    if (e.keyword === 'propertyNames' || e.keyword === 'additionalProperties') {
      const name = e.params as { propertyName?: string; additionalProperty?: string };
      const key = name.propertyName ?? name.additionalProperty;
      if (key !== undefined) path += '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
    }
    // an `if`/`then` failure is explained by the `then` errors reported beside it
    if (e.keyword === 'if') continue;
    // a union (oneOf/anyOf) whose matching branch failed deeper: the other branches' type mismatches here are noise
    if (
      e.keyword === 'type' &&
      errors.some((o) => (o.keyword === 'oneOf' || o.keyword === 'anyOf') && o.instancePath === e.instancePath) &&
      errors.some((o) => o.instancePath.startsWith(e.instancePath + '/'))
    )
      continue;
    if (
      (e.keyword === 'oneOf' || e.keyword === 'anyOf') &&
      errors.some((o) => o !== e && o.keyword !== e.keyword && (base + o.instancePath).startsWith(path))
    )
      continue;
    if (
      e.keyword === 'pattern' &&
      e.parentSchema === undefined &&
      errors.some((o) => o.keyword === 'propertyNames' && o.instancePath === e.instancePath)
    )
      continue;
    const { zh, en } = describe(e);
    const key = `${path}|${en}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', code: 'SCHEMA', message: i18n(zh, en) });
  }
  return out;
}
