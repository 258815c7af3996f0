/**
 * How the journal writes a spare's zeros (server/store/journal.ts `zeros`): a MiB at a time, each on the disk before
 * the next — the file opened O_DSYNC — so the journal's own synced batches never wait behind a whole segment of zeros
 * held unwritten (bench/journal-spare.ts: a batch waited ~54 ms during a 64 MiB spare written ahead and synced once,
 * ~8 ms with this). A segment recycled after a checkpoint is zeroed the same way.
 */
import { constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir, until } from './helpers';

/** The files the journal opened, with their flags, and the size of each write to them. */
const opened: { file: string; flags: unknown }[] = [];
const writes = new Map<string, number[]>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (file: string, flags?: string | number, mode?: number) => {
      const fh = await real.open(file, flags, mode);
      opened.push({ file, flags });
      const sizes = writes.get(file) ?? [];
      writes.set(file, sizes);
      const writev = fh.writev.bind(fh);
      const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
      fh.writev = (async (buffers: Buffer[], position?: number) => {
        sizes.push(buffers.reduce((n, b) => n + b.length, 0));
        return writev(buffers, position);
      }) as typeof fh.writev;
      fh.write = (async (...a: unknown[]) => {
        if (Buffer.isBuffer(a[0])) sizes.push(typeof a[2] === 'number' ? a[2] : (a[0] as Buffer).length);
        return write(...a);
      }) as typeof fh.write;
      return fh;
    },
  };
});

const { Journal } = await import('../../server/store/journal');

const SEG = 4 * 1024 * 1024;
const MIB = 1024 * 1024;
const line = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(20_000) });

afterEach(() => {
  opened.length = 0;
  writes.clear();
});

async function prepareOne(spareChunks?: boolean): Promise<{ flags: number; sizes: number[] }> {
  const dir = tempDir('gongzhi-journal-spare-');
  const j = new Journal(dir, true, { segmentBytes: SEG, ...(spareChunks === undefined ? {} : { spareChunks }) });
  await j.start();
  // a sixteenth of a segment written: the spare is prepared
  for (let n = 0; n < 15; n++) await j.append(line(n));
  await until(() => existsSync(join(dir, 'spare.log')), 10_000, 'the spare');
  await j.close();
  const tmp = join(dir, 'spare.tmp');
  const o = opened.find((x) => x.file === tmp);
  expect(o, 'the spare was written as spare.tmp').toBeDefined();
  return { flags: o!.flags as number, sizes: writes.get(tmp)! };
}

describe("the journal's spare", () => {
  it('is written a MiB at a time, each on the disk before the next (O_DSYNC)', async () => {
    const { flags, sizes } = await prepareOne();
    expect(typeof flags).toBe('number');
    expect(flags & constants.O_DSYNC, 'opened O_DSYNC').toBe(constants.O_DSYNC);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(SEG);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MIB);
    expect(sizes.length).toBeGreaterThanOrEqual(SEG / MIB);
  });

  it('written ahead and synced once (spareChunks: false, the benchmark’s peer) is not opened O_DSYNC', async () => {
    const { flags, sizes } = await prepareOne(false);
    expect(flags & constants.O_DSYNC).toBe(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(SEG);
  });
});
