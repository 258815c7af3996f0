/**
 * The file store's journal lines (server/store/lines.ts): a change line carries only the instance's fields and data
 * keys that are not the previous record's objects, and replaying it rebuilds exactly the record that was put — the
 * same JSON, key order included —, whatever changed (property-tested); the record's figures are replayed; and a
 * journal written by the previous version (whole instances in its change lines) still replays.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord, type StoredHistoryEntry } from '../../server/store';
import { applyLine, lineOf, type Line } from '../../server/store/lines';
import { summarize } from '../../server/cases/summarize';
import { tempDir } from './helpers';
import { gridRecord } from '../support/records';

const AT = '2025-09-26T10:00:00.000+08:00';
const entry = (seq: number, type = 'ASSIGN'): StoredHistoryEntry => ({
  seq,
  at: AT,
  type,
  payload: { unit: '示例单位' },
  from: 'dispatch',
  to: 'handling',
  rules: [],
  effects: [],
});

/** What the store does with a line: written as JSON, read back, applied to the previous record as read back. */
const replay = (next: CaseRecord, prev: CaseRecord, seq: number) =>
  applyLine(
    JSON.parse(JSON.stringify(lineOf(next, prev, seq))) as Line,
    JSON.parse(JSON.stringify(prev)) as CaseRecord,
  );

const json = fc.jsonValue({ maxDepth: 2 });
/** A value for a field: JSON, sometimes `undefined` (a key JSON leaves out). */
const field = fc.oneof({ weight: 8, arbitrary: json }, { weight: 1, arbitrary: fc.constant(undefined) });
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '甲');

/** Changes to make to an object: a key set to a new value, deleted, or added (at the end or at the start). */
const edits = fc.array(
  fc.record({ kind: fc.constantFrom('set', 'set', 'set', 'delete', 'prepend'), key, value: field }),
  { maxLength: 4 },
);

function edited(o: Record<string, unknown>, es: { kind: string; key: string; value: unknown }[]) {
  let r: Record<string, unknown> = { ...o };
  for (const e of es) {
    if (e.kind === 'set') r[e.key] = e.value;
    else if (e.kind === 'delete') delete r[e.key];
    else r = { [e.key]: e.value, ...r };
  }
  return r;
}

const recordPair = fc
  .record({
    data: fc.dictionary(key, field, { maxKeys: 6 }),
    dataEdits: edits,
    keepData: fc.boolean(),
    instanceEdits: fc.array(
      fc.record({
        kind: fc.constantFrom('set', 'set', 'delete', 'prepend'),
        key: fc.constantFrom('rev', 'state', 'stateValue', 'deadlines', 'everOverdue', 'cancelled', 'businessKey'),
        value: field,
      }),
      { maxLength: 4 },
    ),
    history: fc.integer({ min: 1, max: 3 }),
    added: fc.integer({ min: 0, max: 2 }),
    idem: fc.constantFrom('same', 'drop', 'new', 'other'),
    outbox: fc.boolean(),
    figures: fc.option(json, { nil: undefined }),
    newFigures: fc.option(json, { nil: undefined }),
    satisfaction: fc.constantFrom('none', 'same', 'added', 'changed'),
    extra: fc.boolean(),
  })
  .map((o) => {
    const prev0 = gridRecord('0000line00000xyz1', {
      history: Array.from({ length: o.history }, (_, i) => entry(i + 1)),
    });
    const idem = [1, 2].map((n) => ({
      key: `k${n}`,
      fingerprint: 'f',
      status: 200,
      at: AT,
      instance: prev0.instance,
    }));
    const prev: CaseRecord = {
      ...prev0,
      instance: { ...prev0.instance, data: o.data },
      idempotency: idem,
      ...(o.satisfaction !== 'none' && o.satisfaction !== 'added' ? { satisfaction: { satisfied: 1, total: 2 } } : {}),
      ...(o.figures !== undefined ? { figures: o.figures as unknown as CaseRecord['figures'] } : {}),
      seq: 7,
    };
    const data = o.keepData ? prev.instance.data : edited(prev.instance.data, o.dataEdits);
    const instance = edited({ ...prev.instance, data }, o.instanceEdits) as unknown as CaseRecord['instance'];
    const next: CaseRecord = {
      ...prev,
      instance,
      history: [...prev.history, ...Array.from({ length: o.added }, (_, i) => entry(o.history + i + 1, 'RETURN'))],
      outbox: o.outbox ? [{ id: 'r1', webhook: 'w', type: 't', createdAt: AT, body: { x: 1 } }] : prev.outbox,
      idempotency:
        o.idem === 'same'
          ? prev.idempotency
          : o.idem === 'drop'
            ? [prev.idempotency[1], { ...prev.idempotency[0], key: 'k3' }]
            : o.idem === 'new'
              ? [...prev.idempotency]
              : [{ ...prev.idempotency[0], key: 'k9' }],
      ...(o.satisfaction === 'added' || o.satisfaction === 'changed'
        ? { satisfaction: { satisfied: 2, total: 3 } }
        : {}),
      ...(o.newFigures !== undefined ? { figures: o.newFigures as unknown as CaseRecord['figures'] } : {}),
    };
    if (o.extra) (next as unknown as Record<string, unknown>).extra = 1;
    return { prev, next };
  });

describe('journal lines: what changed, rebuilt exactly', () => {
  it('replaying a line rebuilds the JSON of the record that was put, key order included (property)', () => {
    fc.assert(
      fc.property(recordPair, ({ prev, next }) => {
        const rebuilt = replay(next, prev, 8);
        expect(rebuilt).not.toBeNull();
        expect(JSON.stringify(rebuilt)).toBe(JSON.stringify({ ...next, seq: 8 }));
      }),
      { numRuns: 2_000 },
    );
  });

  it("an event's line carries the fields and data keys that changed, not the whole instance", () => {
    const prev = {
      ...gridRecord('0000line00000xyz2', { data: { channel: 'hotline', description: '示例'.repeat(50), returns: 1 } }),
      figures: { since: AT },
      seq: 3,
    };
    const data = { ...prev.instance.data, returns: 2, lastReturn: undefined };
    delete data.lastReturn;
    const next: CaseRecord = {
      ...prev,
      instance: { ...prev.instance, rev: 2, state: 'handling', data, updatedAt: '2025-09-27T10:00:00.000+08:00' },
      history: [...prev.history, entry(2)],
      figures: { since: '2025-09-27T10:00:00.000+08:00' },
    };
    const line = lineOf(next, prev, 4);
    expect(line).toEqual({
      seq: 4,
      id: prev.instance.id,
      base: 3,
      set: { rev: 2, state: 'handling', updatedAt: '2025-09-27T10:00:00.000+08:00' },
      data: { returns: 2 },
      add: [entry(2)],
      figures: { since: '2025-09-27T10:00:00.000+08:00' },
    });
    expect(JSON.stringify(replay(next, prev, 4))).toBe(JSON.stringify({ ...next, seq: 4 }));
  });

  it('a store abandoned without a checkpoint replays each write whole, its figures included', async () => {
    const dir = tempDir();
    const opts = { dir, fsync: false, summarize, checkpointMs: 3_600_000 };
    const s = new FileInstanceStore(opts);
    await s.open();
    const id = '0000line00000xyz3';
    const first: CaseRecord = { ...gridRecord(id, { data: { n: 1, keep: { deep: [1] } } }), figures: { since: AT } };
    await s.put(first);
    let put = first;
    for (let i = 2; i <= 4; i++) {
      const prev = (await s.get(id))!;
      put = {
        ...prev,
        instance: { ...prev.instance, rev: i, data: { ...prev.instance.data, n: i } },
        history: [...prev.history, entry(i)],
        figures: { since: `2025-09-2${i}T10:00:00.000+08:00`, stays: { dispatch: { ms: i, n: i } } },
      };
      await s.put(put);
    }
    // abandoned as a SIGKILL leaves it: no close, no checkpoint
    const again = new FileInstanceStore(opts);
    await again.open();
    expect(JSON.stringify(await again.get(id))).toBe(JSON.stringify({ ...put, seq: 4 }));
    await again.close();
    await s.close();
  });

  it('a journal written by the previous version (whole instances in its change lines) still replays', async () => {
    const dir = tempDir();
    const id = '0000line00000xyz4';
    const r1 = { ...gridRecord(id, { data: { n: 1 } }), seq: 1 };
    const instance2 = { ...r1.instance, rev: 2, state: 'handling', data: { n: 2, m: '示例' } };
    // the lines as the version before 2026-12-01 wrote them: a whole record, then the instance whole with the new entries
    const old: Line[] = [
      { seq: 1, r: r1 },
      { seq: 2, id, base: 1, instance: instance2, add: [entry(2)] },
      {
        seq: 3,
        id,
        base: 2,
        instance: { ...instance2, rev: 3 },
        add: [entry(3)],
        satisfaction: { satisfied: 1, total: 1 },
      },
    ];
    mkdirSync(join(dir, '_journal'), { recursive: true });
    writeFileSync(join(dir, '_journal', '1.log'), old.map((l) => JSON.stringify(l) + '\n').join(''));
    const s = new FileInstanceStore({ dir, fsync: false, summarize, checkpointMs: 3_600_000 });
    await s.open();
    const got = (await s.get(id))!;
    expect(got.instance).toEqual({ ...instance2, rev: 3 });
    expect(got.history.map((h) => h.seq)).toEqual([1, 2, 3]);
    expect(got.satisfaction).toEqual({ satisfied: 1, total: 1 });
    expect(got.seq).toBe(3);
    await s.close();
  });
});
