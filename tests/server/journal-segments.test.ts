/**
 * The journal's prepared files (server/store/journal.ts): with fsync, the journal writes over a file of zeros prepared
 * and synced ahead (the spare) instead of appending, so its sync needs no file-system commit.
 * - Reading a file back stops at the zero tail, exactly as it stops at a torn last line; an old file written by
 *   appending (no zeros) still reads whole.
 * - A batch that does not fit starts the next file (the spare, once ready); without a spare it goes on past the end.
 * - A failed batch is taken back by zeros over its bytes: nothing of it is read back, later lines follow the earlier.
 * - A checkpoint's covered segment becomes the next spare (its bytes zeroed again), and a store abandoned without
 *   closing replays every acknowledged write from its segments.
 */
import { constants, existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../server/store/journal';
import { FileInstanceStore } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { tempDir, until } from './helpers';
import { gridRecord } from '../support/records';

const SEG = 64 * 1024;
const line = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(1000) });
const numbers = (file: string) => Journal.lines(file).map((l) => (JSON.parse(l) as { n: number }).n);
const allNumbers = (j: Journal) => j.files().flatMap(numbers);

/** A journal with fsync and 64 KiB segments, written until a spare is ready and in use. */
async function onSegment(dir: string): Promise<{ j: Journal; n: number }> {
  const j = new Journal(dir, true, { segmentBytes: SEG });
  await j.start();
  let n = 0;
  // a sixteenth of a segment written: a spare is prepared; the next batch after it is ready switches to it
  while (n < 5) await j.append(line(n++));
  await until(() => existsSync(join(dir, 'spare.log')), 10_000, 'the spare');
  await j.append(line(n++));
  expect(statSync(j.current()).size, 'the file written to is the prepared segment').toBe(SEG);
  return { j, n };
}

describe('journal segments', () => {
  it('writes over a prepared file of zeros; reading back stops at the zero tail', async () => {
    const dir = tempDir();
    const { j, n } = await onSegment(dir);
    await j.append(line(n));
    const bytes = readFileSync(j.current());
    const end = bytes.indexOf(0);
    expect(end).toBeGreaterThan(0);
    expect(bytes.subarray(end).every((b) => b === 0)).toBe(true);
    expect(numbers(j.current())).toEqual([n - 1, n]);
    expect(allNumbers(j)).toEqual([...Array(n + 1).keys()]);
    // a torn line before the zeros (a batch cut short by a crash) is left out, as at the end of an appended file
    const h = await import('node:fs/promises').then((fs) => fs.open(j.current(), 'r+'));
    await h.write('{"n":99,"pad":"xx', end);
    // and so is what lies after a gap of zeros (a later page of a batch never acknowledged reached the disk first)
    await h.write(`${line(98)}\n`, end + 4096);
    await h.close();
    expect(numbers(j.current())).toEqual([n - 1, n]);
    await j.close();
  });

  it('still reads a journal file written by appending (an older version), and starts after it', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '1.log'), `${line(0)}\n${line(1)}\n{"n":2,"pa`);
    const j = new Journal(dir, true, { segmentBytes: SEG });
    await j.start();
    expect(j.current()).toBe(join(dir, '2.log'));
    await j.append(line(3));
    expect(allNumbers(j)).toEqual([0, 1, 3]);
    await j.close();
  });

  it('a batch that does not fit starts the next file: the spare once ready, else past the end', async () => {
    const dir = tempDir();
    const { j } = await onSegment(dir);
    let n = 100;
    const first = j.current();
    // half a segment used: the next spare is prepared
    while (statSync(first).size === SEG && readFileSync(first).indexOf(0) < SEG / 2) await j.append(line(n++));
    await until(() => existsSync(join(dir, 'spare.log')), 10_000, 'the next spare');
    while (j.current() === first) await j.append(line(n++));
    expect(statSync(first).size, 'the full segment was not grown').toBe(SEG);
    expect(statSync(j.current()).size).toBe(SEG);
    const files = j.files();
    expect(files.slice(-2)).toEqual([first, j.current()]);
    expect(allNumbers(j).filter((k) => k >= 100)).toEqual(Array.from({ length: n - 100 }, (_, i) => 100 + i));
    // no spare ready (as after a failed preparation: none is made until the next rotate): the batch goes on past the
    // segment's end
    const inner = j as unknown as { spareReady: boolean; spareFailed: boolean; preparing: Promise<void> | null };
    await inner.preparing;
    inner.spareReady = false;
    inner.spareFailed = true;
    const second = j.current();
    while (readFileSync(second).indexOf(0) !== -1) await j.append(line(n++));
    await j.append(line(n++));
    expect(j.current()).toBe(second);
    expect(statSync(second).size).toBeGreaterThan(SEG);
    expect(allNumbers(j).filter((k) => k >= 100)).toEqual(Array.from({ length: n - 100 }, (_, i) => 100 + i));
    await j.close();
  });

  it('takes a failed batch back with zeros: nothing of it is read back, and the next lines follow', async () => {
    const dir = tempDir();
    const { j, n } = await onSegment(dir);
    const inner = j as unknown as { fh: FileHandle };
    const fh = inner.fh;
    const writev = fh.writev.bind(fh);
    let failNext = true;
    // the disk fails half way through the batch, after writing some of it (as a short write, then ENOSPC)
    fh.writev = (async (buffers: Buffer[], position?: number) => {
      if (!failNext) return writev(buffers, position);
      failNext = false;
      const b = Buffer.concat(buffers);
      await writev([b.subarray(0, b.length >> 1)], position);
      throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), { code: 'ENOSPC' });
    }) as typeof fh.writev;
    const before = readFileSync(j.current()).indexOf(0);
    await expect(j.append(line(500))).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    const bytes = readFileSync(j.current());
    expect(bytes.length, 'still the segment: nothing truncated, nothing grown').toBe(SEG);
    expect(bytes.indexOf(0), 'the batch taken back').toBe(before);
    expect(bytes.subarray(before).every((b) => b === 0)).toBe(true);
    await j.append(line(n));
    expect(numbers(j.current())).toEqual([n - 1, n]);
    await j.close();
  });

  it('with fsync, opens its files O_DSYNC: a batch is one write, synced by it, with no fdatasync after', async () => {
    /** The open flags of a file handle, as Linux reports them (octal in /proc/self/fdinfo). */
    const flags = (fh: FileHandle) =>
      parseInt(/^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fh.fd}`, 'utf8'))![1], 8);
    const counted = (j: Journal) => {
      const fh = (j as unknown as { fh: FileHandle }).fh;
      const calls = { writev: 0, datasync: 0 };
      const writev = fh.writev.bind(fh);
      const datasync = fh.datasync.bind(fh);
      fh.writev = ((...a: Parameters<FileHandle['writev']>) => (calls.writev++, writev(...a))) as FileHandle['writev'];
      fh.datasync = () => (calls.datasync++, datasync());
      return { fh, calls };
    };
    /** A new journal's first file (appended to: no spare is ready yet): its O_DSYNC flag and one batch's calls. */
    const firstBatch = async (fsync: boolean, opts: { segmentBytes?: number; dsync?: boolean }) => {
      const j = new Journal(tempDir(), fsync, opts);
      await j.start();
      const { fh, calls } = counted(j);
      const dsync = flags(fh) & constants.O_DSYNC;
      await j.append(line(1));
      await j.close();
      return { dsync, calls };
    };
    expect(await firstBatch(true, { segmentBytes: SEG }), 'appended file').toEqual({
      dsync: constants.O_DSYNC,
      calls: { writev: 1, datasync: 0 },
    });
    // on the prepared segment (opened read-write)
    const { j, n } = await onSegment(tempDir());
    const seg = counted(j);
    expect(flags(seg.fh) & constants.O_DSYNC, 'prepared segment: O_DSYNC').toBe(constants.O_DSYNC);
    await Promise.all([j.append(line(n)), j.append(line(n + 1))]);
    expect(seg.calls.datasync).toBe(0);
    expect(numbers(j.current()).slice(-2)).toEqual([n, n + 1]);
    await j.close();
    // dsync: false (the way before, for bench/journal-sync.ts): a writev, then an fdatasync
    expect(await firstBatch(true, { segmentBytes: SEG, dsync: false })).toEqual({
      dsync: 0,
      calls: { writev: 1, datasync: 1 },
    });
    // without fsync nothing is synced, and the file is not opened O_DSYNC
    expect(await firstBatch(false, {})).toEqual({ dsync: 0, calls: { writev: 1, datasync: 0 } });
  });

  it('a store on segments: abandoned, it replays every acknowledged write; a checkpoint recycles a segment', async () => {
    const dir = tempDir();
    const opts = { dir, fsync: true, summarize, journalSegmentBytes: SEG, checkpointMs: 3_600_000 };
    const s = new FileInstanceStore(opts);
    await s.open();
    const ids = Array.from({ length: 8 }, (_, i) => `0000seg${String(i).padStart(5, '0')}xyz`);
    const rev = new Map(ids.map((id) => [id, 0]));
    const round = () =>
      Promise.all(
        ids.map(async (id) => {
          const r = rev.get(id)! + 1;
          await s.put(gridRecord(id, { rev: r, data: { pad: 'y'.repeat(600) } }));
          rev.set(id, r);
        }),
      );
    const journal = join(dir, '_journal');
    while (!existsSync(join(journal, 'spare.log'))) await round();
    await round(); // onto the spare
    await s.checkpoint(); // the covered files go; the segment among them becomes the next spare
    await until(() => existsSync(join(journal, 'spare.log')), 10_000, 'the recycled spare');
    const spare = readFileSync(join(journal, 'spare.log'));
    expect(spare.length).toBe(SEG);
    expect(spare.every((b) => b === 0)).toBe(true);
    for (let k = 0; k < 6; k++) await round();
    await (s as unknown as { journal: { preparing: Promise<void> | null } }).journal.preparing;
    // abandoned as a SIGKILL leaves it: no close, no checkpoint
    const again = new FileInstanceStore({ ...opts, fsync: false });
    await again.open();
    for (const id of ids) expect((await again.get(id))?.instance.rev, id).toBe(rev.get(id));
    await again.close();
    expect(readdirSync(journal).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
