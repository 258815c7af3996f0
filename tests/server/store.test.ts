/**
 * The embedded store and its in-memory twin behave alike; a write replaces one case's file atomically (no temporary
 * file left, other cases' files untouched), leftovers of an interrupted write are cleaned at open, and a file that
 * cannot be read is reported, not fatal.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, MemoryInstanceStore, type CaseRecord, type InstanceStore } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir } from './helpers';

function record(id: string, state = 'mediation', extra: Partial<CaseRecord['instance']> = {}): CaseRecord {
  return {
    instance: {
      id, pack: 'national', procedure: 'dispute-mediation', version: 1, rev: 1, status: 'active', state, stateValue: state,
      data: { n: 1 }, deadlines: [{ name: 'mediationPeriod', state: 'mediation', dueAt: '2025-10-27T23:59:59+08:00', dueDate: '2025-10-27', armedAt: '2025-09-26T10:00:00+08:00', overdue: false }],
      overdue: false, createdAt: '2025-09-26T10:00:00+08:00', updatedAt: '2025-09-26T10:00:00+08:00', ...extra,
    },
    history: [{ seq: 1, at: '2025-09-26T10:00:00+08:00', type: 'START', from: null, to: state, rules: [['criminalRisk', false]], effects: [] }],
    outbox: [], idempotency: [],
  };
}

const stores: [string, () => InstanceStore][] = [
  ['file', () => new FileInstanceStore({ dir: tempDir(), fsync: false, summarize })],
  ['memory', () => new MemoryInstanceStore(summarize)],
];

describe.each(stores)('%s store', (_name, make) => {
  it('returns what was put, in creation order, with summaries and business keys', async () => {
    const s = make();
    await s.open();
    const ids = [newCaseId(), newCaseId(), newCaseId()];
    for (const [i, id] of ids.entries()) await s.put(record(id, 'mediation', i === 1 ? { businessKey: 'BK-1' } : {}));
    expect(s.size).toBe(3);
    expect((await s.get(ids[1]))!.instance.businessKey).toBe('BK-1');
    expect(s.byBusinessKey('national', 'BK-1')).toBe(ids[1]);
    expect(s.summaries().map((x) => x.id)).toEqual(ids);
    expect([...s.summariesAfter(ids[0])].map((x) => x.id)).toEqual(ids.slice(1));
    expect(s.summary(ids[0])).toMatchObject({ state: 'mediation', timers: [{ name: 'mediationPeriod' }], pending: 0 });
    expect(await s.get('nonexistent0000')).toBeNull();
  });

  it('never hands out a record that a caller can change behind its back', async () => {
    const s = make();
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    const a = (await s.get(id))!;
    a.instance.state = 'tampered';
    expect((await s.get(id))!.instance.state).toBe('mediation');
  });
});

describe('file store', () => {
  it('writes one file per case, replaces only that file, and leaves no temporary file', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: true, summarize });
    await s.open();
    const ids = Array.from({ length: 20 }, () => newCaseId());
    for (const id of ids) await s.put(record(id));
    const files = () => readdirSync(dir).flatMap((sh) => readdirSync(join(dir, sh)).map((f) => join(dir, sh, f)));
    expect(files().filter((f) => f.endsWith('.json'))).toHaveLength(20);
    const mtimes = new Map(files().map((f) => [f, statSync(f).mtimeMs]));
    await new Promise((r) => setTimeout(r, 20));
    await s.put({ ...record(ids[7], 'agreement'), instance: { ...record(ids[7]).instance, rev: 2, state: 'agreement' } });
    const changed = files().filter((f) => statSync(f).mtimeMs !== mtimes.get(f));
    expect(changed).toEqual([expect.stringContaining(ids[7])]);
    expect(files().some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('reopens with the same cases, removes leftovers of interrupted writes, and reports unreadable files', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: false, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    const shard = join(dir, id.slice(-2));
    writeFileSync(join(shard, `.${id}.json.999.1.tmp`), '{"instance": {"id": "half');
    mkdirSync(join(dir, 'zz'), { recursive: true });
    writeFileSync(join(dir, 'zz', 'brokenbroken00zz.json'), '{not json');
    const logs: string[] = [];
    const again = new FileInstanceStore({ dir, fsync: false, summarize, log: (m) => logs.push(m) });
    await again.open();
    expect(again.size).toBe(1);
    expect((await again.get(id))!.instance.id).toBe(id);
    expect(readdirSync(shard).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(again.unreadable).toEqual([join(dir, 'zz', 'brokenbroken00zz.json')]);
    expect(logs.join('\n')).toMatch(/unreadable case file/);
  });
});
