/**
 * The store's write-ahead journal: JSON lines shared by every case, written with group commit — the lines of all the
 * writes waiting while the previous batch was being written go out in one synced `writev` (the file is opened
 * `O_DSYNC`; where a platform lacks it, a `writev` and an `fdatasync`), and each write is acknowledged only then.
 * So a durable event costs a share of one sync, not a new file, a rename and two syncs of its own. The case
 * documents are brought up to date later (see file.ts, `checkpoint`), after which the journal files they cover are
 * deleted.
 *
 * Journal files are `<dir>/<n>.log`, numbered upwards; `rotate` closes the current one and starts the next. With fsync,
 * a file is a segment of fixed size (`segmentBytes`, default 64 MiB) filled with zeros and synced before use — the
 * spare, `<dir>/spare.log`, prepared in the background (as `spare.tmp`, renamed once synced) and kept ready — and the
 * batches are written over its zeros at increasing offsets. The point is the sync: a write that appends changes the
 * file's size, so its `fdatasync` must commit ext4's journal transaction, and with it everything a running checkpoint
 * put there (new files, renames and, data=ordered, their data); an overwrite of blocks already allocated and written
 * needs only its data on the disk, so the events' syncs no longer wait behind the checkpoint's documents
 * (bench/fs-write-costs.ts `journal`; bench/PROFILE.md, "The journal's sync behind the checkpoint"). PostgreSQL's
 * WAL segments are made the same way. When no spare is ready (at start, or the disk too full to prepare one), the
 * journal appends as before: to a new file, or past the end of a full segment, and switches to the spare as soon as
 * one is ready. A spare left by a previous run is reused.
 *
 * Reading a file back (`lines`) stops at the first NUL byte, where the zeros not yet written over begin, and leaves out
 * a torn last line (a write cut short, never acknowledged); a file written by appending (older versions, or without
 * a spare) has no zeros and reads as before. JSON text never holds a raw NUL (`JSON.stringify` escapes it).
 *
 * A batch that fails (a full disk: `writev` may have written some of its lines before failing) is taken back before
 * any waiter is answered: its bytes within the segment are written over with zeros again (that needs no new blocks,
 * so it works on a full disk), bytes past the segment's end (or in an appended file) are truncated, and that is
 * synced — no line of a write that was refused stays behind for a restart to replay, and no later line is written
 * after one. If taking back fails too, the journal writes nothing more until it succeeds (each later batch tries
 * again first).
 */
import { constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageFullError, isNoSpace } from './errors';

/** The largest batch encoded into the journal's reused buffer (bytes); a larger one gets a buffer of its own. */
const REUSED_BYTES = 4 * 1024 * 1024;

interface Waiting {
  /** The line, newline included. */
  text: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface JournalOptions {
  /** The size of a journal file prepared ahead (with fsync), in bytes; default 64 MiB. */
  segmentBytes?: number;
  /** Called when a spare could not be prepared (the journal keeps appending meanwhile; nothing is lost). */
  onSpareError?: (e: unknown) => void;
  /**
   * With fsync, open the files `O_DSYNC` (default true, where the platform has it); false: a `writev` then an
   * `fdatasync` per batch, as before (bench/journal-sync.ts measures both).
   */
  dsync?: boolean;
  /**
   * Write a spare's zeros a MiB at a time, each on the disk before the next (default true); false: all of them, then
   * one sync, as before (bench/journal-spare.ts measures both).
   */
  spareChunks?: boolean;
}

const ZEROS = Buffer.alloc(1024 * 1024);
/** `O_DSYNC` where the platform has it, else 0. */
const DSYNC = constants.O_DSYNC ?? 0;

export class Journal {
  private fh: FileHandle | null = null;
  private n = 0;
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  /** Bytes written since the last `rotate` (the checkpoint's trigger), over every file written since. */
  size = 0;
  /** Batches written so far (each one `writev`, synced with fsync). */
  batches = 0;
  /** Where the next batch goes in the current file. */
  private pos = 0;
  /** The bytes of zeros the current file was prepared with (0: a file written by appending). */
  private capacity = 0;
  /** Where the current file must be taken back to before anything else is written (a failed batch began there)… */
  private cutAt: number | null = null;
  /** …and how far that batch may have reached. */
  private cutEnd = 0;
  /** Bytes written since `start`: a spare is prepared only once the journal is used (not for a store opened briefly). */
  private written = 0;
  private readonly segment: number;
  /** A spare (`spare.log`, zeros, synced) is ready to become the next file. */
  private spareReady = false;
  private preparing: Promise<void> | null = null;
  /** Preparing failed (a full disk): tried again at the next `rotate`, not at every batch. */
  private spareFailed = false;
  private closing = false;
  /**
   * The buffer each batch is encoded into, reused from batch to batch (grown up to REUSED_BYTES when one needs more):
   * a fresh Buffer per batch was a new block of memory outside V8's heap each time, held across the batch's `writev`
   * and `fdatasync` — long enough to outlive young-generation collections, so only a full collection freed it, and
   * that memory's growth is what starts V8's collections flagged "external memory" (bench/PROFILE.md, "Old-generation
   * collections at 300,000 cases"). Only one batch is written at a time, so one buffer serves them all.
   */
  private out: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  /** Segments this journal closed, with the bytes written in each: recycled into spares once covered (`remove`). */
  private readonly used = new Map<string, number>();

  /**
   * With fsync, the journal's files are opened `O_DSYNC` where the platform has it: each `writev` returns once its
   * bytes are on the disk (with the file's size, when it grew), as `writev` then `fdatasync` did. That is one job on
   * libuv's pool per batch instead of two, without the hop back to the main thread between them, where the sync
   * waited behind whatever the main thread was running (bench/PROFILE.md, "One job per batch").
   */
  private readonly dsync: number;

  constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
    private readonly opts: JournalOptions = {},
  ) {
    this.segment = opts.segmentBytes ?? 64 * 1024 * 1024;
    this.dsync = fsync && opts.dsync !== false ? DSYNC : 0;
  }

  /** The journal files present, oldest first. */
  files(): string[] {
    mkdirSync(this.dir, { recursive: true });
    return readdirSync(this.dir)
      .filter((f) => /^\d+\.log$/.test(f))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => join(this.dir, f));
  }

  /**
   * The complete lines of a journal file: up to its first NUL byte (the zeros of a prepared file not yet written
   * over), and without a torn last line (a write cut short, never acknowledged).
   */
  static lines(file: string): string[] {
    const buf = readFileSync(file);
    const zero = buf.indexOf(0);
    const text = (zero < 0 ? buf : buf.subarray(0, zero)).toString('utf8');
    const end = text.lastIndexOf('\n');
    return end < 0
      ? []
      : text
          .slice(0, end)
          .split('\n')
          .filter((l) => l.length);
  }

  /** The file written to now. */
  current(): string {
    return join(this.dir, `${this.n}.log`);
  }

  private get spare(): string {
    return join(this.dir, 'spare.log');
  }

  /** Starts a new journal file after the ones present (the spare, if one was left ready). */
  async start(): Promise<void> {
    const present = this.files();
    rmSync(join(this.dir, 'spare.tmp'), { force: true }); // a preparation cut short
    if (existsSync(this.spare)) {
      // renamed to spare.log only once complete and synced: reusable if it has the size asked for
      if (this.fsync && statSync(this.spare).size === this.segment) this.spareReady = true;
      else rmSync(this.spare, { force: true });
    }
    this.n = present.length ? parseInt(present[present.length - 1].split('/').pop()!) + 1 : 1;
    this.fh = await this.openFile(this.n);
    this.cutAt = null;
  }

  /** Opens file `n`: the spare renamed, if one is ready, else a new file appended to; its folder synced (with fsync). */
  private async openFile(n: number): Promise<FileHandle> {
    const file = join(this.dir, `${n}.log`);
    const fromSpare = this.spareReady;
    let fh: FileHandle | null = null;
    try {
      if (fromSpare) {
        this.spareReady = false;
        await rename(this.spare, file);
        fh = await open(file, constants.O_RDWR | this.dsync);
      } else fh = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | this.dsync, 0o666);
      if (this.fsync) await this.syncDir();
    } catch (e) {
      await fh?.close().catch(() => undefined);
      if (fromSpare) await rm(file, { force: true }).catch(() => undefined); // only zeros: nothing written there yet
      throw e;
    }
    this.pos = 0;
    this.capacity = fromSpare ? this.segment : 0;
    this.prepare();
    return fh;
  }

  private async syncDir(): Promise<void> {
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  /**
   * Prepares a new spare in the background, if none is ready or being prepared, the last try did not fail, and one is
   * wanted: the file written to is appended to and the journal has been used (a sixteenth of a segment written since
   * start: not for a store opened briefly), or it is a segment half used (its predecessor, recycled at the end of a
   * checkpoint, is late). Zeros are written through libuv's pool a MiB at a time, each synced (`zeros`), then the
   * file's size is synced and it is renamed to `spare.log`. A failure is reported and the partial file removed; the
   * journal appends meanwhile.
   */
  private prepare(): void {
    if (!this.fsync || this.spareReady || this.preparing || this.spareFailed || this.closing) return;
    if (this.capacity ? this.pos < this.capacity / 2 : this.written < this.segment / 16) return;
    this.preparing = this.makeSpare(async (tmp) => {
      const chunks = this.opts.spareChunks !== false;
      const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (chunks ? DSYNC : 0));
      try {
        await this.zeros(fh, this.segment, false, chunks);
        if (this.closing) throw new Error('closing');
        await fh.sync(); // its size (the data is on the disk already)
      } finally {
        await fh.close();
      }
    });
  }

  /**
   * Writes zeros over the first `bytes` of `fh` (opened with DSYNC; `over`: blocks the file has already) a MiB at a
   * time, each on the disk before the next is written (where DSYNC is missing, each synced). The journal's synced
   * writes go to the same disk, and each waits behind what the disk holds unwritten: written ahead and synced once at
   * the end, a spare's 64 MiB made the batches written meanwhile wait over 60 ms instead of 10–14 (bench/PROFILE.md,
   * "The spare's zeros").
   */
  private async zeros(fh: FileHandle, bytes: number, over: boolean, chunks = true): Promise<void> {
    for (let off = 0; off < bytes && !this.closing;) {
      const n = Math.min(ZEROS.length, bytes - off);
      // `over`: written over blocks the file has (no space taken): `write`, as in cutBack; a new file's take space
      off += (over ? await fh.write(ZEROS, 0, n, off) : await fh.writev([ZEROS.subarray(0, n)], off)).bytesWritten;
      if (chunks && !DSYNC) await fh.datasync();
    }
  }

  /** Makes `spare.tmp` a spare (`fill`), then renames it `spare.log`; on failure removes it and reports. */
  private async makeSpare(fill: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = join(this.dir, 'spare.tmp');
    try {
      await fill(tmp);
      await rename(tmp, this.spare);
      this.spareReady = true;
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      if (!this.closing) {
        this.spareFailed = true;
        this.opts.onSpareError?.(isNoSpace(e) ? new StorageFullError(e) : e);
      }
    } finally {
      this.preparing = null;
    }
  }

  /** Appends one line; resolves once it reached the operating system (and the disk, with fsync). */
  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ text: line + '\n', resolve, reject });
      this.kick();
    });
  }

  /**
   * Starts the next batch if none is being written. When a batch is on the disk, the lines that arrived meanwhile go
   * out at once, and only then are the batch's writers answered: their continuations (the rest of each request, on
   * the main thread) overlap with the next batch's `writev` and `fdatasync` instead of holding it back. Under many
   * connections a batch answers hundreds of requests, whose continuations run back to back; the next sync used to
   * start only after all of them.
   */
  private kick(): void {
    if (this.flushing || !this.waiting.length) return;
    const batch = this.waiting.splice(0);
    this.flushing = this.flush(batch).then((error) => {
      this.flushing = null;
      this.kick();
      for (const w of batch)
        error === null ? w.resolve() : w.reject(isNoSpace(error) ? new StorageFullError(error) : error);
    });
  }

  /** Writes a batch (and syncs it, with fsync); the error that refused it, or null. Answers no waiter. */
  private async flush(batch: Waiting[]): Promise<unknown> {
    try {
      if (!this.fh) throw new Error('journal is not open');
      if (this.cutAt !== null) await this.cutBack(this.fh); // a batch that failed before: its bytes go first
      // the batch's lines encoded at once, into one buffer, written through libuv's pool: a synchronous write costs
      // the main thread less (a few µs against tens), but it waits on the event loop whenever a checkpoint's
      // writeback fills the disk — up to a second in the checkpoint bench (bench/PROFILE.md, "writevSync")
      let buf = this.encode(batch);
      // to the spare when one is ready and this file is appended to, or its zeros cannot hold the batch (without a
      // spare, the batch goes on past the segment's end: appended, as before)
      if (this.spareReady && this.pos > 0 && (this.capacity === 0 || this.pos + buf.length > this.capacity))
        await this.switchFile().catch(() => undefined); // the current file still takes the batch
      const fh = this.fh;
      const start = this.pos;
      try {
        while (buf.length > 0) {
          const { bytesWritten } = await fh.writev([buf], this.pos);
          this.pos += bytesWritten;
          this.size += bytesWritten;
          this.written += bytesWritten;
          buf = buf.subarray(bytesWritten);
        }
        if (this.fsync && !this.dsync) await fh.datasync();
      } catch (e) {
        // take the batch back before anyone hears of it: none of its lines may stay for a restart to replay
        this.cutAt = start;
        this.cutEnd = this.pos + buf.length;
        try {
          await this.cutBack(fh);
        } catch (cut) {
          throw new Error(
            `journal write failed (${(e as Error).message}) and could not be taken back (${(cut as Error).message}); nothing more is written until it is`,
          );
        }
        throw isNoSpace(e) ? new StorageFullError(e) : e;
      }
      this.batches++;
      this.prepare();
      return null;
    } catch (e) {
      return e;
    }
  }

  /**
   * The batch's lines in UTF-8, in `out` (the same bytes as `Buffer.from` of their joined text: each line ends with a
   * newline, so no surrogate pair is split between two). A batch too large for the reused buffer gets one of its own.
   */
  private encode(batch: Waiting[]): Buffer {
    let chars = 0;
    for (const w of batch) chars += w.text.length;
    // a UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4)
    if (3 * chars > REUSED_BYTES) return Buffer.from(batch.map((w) => w.text).join(''));
    if (3 * chars > this.out.length)
      this.out = Buffer.allocUnsafeSlow(Math.min(REUSED_BYTES, Math.max(3 * chars, 2 * this.out.length)));
    let n = 0;
    for (const w of batch) n += this.out.write(w.text, n, 'utf8');
    return this.out.subarray(0, n);
  }

  /**
   * Takes a failed batch back, if there is one: its bytes past the prepared zeros truncated, those within them written
   * over with zeros again; then synced.
   */
  private async cutBack(fh: FileHandle): Promise<void> {
    if (this.cutAt === null) return;
    const at = this.cutAt;
    if (this.cutEnd > this.capacity) await fh.truncate(Math.max(at, this.capacity));
    for (let off = at; off < Math.min(this.cutEnd, this.capacity);) {
      // write, not writev: overwriting allocated blocks takes no space (and the tests' injected ENOSPC spares write)
      const { bytesWritten } = await fh.write(
        ZEROS,
        0,
        Math.min(ZEROS.length, Math.min(this.cutEnd, this.capacity) - off),
        off,
      );
      off += bytesWritten;
    }
    if (this.fsync) await fh.datasync();
    this.size -= this.pos - at;
    this.written -= this.pos - at;
    this.pos = at;
    this.cutAt = null;
  }

  /** Waits for the writes under way, closes the current file and starts the next; returns the closed file. */
  async rotate(): Promise<string> {
    while (this.flushing) await this.flushing;
    // rotating holds the flush slot, so no batch is written while no file is open
    let closed = '';
    this.spareFailed = false; // a spare that could not be prepared is tried again
    this.flushing = this.switchFile()
      .then((f) => {
        closed = f;
        this.size = 0;
      })
      .finally(() => {
        this.flushing = null;
        this.kick();
      });
    await this.flushing;
    return closed;
  }

  /**
   * Opens the next file, then closes the current one; when the next cannot be opened (a full disk), keeps the current.
   * Runs in the flush slot.
   */
  private async switchFile(): Promise<string> {
    const closed = this.current();
    const nextFile = join(this.dir, `${this.n + 1}.log`);
    const pos = this.pos;
    const capacity = this.capacity;
    const fh = await this.openFile(this.n + 1).catch(async (e) => {
      await rm(nextFile, { force: true }).catch(() => undefined);
      throw e;
    });
    const next = { pos: this.pos, capacity: this.capacity };
    // the current file's position and size until it is closed (a failed batch is taken back there first)
    this.pos = pos;
    this.capacity = capacity;
    try {
      if (this.fh) await this.cutBack(this.fh); // nothing refused may stay in the file being closed
    } catch (e) {
      await fh.close();
      await rm(nextFile, { force: true }).catch(() => undefined);
      throw e;
    }
    const old = this.fh;
    if (capacity && this.pos <= capacity) this.used.set(closed, this.pos); // a segment: recycled once covered
    this.fh = fh;
    this.n++;
    this.pos = next.pos;
    this.capacity = next.capacity;
    this.cutAt = null;
    await old?.close().catch(() => undefined);
    return closed;
  }

  /**
   * Deletes journal files a checkpoint covered — except one segment this journal filled, when no spare is ready: that
   * one is recycled into the spare in the background (renamed to `spare.tmp`, the bytes written over with zeros
   * again, synced, renamed to `spare.log`), so the zeros written cost what the journal wrote, not a segment a
   * checkpoint.
   */
  async remove(files: string[]): Promise<void> {
    const reuse =
      this.fsync && !this.spareReady && !this.preparing && !this.closing
        ? files.find((f) => this.used.has(f))
        : undefined;
    await Promise.all(files.filter((f) => f !== reuse).map((f) => rm(f, { force: true })));
    for (const f of files) if (f !== reuse) this.used.delete(f);
    if (reuse) {
      const used = this.used.get(reuse)!;
      this.used.delete(reuse);
      this.preparing = this.makeSpare(async (tmp) => {
        await rename(reuse, tmp);
        const fh = await open(tmp, constants.O_RDWR | DSYNC);
        try {
          await this.zeros(fh, used, true);
          if (this.closing) throw new Error('closing');
          await fh.datasync();
        } finally {
          await fh.close();
        }
      });
    }
  }

  async close(): Promise<void> {
    while (this.flushing || this.waiting.length) {
      this.kick();
      await this.flushing;
    }
    this.closing = true;
    await this.preparing;
    await this.fh?.close();
    this.fh = null;
  }
}
