/**
 * The checkpoint writer's spare files (server/store/checkpoint-writer.ts `SPARES`): with fsync, a document replaced by
 * a checkpoint keeps its file under a spare name, and a later document is written over such a file instead of into a
 * new one — but only after the folder sync that made the replacement durable. Documents stay byte for byte their
 * texts (a spare that held a longer document is cut to length), and no spare is left behind by close or by a crash.
 */
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointWriter } from '../../server/store/checkpoint-writer';
import { FileInstanceStore } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { tempDir } from './helpers';
import { gridRecord } from '../support/records';

const ino = (f: string) => statSync(f).ino;
const spareFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.spare'));

describe('checkpoint writer: the files of replaced documents written over, once their replacement is durable', () => {
  it('reuses a replaced file only after syncDirs, and cuts a longer one to the new text', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const w = new CheckpointWriter(1);
    try {
      await w.write([a, b], ['A1'.repeat(500), 'B1'.repeat(500)], true);
      await w.syncDirs([dir]);
      const a1 = ino(a);
      const b1 = ino(b);
      // a replaced: its first file kept as a spare, not yet reusable (the rename is not durable before the sync)
      await w.write([a], ['A2'.repeat(400)], true);
      expect(ino(a)).not.toBe(a1);
      expect(spareFiles(dir)).toHaveLength(1);
      await w.write([b], ['B2'.repeat(400)], true);
      expect(ino(b), 'b is not written over the spare linked before the folder sync').not.toBe(a1);
      expect(readFileSync(a, 'utf8')).toBe('A2'.repeat(400));
      await w.syncDirs([dir]);
      // now the files a and b had first are spares: the next documents are written over them
      await w.write([a, b], ['short', '{"x":1}'], true);
      expect([a1, b1]).toContain(ino(a));
      expect([a1, b1]).toContain(ino(b));
      expect(readFileSync(a, 'utf8')).toBe('short');
      expect(readFileSync(b, 'utf8')).toBe('{"x":1}');
      expect(spareFiles(dir)).toHaveLength(2); // the files of A2 and B2
    } finally {
      await w.close();
    }
    expect(spareFiles(dir), 'close removes the spares').toEqual([]);
    expect(readFileSync(a, 'utf8')).toBe('short');
  });

  it('without fsync keeps no spares (nothing orders a write over one after the rename)', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const w = new CheckpointWriter(1);
    try {
      await w.write([a], ['1'], false);
      await w.write([a], ['2'], false);
      await w.syncDirs([dir]);
      expect(spareFiles(dir)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a store: its documents are the records after checkpoints over spares; a spare left by a crash is removed at open', async () => {
    const dir = tempDir();
    const opts = { dir, fsync: true, summarize, checkpointMs: 3_600_000 };
    const s = new FileInstanceStore(opts);
    await s.open();
    const ids = Array.from({ length: 6 }, (_, i) => `0000spare${String(i).padStart(5, '0')}xyz`);
    for (let rev = 1; rev <= 4; rev++) {
      for (const id of ids) await s.put(gridRecord(id, { rev, data: { pad: '示例'.repeat(rev % 2 ? 200 : 20) } }));
      await s.checkpoint();
    }
    const file = (id: string) => join(dir, id.slice(-2), `${id}.json`);
    for (const id of ids) {
      const doc = JSON.parse(readFileSync(file(id), 'utf8')) as { instance: { rev: number } };
      expect(doc.instance.rev).toBe(4);
      expect(readFileSync(file(id), 'utf8')).toBe(JSON.stringify(await s.get(id)));
    }
    const spares = () => ids.flatMap((id) => spareFiles(join(dir, id.slice(-2))));
    expect(spares().length, 'the checkpoints of the store keep the replaced files as spares').toBeGreaterThan(0);
    await s.close();
    expect(spares(), 'and its close removes them').toEqual([]);
    // a crash between the link and the rename leaves a spare naming the live document's file: open removes the name
    const shard = join(dir, ids[0].slice(-2));
    mkdirSync(shard, { recursive: true });
    linkSync(file(ids[0]), join(shard, `.${ids[0]}.json.1.s1.1.spare`));
    writeFileSync(join(shard, `.${ids[0]}.json.1.c1.2.tmp`), 'torn');
    const again = new FileInstanceStore(opts);
    await again.open();
    expect(readdirSync(shard).filter((f) => f.endsWith('.spare') || f.endsWith('.tmp'))).toEqual([]);
    expect((await again.get(ids[0]))?.instance.rev).toBe(4);
    await again.close();
  });
});
