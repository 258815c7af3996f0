/**
 * How a checkpoint shares the main thread with requests (server/store/file.ts `checkpoint`; issue 17):
 * - It serialises records for at most SLICE_MS (1 ms) of the main thread's clock before giving the event loop back, so
 *   a request never waits behind more than about a millisecond of checkpoint work. The clock is the test's here
 *   (`performance.now` advancing a fixed step per call), so the bound is checked exactly, whatever the machine's speed.
 * - What it serialised over several turns goes to the writer threads in slices of at most SLICE_RECORDS (256), and
 *   at once while a thread has nothing to do; every document is the record's JSON, byte for byte.
 * - It writes on one writer thread unless it is behind (checkpoint-pressure.test.ts: all of them while writes are
 *   held back): a checkpoint that keeps up takes a smaller share of the cores the requests run on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { CheckpointWriter } from '../../server/store/checkpoint-writer';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir } from './helpers';
import { gridRecord } from '../support/records';

const record = (id: string, events: number) =>
  gridRecord(id, { rev: events, data: { description: '示例', n: events } });

/** A store with its triggers off (the test says when it checkpoints), and `n` records waiting for their documents. */
async function storeWith(n: number) {
  const dir = tempDir();
  const s = new FileInstanceStore({
    dir,
    fsync: false,
    summarize,
    checkpointMs: 3_600_000,
    checkpointBytes: 1e12,
    checkpointRecords: 1e9,
    checkpointHeldChars: 1e12,
  });
  await s.open();
  const recs = Array.from({ length: n }, (_, i) => record(newCaseId(), 1 + (i % 7)));
  await Promise.all(recs.map((r) => s.put(r)));
  expect(s.held.dirty).toBe(n);
  const writer = (s as unknown as { writer: CheckpointWriter }).writer;
  const write = writer.write.bind(writer);
  const slices: number[] = [];
  const threads: (number | undefined)[] = [];
  writer.write = (files, texts, fsync, n) => {
    slices.push(files.length);
    threads.push(n);
    return write(files, texts, fsync, n);
  };
  return { dir, s, recs, slices, threads, writer };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkpoint slices', () => {
  it('holds the event loop for at most SLICE_MS of serialising at a time', async () => {
    const { s, slices, threads, writer } = await storeWith(300);
    // the main thread's clock, as the checkpoint reads it: 0.3 ms pass at every reading
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 0.3));
    // a turn of the event loop, timed on that clock: the longest stretch between two turns is what a request could
    // have waited for the checkpoint
    let last = clock;
    let longest = 0;
    let turns = 0;
    let running = true;
    const tick = () => {
      longest = Math.max(longest, clock - last);
      last = clock;
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await s.checkpoint();
    running = false;
    vi.restoreAllMocks();
    expect(s.held.dirty).toBe(0);
    // 300 records at one reading each (0.3 ms): ~90 ms of serialising, given back every 1 ms (+ one record, the
    // readings around it); with the former 4 ms slices the longest stretch was ≥ 4 ms
    expect(turns).toBeGreaterThan(50);
    expect(longest).toBeLessThanOrEqual(1 + 0.3 * 3);
    // slices go out while a thread has nothing to do, so they are small here, and never more than 256
    expect(slices.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...slices)).toBeLessThanOrEqual(256);
    // not behind (the records waiting far below the trigger, no write held back): one writer thread of the four
    expect(writer.size).toBe(4);
    expect(new Set(threads)).toEqual(new Set([1]));
    await s.close();
  });

  it('writes on every thread while 20,000 records or more wait, even where the triggers are raised above that', async () => {
    const { s, threads, writer } = await storeWith(20_000);
    await s.checkpoint();
    expect(s.held.dirty).toBe(0);
    // behind at the start (all 4), one once fewer than 20,000 wait
    expect(threads[0]).toBe(writer.size);
    expect(threads[threads.length - 1]).toBe(1);
    await s.close();
  });

  it('gathers what it serialised over several turns into slices of at most 256; each document is the record, byte for byte', async () => {
    const { dir, s, recs, slices } = await storeWith(1500);
    await s.checkpoint();
    expect(s.held.dirty).toBe(0);
    expect(slices.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(Math.max(...slices)).toBeLessThanOrEqual(256);
    for (const [i, r] of recs.entries()) {
      const text = readFileSync(join(dir, r.instance.id.slice(-2), `${r.instance.id}.json`), 'utf8');
      expect(text).toBe(JSON.stringify({ ...r, seq: i + 1 }));
    }
    await s.close();
  });
});
