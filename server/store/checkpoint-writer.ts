/**
 * Writes checkpoint documents on a worker thread of its own, with synchronous file calls there, so a checkpoint of
 * hundreds of thousands of documents neither occupies the main thread (each async file call costs it a promise round
 * trip) nor fills libuv's thread pool, where the journal's `writev`/`fdatasync` and the reads of requests would queue
 * behind it (the pool is first in, first out: a checkpoint that queued thousands of calls there stalled every event
 * for seconds). The main thread only serialises the records, a slice at a time, and posts the texts.
 *
 * Each document is written as writeAtomic does it: a temporary file beside the target, `fdatasync` (with fsync), a
 * rename over the target; the folders are synced once, at the end (`syncDirs`), before the journal files the
 * documents cover are deleted. A failure is reported with its errno code (ENOSPC stays recognisable).
 *
 * The worker's source is plain JavaScript run with `eval`, so it starts the same way under tsx, vitest and a build.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
let counter = 0;
const made = new Set();
function writeDoc(file, text, fsync) {
  const dir = path.dirname(file);
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  const tmp = path.join(dir, '.' + path.basename(file) + '.' + process.pid + '.c' + (++counter) + '.tmp');
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'w');
    const buf = Buffer.from(text, 'utf8');
    for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (fsync) fs.fdatasyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) try { fs.closeSync(fd); } catch {}
    try { fs.rmSync(tmp, { force: true }); } catch {}
    made.delete(dir);
    throw e;
  }
}
function syncDir(dir) {
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'write') for (let i = 0; i < m.files.length; i++) writeDoc(m.files[i], m.texts[i], m.fsync);
    else if (m.op === 'syncDirs') for (const d of m.dirs) syncDir(d);
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code } });
  }
});
`;

interface Pending {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class CheckpointWriter {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(SOURCE, { eval: true });
    w.unref(); // an idle writer never keeps the process alive
    w.on('message', (m: { id: number; error?: { message: string; code?: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      if (m.error) p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else p.resolve();
    });
    const fail = (e: unknown) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`checkpoint writer exited (${code})`)));
    this.worker = w;
    return w;
  }

  private call(msg: Record<string, unknown>): Promise<void> {
    const w = this.start();
    const id = ++this.next;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref(); // while it works for us, the process waits for its answer
      w.postMessage({ ...msg, id });
    });
  }

  /** Writes each text to its file (atomic replace; with fsync, the file's data synced). */
  write(files: string[], texts: string[], fsync: boolean): Promise<void> {
    return this.call({ op: 'write', files, texts, fsync });
  }

  /** Syncs these folders (so the renames into them are durable). */
  syncDirs(dirs: string[]): Promise<void> {
    return this.call({ op: 'syncDirs', dirs });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
