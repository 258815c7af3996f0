/**
 * Overlays: a county's change to a base procedure, stored as operations on the base that say what they expected
 * of it (DESIGN decision 6).
 *
 * An operation is JSON-Patch-like (RFC 6902 `add` / `replace` / `remove` on an RFC 6901 pointer) with RFC 6902's
 * `test` folded in as `was`, the base's value when the county made the change. Applied to a newer base it is:
 *
 * - clean when the base still holds `was` there (or nothing, for `add`): the county's value is set;
 * - already there when the base now holds the county's value itself (or, for `remove`, holds nothing);
 * - a **conflict** otherwise — the base removed what the county changed (or the state it changed it in), added
 *   something else where the county adds, or changed it too — and the operation is not applied.
 *
 * A JSON merge patch (RFC 7386) records only the result: it cannot tell a county's deletion from an addition by the
 * base, re-creates a fragment of a state the base removed, and overwrites a base change silently. Merge patches are
 * still read (older files and bundles): they are turned into operations against the base they are applied to.
 *
 * Lists are replaced whole (an operation never points inside an array); `/layout` (designer positions) never
 * conflicts: the base's wins.
 */
import type { I18n, ProblemDetail } from '../types';
import { i18n, pointer, problem } from '../errors';
import { mergePatch } from './merge-patch';

export type OverlayOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; was: unknown; value: unknown }
  | { op: 'remove'; path: string; was: unknown };

/** What a conflicting operation found: `removed` (the base no longer has it, or the place it goes), `changed`, `added`. */
export type ConflictReason = 'removed' | 'changed' | 'added';

export interface PatchConflict {
  /** Index of the operation in the patch. */
  index: number;
  op: OverlayOp;
  reason: ConflictReason;
  /** The base's value there now (absent: the base has none). */
  base?: unknown;
  /** The first part of the path the base no longer has (for `removed`). */
  missing?: string;
  message: I18n;
}

export interface OverlayResult<T> {
  doc: T;
  conflicts: PatchConflict[];
  /** Operations whose result the base already had. */
  already: number[];
}

/** Limits on an overlay from outside (a bundle or a file): operations, pointer depth and length. */
export const OVERLAY_LIMITS = { ops: 5000, depth: 32, pathLength: 1000 } as const;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function parsePointer(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => own(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The value at a pointer (undefined when any part is missing); never reads inherited properties. */
export function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of parsePointer(path)) {
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(seg)) cur = cur[Number(seg)];
    else if (isObject(cur) && own(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Problems in an overlay's shape (untrusted input): every one, with its path under `at`. */
export function checkOverlay(ops: unknown, at: string): ProblemDetail[] {
  const bad = (i: number | null, zh: string, en: string) =>
    problem(i === null ? at : `${at}/${i}`, 'INVALID_PATCH', zh, en);
  if (!Array.isArray(ops)) return [bad(null, '补丁应为操作列表', 'a patch must be a list of operations')];
  if (ops.length > OVERLAY_LIMITS.ops)
    return [
      bad(null, `补丁最多 ${OVERLAY_LIMITS.ops} 个操作`, `a patch holds at most ${OVERLAY_LIMITS.ops} operations`),
    ];
  const out: ProblemDetail[] = [];
  ops.forEach((o, i) => {
    if (!isObject(o) || !['add', 'replace', 'remove'].includes(o.op as string)) {
      out.push(bad(i, '操作应为 add、replace 或 remove', "an operation's op must be add, replace or remove"));
      return;
    }
    const allowed =
      o.op === 'add'
        ? ['op', 'path', 'value']
        : o.op === 'replace'
          ? ['op', 'path', 'was', 'value']
          : ['op', 'path', 'was'];
    const extra = Object.keys(o).filter((k) => !allowed.includes(k));
    if (extra.length)
      out.push(
        bad(i, `操作 ${o.op} 不接受字段 ${extra.join('、')}`, `operation ${o.op} does not take ${extra.join(', ')}`),
      );
    for (const k of allowed) if (!own(o, k)) out.push(bad(i, `操作 ${o.op} 缺少 ${k}`, `operation ${o.op} needs ${k}`));
    const p = o.path;
    if (typeof p !== 'string' || !p.startsWith('/') || p.length > OVERLAY_LIMITS.pathLength) {
      out.push(bad(i, 'path 应为以 / 开头的 JSON 指针', 'path must be a JSON pointer starting with /'));
      return;
    }
    const segs = parsePointer(p);
    if (segs.length > OVERLAY_LIMITS.depth)
      out.push(bad(i, `path 最多 ${OVERLAY_LIMITS.depth} 层`, `path has at most ${OVERLAY_LIMITS.depth} levels`));
    if (segs.some((s) => FORBIDDEN.has(s) || s === ''))
      out.push(bad(i, `path 含不允许的名称:${p}`, `path has a name that is not allowed: ${p}`));
    if (segs[0] === 'id' || segs[0] === 'version')
      out.push(bad(i, '补丁不得修改流程编号或版本', "a patch may not change the procedure's id or version"));
  });
  return out;
}

/** Where the base stops having the path: the first missing (or non-object) prefix, or null when the parent exists. */
function missingParent(doc: unknown, segs: string[]): { parent: Record<string, unknown> | null; missing?: string } {
  let cur: unknown = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    if (!isObject(cur) || !own(cur, segs[i])) return { parent: null, missing: pointer(...segs.slice(0, i + 1)) };
    cur = cur[segs[i]];
  }
  if (!isObject(cur)) return { parent: null, missing: pointer(...segs.slice(0, -1)) };
  return { parent: cur };
}

/** A fresh copy of `parent`'s container chain down to the changed key, so the input document is never mutated. */
function writable(root: Record<string, unknown>, segs: string[]): Record<string, unknown> {
  let cur = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = { ...(cur[segs[i]] as Record<string, unknown>) };
    cur[segs[i]] = next;
    cur = next;
  }
  return cur;
}

/** Applies the operations in order; conflicting ones are left out and reported. The input is not changed. */
export function applyOverlay<T>(base: T, ops: OverlayOp[]): OverlayResult<T> {
  let doc = (isObject(base) ? { ...base } : base) as unknown as Record<string, unknown>;
  const conflicts: PatchConflict[] = [];
  const already: number[] = [];
  ops.forEach((op, index) => {
    const segs = parsePointer(op.path);
    if (!segs.length) {
      // the whole document (diffOverlay gives this when the base or the next one is not an object, or is a text)
      if (op.op !== 'replace') return;
      if (jsonEqual(doc, op.was)) doc = structuredClone(op.value) as Record<string, unknown>;
      else if (jsonEqual(doc, op.value)) already.push(index);
      else
        conflicts.push({
          index,
          op,
          reason: 'changed',
          base: doc,
          message: i18n(
            '本地修改之后,上级流程整体也已修改;本地修改未应用',
            'the base changed as a whole since the local change was made; the local change is not applied',
          ),
        });
      return;
    }
    const soft = segs[0] === 'layout';
    const { parent, missing } = missingParent(doc, segs);
    const key = segs[segs.length - 1];
    const cur = parent && own(parent, key) ? parent[key] : undefined;
    const conflict = (reason: ConflictReason, message: I18n) => {
      if (soft) return;
      conflicts.push({
        index,
        op,
        reason,
        ...(cur !== undefined ? { base: cur } : {}),
        ...(missing ? { missing } : {}),
        message,
      });
    };
    if (!parent) {
      if (op.op === 'remove') already.push(index);
      else
        conflict(
          'removed',
          i18n(
            `上级流程已没有 ${missing!},本地改动 ${op.path} 无处应用`,
            `the base no longer has ${missing}, so the change to ${op.path} has nowhere to go`,
          ),
        );
      return;
    }
    const set = (v: unknown) => {
      doc = { ...doc };
      writable(doc, segs)[key] = structuredClone(v);
    };
    const del = () => {
      doc = { ...doc };
      delete writable(doc, segs)[key];
    };
    if (op.op === 'add') {
      if (cur === undefined) set(op.value);
      else if (jsonEqual(cur, op.value)) already.push(index);
      else
        conflict(
          'added',
          i18n(`上级流程在 ${op.path} 也新增了内容,与本地新增的不同`, `the base added something else at ${op.path}`),
        );
    } else if (op.op === 'replace') {
      if (cur === undefined)
        conflict(
          'removed',
          i18n(
            `上级流程已删除 ${op.path},本地对它的修改未应用`,
            `the base removed ${op.path}; the local change to it is not applied`,
          ),
        );
      else if (jsonEqual(cur, op.was)) set(op.value);
      else if (jsonEqual(cur, op.value)) already.push(index);
      else
        conflict(
          'changed',
          i18n(
            `本地修改之后,上级流程也修改了 ${op.path};本地修改未应用`,
            `the base changed ${op.path} too since the local change was made; the local change is not applied`,
          ),
        );
    } else {
      if (cur === undefined) already.push(index);
      else if (jsonEqual(cur, op.was)) del();
      else
        conflict(
          'changed',
          i18n(
            `上级流程修改了本地要删除的 ${op.path},删除未执行`,
            `the base changed ${op.path}, which the local change deletes; it is not deleted`,
          ),
        );
    }
  });
  return { doc: doc as unknown as T, conflicts, already };
}

/** A bilingual text is one value (its two languages change together). */
const isText = (v: unknown) =>
  isObject(v) && Object.keys(v).length === 2 && typeof v['zh-CN'] === 'string' && typeof v.en === 'string';

/**
 * The operations that turn `base` into `next`: objects are compared key by key, anything else (lists and bilingual
 * texts included) is replaced whole. Top-level `version` and `$schema` are not part of a change.
 */
export function diffOverlay(base: unknown, next: unknown, prefix: string[] = []): OverlayOp[] {
  const out: OverlayOp[] = [];
  if (!isObject(base) || !isObject(next) || isText(base) || isText(next)) {
    if (!jsonEqual(base, next)) out.push({ op: 'replace', path: pointer(...prefix), was: base, value: next });
    return out;
  }
  const skip = (k: string) => prefix.length === 0 && (k === 'version' || k === '$schema');
  for (const k of Object.keys(next)) {
    if (skip(k)) continue;
    const path = [...prefix, k];
    if (!own(base, k)) out.push({ op: 'add', path: pointer(...path), value: structuredClone(next[k]) });
    else if (!jsonEqual(base[k], next[k])) {
      if (isObject(base[k]) && isObject(next[k]) && !isText(base[k]) && !isText(next[k]))
        out.push(...diffOverlay(base[k], next[k], path));
      else
        out.push({
          op: 'replace',
          path: pointer(...path),
          was: structuredClone(base[k]),
          value: structuredClone(next[k]),
        });
    }
  }
  for (const k of Object.keys(base)) {
    if (skip(k) || own(next, k)) continue;
    out.push({ op: 'remove', path: pointer(...prefix, k), was: structuredClone(base[k]) });
  }
  return out;
}

/** A JSON merge patch (RFC 7386) as operations against `base` (the base it was written for). */
export function overlayOfMergePatch(base: unknown, patch: Record<string, unknown>): OverlayOp[] {
  return diffOverlay(base, mergePatch(base, patch));
}

/** An overlay in memory is a list of operations; an object is a merge patch (older files and bundles). */
export const isMergePatch = (p: unknown): p is Record<string, unknown> => isObject(p);

/**
 * How a county settles a conflict: `mine` keeps its value over the base's current one (the operation now expects
 * what the base holds), `base` drops its operation. `mine` for something whose place the base removed cannot be
 * kept and drops it too. Returns the new list of operations.
 */
export function settleConflict(ops: OverlayOp[], base: unknown, index: number, choice: 'mine' | 'base'): OverlayOp[] {
  const op = ops[index];
  if (!op) return ops;
  const out = ops.slice();
  if (choice === 'base') {
    out.splice(index, 1);
    return out;
  }
  const segs = parsePointer(op.path);
  const { parent } = missingParent(base, segs);
  if (!parent) {
    out.splice(index, 1);
    return out;
  }
  const key = segs[segs.length - 1];
  const cur = own(parent, key) ? parent[key] : undefined;
  if (op.op === 'remove')
    out[index] = cur === undefined ? op : { op: 'remove', path: op.path, was: structuredClone(cur) };
  else if (cur === undefined) out[index] = { op: 'add', path: op.path, value: op.value };
  else out[index] = { op: 'replace', path: op.path, was: structuredClone(cur), value: op.value };
  return out;
}
