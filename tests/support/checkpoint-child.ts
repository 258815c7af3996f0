/**
 * Runs tests/server/fixtures/checkpoint-child.ts (a store writing `cases` cases, then checkpointing them, printing
 * `ACK id rev` per acknowledged write, `MID written total` mid-checkpoint and `DONE` at the end) and SIGKILLs it at
 * its first `MID`; resolves once it exited, with what it said.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildRun {
  /** The highest acknowledged rev of each case. */
  acked: Map<string, number>;
  /** `[written, total]` when it was killed mid-checkpoint, or null if it never got there. */
  mid: [number, number] | null;
  done: boolean;
  stderr: string;
}

export async function killMidCheckpoint(dir: string, cases: number): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/server/fixtures/checkpoint-child.ts', dir, String(cases)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: ChildRun = { acked: new Map(), mid: null, done: false, stderr: '' };
  child.stderr!.on('data', (d) => (run.stderr += d));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const [tag, a, b] = l.split(' ');
      if (tag === 'ACK') run.acked.set(a, Math.max(run.acked.get(a) ?? 0, Number(b)));
      else if (tag === 'DONE') run.done = true;
      else if (tag === 'MID' && !run.mid) {
        run.mid = [Number(a), Number(b)];
        // the main thread is stopped; the writer threads go on with the slices queued to them until the kill
        child.kill('SIGKILL');
      }
    }
  });
  await exited;
  return run;
}

/** The files in a store's shard folders whose names end with `ext` (documents by default). */
export const storeFiles = (dir: string, ext = '.json') =>
  readdirSync(dir)
    .filter((s) => s !== '_journal')
    .flatMap((s) => readdirSync(join(dir, s)).filter((f) => f.endsWith(ext)));
