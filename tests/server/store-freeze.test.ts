/**
 * The file store freezes what it keeps without walking the history a new record shares with the case's previous
 * record (server/store/file.ts `freezeRecord`): every entry of a stored record is still frozen all the way down —
 * new ones, and any that is not the very object of the previous record — and earlier records stay as they were.
 */
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import type { StoredHistoryEntry } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir } from './helpers';
import { gridRecord } from '../support/records';

const entry = (seq: number, type: string): StoredHistoryEntry => ({
  seq,
  at: '2025-09-26T10:00:00+08:00',
  type,
  payload: { unit: '示例单位', nested: { list: [1, { deep: true }] } },
  actor: { subject: 'admin', roles: ['admin'] },
  from: 'dispatch',
  to: 'handling',
  rules: [['unitNotDesignated', true]],
  effects: [{ name: 'notify', params: { to: ['a'] } }],
});

const first = (id: string) =>
  gridRecord(id, { data: { n: 1 }, history: [entry(1, 'START')], at: '2025-09-26T10:00:00+08:00' });

/** Every object and array under `v` is frozen. */
function deeplyFrozen(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (!Object.isFrozen(v)) return false;
  return Object.values(v).every(deeplyFrozen);
}

const next = (prev: CaseRecord, history: StoredHistoryEntry[]): CaseRecord => ({
  ...prev,
  instance: { ...prev.instance, rev: history.length, data: { n: history.length } },
  history,
});

describe('file store: freezing a record that shares its history with the one before', () => {
  it('freezes the new entry all the way down, shares the earlier ones and leaves the earlier record unchanged', async () => {
    const s = new FileInstanceStore({ dir: tempDir(), fsync: false, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(first(id));
    const a = (await s.get(id))!;
    for (let i = 2; i <= 5; i++)
      await s.put(next((await s.get(id))!, [...(await s.get(id))!.history, entry(i, 'ASSIGN')]));
    const b = (await s.get(id))!;
    expect(b.history.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(b.history[0]).toBe(a.history[0]);
    expect(deeplyFrozen(b)).toBe(true);
    expect(() => (b.history[4].payload as { nested: { list: unknown[] } }).nested.list.push(2)).toThrow(TypeError);
    expect(() => b.history.push(entry(6, 'X'))).toThrow(TypeError);
    // the first record is as it was stored
    expect(a.history).toHaveLength(1);
    expect(a.instance.rev).toBe(1);
    expect(deeplyFrozen(a)).toBe(true);
    await s.close();
  });

  it('freezes an earlier entry that is a new object rather than the previous record’s, wherever it is', async () => {
    const s = new FileInstanceStore({ dir: tempDir(), fsync: false, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(first(id));
    await s.put(next((await s.get(id))!, [...(await s.get(id))!.history, entry(2, 'ASSIGN')]));
    await s.put(next((await s.get(id))!, [...(await s.get(id))!.history, entry(3, 'RETURN')]));
    const prev = (await s.get(id))!;
    // the middle entry replaced by an equal, unfrozen copy; the first and last still the stored objects
    const copy = entry(2, 'ASSIGN');
    expect(Object.isFrozen(copy)).toBe(false);
    await s.put(next(prev, [prev.history[0], copy, prev.history[2], entry(4, 'ASSIGN')]));
    const b = (await s.get(id))!;
    expect(b.history[1]).toBe(copy);
    expect(deeplyFrozen(b)).toBe(true);
    expect(prev.history).toHaveLength(3);
    await s.close();
  });
});
