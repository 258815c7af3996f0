/**
 * Legal bases that change with the law. A basis is one bilingual text, or a list of versions, each in force
 * from `from` (inclusive) until `until` (exclusive). A step records the version in force on its date; the
 * versions of one basis are ordered, do not overlap and leave no date uncovered, so every date has exactly one.
 */
import type { Basis, BasisVersion, I18n, ParameterRow, ProblemDetail } from './types';
import { isValidDate } from './calendar/dates';
import { problem } from './errors';

/** The versions of a basis (one open-ended version for a plain text). */
export function basisVersions(basis: Basis): BasisVersion[] {
  return Array.isArray(basis) ? basis : [basis];
}

function inForce(v: BasisVersion, date: string): boolean {
  return (v.from === undefined || v.from <= date) && (v.until === undefined || date < v.until);
}

/**
 * The version of `basis` in force on `date` (YYYY-MM-DD). A plain text is returned as it is. For a date no
 * version covers (only in an unvalidated document), the nearest earlier version, else the first.
 */
export function basisOn(basis: Basis, date: string): BasisVersion {
  if (!Array.isArray(basis)) return basis;
  const hit = basis.find((v) => inForce(v, date));
  if (hit) return hit;
  const earlier = basis.filter((v) => v.from !== undefined && v.from <= date);
  return earlier[earlier.length - 1] ?? basis[0];
}

/** The version in force now and onwards: the last one. */
export function currentBasis(basis: Basis): BasisVersion {
  return Array.isArray(basis) ? basis[basis.length - 1] : basis;
}

/** The dates where a basis changes (every version's `from` and `until`), sorted, without duplicates. */
export function basisBoundaries(basis: Basis): string[] {
  const out = new Set<string>();
  for (const v of basisVersions(basis)) {
    if (v.from) out.add(v.from);
    if (v.until) out.add(v.until);
  }
  return [...out].sort();
}

/** A basis in one line per language: `〔至2026-01-01〕… ;〔2026-01-01起〕…`. */
export function formatBasis(basis: Basis): I18n {
  if (!Array.isArray(basis)) return { 'zh-CN': basis['zh-CN'], en: basis.en };
  const zh = basis.map((v) => `〔${span(v, 'zh')}〕${v['zh-CN']}`).join(';');
  const en = basis.map((v) => `[${span(v, 'en')}] ${v.en}`).join('; ');
  return { 'zh-CN': zh, en };
}

function span(v: BasisVersion, lang: 'zh' | 'en'): string {
  if (lang === 'zh') {
    if (v.from && v.until) return `${v.from}至${v.until}前`;
    if (v.from) return `${v.from}起`;
    if (v.until) return `${v.until}前`;
    return '一直';
  }
  if (v.from && v.until) return `${v.from} until ${v.until}`;
  if (v.from) return `from ${v.from}`;
  if (v.until) return `until ${v.until}`;
  return 'always';
}

/**
 * Problems with a basis's versions: dates valid, each version's `from` before its `until`, versions ordered and
 * contiguous (each `until` is the next `from`), the first open at the start and the last open at the end.
 * The bilingual texts themselves are checked by the JSON Schema.
 */
export function checkBasis(basis: unknown, ptr: string): ProblemDetail[] {
  if (!Array.isArray(basis)) return [];
  const out: ProblemDetail[] = [];
  const bad = (i: number, zh: string, en: string) => out.push(problem(`${ptr}/${i}`, 'BASIS_VERSIONS', zh, en));
  basis.forEach((v: BasisVersion, i) => {
    for (const k of ['from', 'until'] as const) {
      if (v?.[k] !== undefined && !isValidDate(v[k]))
        bad(i, `依据版本的 ${k} 须为 YYYY-MM-DD 日期`, `a basis version's '${k}' must be a YYYY-MM-DD date`);
    }
    if (v?.from && v?.until && !(v.from < v.until))
      bad(
        i,
        `依据版本的生效日 ${v.from} 须早于失效日 ${v.until}`,
        `a basis version's 'from' (${v.from}) must be before its 'until' (${v.until})`,
      );
    if (i === 0 && v?.from !== undefined)
      bad(
        i,
        '第一个依据版本不写 from(此前一直适用)',
        "the first basis version has no 'from' (it applies to every earlier date)",
      );
    if (i === basis.length - 1 && v?.until !== undefined)
      bad(i, '最后一个依据版本不写 until(现行有效)', "the last basis version has no 'until' (it is the one in force)");
    if (i > 0) {
      const prev = basis[i - 1] as BasisVersion;
      if (!prev?.until || !v?.from)
        bad(
          i,
          '依据版本须首尾相接:前一版本写 until,本版本写相同的 from',
          "basis versions must follow each other: the previous one has an 'until' and this one the same 'from'",
        );
      else if (prev.until !== v.from) {
        bad(
          i,
          prev.until > v.from
            ? `依据版本重叠:前一版本至 ${prev.until},本版本自 ${v.from}`
            : `依据版本之间有空档:前一版本至 ${prev.until},本版本自 ${v.from}`,
          prev.until > v.from
            ? `basis versions overlap: the previous one runs until ${prev.until}, this one from ${v.from}`
            : `basis versions leave a gap: the previous one runs until ${prev.until}, this one from ${v.from}`,
        );
      }
    }
  });
  return out;
}

/** The row of a dated table in force on `date`: the last row whose `from` is on or before it; null before the first. */
export function rowOn(table: ParameterRow[], date: string): ParameterRow | null {
  let hit: ParameterRow | null = null;
  for (const row of table) if (row.from === undefined || row.from <= date) hit = row;
  return hit;
}

/** Problems with a parameter's dated table: dates valid and strictly increasing; only the first row may omit `from`. */
export function checkTable(table: unknown, value: unknown, ptr: string): ProblemDetail[] {
  if (!Array.isArray(table)) return [];
  const out: ProblemDetail[] = [];
  table.forEach((row: ParameterRow, i) => {
    const p = `${ptr}/table/${i}`;
    if (row?.from === undefined && i > 0)
      out.push(
        problem(`${p}/from`, 'PARAMETER_TABLE', '只有第一行可以不写 from', "only the first row may omit 'from'"),
      );
    else if (row?.from !== undefined && !isValidDate(row.from))
      out.push(
        problem(`${p}/from`, 'PARAMETER_TABLE', 'from 须为 YYYY-MM-DD 日期', "'from' must be a YYYY-MM-DD date"),
      );
    const prev = table[i - 1] as ParameterRow | undefined;
    if (prev?.from && row?.from && !(prev.from < row.from))
      out.push(
        problem(
          `${p}/from`,
          'PARAMETER_TABLE',
          `各行须按 from 日期递增(${prev.from} 之后是 ${row.from})`,
          `rows must be in increasing 'from' order (${row.from} follows ${prev.from})`,
        ),
      );
  });
  const last = table[table.length - 1] as ParameterRow | undefined;
  if (last && JSON.stringify(last.value) !== JSON.stringify(value)) {
    out.push(
      problem(
        `${ptr}/value`,
        'PARAMETER_TABLE',
        'value 须等于表中最后一行(现行)的值',
        "'value' must equal the value of the table's last (current) row",
      ),
    );
  }
  return out;
}

/** The same basis with `fn` applied to every version's texts (dates kept). */
export function mapBasis(basis: Basis, fn: (v: I18n) => I18n): Basis {
  if (!Array.isArray(basis)) return fn(basis);
  return basis.map((v) => ({ ...v, ...fn(v) }));
}

/** The same basis with the current (last) version's text in one language replaced; earlier versions kept. */
export function editCurrentBasis(basis: Basis, lang: keyof I18n, text: string): Basis {
  if (!Array.isArray(basis)) return { ...basis, [lang]: text };
  return basis.map((v, i) => (i === basis.length - 1 ? { ...v, [lang]: text } : v));
}
