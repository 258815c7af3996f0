/**
 * Checkpoints (server/store/file.ts): incremental, written by a thread of their own, and safe at every point.
 * - A process killed with SIGKILL in the middle of a checkpoint (documents partly written, later writes arriving)
 *   loses no acknowledged write: reopened, every case has its latest acknowledged revision, no file is broken and no
 *   journal line is skipped.
 * - The records waiting for their documents are bounded by a count, not only by time or journal size: writing many
 *   cases starts checkpoints on its own, and the store then holds no more than its read cache.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { tempDir, until } from './helpers';

const at = '2025-09-26T10:00:00.000+08:00';
function record(id: string): CaseRecord {
  return {
    instance: {
      id,
      pack: 'national',
      procedure: 'grid-event',
      version: 1,
      rev: 1,
      status: 'active',
      state: 'dispatch',
      stateValue: 'dispatch',
      data: {},
      deadlines: [],
      overdue: false,
      createdAt: at,
      updatedAt: at,
    },
    history: [{ seq: 1, at, type: 'START', from: null, to: 'dispatch', rules: [], effects: [] }],
    outbox: [],
    idempotency: [],
  };
}

const documents = (dir: string, ext = '.json') =>
  readdirSync(dir)
    .filter((s) => s !== '_journal')
    .flatMap((s) => readdirSync(join(dir, s)).filter((f) => f.endsWith(ext)));

describe('checkpoint', () => {
  it('killed with SIGKILL mid-checkpoint, loses no acknowledged write', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const cases = 2000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/server/fixtures/checkpoint-child.ts', dir, String(cases)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked = new Map<string, number>();
    let err = '';
    let mid: number[] | null = null;
    let done = false;
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const [tag, a, b] = l.split(' ');
        if (tag === 'ACK') acked.set(a, Math.max(acked.get(a) ?? 0, Number(b)));
        else if (tag === 'DONE') done = true;
        else if (tag === 'MID' && !mid) {
          mid = [Number(a), Number(b)];
          child.kill('SIGKILL');
        }
      }
    });
    await exited;
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
});
