/**
 * A full disk and the checkpoint writers' spare files (server/store/checkpoint-writer.ts, SPARES). A writer thread
 * keeps the files of the documents it replaced, to write later documents into, and they hold their disk until the
 * next checkpoint or close. When the disk is full they are the first space given back: when a checkpoint's document
 * write finds no room, and when the journal's does. Nothing acknowledged is lost either way.
 *
 * Needs a size-capped tmpfs (root on Linux, as CI runs): the injected ENOSPC of fixtures/small-disk.ts counts the
 * bytes written, and cannot see a file's blocks freed.
 */
import { readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { until } from '../server/helpers';
import { smallDisk, type SmallDisk } from './fixtures/small-disk';
import { gridRecord } from '../support/records';
import { report } from './figures';

const disks: SmallDisk[] = [];
afterAll(() => {
  for (const d of disks) d.close();
});

function tmpfs(size: number): SmallDisk {
  const disk = smallDisk(size);
  disks.push(disk);
  expect(
    disk.kind,
    '需要 tmpfs(Linux 上以 root 运行)/ this test needs a size-capped tmpfs (root on Linux): an injected ENOSPC cannot see blocks freed',
  ).toBe('tmpfs');
  return disk;
}

/** How many `*.spare` files lie beside the documents. */
function spares(dir: string): number {
  let n = 0;
  for (const shard of readdirSync(dir, { withFileTypes: true })) {
    if (!shard.isDirectory() || shard.name.startsWith('_')) continue;
    for (const f of readdirSync(join(dir, shard.name))) if (f.endsWith('.spare')) n++;
  }
  return n;
}

const free = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

const ids = Array.from({ length: 200 }, (_, i) => `0000spare${String(i).padStart(4, '0')}xy`);

/** A case's record at `rev`, its last entry padded to about `pad` characters (its document about that size). */
const record = (id: string, rev: number, pad: number): CaseRecord => {
  const r = gridRecord(id, { rev });
  r.history[rev - 1] = { ...r.history[rev - 1], payload: { rev, pad: 'x'.repeat(pad) } };
  return r;
};

/**
 * A store on `disk` whose 200 documents were each replaced once with fsync, so its writer thread holds 200 spares
 * (each the file of a document of ~6 KB).
 */
async function withSpares(disk: SmallDisk, name: string) {
  const dir = join(disk.dir, name);
  const store = new FileInstanceStore({
    dir,
    fsync: true,
    summarize,
    checkpointMs: 3_600_000,
    journalSegmentBytes: 256 * 1024,
    checkpointThreads: 1,
  });
  await store.open();
  for (const rev of [1, 2]) {
    for (const id of ids) await store.put(record(id, rev, 6000));
    await store.checkpoint();
  }
  return { dir, store };
}

/** Opens the folder again (as after a crash: no close) and checks each case is at `revs[id]`. */
async function reopened(dir: string, revs: Map<string, number>) {
  const again = new FileInstanceStore({ dir, fsync: false, summarize });
  await again.open();
  for (const id of ids) expect((await again.get(id))?.instance.rev, id).toBe(revs.get(id));
  await again.close();
}

describe("a full disk and the checkpoint writers' spare files", () => {
  it(
    'a checkpoint that finds the disk full gives back the spares, and loses nothing',
    { timeout: 60_000 },
    async () => {
      const disk = tmpfs(8 * 1024 * 1024);
      const { dir, store } = await withSpares(disk, 'checkpoint');
      expect(spares(dir), 'one spare per replaced document').toBe(ids.length);
      const revs = new Map(ids.map((id) => [id, 2]));
      for (const id of ids) {
        await store.put(record(id, 3, 9000));
        revs.set(id, 3);
      }
      // the documents, larger than the spares they are written into, need more room than is left
      disk.fill(256 * 1024);
      const before = free(dir);
      const failed = await store.checkpoint().then(
        () => null,
        (e: unknown) => e as { code?: string },
      );
      expect(failed?.code, 'the checkpoint ran out of room').toBe('ENOSPC');
      await until(() => spares(dir) === 0, 10_000, 'the spares removed');
      const gained = free(dir) - before;
      expect(gained, 'the spares’ blocks are free again (200 files of ~6 KB)').toBeGreaterThan(ids.length * 4096);
      await reopened(dir, revs);
      report('disk-full (checkpoint spares)', { disk: disk.kind, 'spares given back, KiB': Math.round(gained / 1024) });
    },
  );

  it(
    'a journal that finds the disk full gives back the spares, and writes on in the room they held',
    { timeout: 60_000 },
    async () => {
      const disk = tmpfs(8 * 1024 * 1024);
      const { dir, store } = await withSpares(disk, 'journal');
      expect(spares(dir)).toBe(ids.length);
      const revs = new Map(ids.map((id) => [id, 2]));
      disk.fill(0);
      const codes = new Set<string>();
      let refused = 0;
      const put = async (id: string, rev: number) => {
        try {
          await store.put(record(id, rev, 2000));
          revs.set(id, rev);
        } catch (e) {
          codes.add((e as { code?: string }).code ?? String(e));
          refused++;
        }
      };
      // past what the journal's file has room for: refused, until the spares are given back
      for (let k = 0; k < 3 * ids.length && !refused; k++)
        await put(ids[k % ids.length], revs.get(ids[k % ids.length])! + 1);
      expect([...codes], 'refused as a full disk').toEqual(['STORAGE_FULL']);
      await until(() => spares(dir) === 0, 10_000, 'the spares removed');
      const after = refused;
      for (const id of ids) await put(id, revs.get(id)! + 1);
      expect(refused, 'the journal writes on in the room the spares held').toBe(after);
      await reopened(dir, revs);
      report('disk-full (journal, spares)', { disk: disk.kind, 'writes refused before the spares went': refused });
    },
  );
});
