/**
 * The journal benchmarks' load (bench/journal-sync.ts, bench/journal-spare.ts): the real Journal (fsync on) in a
 * temporary folder, and 20 writers (the HTTP benchmark's connections) that each append a ~1 KB line, wait for it,
 * then keep the main thread busy for a request's work before the next.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalOptions } from '../server/store/journal';

export const WRITERS = 20;
const LINE = JSON.stringify({ note: '示例'.repeat(150), pad: 'x'.repeat(300) });

/** `fn` on a started Journal with fsync and `opts` in a fresh temporary folder, closed and removed afterwards. */
export async function withJournal<T>(
  name: string,
  opts: JournalOptions,
  fn: (j: Journal, dir: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `gongzhi-${name}-`));
  const j = new Journal(dir, true, opts);
  try {
    await j.start();
    return await fn(j, dir);
  } finally {
    await j.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * WRITERS writers appending to `j` for `seconds`, each busy `busyUs` µs on the main thread after each answer;
 * `answered` gets each append's latency (ms) and its start (performance.now()). Returns the load's wall time (ms).
 */
export async function appendLoad(
  j: Journal,
  seconds: number,
  busyUs: number,
  answered: (ms: number, startedAt: number) => void,
): Promise<number> {
  let stop = false;
  const writer = async () => {
    while (!stop) {
      const t0 = performance.now();
      await j.append(LINE);
      const t1 = performance.now();
      answered(t1 - t0, t0);
      while (performance.now() - t1 < busyUs / 1000); // the rest of the request, on the main thread
      await new Promise((r) => setImmediate(r));
    }
  };
  const t0 = performance.now();
  const writers = Array.from({ length: WRITERS }, writer);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(writers);
  return performance.now() - t0;
}

/** The `p` quantile of sorted `xs` (NaN when empty). */
export const quantile = (xs: number[], p: number) => (xs.length ? xs[Math.floor(p * (xs.length - 1))] : Number.NaN);
