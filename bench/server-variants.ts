/**
 * Experiments for bench/SERVER-NOTES.md, not part of the server: changes to the embedded store's file adapter
 * patched into a benchmark server process (bench/http-server.ts loads this when GONGZHI_BENCH_VARIANTS is set),
 * to measure what a proposed change would buy before anyone writes it properly in server/.
 *   cache         write-through cache of case files' text: a read of a case file written by this process is
 *                 served from memory (JSON.parse of the text that was written) instead of the file
 *   worker-write  the atomic write (temp file, write, fdatasync, close, rename, fsync of the folder) done with
 *                 synchronous calls in one of 4 worker threads, folder handles kept open: one message per write
 *                 instead of eight promise round trips through libuv's thread pool; same durability
 *   append-log    (with cache and worker-write) a write-cost prototype of a per-case append-only log: after the
 *                 first write of a case, each write appends one JSON line to `<id>.json.log` (the new instance, the
 *                 new history entries, outbox, idempotency answers and satisfaction) and fdatasyncs it, instead of
 *                 rewriting the whole record through a temp file and a rename. The log is written and synced as
 *                 a real one would be but never read back (reads come from the cache; no recovery, no compaction):
 *                 it measures what the write would cost, nothing more
 * Case files only (paths with /instances/); the registry's writes are left alone.
 */
import { Worker } from 'node:worker_threads';
import { AtomicJSONFile, readJsonFile, writeAtomic } from '../server/store/atomic-file';

type Adapter = { file: string; fsync: boolean };
const isCase = (file: string) => /[/\\]instances[/\\]/.test(file);

const WORKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const folders = new Map();
let n = 0;
const logs = new Set();
const folderSync = (file) => {
  const dir = path.dirname(file);
  let dfd = folders.get(dir);
  if (dfd === undefined) { dfd = fs.openSync(dir, 'r'); folders.set(dir, dfd); }
  fs.fsyncSync(dfd);
};
parentPort.on('message', ({ id, file, text, fsync, append }) => {
  try {
    if (append) {
      const fd = fs.openSync(file, 'a');
      try {
        fs.writeSync(fd, text);
        if (fsync) fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (fsync && !logs.has(file)) { logs.add(file); folderSync(file); }
      parentPort.postMessage({ id });
      return;
    }
    const tmp = path.join(path.dirname(file), '.' + path.basename(file) + '.' + process.pid + '.w' + (++n) + '.tmp');
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      if (fsync) fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    if (fsync) folderSync(file);
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.stack || e) });
  }
});`;

function workerWriter(size: number) {
  const workers = Array.from({ length: size }, () => new Worker(WORKER, { eval: true }));
  const waiting = new Map<number, { res: () => void; rej: (e: Error) => void }>();
  let next = 0;
  for (const w of workers) {
    w.unref();
    w.on('message', (m: { id: number; error?: string }) => {
      const p = waiting.get(m.id)!;
      waiting.delete(m.id);
      if (m.error) p.rej(new Error(m.error));
      else p.res();
    });
  }
  return (file: string, text: string, fsync: boolean, append = false) =>
    new Promise<void>((res, rej) => {
      const id = ++next;
      waiting.set(id, { res, rej });
      workers[id % size].postMessage({ id, file, text, fsync, append });
    });
}

export function applyVariants(names: string[]): void {
  const proto = AtomicJSONFile.prototype as unknown as {
    read(this: Adapter): Promise<unknown>;
    write(this: Adapter, data: unknown): Promise<void>;
  };
  const log = names.includes('append-log');
  const cache = names.includes('cache') || log ? new Map<string, string>() : null;
  const worker = names.includes('worker-write') || log ? workerWriter(4) : null;
  const write = worker ?? writeAtomic;
  const historyLength = new Map<string, number>();
  for (const n of names)
    if (n !== 'cache' && n !== 'worker-write' && n !== 'append-log') throw new Error(`unknown variant ${n}`);
  proto.read = function read(this: Adapter) {
    const text = cache?.get(this.file);
    return text === undefined ? readJsonFile(this.file) : Promise.resolve(JSON.parse(text));
  };
  proto.write = async function writeCase(this: Adapter, data: unknown) {
    const text = JSON.stringify(data);
    if (!isCase(this.file)) return writeAtomic(this.file, text, this.fsync);
    const rec = data as {
      history: unknown[];
      instance: unknown;
      outbox: unknown;
      idempotency: unknown;
      satisfaction?: unknown;
    };
    const before = historyLength.get(this.file);
    cache?.delete(this.file);
    if (log && worker && before !== undefined && rec.history.length >= before) {
      const line = JSON.stringify({
        instance: rec.instance,
        history: rec.history.slice(before),
        outbox: rec.outbox,
        idempotency: rec.idempotency,
        satisfaction: rec.satisfaction,
      });
      await worker(`${this.file}.log`, `${line}\n`, this.fsync, true);
    } else {
      await write(this.file, text, this.fsync);
    }
    historyLength.set(this.file, rec.history.length);
    cache?.set(this.file, text);
  };
}
