/**
 * Opens the embedded store on a data folder in a fresh process (spawned by bench/store.ts) and measures it:
 *   node --expose-gc --import tsx bench/store-open.ts <dataDir>
 * Prints JSON: `cases`, `ms` (FileInstanceStore.open: read every case file, build the summaries) and `heapBytes`
 * (V8 heap after a full GC with the store open, minus the same before opening: the summaries and the index).
 */
import { join } from 'node:path';
import { FileInstanceStore } from '../server/store';
import { summarize } from '../server/cases/summarize';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node --expose-gc --import tsx bench/store-open.ts <dataDir>');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('store-open: run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const store = new FileInstanceStore({ dir: join(dataDir, 'instances'), fsync: true, summarize });
const before = heap();
const t0 = performance.now();
await store.open();
const ms = performance.now() - t0;
const heapBytes = heap() - before;
if (store.unreadable.length) throw new Error(`store-open: ${store.unreadable.length} unreadable case files`);
console.log(JSON.stringify({ cases: store.size, ms, heapBytes, rssBytes: process.memoryUsage().rss }));
