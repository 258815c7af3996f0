/**
 * The file store's journal lines and the records they rebuild (file.ts): a line is a whole record, or the change of
 * one against the write before it; `deepFreeze`/`freezeRecord` freeze what the store keeps.
 */
import type { CaseRecord } from './types';

/** A journal line: a whole record, or the change of one against the write numbered `base`. */
export type Line =
  | { seq: number; r: CaseRecord }
  | {
      seq: number;
      id: string;
      base: number;
      instance: CaseRecord['instance'];
      add: CaseRecord['history'];
      outbox?: CaseRecord['outbox'];
      idempotency?: CaseRecord['idempotency'];
      /** The idempotency answers as a change: how many of the oldest were dropped, and those added. */
      idem?: { drop: number; add: CaseRecord['idempotency'] };
      satisfaction?: CaseRecord['satisfaction'];
    };

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
 * Freezes a record and everything in it not frozen yet. A new record shares its earlier history entries (frozen
 * already) with the previous one, so only its new parts are walked; arrays by index and objects with `for…in` (a
 * record is plain JSON data), without the key arrays `Object.keys` would allocate on every event.
 */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) deepFreeze(o[k]);
  }
  return v;
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

/** The journal line of `next`, as a change against `prev` when `next` continues it. */
export function lineOf(next: CaseRecord, prev: CaseRecord | undefined, seq: number): Line {
  const n = prev?.history.length ?? 0;
  const continues =
    prev !== undefined &&
    prev.seq !== undefined &&
    n > 0 &&
    next.history.length >= n &&
    next.history[n - 1] === prev.history[n - 1];
  if (!continues) return { seq, r: { ...next, seq } };
  return {
    seq,
    id: next.instance.id,
    base: prev.seq!,
    instance: next.instance,
    add: next.history.slice(n),
    ...(next.outbox !== prev.outbox ? { outbox: next.outbox } : {}),
    // kept for a day whatever their number: written as what changed, so a line stays small however many there are
    ...(next.idempotency !== prev.idempotency ? idemLine(prev.idempotency, next.idempotency) : {}),
    ...(next.satisfaction !== prev.satisfaction ? { satisfaction: next.satisfaction } : {}),
  };
}

function idemLine(prev: CaseRecord['idempotency'], next: CaseRecord['idempotency']) {
  const d = idemDelta(prev, next);
  return d ? { idem: d } : { idempotency: next };
}

export function applyLine(line: Line, base: CaseRecord | undefined): CaseRecord | null {
  if ('r' in line) return { ...line.r, seq: line.seq };
  if (!base || base.seq !== line.base) return null;
  return {
    ...base,
    seq: line.seq,
    instance: line.instance,
    history: [...base.history, ...line.add],
    ...('outbox' in line ? { outbox: line.outbox! } : {}),
    ...('idempotency' in line ? { idempotency: line.idempotency! } : {}),
    ...('idem' in line ? { idempotency: [...base.idempotency.slice(line.idem!.drop), ...line.idem!.add] } : {}),
    ...('satisfaction' in line ? { satisfaction: line.satisfaction } : {}),
  };
}
