/**
 * The embedded store and its in-memory twin behave alike; a write replaces one case's file atomically (no temporary
 * file left, other cases' files untouched), leftovers of an interrupted write are cleaned at open, and a file that
 * cannot be read is reported, not fatal.
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, MemoryInstanceStore, type CaseRecord, type InstanceStore } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir, until } from './helpers';

function record(id: string, state = 'mediation', extra: Partial<CaseRecord['instance']> = {}): CaseRecord {
  return {
    instance: {
      id,
      pack: 'national',
      procedure: 'dispute-mediation',
      version: 1,
      rev: 1,
      status: 'active',
      state,
      stateValue: state,
      data: { n: 1 },
      deadlines: [
        {
          name: 'mediationPeriod',
          state: 'mediation',
          dueAt: '2025-10-27T23:59:59+08:00',
          dueDate: '2025-10-27',
          armedAt: '2025-09-26T10:00:00+08:00',
          overdue: false,
        },
      ],
      overdue: false,
      createdAt: '2025-09-26T10:00:00+08:00',
      updatedAt: '2025-09-26T10:00:00+08:00',
      ...extra,
    },
    history: [
      {
        seq: 1,
        at: '2025-09-26T10:00:00+08:00',
        type: 'START',
        from: null,
        to: state,
        rules: [['criminalRisk', false]],
        effects: [],
      },
    ],
    outbox: [],
    idempotency: [],
  };
}

/** Each store, and how it hands out a record: frozen (both keep their records so, no copy per read) or a copy. */
const stores: [string, () => InstanceStore, 'frozen' | 'copy'][] = [
  ['file', () => new FileInstanceStore({ dir: tempDir(), fsync: false, summarize }), 'frozen'],
  ['memory', () => new MemoryInstanceStore(summarize), 'frozen'],
];

describe.each(stores)('%s store', (_name, make, handsOut) => {
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

  it('never hands out a record that a caller can change behind its back (a copy, or frozen)', async () => {
    const s = make();
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    const a = (await s.get(id))!;
    const tamper = () => {
      a.instance.state = 'tampered';
      a.history[0].rules.push(['x', true]);
    };
    // a frozen record refuses the change (TypeError in strict mode); a copy takes it, and the store keeps its own
    const refused = (() => {
      try {
        tamper();
        return false;
      } catch (e) {
        return e instanceof TypeError;
      }
    })();
    expect(refused).toBe(handsOut === 'frozen');
    expect((await s.get(id))!.instance.state).toBe('mediation');
    expect((await s.get(id))!.history[0].rules).toHaveLength(1);
  });
});

describe('file store', () => {
  it('at a checkpoint writes one document per case, rewrites only the cases written since, and leaves no temporary file', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: true, summarize });
    await s.open();
    const ids = Array.from({ length: 20 }, () => newCaseId());
    for (const id of ids) await s.put(record(id));
    await s.checkpoint();
    const files = () =>
      readdirSync(dir)
        .filter((sh) => sh !== '_journal')
        .flatMap((sh) => readdirSync(join(dir, sh)).map((f) => join(dir, sh, f)));
    expect(files().filter((f) => f.endsWith('.json'))).toHaveLength(20);
    // a document is rewritten by a new file renamed over it: a new inode (no wait for the clock's mtime to move)
    const inodes = new Map(files().map((f) => [f, statSync(f).ino]));
    await s.put({
      ...record(ids[7], 'agreement'),
      instance: { ...record(ids[7]).instance, rev: 2, state: 'agreement' },
    });
    await s.checkpoint();
    // (documents only: the file a document replaces is kept as a spare, checkpoint-writer.ts SPARES)
    const changed = files().filter((f) => f.endsWith('.json') && statSync(f).ino !== inodes.get(f));
    expect(changed).toEqual([expect.stringContaining(ids[7])]);
    expect(files().some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, ids[7].slice(-2), `${ids[7]}.json`), 'utf8')).instance.state).toBe(
      'agreement',
    );
    await s.close();
  });

  it('reopens with the same cases, removes leftovers of interrupted writes, and reports unreadable files', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: false, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    await s.close();
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

describe('file store journal', () => {
  it('an acknowledged put survives without close or checkpoint: a second store opens it from the journal alone', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: true, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    await s.put({ ...record(id, 'agreement'), instance: { ...record(id).instance, rev: 2, state: 'agreement' } });
    expect(readdirSync(dir).filter((d) => d !== '_journal')).toEqual([]); // no document yet: only the journal
    const other = new FileInstanceStore({ dir, fsync: true, summarize }); // as after a crash: s never closed
    await other.open();
    expect((await other.get(id))!.instance).toMatchObject({ rev: 2, state: 'agreement' });
    expect(readdirSync(join(dir, '_journal')).filter((f) => statSync(join(dir, '_journal', f)).size > 0)).toEqual([]); // checkpointed at open
  });

  it('ignores a torn last line and an unreadable line, keeping every complete one', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: false, summarize });
    await s.open();
    const a = newCaseId();
    const b = newCaseId();
    await s.put(record(a));
    const j = join(dir, '_journal');
    const current = readdirSync(j)
      .sort((x, y) => parseInt(x) - parseInt(y))
      .at(-1)!;
    appendFileSync(join(j, current), 'garbage that is not json\n');
    await s.put(record(b));
    appendFileSync(join(j, current), JSON.stringify({ ...record(a, 'closed'), seq: 99 }).slice(0, 60)); // torn: no newline
    const logs: string[] = [];
    const other = new FileInstanceStore({ dir, fsync: false, summarize, log: (m) => logs.push(m) });
    await other.open();
    expect(other.size).toBe(2);
    expect((await other.get(a))!.instance.state).toBe('mediation');
    expect(logs.join()).toMatch(/1 unreadable journal line/);
  });

  it('keeps every write made while a checkpoint runs, the latest of each case winning', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: true, summarize });
    await s.open();
    const ids = Array.from({ length: 40 }, () => newCaseId());
    await Promise.all(ids.map((id) => s.put(record(id))));
    const during = Promise.all(
      ids.map((id, i) => s.put({ ...record(id), instance: { ...record(id).instance, rev: 2, data: { n: i } } })),
    );
    const cp = s.checkpoint();
    await Promise.all([during, cp]);
    const other = new FileInstanceStore({ dir, fsync: true, summarize }); // without closing s
    await other.open();
    for (const [i, id] of ids.entries())
      expect((await other.get(id))!.instance).toMatchObject({ rev: 2, data: { n: i } });
  });

  it('journals later writes of a case as changes, and replays them over its document after a crash', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({ dir, fsync: true, summarize });
    await s.open();
    const id = newCaseId();
    await s.put(record(id));
    const next = async (state: string) => {
      const prev = (await s.get(id))!;
      const rev = prev.instance.rev + 1;
      await s.put({
        ...prev,
        instance: { ...prev.instance, rev, state },
        history: [
          ...prev.history,
          {
            seq: rev,
            at: '2025-09-27T10:00:00+08:00',
            type: `TO_${state}`,
            from: prev.instance.state,
            to: state,
            rules: [],
            effects: [],
          },
        ],
      });
    };
    await next('agreement');
    await next('judicialConfirmation');
    await s.checkpoint(); // the document now holds rev 3; later writes are changes against it
    await next('closed');
    const lines = readdirSync(join(dir, '_journal')).flatMap((f) =>
      readFileSync(join(dir, '_journal', f), 'utf8')
        .split('\n')
        .filter(Boolean),
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ id, add: [{ type: 'TO_closed' }] });
    expect(JSON.parse(lines[0]).r).toBeUndefined(); // a change, not the whole record
    const other = new FileInstanceStore({ dir, fsync: true, summarize }); // s never closed: as after a crash
    await other.open();
    const got = (await other.get(id))!;
    expect(got.instance).toMatchObject({ rev: 4, state: 'closed' });
    expect(got.history.map((h) => h.type)).toEqual(['START', 'TO_agreement', 'TO_judicialConfirmation', 'TO_closed']);
  });

  it('a checkpoint that fails keeps the journal, logs, does not crash, and a later one cleans up', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    const s = new FileInstanceStore({ dir, fsync: false, summarize, log: (m) => logs.push(m), checkpointMs: 20 });
    await s.open();
    const id = newCaseId();
    writeFileSync(join(dir, id.slice(-2)), 'a file where the shard folder should be'); // the document cannot be written
    await s.put(record(id));
    await until(() => logs.some((m) => /checkpoint failed/.test(m)), 5_000, 'a failed checkpoint');
    // the journal file holding the write was kept (beside the current one)
    const kept = readdirSync(join(dir, '_journal'))
      .map((f) => readFileSync(join(dir, '_journal', f), 'utf8'))
      .join('');
    expect(kept).toContain(id);
    rmSync(join(dir, id.slice(-2)));
    await s.checkpoint();
    expect(readdirSync(join(dir, '_journal'))).toHaveLength(1); // only the current file is left
    expect(JSON.parse(readFileSync(join(dir, id.slice(-2), `${id}.json`), 'utf8')).instance.id).toBe(id);
    await s.close();
  });

  it('commits concurrent writes in shared batches (group commit)', async () => {
    const s = new FileInstanceStore({ dir: tempDir(), fsync: true, summarize });
    await s.open();
    const before = s.journalBatches;
    await Promise.all(Array.from({ length: 50 }, () => s.put(record(newCaseId()))));
    const batches = s.journalBatches - before;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(25);
  });
});
