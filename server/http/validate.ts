/** Request validation with ajv against the OpenAPI document's own schemas; a mismatch is 400 with every problem. */
import type { ValidateFunction } from 'ajv';
import { ajvProblems, createAjv } from '../../engine';
import { schemas, type SchemaName } from './schemas';
import { fail } from './errors';

const ajv = createAjv();
const compiled = new Map<SchemaName, ValidateFunction>();

export function validateBody<T>(name: SchemaName, body: unknown, code: 'BAD_REQUEST' | 'INVALID_DEFINITION' = 'BAD_REQUEST'): T {
  if (body === undefined) throw fail('BAD_REQUEST', '缺少请求体', 'the request body is missing');
  let v = compiled.get(name);
  if (!v) {
    v = ajv.compile(schemas[name] as object);
    compiled.set(name, v);
  }
  if (!v(body)) {
    throw fail(code, '请求内容不符合要求', 'the request does not match its schema', ajvProblems(v.errors, ''));
  }
  return body as T;
}

/** A query parameter as an integer within bounds, or the default; anything else is 400. */
export function intParam(raw: unknown, name: string, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) {
    throw fail('BAD_REQUEST', `参数 ${name} 应为 ${min}–${max} 之间的整数`, `query parameter ${name} must be an integer from ${min} to ${max}`, [{ path: `/query/${name}`, message: { 'zh-CN': `应为 ${min}–${max} 的整数`, en: `must be an integer from ${min} to ${max}` } }]);
  }
  return n;
}

export function enumParam<T extends string>(raw: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw as T)) {
    throw fail('BAD_REQUEST', `参数 ${name} 应为:${allowed.join('、')}`, `query parameter ${name} must be one of: ${allowed.join(', ')}`, [{ path: `/query/${name}`, message: { 'zh-CN': `应为 ${allowed.join('、')} 之一`, en: `must be one of ${allowed.join(', ')}` } }]);
  }
  return raw as T;
}

export function dateParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // a day that does not exist (2025-02-30) is refused, not read as another (2 March)
  const real = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw)) && new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) === raw;
  if (!real) {
    throw fail('BAD_REQUEST', `参数 ${name} 应为日期 YYYY-MM-DD`, `query parameter ${name} must be a date YYYY-MM-DD`, [{ path: `/query/${name}`, message: { 'zh-CN': '应为 YYYY-MM-DD', en: 'must be YYYY-MM-DD' } }]);
  }
  return raw;
}

export function stringParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 200) {
    throw fail('BAD_REQUEST', `参数 ${name} 只能出现一次且不超过 200 字`, `query parameter ${name} must be given once, at most 200 characters`, [{ path: `/query/${name}`, message: { 'zh-CN': '格式不正确', en: 'malformed' } }]);
  }
  return raw;
}

/** An ISO 8601 instant that JavaScript can represent (a leap second such as 23:59:60 cannot): else 400. */
export function instant(text: string, path: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    throw fail('BAD_REQUEST', `时间「${text}」无法表示(例如闰秒 23:59:60)`, `the instant '${text}' cannot be represented (a leap second such as 23:59:60, say)`, [{ path, message: { 'zh-CN': '无效的时间', en: 'invalid instant' } }]);
  }
  return d;
}
