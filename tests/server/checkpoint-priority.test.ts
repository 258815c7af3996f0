/**
 * The checkpoint's writer threads run at background priority (server/store/checkpoint-writer.ts `WRITER_NICE`): on
 * Linux each thread has its own nice value, so the writers' is raised and the main thread's, which answers requests,
 * is left as it was.
 */
import { getPriority } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointWriter, WRITER_NICE } from '../../server/store/checkpoint-writer';
import { tempDir } from './helpers';

describe('checkpoint writer threads: background priority', () => {
  it('runs each writer thread at nice 19 and leaves the main thread at its own', async () => {
    const before = getPriority();
    const w = new CheckpointWriter(3);
    try {
      expect(WRITER_NICE).toBe(19);
      expect(await w.priorities()).toEqual([19, 19, 19]);
      expect(getPriority(), 'the main thread keeps its nice value').toBe(before);
      // the threads still write: a document through the least busy of them
      const dir = tempDir();
      await w.write([join(dir, 'a.json')], ['{"a":1}'], true);
      expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{"a":1}');
    } finally {
      await w.close();
    }
  });

  it('keeps the process priority when asked for nice 0', async () => {
    const w = new CheckpointWriter(1, 0);
    try {
      expect(await w.priorities()).toEqual([getPriority()]);
    } finally {
      await w.close();
    }
  });
});
