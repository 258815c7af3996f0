/**
 * Opens the embedded store on a data folder in a fresh process (spawned by bench/store.ts) and measures it:
 *   node --expose-gc --import tsx bench/store-open.ts <dataDir> [sync]
 * Prints JSON: `cases`, `ms` (FileInstanceStore.open: read every case file, build the summaries) and `heapBytes`
 * (V8 heap after a full GC with the store open, minus the same before opening: the summaries and the index).
 * `sync` (an experiment for bench/SERVER-NOTES.md, not the store): the same reading with readFileSync in a plain
 * loop (JSON.parse, summarize, the same SummaryIndex), to compare with the store's batches of fs.promises reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileInstanceStore } from '../server/store';
import { SummaryIndex } from '../server/store/summaries';
import { summarize } from '../server/cases/summarize';

const [dataDir, mode] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: node --expose-gc --import tsx bench/store-open.ts <dataDir> [sync]');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('store-open: run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

function syncOpen(dir: string): SummaryIndex {
  const index = new SummaryIndex();
  for (const shard of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, shard))) {
      if (name.endsWith('.json')) index.set(summarize(JSON.parse(readFileSync(join(dir, shard, name), 'utf8'))));
    }
  }
  return index;
}

const dir = join(dataDir, 'instances');
const store = new FileInstanceStore({ dir, fsync: true, summarize });
const before = heap();
const t0 = performance.now();
let cases: number;
let index: SummaryIndex | undefined; // kept alive through the heap measure
if (mode === 'sync') {
  index = syncOpen(dir);
  cases = index.size;
} else {
  await store.open();
  if (store.unreadable.length) throw new Error(`store-open: ${store.unreadable.length} unreadable case files`);
  cases = store.size;
}
const ms = performance.now() - t0;
const heapBytes = heap() - before;
if (index && index.size !== cases) throw new Error('store-open: index changed');
console.log(JSON.stringify({ cases, ms, heapBytes, rssBytes: process.memoryUsage().rss }));
