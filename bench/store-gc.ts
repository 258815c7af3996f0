/**
 * What the records waiting for their documents cost a full garbage collection: N grid-event records (20 history
 * entries, Chinese text in their data) put into a file store with its checkpoints held off, then V8's full
 * collection (`gc()`) timed, with the records held as objects (`hotRecords` above N) against held as their
 * document's text beyond the default 5,000 (server/store/file.ts `Cold`). Each contender runs in a fresh process,
 * alternating, several rounds:
 *   node --import tsx bench/store-gc.ts [records=300000] [rounds=3]
 * A child: node --expose-gc --import tsx bench/store-gc.ts child <records> <hotRecords>
 * Prints per round the median of 5 full collections (ms) and the heap used after them (MiB), then the ratio.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileInstanceStore, type CaseRecord } from '../server/store';
import { summarize } from '../server/cases/summarize';
import { newCaseId } from '../server/util/ids';
import { median } from './measure';
import { gridRecord } from '../tests/support/records';

const AT = '2025-09-26T10:00:00.000+08:00';

/**
 * A grid-event case in `dispatch` after `n` events of the ASSIGN/RETURN loop (the tests' `gridRecord`), its data in
 * Chinese (示例), each entry with a payload, actor, rule and effect, and one deadline armed.
 */
function record(id: string, n: number): CaseRecord {
  const r = gridRecord(id, {
    at: AT,
    data: { title: '示例:楼道堆物占用消防通道', reporter: '示例网格员', address: '示例街道 1 号', unit: '示例单位' },
    history: Array.from({ length: n }, (_, k) => ({
      seq: k + 1,
      at: AT,
      type: k ? (k % 2 ? 'ASSIGN' : 'RETURN') : 'START',
      ...(k ? { payload: { unit: '示例单位', note: '示例说明' } } : {}),
      actor: { subject: 'admin', roles: ['admin'] },
      from: k ? 'dispatch' : null,
      to: 'dispatch',
      rules: [['unitNotDesignated', k % 2 === 0]],
      effects: [{ name: 'notify', params: { to: ['grid'] } }],
    })),
  });
  const deadline = {
    name: 'dispatch',
    state: 'dispatch',
    armedAt: AT,
    dueAt: AT,
    dueDate: '2025-09-29',
    overdue: false,
  };
  return { ...r, instance: { ...r.instance, deadlines: [deadline] } };
}

async function child(records: number, hot: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-store-gc-'));
  const s = new FileInstanceStore({
    dir,
    fsync: false,
    summarize,
    checkpointMs: 3_600_000,
    checkpointRecords: 10 * records,
    checkpointBytes: 2 ** 40,
    checkpointHeldChars: 2 ** 40,
    hotRecords: hot,
  });
  await s.open();
  for (let i = 0; i < records; i += 1000)
    await Promise.all(Array.from({ length: Math.min(1000, records - i) }, () => s.put(record(newCaseId(), 20))));
  while (s.held.dirty - s.held.cold > Math.min(hot, records)) await new Promise((r) => setTimeout(r, 20));
  const ms: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    gc();
    ms.push(performance.now() - t0);
  }
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(JSON.stringify({ ms: median(ms), heap, dirty: s.held.dirty, cold: s.held.cold }));
  // the store's documents are not wanted: no checkpoint at close, its folder removed
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

function run(records: number, hot: number): { ms: number; heap: number; dirty: number; cold: number } {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      'child',
      String(records),
      String(hot),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`store-gc child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

if (process.argv[2] === 'child') {
  await child(Number(process.argv[3]), Number(process.argv[4]));
} else {
  const records = Number(process.argv[2] ?? 300_000);
  const rounds = Number(process.argv[3] ?? 3);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const objects = run(records, records + 1);
    const text = run(records, 5_000);
    ratios.push(text.ms / objects.ms);
    console.log(
      `round ${r + 1}: full GC as objects ${objects.ms.toFixed(0)} ms (heap ${objects.heap.toFixed(0)} MiB), ` +
        `held as text ${text.ms.toFixed(0)} ms (heap ${text.heap.toFixed(0)} MiB, ${text.cold} of ${text.dirty} as text)`,
    );
  }
  console.log(`full GC, records waiting held as text / as objects: ${median(ratios).toFixed(2)} (median of ${rounds})`);
}
