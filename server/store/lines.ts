/**
 * The file store's journal lines and the records they rebuild (file.ts): a line is a whole record, or the change of
 * one against the write before it; `freezeRecord` freezes what the store keeps.
 */
import type { Instance } from '../../engine';
import type { CaseRecord } from './types';
import { deepFreeze } from '../util/freeze';

/**
 * A journal line: a whole record, or the change of one against the write numbered `base`. A change carries the
 * instance whole (`instance`: lines written before 2026-12-01, or an instance whose keys changed), or only its fields
 * that changed (`set`) and its data's keys that changed (`data`), found by identity against the previous record's: an
 * event changes a few of them, and the whole instance was most of a line's bytes and of its `JSON.stringify`.
 */
export type Line =
  | { seq: number; r: CaseRecord }
  | {
      seq: number;
      id: string;
      base: number;
      /** The whole instance (old lines; an instance whose keys are not the previous one's, in the same order). */
      instance?: CaseRecord['instance'];
      /** The instance's fields that changed (`data` among them when its keys changed). */
      set?: Partial<CaseRecord['instance']>;
      /** The data's keys that changed. */
      data?: Record<string, unknown>;
      add: CaseRecord['history'];
      outbox?: CaseRecord['outbox'];
      idempotency?: CaseRecord['idempotency'];
      /** The idempotency answers as a change: how many of the oldest were dropped, and those added. */
      idem?: { drop: number; add: CaseRecord['idempotency'] };
      satisfaction?: CaseRecord['satisfaction'];
      start?: CaseRecord['start'];
      figures?: CaseRecord['figures'];
    };

/** The record's fields a change line carries when they are not the previous record's (by identity). */
const WHOLE_FIELDS = ['outbox', 'satisfaction', 'start', 'figures'] as const;

/**
 * Whether `a` and `b` have the same keys in the same order (`skip` left out), none of them holding `undefined`: then
 * a replayed copy of `a` (its JSON read back) with the keys that changed set on it has `b`'s keys in `b`'s order, and
 * serialises as `b` does. (JSON drops an `undefined` value: the copy would lack that key, and setting it later would
 * put it last.)
 */
function sameKeys(a: object, b: object, skip?: string): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    if (i < ka.length && ka[i] === skip) i++;
    if (j < kb.length && kb[j] === skip) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    const k = ka[i++];
    if (k !== kb[j++]) return false;
    if ((a as Record<string, unknown>)[k] === undefined || (b as Record<string, unknown>)[k] === undefined)
      return false;
  }
}

/** `next` as `prev` less its first `drop` records plus `add` (by identity), if it is that; else null. */
function idemDelta(
  prev: CaseRecord['idempotency'],
  next: CaseRecord['idempotency'],
): { drop: number; add: CaseRecord['idempotency'] } | null {
  let drop = 0;
  while (drop < prev.length && prev[drop] !== next[0]) drop++;
  const kept = prev.length - drop;
  for (let i = 0; i < kept; i++) if (next[i] !== prev[drop + i]) return null;
  return { drop, add: next.slice(kept) };
}

/**
 * `deepFreeze` of a record about to be stored, without visiting the history entries it shares with the previous
 * record of its case (the same objects, frozen when that one was stored; found by identity): an `Object.isFrozen` per
 * earlier entry on every event cost more than the rest of the freeze on a long history. Entries not shared are frozen
 * as before.
 */
export function freezeRecord<T extends CaseRecord>(rec: T, prev: CaseRecord | undefined): T {
  const h = rec.history;
  if (prev && !Object.isFrozen(h)) {
    const p = prev.history;
    const n = Math.min(p.length, h.length);
    let i = 0;
    while (i < n && h[i] === p[i]) i++;
    for (; i < h.length; i++) deepFreeze(h[i]);
    Object.freeze(h);
  }
  return deepFreeze(rec);
}

/**
 * The journal line of `next`, as a change against `prev` when `next` continues it (its history extends `prev`'s and
 * its fields are `prev`'s, in the same order): the history entries added, the instance's fields and data keys that are
 * not `prev`'s objects, and the record's other fields that are not. Else the whole record.
 */
export function lineOf(next: CaseRecord, prev: CaseRecord | undefined, seq: number): Line {
  const n = prev?.history.length ?? 0;
  const continues =
    prev !== undefined &&
    prev.seq !== undefined &&
    n > 0 &&
    next.history.length >= n &&
    next.history[n - 1] === prev.history[n - 1] &&
    next.instance.id === prev.instance.id &&
    sameKeys(prev, next, 'seq');
  if (!continues) return { seq, r: { ...next, seq } };
  const line: Extract<Line, { base: number }> = { seq, id: next.instance.id, base: prev.seq!, add: [] };
  instanceChange(prev.instance, next.instance, line);
  line.add = next.history.slice(n);
  for (const k of WHOLE_FIELDS) if (next[k] !== prev[k]) (line as Record<string, unknown>)[k] = next[k];
  // kept for a day whatever their number: written as what changed, so a line stays small however many there are
  if (next.idempotency !== prev.idempotency) {
    const d = idemDelta(prev.idempotency, next.idempotency);
    if (d) line.idem = d;
    else line.idempotency = next.idempotency;
  }
  for (const k in next) {
    if (k === 'seq' || k === 'instance' || k === 'history' || k === 'idempotency') continue;
    // a field this line cannot carry as a change (none today): the whole record
    if (!(WHOLE_FIELDS as readonly string[]).includes(k) && next[k as keyof CaseRecord] !== prev[k as keyof CaseRecord])
      return { seq, r: { ...next, seq } };
  }
  return line;
}

/** Sets on `line` what of `next` is not `prev` (the instance whole if its keys are not `prev`'s). */
function instanceChange(prev: Instance, next: Instance, line: Extract<Line, { base: number }>): void {
  if (!sameKeys(prev, next)) {
    line.instance = next;
    return;
  }
  const p = prev as unknown as Record<string, unknown>;
  const x = next as unknown as Record<string, unknown>;
  let set: Record<string, unknown> | undefined;
  for (const k in x) {
    const v = x[k];
    if (v === p[k]) continue;
    if (k === 'data' && isPlain(v) && isPlain(p.data) && sameKeys(p.data, v)) {
      const pd = p.data as Record<string, unknown>;
      const nd = v as Record<string, unknown>;
      let data: Record<string, unknown> | undefined;
      for (const dk in nd) if (nd[dk] !== pd[dk]) (data ??= {})[dk] = nd[dk];
      if (data) line.data = data;
      continue;
    }
    (set ??= {})[k] = v;
  }
  if (set) line.set = set as Partial<Instance>;
}

const isPlain = (v: unknown): v is object => v !== null && typeof v === 'object' && !Array.isArray(v);

export function applyLine(line: Line, base: CaseRecord | undefined): CaseRecord | null {
  if ('r' in line) return { ...line.r, seq: line.seq };
  if (!base || base.seq !== line.base) return null;
  let instance = line.instance;
  if (!instance) {
    instance = { ...base.instance, ...line.set };
    if (line.data) instance.data = { ...base.instance.data, ...line.data };
  }
  return {
    ...base,
    seq: line.seq,
    instance,
    history: [...base.history, ...line.add],
    ...('outbox' in line ? { outbox: line.outbox! } : {}),
    ...('idempotency' in line ? { idempotency: line.idempotency! } : {}),
    ...('idem' in line ? { idempotency: [...base.idempotency.slice(line.idem!.drop), ...line.idem!.add] } : {}),
    ...('satisfaction' in line ? { satisfaction: line.satisfaction } : {}),
    ...('start' in line ? { start: line.start } : {}),
    ...('figures' in line ? { figures: line.figures } : {}),
  };
}
