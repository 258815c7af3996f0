/**
 * Checkpoints (server/store/file.ts): incremental, written by a thread of their own, and safe at every point.
 * - A process killed with SIGKILL in the middle of a checkpoint (documents partly written, later writes arriving)
 *   loses no acknowledged write: reopened, every case has its latest acknowledged revision, no file is broken and no
 *   journal line is skipped.
 * - The records waiting for their documents are bounded by a count, not only by time or journal size: writing many
 *   cases starts checkpoints on its own, and the store then holds no more than its read cache.
 * - And by size (characters of JSON), as is the read cache: a case's history grows with every event, so a count alone
 *   would let the memory held grow with the length of the load.
 * - The journal's next batch is on its way to the disk before the writers of the previous one are answered (their
 *   continuations overlap with its sync), and every line still lands in order, each acknowledged after its own sync.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { Journal } from '../../server/store/journal';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir, until } from './helpers';
import { killMidCheckpoint, storeFiles } from '../support/checkpoint-child';
import { gridRecord } from '../support/records';

const record = (id: string) => gridRecord(id);

const documents = storeFiles;

describe('checkpoint', () => {
  it('killed with SIGKILL mid-checkpoint, loses no acknowledged write', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const cases = 2000;
    const { acked, mid, done, stderr: err } = await killMidCheckpoint(dir, cases);
    expect(mid, `the child never reached the middle of its checkpoint: ${err}`).not.toBeNull();
    expect(done).toBe(false);
    const [written, total] = mid!;
    expect(written).toBeLessThan(total);
    // killed mid-way: some documents written, the journal still there
    expect(documents(dir).length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, '_journal')).length).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThanOrEqual(cases);
    expect(
      [...acked.values()].some((rev) => rev === 2),
      'writes were acknowledged while the checkpoint ran',
    ).toBe(true);

    const logs: string[] = [];
    const again = new FileInstanceStore({ dir, fsync: true, summarize, log: (m) => logs.push(m) });
    await again.open();
    expect(logs).toEqual([]);
    expect(again.unreadable).toEqual([]);
    for (const [id, rev] of acked) {
      const got = await again.get(id);
      expect(got?.instance.rev, id).toBeGreaterThanOrEqual(rev);
      expect(got!.history).toHaveLength(got!.instance.rev);
    }
    // reopening checkpointed everything: every case in its document, no temporary file left
    expect(documents(dir, '.tmp')).toEqual([]);
    expect(documents(dir).length).toBeGreaterThanOrEqual(acked.size);
    await again.close();
  });

  it('bounds the records waiting for their documents by count: many writes checkpoint on their own', async () => {
    const dir = tempDir();
    // time and journal size would never trigger one here
    const s = new FileInstanceStore({
      dir,
      fsync: false,
      summarize,
      checkpointMs: 3_600_000,
      checkpointRecords: 50,
      cacheSize: 10,
    });
    await s.open();
    const ids = Array.from({ length: 600 }, () => newCaseId());
    for (const id of ids) await s.put(record(id));
    await until(() => s.held.dirty < 50, 20_000, 'checkpoints by count');
    expect(documents(dir).length).toBeGreaterThanOrEqual(600 - 50);
    expect(s.held.clean).toBeLessThanOrEqual(10);
    // what left memory is read back from its document
    expect((await s.get(ids[0]))?.instance.id).toBe(ids[0]);
    await s.close();
  });

  it('bounds them by size too: long records start checkpoints and leave the read cache by its size', async () => {
    const dir = tempDir();
    // a count would never trigger here (nor time, nor the journal's size): only what the records weigh
    const s = new FileInstanceStore({
      dir,
      fsync: false,
      summarize,
      checkpointMs: 3_600_000,
      checkpointRecords: 1_000_000,
      checkpointHeldChars: 200_000,
      cacheSize: 1_000_000,
      cacheChars: 100_000,
    });
    await s.open();
    const long = (id: string): CaseRecord => {
      const r = record(id);
      return { ...r, history: [{ ...r.history[0], payload: { note: 'x'.repeat(20_000) } }] };
    };
    const ids = Array.from({ length: 60 }, () => newCaseId());
    for (const id of ids) await s.put(long(id));
    await until(() => s.held.dirtyChars < 200_000 && documents(dir).length >= 50, 20_000, 'checkpoints by size');
    expect(s.held.dirty).toBeLessThan(10);
    expect(s.held.cleanChars).toBeLessThanOrEqual(100_000);
    expect(s.held.clean).toBeLessThanOrEqual(5);
    // a record written again grows by its journal line: the estimate follows it
    const before = s.held.dirtyChars;
    const last = (await s.get(ids[59]))!;
    await s.put({
      ...last,
      history: [...last.history, { ...last.history[0], seq: 2, payload: { note: 'y'.repeat(5_000) } }],
    });
    expect(s.held.dirtyChars - before).toBeGreaterThan(5_000);
    // what left memory is read back from its document
    expect((await s.get(ids[0]))?.history[0].payload).toEqual({ note: 'x'.repeat(20_000) });
    await s.close();
  });

  it('journal: the next batch starts before the writers of the previous one continue; lines stay in order', async () => {
    const dir = tempDir();
    const j = new Journal(join(dir, '_journal'), true);
    await j.start();
    const inner = j as unknown as { waiting: unknown[] };
    const seen: { line: number; waiting: number; batches: number }[] = [];
    const acks: Promise<void>[] = [];
    // the first line starts a batch; the next ones arrive while it is being written
    for (let i = 0; i < 50; i++) {
      acks.push(
        j
          .append(`{"n":${i}}`)
          .then(() => void seen.push({ line: i, waiting: inner.waiting.length, batches: j.batches })),
      );
    }
    await Promise.all(acks);
    // the first line's writer continued after its batch was on the disk, and the lines that waited were already taken
    // into the next batch
    expect(seen[0]).toEqual({ line: 0, waiting: 0, batches: 1 });
    expect(j.batches).toBeGreaterThanOrEqual(2);
    // each acknowledged only after a batch holding it was written: acknowledgements in order, never ahead of a batch
    expect(seen.map((s) => s.line)).toEqual([...Array(50).keys()]);
    await j.close();
    expect(Journal.lines(j.current()).map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([...Array(50).keys()]);
  });

  it('journal: batches encoded into one reused buffer are the bytes of their lines (two-byte text, surrogate pairs, a batch larger than the buffer)', async () => {
    const dir = tempDir();
    const j = new Journal(join(dir, '_journal'), false);
    await j.start();
    const sent: string[] = [];
    const line = (i: number, fill: string) => {
      const l = JSON.stringify({ n: i, note: `示例 ${fill} 𠀀😀 é` });
      sent.push(l);
      return j.append(l);
    };
    // batches of every size: small ones (the buffer reused), one growing it, one above what it is reused for (its own)
    const out = () => (j as unknown as { out: Buffer }).out;
    const first = out();
    for (let i = 0; i < 20; i++) await line(i, 'x'.repeat(i));
    expect(out()).toBe(first); // one buffer for all of them
    await Promise.all(Array.from({ length: 40 }, (_, i) => line(100 + i, '中'.repeat(2_000))));
    expect(out().length).toBeGreaterThan(first.length); // grown for a batch of ~240 KB of UTF-8
    await Promise.all(Array.from({ length: 3 }, (_, i) => line(200 + i, '文'.repeat(1_500_000))));
    expect(out().length).toBeLessThanOrEqual(4 * 1024 * 1024); // lines of 4.5 MB of UTF-8 each: buffers of their own
    await Promise.all(Array.from({ length: 5 }, (_, i) => line(300 + i, 'y')));
    await j.close();
    expect(readFileSync(j.current()).equals(Buffer.from(sent.map((l) => l + '\n').join('')))).toBe(true);
    expect(Journal.lines(j.current())).toEqual(sent);
  });
});
