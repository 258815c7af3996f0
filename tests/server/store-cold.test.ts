/**
 * The file store holds the records waiting for their documents beyond the `hotRecords` most recently written as
 * their document's text (server/store/file.ts `Cold`): one string for the garbage collector instead of hundreds of
 * objects. What callers see does not change:
 * - a record held as text reads back equal to what was put (Chinese text and characters outside the BMP included),
 *   frozen, and the next write continues it;
 * - its document is byte for byte `JSON.stringify` of the record, whether it was held as text or as objects;
 * - a store closed with records held as text (its checkpoint writes them) reopens with every write;
 * - the text form's conversions (`packText`/`unpackText`) round-trip every text, above the reused buffer's size too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { packText, unpackText } from '../../server/store/cold';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir, until } from './helpers';
import { gridRecord } from '../support/records';

const record = (id: string, k: number) =>
  gridRecord(id, { rev: 1 + (k % 3), data: { title: `示例事件 ${k} 🏠`, note: 'a\u2028b\\"c', n: k } });

/** The record as the store keeps it (its write number included), without the store's own key order concerns. */
const plain = (r: CaseRecord) => JSON.parse(JSON.stringify(r)) as CaseRecord;

/** Every object and array under `v` is frozen. */
function deeplyFrozen(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (!Object.isFrozen(v)) return false;
  return Object.values(v).every(deeplyFrozen);
}

describe('file store: records waiting for their documents held as text', () => {
  it('reads back what was put, frozen; the next write continues it; documents are the records’ JSON', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: false, summarize, checkpointMs: 3_600_000, hotRecords: 10 });
    await s.open();
    const ids = Array.from({ length: 60 }, () => newCaseId());
    for (const [k, id] of ids.entries()) await s.put(record(id, k));
    await until(() => s.held.cold >= 50, 10_000, 'records turned into text');
    expect(s.held.dirty).toBe(60);
    // the oldest written is held as text now: read back equal and frozen
    const first = (await s.get(ids[0]))!;
    expect(first.instance.data).toEqual({ title: '示例事件 0 🏠', note: 'a\u2028b\\"c', n: 0 });
    expect(plain(first)).toEqual({ ...plain(record(ids[0], 0)), seq: first.seq });
    expect(deeplyFrozen(first)).toBe(true);
    // its next write continues it
    const next: CaseRecord = {
      ...first,
      instance: { ...first.instance, rev: first.instance.rev + 1, data: { ...first.instance.data, n: 100 } },
      history: [...first.history, { ...first.history[first.history.length - 1], seq: first.history.length + 1 }],
    };
    await s.put(next);
    expect((await s.get(ids[0]))!.instance.data.n).toBe(100);
    await until(() => s.held.cold >= 50, 10_000, 'records turned into text again');
    await s.checkpoint();
    expect(s.held.dirty).toBe(0);
    for (const [k, id] of ids.entries()) {
      const text = readFileSync(join(dir, id.slice(-2), `${id}.json`), 'utf8');
      const seq = (JSON.parse(text) as CaseRecord).seq;
      // byte for byte the record's JSON as the store numbered it (`{ ...record, seq }`), whichever way it was held
      expect(text).toBe(JSON.stringify({ ...(k === 0 ? next : record(id, k)), seq }));
    }
    await s.close();
  });

  it('a store closed with records held as text reopens with every write', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: false, summarize, checkpointMs: 3_600_000, hotRecords: 5 });
    await s.open();
    const ids = Array.from({ length: 40 }, () => newCaseId());
    for (const [k, id] of ids.entries()) await s.put(record(id, k));
    await until(() => s.held.cold >= 35, 10_000, 'records turned into text');
    await s.close();
    const again = new FileInstanceStore({ dir, fsync: false, summarize });
    await again.open();
    for (const [k, id] of ids.entries()) expect(plain((await again.get(id))!).instance).toEqual(record(id, k).instance);
    await again.close();
  });

  it('packText / unpackText round-trip any JSON text, as UTF-8 bytes one character each', () => {
    const texts = [
      '',
      JSON.stringify({ a: '示例', b: '😀🏠', c: 'plain ascii', d: '\u00e9\u00ff\u0100', e: 'x'.repeat(70_000) }),
      JSON.stringify({ big: '汉'.repeat(6 * 1024 * 1024) }), // over the reused buffer's 16 MiB at 3 bytes per unit
    ];
    for (const t of texts) {
      const packed = packText(t);
      expect(packed.length).toBe(Buffer.byteLength(t, 'utf8'));
      expect(Buffer.from(packed, 'latin1').equals(Buffer.from(t, 'utf8'))).toBe(true);
      expect(unpackText(packed)).toBe(t);
    }
  });
});
