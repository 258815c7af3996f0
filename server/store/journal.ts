/**
 * The store's write-ahead journal: one append-only file of JSON lines shared by every case, written with group
 * commit — the lines of all the writes waiting while the previous batch was being written go out in one `writev`
 * and one `fdatasync`, and each write is acknowledged only then. So a durable event costs a share of one sync, not a
 * new file, a rename and two syncs of its own. The case documents are brought up to date later (see file.ts,
 * `checkpoint`), after which the journal files they cover are deleted.
 *
 * Journal files are `<dir>/<n>.log`, numbered upwards; `rotate` closes the current one and starts the next.
 *
 * A batch that fails (a full disk: `writev` may have written some of its lines before failing) is taken back: the
 * file is truncated to where the batch began before any waiter is answered, so no line of a write that was refused
 * stays behind for a restart to replay, and no later line is written after one. If taking back fails too, the
 * journal writes nothing more until it succeeds (each later batch tries again first).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
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

export class Journal {
  private fh: FileHandle | null = null;
  private n = 0;
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  /** Bytes written to the current file. */
  size = 0;
  /** Batches written so far (each one `writev` and, with fsync, one `fdatasync`). */
  batches = 0;
  /** Where the current file must be cut back to before anything else is written (a failed batch began there). */
  private cutAt: number | null = null;
  /**
   * The buffer each batch is encoded into, reused from batch to batch (grown up to REUSED_BYTES when one needs more):
   * a fresh Buffer per batch was a new block of memory outside V8's heap each time, held across the batch's `writev`
   * and `fdatasync` — long enough to outlive young-generation collections, so only a full collection freed it, and
   * that memory's growth is what starts V8's collections flagged "external memory" (bench/PROFILE.md, "Old-generation
   * collections at 300,000 cases"). Only one batch is written at a time, so one buffer serves them all.
   */
  private out: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

  constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  /** The journal files present, oldest first. */
  files(): string[] {
    mkdirSync(this.dir, { recursive: true });
    return readdirSync(this.dir)
      .filter((f) => /^\d+\.log$/.test(f))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => join(this.dir, f));
  }

  /** The complete lines of a journal file; a torn last line (a write cut short, never acknowledged) is left out. */
  static lines(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n');
    return end < 0
      ? []
      : text
          .slice(0, end)
          .split('\n')
          .filter((l) => l.length);
  }

  /** The file appended to now. */
  current(): string {
    return join(this.dir, `${this.n}.log`);
  }

  /** Starts a new journal file after the ones present. */
  async start(): Promise<void> {
    const present = this.files();
    this.n = present.length ? parseInt(present[present.length - 1].split('/').pop()!) + 1 : 1;
    await this.openCurrent();
  }

  private async openCurrent(): Promise<void> {
    this.fh = await this.openFile(this.n);
    this.size = 0;
    this.cutAt = null;
  }

  private async openFile(n: number): Promise<FileHandle> {
    const fh = await open(join(this.dir, `${n}.log`), 'a');
    if (this.fsync) {
      try {
        const d = await open(this.dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      } catch (e) {
        await fh.close();
        throw e;
      }
    }
    return fh;
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
    const fh = this.fh;
    try {
      if (!fh) throw new Error('journal is not open');
      if (this.cutAt !== null) await this.cutBack(fh); // a batch that failed before: its bytes go first
      const start = this.size;
      try {
        // the batch's lines encoded at once, into one buffer, written through libuv's pool: a synchronous write costs
        // the main thread less (a few µs against tens), but it waits on the event loop whenever a checkpoint's
        // writeback fills the disk — up to a second in the checkpoint bench (bench/PROFILE.md, "writevSync")
        let buf = this.encode(batch);
        while (buf.length > 0) {
          const { bytesWritten } = await fh.writev([buf]);
          this.size += bytesWritten;
          buf = buf.subarray(bytesWritten);
        }
        if (this.fsync) await fh.datasync();
      } catch (e) {
        // take the batch back before anyone hears of it: none of its lines may stay for a restart to replay
        this.cutAt = start;
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

  /** Truncates the current file to where a failed batch began (and syncs that), if one did. */
  private async cutBack(fh: FileHandle): Promise<void> {
    if (this.cutAt === null) return;
    await fh.truncate(this.cutAt);
    if (this.fsync) await fh.datasync();
    this.size = this.cutAt;
    this.cutAt = null;
  }

  /** Waits for the writes under way, closes the current file and starts the next; returns the closed file. */
  async rotate(): Promise<string> {
    while (this.flushing) await this.flushing;
    // rotating holds the flush slot, so no batch is written while no file is open
    let closed = '';
    this.flushing = this.next()
      .then((f) => {
        closed = f;
      })
      .finally(() => {
        this.flushing = null;
        this.kick();
      });
    await this.flushing;
    return closed;
  }

  /** Opens the next file, then closes the current one; when the next cannot be opened (a full disk), keeps the current. */
  private async next(): Promise<string> {
    const closed = this.current();
    const nextFile = join(this.dir, `${this.n + 1}.log`);
    const fh = await this.openFile(this.n + 1).catch(async (e) => {
      await rm(nextFile, { force: true }).catch(() => undefined);
      throw e;
    });
    try {
      if (this.fh) await this.cutBack(this.fh); // nothing refused may stay in the file being closed
    } catch (e) {
      await fh.close();
      await rm(nextFile, { force: true }).catch(() => undefined);
      throw e;
    }
    const old = this.fh;
    this.fh = fh;
    this.n++;
    this.size = 0;
    this.cutAt = null;
    await old?.close().catch(() => undefined);
    return closed;
  }

  async remove(files: string[]): Promise<void> {
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }

  async close(): Promise<void> {
    while (this.flushing || this.waiting.length) {
      this.kick();
      await this.flushing;
    }
    await this.fh?.close();
    this.fh = null;
  }
}
