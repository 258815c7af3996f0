/**
 * The journal's acknowledgement latency while a checkpoint writes documents, without HTTP: a file store with fsync,
 * `cases` grid-event cases of about 7 KB, `writers` concurrent writers each putting the next event of a random case in
 * a loop; `secs` seconds with no checkpoint, then `secs` seconds with checkpoints back to back (each writes the cases
 * dirtied since the last). Prints the put latency (p50/p99/max) of each phase and the documents written per second.
 * For bench/PROFILE.md, "The journal's sync behind the checkpoint"; not run by `npm run bench`.
 *   node --import tsx bench/journal-checkpoint.ts [cases=3000] [writers=20] [secs=6]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileInstanceStore, type CaseRecord } from '../server/store';
import { summarize } from '../server/cases/summarize';
import { gridRecord } from '../tests/support/records';

const CASES = Number(process.argv[2] ?? 3000);
const WRITERS = Number(process.argv[3] ?? 20);
const SECS = Number(process.argv[4] ?? 6);
let documents = 0;
let lastWritten = 0;
const dir = mkdtempSync(join(tmpdir(), 'gongzhi-journal-ckpt-'));
const store = new FileInstanceStore({
  dir,
  fsync: true,
  summarize,
  checkpointMs: 3_600_000,
  checkpointBytes: 1e12,
  checkpointRecords: 1e9,
  checkpointHeldChars: 1e12,
  checkpointThreads: 4,
  onCheckpointProgress: (written) => {
    documents += written - lastWritten;
    lastWritten = written;
  },
});
await store.open();
const ids = Array.from({ length: CASES }, (_, i) => `0000bench${String(i).padStart(6, '0')}x`);
const pad = '示例'.repeat(1500);
for (let i = 0; i < ids.length; i += 100)
  await Promise.all(ids.slice(i, i + 100).map((id) => store.put(gridRecord(id, { rev: 10, data: { pad } }))));
await store.checkpoint();

const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
async function phase(label: string, checkpoints: boolean): Promise<void> {
  const times: number[] = [];
  let stop = false;
  const docs0 = documents;
  const t0 = performance.now();
  const writer = async () => {
    while (!stop) {
      const id = ids[Math.floor(Math.random() * ids.length)];
      const prev = (await store.get(id)) as CaseRecord;
      const s = performance.now();
      await store.put({
        ...prev,
        instance: { ...prev.instance, rev: prev.instance.rev + 1 },
        history: [
          ...prev.history,
          {
            seq: prev.history.length + 1,
            at: 'x',
            type: 'ASSIGN',
            from: 'dispatch',
            to: 'dispatch',
            rules: [],
            effects: [],
          },
        ],
      });
      times.push(performance.now() - s);
    }
  };
  const checkpointer = async () => {
    while (!stop) {
      lastWritten = 0;
      await store.checkpoint();
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const timer = setTimeout(() => (stop = true), SECS * 1000);
  await Promise.all([...Array.from({ length: WRITERS }, writer), ...(checkpoints ? [checkpointer()] : [])]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(26)} puts ${((1000 * times.length) / ms).toFixed(0).padStart(5)}/s  p50 ${pct(times, 0.5).toFixed(2).padStart(6)} ms  p99 ${pct(times, 0.99).toFixed(2).padStart(6)}  max ${times[times.length - 1].toFixed(1).padStart(6)}` +
      (checkpoints ? `  documents ≈${((1000 * (documents - docs0)) / ms).toFixed(0)}/s` : ''),
  );
}
try {
  for (let r = 0; r < 2; r++) {
    await phase('no checkpoint', false);
    await store.checkpoint();
    await phase('checkpoints back to back', true);
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
