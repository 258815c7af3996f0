/**
 * The checkpoint's writer threads and the store's hard bound (server/store/checkpoint-writer.ts, file.ts; issue 17).
 * - Several writer threads write slices at once (their syncs in flight together), each document atomically; a slice
 *   that fails rejects with its errno code and the others are still written.
 * - Back-pressure: when the disk writes documents more slowly than the load dirties records (here: a writer held
 *   back by the test), writes wait for the checkpoint instead of memory growing — the records waiting never pass the
 *   hard bound, every write is acknowledged once the writer moves again, and none is lost (reopened from disk).
 * - A store killed while its writer threads are mid-slice (temporary files written, synced or not, not yet renamed)
 *   opens with every acknowledged write and no temporary file left.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { CheckpointWriter } from '../../server/store/checkpoint-writer';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir, until } from './helpers';
import { killMidCheckpoint, storeFiles } from '../support/checkpoint-child';
import { gridRecord } from '../support/records';

const record = (id: string, rev = 1) => gridRecord(id, { rev });

const files = storeFiles;

describe('checkpoint writer threads', () => {
  it('write slices at once, each document whole; a failing slice rejects with its code, the others land', async () => {
    const dir = tempDir();
    const w = new CheckpointWriter(3);
    expect(w.size).toBe(3);
    const slices = Array.from({ length: 6 }, (_, s) =>
      Array.from({ length: 40 }, (_, i) => join(dir, `s${s}`, `d${i}.json`)),
    );
    // one slice aims inside a file (its folder cannot be made: EEXIST): it fails on its own thread
    writeFileSync(join(dir, 'plain'), 'x');
    const bad = [join(dir, 'plain', 'd.json')];
    const posted = slices.map((fs, s) =>
      w.write(
        fs,
        fs.map((f) => JSON.stringify({ s, f })),
        true,
      ),
    );
    // spread over the threads (the least busy takes the next): two slices queued on each
    expect(w.loads).toEqual([2, 2, 2]);
    // limited to the first two threads, the third stays idle
    const two = [
      w.write([join(dir, 'two', 'a.json')], ['{}'], true, 2),
      w.write([join(dir, 'two', 'b.json')], ['{}'], true, 2),
    ];
    expect(w.loads).toEqual([3, 3, 2]);
    expect(w.idle(2)).toBe(false);
    await Promise.all(two);
    const failed = w.write(bad, ['{}'], true).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    await Promise.all(posted);
    expect((await failed)?.code).toBe('EEXIST');
    for (const [s, fs] of slices.entries())
      for (const f of fs) expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ s, f });
    await w.syncDirs(slices.map((_, k) => join(dir, `s${k}`)));
    // nothing temporary left, by any thread
    for (let s = 0; s < 6; s++) expect(readdirSync(join(dir, `s${s}`)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await w.close();
  });

  it('back-pressure: a slow writer delays acknowledgements, the records waiting stay bounded, nothing is lost', async () => {
    const dir = tempDir();
    const s = new FileInstanceStore({
      dir,
      fsync: false,
      summarize,
      checkpointMs: 3_600_000,
      checkpointRecords: 20,
      holdRecords: 50,
      cacheSize: 0,
    });
    await s.open();
    // the disk, as slow as the test wants: every slice waits until the gate opens
    const writer = (s as unknown as { writer: CheckpointWriter }).writer;
    const write = writer.write.bind(writer);
    let open!: () => void;
    const gate = new Promise<void>((res) => (open = res));
    let slices = 0;
    const threads: (number | undefined)[] = [];
    writer.write = async (f, t, fsync, n) => {
      slices++;
      threads.push(n);
      await gate;
      return write(f, t, fsync, n);
    };
    const ids = Array.from({ length: 300 }, () => newCaseId());
    const acked = new Set<string>();
    let peak = 0;
    const puts = ids.map((id) =>
      s.put(record(id)).then(() => {
        acked.add(id);
        peak = Math.max(peak, s.held.dirty);
      }),
    );
    // the writer is stuck: the store takes writes up to its bound, then the rest wait (they are not refused)
    await until(() => slices > 0 && acked.size >= 50, 10_000, 'writes up to the bound');
    for (let k = 0; k < 20; k++) await new Promise((r) => setTimeout(r, 5));
    expect(acked.size).toBeLessThanOrEqual(50);
    expect(s.held.dirty).toBeLessThanOrEqual(50);
    // behind (writes held back, the records waiting past the trigger): every writer thread writes
    expect(threads.length).toBeGreaterThan(0);
    expect(new Set(threads)).toEqual(new Set([writer.size]));
    // the disk moves again: every write is acknowledged, the bound was never passed
    open();
    await Promise.all(puts);
    expect(acked.size).toBe(300);
    expect(peak).toBeLessThanOrEqual(50);
    expect(s.held_back.writes).toBeGreaterThanOrEqual(250);
    await s.close();
    const again = new FileInstanceStore({ dir, fsync: false, summarize });
    await again.open();
    for (const id of ids) expect((await again.get(id))?.instance.id).toBe(id);
    await again.close();
  });

  it(
    'killed while its threads are mid-slice: reopened, nothing acknowledged lost and no temporary file left',
    {
      timeout: 120_000,
    },
    async () => {
      const dir = tempDir();
      const { acked, mid, stderr: err } = await killMidCheckpoint(dir, 3000);
      expect(mid, `the child never reached the middle of its checkpoint: ${err}`).not.toBeNull();
      expect(readdirSync(join(dir, '_journal')).length).toBeGreaterThan(0);
      // a temporary file cut short (empty) and one whole but never renamed, as a kill between a sync and a rename
      // leaves them: neither holds anything acknowledged that the journal does not
      const [some] = acked.keys();
      mkdirSync(join(dir, some.slice(-2)), { recursive: true });
      writeFileSync(join(dir, some.slice(-2), `.${some}.json.1.c9.1.tmp`), '');
      writeFileSync(join(dir, some.slice(-2), `.${some}.json.1.c9.2.tmp`), JSON.stringify(record(some, 1)));
      const logs: string[] = [];
      const again = new FileInstanceStore({ dir, fsync: true, summarize, log: (m) => logs.push(m) });
      await again.open();
      expect(logs).toEqual([]);
      expect(again.unreadable).toEqual([]);
      for (const [id, rev] of acked) expect((await again.get(id))?.instance.rev, id).toBeGreaterThanOrEqual(rev);
      expect(files(dir, '.tmp')).toEqual([]);
      await again.close();
    },
  );
});
