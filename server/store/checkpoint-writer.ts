/**
 * Writes checkpoint documents on worker threads of their own, with synchronous file calls there, so a checkpoint of
 * hundreds of thousands of documents neither occupies the main thread (each async file call costs it a promise round
 * trip) nor fills libuv's thread pool, where the journal's `writev`/`fdatasync` and the reads of requests would queue
 * behind it (the pool is first in, first out: a checkpoint that queued thousands of calls there stalled every event
 * for seconds). The main thread only serialises the records, a slice at a time, and posts the texts.
 *
 * Each document is written as writeAtomic does it: a temporary file beside the target (with fsync, a spare: the file
 * of a document replaced before, see SPARES), `fdatasync` (with fsync), a rename over the target; the folders are synced once, at the end (`syncDirs`), before the journal files the
 * documents cover are deleted. A failure is reported with its errno code (ENOSPC stays recognisable).
 *
 * Several threads (THREADS, default 4), each writing whole slices, one document after another: one thread waits for
 * one device flush per document (≈ 600–850 documents/s on this machine when quiet, ≈ 200/s under the benchmark's
 * load, fewer than the mixed load dirties), while ext4's journal folds the concurrent fdatasyncs of several threads
 * into one commit — 4 threads wrote 2,300–2,600 documents/s where one wrote 577–857 (bench/fs-write-costs.ts
 * `checkpoint`). Each document keeps its own order (data synced, then renamed), so durability is exactly the one
 * thread's: a crash leaves each target either old or new, and at most a synced temporary file beside it, which
 * open() removes (the journal still holds its write). A slice goes to the thread with the least work queued.
 *
 * The worker's source is plain JavaScript run with `eval`, so it starts the same way under tsx, vitest and a build.
 */
import { Worker } from 'node:worker_threads';
import { isNoSpace } from './errors';

/**
 * Spare files each writer thread keeps at most: ≈ 32 MB of disk at ~8 KB a document; 4,096 covers a checkpoint of the
 * HTTP benchmark's 3,000 cases on its one thread (with 1,024, a third of its documents found a spare).
 *
 * Creating a file costs ext4 far more than writing over one: its inode allocator reads each recently deleted inode of
 * the group before taking a free one (`find_inode_bit` → `recently_deleted`), and a checkpoint deleted one per
 * document it replaced (renaming over a document frees its file). So a thread writes a document into the file of one
 * replaced before (overwritten in place, cut to length, synced, renamed over the target), and keeps the file of the
 * document it replaces as a spare: no file created, none freed. A spare is written over only after the folder sync
 * that made its replacement durable (`syncDirs`): before it, a crash could leave the target naming that file still.
 * Spares are named `*.spare` beside the documents; close removes them, so does a full disk (`dropSpares`: their blocks
 * are the first space given back), and so does a store opened after a crash (the
 * target keeps its own name for the file), as it removes the `*.tmp` of writes cut short.
 */
export const SPARES = 4096;

/**
 * The writer threads' nice value (Linux: each thread's own; 19 is the lowest priority): a checkpoint is background
 * work, so it takes what the requests leave of the cores. At normal priority its threads took a fair share from the
 * main thread — at 300,000 cases, during a checkpoint with 100 connections of events, the main thread was runnable but
 * waiting for a core 18–21 % of the time (5 % with none running) and the events' p99 rose to 88–96 ms; at nice 19, 8 %
 * and 59–64 ms, and the checkpoint wrote as many documents in the same windows (112,402 against 110,176 and 127,518),
 * from the time the main thread leaves (bench/PROFILE.md, "The writer threads at background priority"). Under a load
 * that leaves no core free, the checkpoint slows down and the store's bound on the records waiting holds writes back
 * (file.ts \`room\`): the wait lands on the writes, in arrival order, not on every request at random.
 */
export const WRITER_NICE = 19;

const SOURCE = `
const { parentPort, threadId, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// this thread's own priority (on Linux a thread's nice value is its own); where it cannot be set, the thread runs at
// the process's priority and writes just the same
try { if (workerData.nice) os.setPriority(workerData.nice); } catch {}
let counter = 0;
const made = new Set();
// spares: replaced documents' files, kept by a hard link; reusable once the renames that replaced them are durable
const SPARES = ${SPARES};
let spares = [];
let linked = [];
let marked = 0;
function tmpName(dir, file, kind, ext) {
  return path.join(dir, '.' + path.basename(file) + '.' + process.pid + '.' + kind + threadId + '.' + (++counter) + ext);
}
function unlinkQuiet(f) {
  try { fs.unlinkSync(f); } catch {}
}
function writeDoc(file, text, fsync, latin1) {
  const dir = path.dirname(file);
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  let tmp = null;
  let fd = -1;
  let reused = false;
  if (fsync && spares.length) {
    tmp = spares.pop();
    try { fd = fs.openSync(tmp, 'r+'); reused = true; } catch { unlinkQuiet(tmp); fd = -1; }
  }
  if (fd < 0) tmp = tmpName(dir, file, 'c', '.tmp');
  let spare = null;
  try {
    if (fd < 0) fd = fs.openSync(tmp, 'w');
    const buf = Buffer.from(text, latin1 ? 'latin1' : 'utf8');
    for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off, off);
    if (reused) fs.ftruncateSync(fd, buf.length); // the spare held a longer document, perhaps
    if (fsync) fs.fdatasyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    if (fsync && spares.length + linked.length < SPARES) {
      // the document replaced keeps its file under a spare name (no file freed here, none created for a later write)
      spare = tmpName(dir, file, 's', '.spare');
      try { fs.linkSync(file, spare); } catch { spare = null; }
    }
    fs.renameSync(tmp, file);
    if (spare) linked.push([spare, dir]);
  } catch (e) {
    if (fd >= 0) try { fs.closeSync(fd); } catch {}
    unlinkQuiet(tmp);
    // the rename did not happen: the spare name is the live document's file, never to be written over
    if (spare) unlinkQuiet(spare);
    made.delete(dir);
    throw e;
  }
}
function syncDir(dir) {
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
parentPort.on('message', (m) => {
  let value;
  try {
    if (m.op === 'write')
      for (let i = 0; i < m.files.length; i++) writeDoc(m.files[i], m.texts[i], m.fsync, m.packed && m.packed[i]);
    else if (m.op === 'syncDirs') for (const d of m.dirs) syncDir(d);
    else if (m.op === 'mark') marked = linked.length;
    else if (m.op === 'priority') value = os.getPriority();
    else if (m.op === 'spared') {
      // a folder not among those synced (a spare linked by a checkpoint that failed before its sync): synced first
      const synced = new Set(m.dirs);
      for (let k = 0; k < marked; k++) if (!synced.has(linked[k][1])) { syncDir(linked[k][1]); synced.add(linked[k][1]); }
      for (let k = 0; k < marked; k++) spares.push(linked[k][0]);
      linked = linked.slice(marked);
      marked = 0;
    } else if (m.op === 'drop') {
      for (const f of spares) unlinkQuiet(f);
      for (const l of linked) unlinkQuiet(l[0]);
      spares = [];
      linked = [];
      marked = 0;
    }
    parentPort.postMessage({ id: m.id, value });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code } });
  }
});
`;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

/** Writer threads by default: enough syncs in flight for the file system to group them, few enough to stay idle-cheap. */
export const THREADS = 4;

/** One writer thread, started on first use, unref'ed while idle. */
class Thread {
  private worker: Worker | null = null;

  constructor(private readonly nice: number) {}

  private readonly pending = new Map<number, Pending>();
  private next = 0;

  /** Whether its thread runs (so it may hold spares). */
  get started(): boolean {
    return this.worker !== null;
  }

  /** Calls posted and not yet answered. */
  get load(): number {
    return this.pending.size;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(SOURCE, { eval: true, workerData: { nice: this.nice } });
    w.unref(); // an idle writer never keeps the process alive
    w.on('message', (m: { id: number; value?: unknown; error?: { message: string; code?: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      if (m.error) p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else p.resolve(m.value);
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

  call(msg: Record<string, unknown>): Promise<unknown> {
    const w = this.start();
    const id = ++this.next;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref(); // while it works for us, the process waits for its answer
      w.postMessage({ ...msg, id });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

export class CheckpointWriter {
  private readonly threads: Thread[];

  /** `nice`: the threads' nice value (WRITER_NICE; 0 leaves them at the process's priority). */
  constructor(threads = THREADS, nice = WRITER_NICE) {
    this.threads = Array.from({ length: Math.max(1, threads) }, () => new Thread(nice));
  }

  /** The nice value each thread runs at, as the thread itself reads it (starts the threads; tests). */
  priorities(): Promise<number[]> {
    return Promise.all(this.threads.map((t) => t.call({ op: 'priority' }) as Promise<number>));
  }

  /** How many threads write (so how many slices a checkpoint keeps queued: one each, and one more). */
  get size(): number {
    return this.threads.length;
  }

  /** Whether one of the first `threads` threads has nothing to do (so a slice is worth posting before it is full). */
  idle(threads = this.threads.length): boolean {
    for (let k = 0; k < Math.min(threads, this.threads.length); k++) if (this.threads[k].load === 0) return true;
    return false;
  }

  /** Calls posted and not yet answered, per thread (tests and benchmarks). */
  get loads(): number[] {
    return this.threads.map((t) => t.load);
  }

  /**
   * Writes each text to its file (atomic replace; with fsync, the file's data synced), on the least busy of the first
   * `threads` threads (all by default). A text marked in `packed` is UTF-8 bytes already, one character each (the
   * store's records waiting as text): written as they are.
   */
  write(
    files: string[],
    texts: string[],
    fsync: boolean,
    threads = this.threads.length,
    packed?: boolean[],
  ): Promise<void> {
    let t = this.threads[0];
    for (let k = 1; k < Math.min(threads, this.threads.length); k++)
      if (this.threads[k].load < t.load) t = this.threads[k];
    return t.call({ op: 'write', files, texts, fsync, packed }).then(
      () => undefined,
      async (e: unknown) => {
        if (isNoSpace(e)) await this.dropSpares();
        throw e;
      },
    );
  }

  /**
   * Removes every thread's spare files, giving back their disk: up to SPARES files of replaced documents per thread,
   * which nothing needs. Called when a write finds the disk full (here, and by the store when its journal does), so
   * the space they held goes to the journal's writes first; the threads create files again, and keep spares again
   * from the next documents they replace.
   */
  async dropSpares(): Promise<void> {
    await Promise.allSettled(this.threads.filter((t) => t.started).map((t) => t.call({ op: 'drop' })));
  }

  /**
   * Syncs these folders (so the renames into them are durable), shared among the threads. Then the files of the
   * documents those renames replaced, kept as spares by the threads that wrote them, may be written over: each
   * thread's spares linked before this call (`mark`: its messages are handled in order) are released once every
   * folder is synced (and the folder of any such spare's document not among `dirs`, synced by its thread first: a
   * checkpoint that failed before its sync wrote into folders the next one may not).
   */
  async syncDirs(dirs: string[]): Promise<void> {
    const running = this.threads.filter((t) => t.started);
    await Promise.all(running.map((t) => t.call({ op: 'mark' })));
    const n = Math.min(this.threads.length, dirs.length);
    const parts = Array.from({ length: n }, (_, k) => dirs.filter((_, i) => i % n === k));
    const done = await Promise.allSettled(parts.map((p, k) => this.threads[k].call({ op: 'syncDirs', dirs: p })));
    for (const r of done) if (r.status === 'rejected') throw r.reason;
    await Promise.all(running.map((t) => t.call({ op: 'spared', dirs })));
  }

  /** Removes the spare files and stops the threads. */
  async close(): Promise<void> {
    await this.dropSpares();
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
