/**
 * The embedded store: one lowdb JSON document per case under `DATA_DIR/instances/<shard>/<id>.json`, plus a shared
 * write-ahead journal (`instances/_journal/`, see journal.ts).
 *
 * A `put` appends a line to the journal (group commit: one sync for all the writes of a moment) and is acknowledged
 * when that reached the operating system (the disk, with fsync). The line is the change against the case's previous
 * write when the store still holds it (the new history entries, the instance, and outbox/idempotency/satisfaction
 * when they changed), else the whole record. The record then stays in memory, "dirty", until a checkpoint writes it
 * to its document (atomic replace) and deletes the journal files it covers — in the background, when the journal
 * has grown or time has passed, and at close. So an event costs one small append whatever the number of stored
 * cases, and several events on one case between checkpoints cost one document write.
 *
 * Memory: a checkpoint starts when 20,000 records (or 64 Mi characters of them) wait for their documents, and its
 * documents are written by several threads whose syncs the file system groups (checkpoint-writer.ts), faster than a
 * mixed load dirties records. Where the disk is slower than the load all the same, the records waiting are held to a
 * hard bound (twice the trigger): a write then waits for the running checkpoint to write some documents — its
 * acknowledgement is delayed, never refused (`room`) — so memory never grows with the length of a load. Of the records
 * waiting, the 5,000 most recently written are held as objects and the others as their document's text (`Cold`):
 * one string each for the garbage collector to mark instead of hundreds of objects.
 *
 * Records handed out by `get` are frozen (deeply): callers build new records, they never change stored ones.
 * Opening reads every document, replays the journal over them (by the store's write sequence), then checkpoints.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointWriter } from './checkpoint-writer';
import { Journal } from './journal';
import { isNoSpace, StorageFullError } from './errors';
import { IndexedStore } from './indexed';
import type { CaseRecord, InstanceStore, Summarize } from './types';
import { applyLine, freezeRecord, lineOf, type Line } from './lines';
import { deepFreeze } from '../util/freeze';
import { Cold, packText, unpackText } from './cold';

const ID = /^[0-9a-z]{8,40}$/;
const SHARD = /^[0-9a-z]{2}$/;

export interface FileStoreOptions {
  dir: string;
  fsync: boolean;
  summarize: Summarize;
  log?: (msg: string) => void;
  /** Checkpoint when the journal has had this many bytes written since the last checkpoint began (default 64 MiB)… */
  checkpointBytes?: number;
  /** …or this long after the first write not yet in the documents (default 60 s). */
  checkpointMs?: number;
  /** …or when this many records wait for their documents (default 20,000): what bounds the memory dirty records hold… */
  checkpointRecords?: number;
  /**
   * …or when the records waiting weigh this many characters of JSON (default 64 Mi): the same bound for records that
   * grew long (a case's history grows with every event, so a count alone would let memory grow with the load's length).
   */
  checkpointHeldChars?: number;
  /**
   * How many of the records waiting for their documents are held as objects, the most recently written (default
   * 5,000); the others are held as their document's text (`Cold`) until it is written.
   */
  hotRecords?: number;
  /** How many clean records to keep in memory for reads (default 5,000; dirty ones are always kept)… */
  cacheSize?: number;
  /** …and at most this many characters of JSON of them (default 32 Mi). */
  cacheChars?: number;
  /**
   * The hard bound (default 2× `checkpointRecords`): while this many records wait for their documents (or are being
   * written to the journal), a write waits for the running checkpoint to write some — its acknowledgement is delayed,
   * never refused — so memory stays bounded even where the disk writes documents more slowly than the load dirties
   * them…
   */
  holdRecords?: number;
  /** …and the same for their size (default 2× `checkpointHeldChars`). */
  holdChars?: number;
  /** The size of a journal file prepared ahead with zeros, with fsync (default 64 MiB; see journal.ts). */
  journalSegmentBytes?: number;
  /** Threads writing a checkpoint's documents (default 4: their concurrent syncs share the file system's commits). */
  checkpointThreads?: number;
  /** Their nice value (default WRITER_NICE, 19: background priority; 0 keeps the process's; checkpoint-writer.ts). */
  checkpointNice?: number;
  /** Called as a checkpoint's documents are written (records written so far, records to write): tests and benchmarks. */
  onCheckpointProgress?: (written: number, total: number) => void;
}

export class FileInstanceStore extends IndexedStore implements InstanceStore {
  private readonly journal: Journal;
  private readonly writer: CheckpointWriter;
  /**
   * Records whose latest write is in the journal but not yet in their document; always held: as frozen objects the
   * `hotRecords` most recently written, the others as their document's text (`Cold`, made in the background by `cool`,
   * parsed again when read or written).
   */
  private readonly dirty = new Map<string, CaseRecord | Cold>();
  /** The ids of the dirty records held as objects, least recently written (or read back) first. */
  private readonly hot = new Set<string>();
  private cooling = false;
  /** Records that are in their documents, held for reads (frozen), least recently used first; at most `cacheSize`. */
  private readonly clean = new Map<string, CaseRecord>();
  /**
   * The JSON length of each record held (dirty or clean): exact when read from or written to its document, else its
   * previous length plus its journal line (a change line adds about what the record grew by). Summed per map.
   */
  private readonly chars = new Map<string, number>();
  private dirtyChars = 0;
  private cleanChars = 0;
  private seq = 0;
  private checkpointing: Promise<void> | null = null;
  /** A checkpoint failed: the next is tried when the retry timer fires. */
  private retrying = false;
  private timer: NodeJS.Timeout | null = null;
  /** Writes waiting for room (the hard bound), woken as the running checkpoint writes documents. */
  private waiters: (() => void)[] = [];
  /** Writes let through by `room` that have not yet reached the journal (they count towards the bound meanwhile). */
  private admitted = 0;
  /** Writes that waited for room, and how long in all (ms): tests and benchmarks. */
  readonly held_back = { writes: 0, ms: 0 };
  /** Puts whose journal line may be written but whose record is not yet marked dirty. */
  private readonly inflight = new Set<Promise<void>>();
  /** Files that could not be read at open (never deleted: an operator looks at them). */
  readonly unreadable: string[] = [];

  constructor(private readonly opts: FileStoreOptions) {
    super();
    this.journal = new Journal(join(opts.dir, '_journal'), opts.fsync, {
      segmentBytes: opts.journalSegmentBytes,
      onSpareError: (e) =>
        opts.log?.(
          `✗ 无法预备下一个日志文件,日志继续追加写入 / could not prepare the next journal file, the journal appends meanwhile: ${(e as Error).message}`,
        ),
    });
    this.writer = new CheckpointWriter(opts.checkpointThreads, opts.checkpointNice);
  }

  /** Journal batches written (one sync each, with fsync), for tests and benchmarks. */
  get journalBatches(): number {
    return this.journal.batches;
  }

  /** Records held in memory now: those not yet in their documents, and those kept for reads (and their JSON length). */
  get held(): { dirty: number; cold: number; clean: number; dirtyChars: number; cleanChars: number } {
    return {
      dirty: this.dirty.size,
      cold: this.dirty.size - this.hot.size,
      clean: this.clean.size,
      dirtyChars: this.dirtyChars,
      cleanChars: this.cleanChars,
    };
  }

  private fileOf(id: string): string {
    return join(this.opts.dir, id.slice(-2), `${id}.json`);
  }

  private cached(id: string): CaseRecord | undefined {
    const d = this.dirty.get(id);
    if (d !== undefined) return d instanceof Cold ? this.warm(id, d) : d;
    return this.clean.get(id);
  }

  /**
   * A dirty record held as text, parsed and frozen, and held as an object again (the most recently used): the record a
   * caller reads is the one its next write continues, so that write's journal line is the change against it.
   */
  private warm(id: string, cold: Cold): CaseRecord {
    const rec = deepFreeze(JSON.parse(unpackText(cold.bytes)) as CaseRecord);
    this.dirty.set(id, rec);
    this.hot.add(id);
    this.coolLater();
    return rec;
  }

  /** Starts `cool` once more records than `hotRecords` are held as objects. */
  private coolLater(): void {
    if (this.cooling || this.hot.size <= (this.opts.hotRecords ?? HOT_RECORDS)) return;
    this.cooling = true;
    setImmediate(() => this.cool());
  }

  /**
   * Turns the dirty records held as objects longest, beyond `hotRecords`, into their document's text (what the
   * checkpoint writes then, without serialising them again), SLICE_MS of the main thread at a time.
   */
  private cool(): void {
    const limit = this.opts.hotRecords ?? HOT_RECORDS;
    const t0 = performance.now();
    while (this.hot.size > limit && performance.now() - t0 < SLICE_MS) {
      const id: string = this.hot.values().next().value!;
      this.hot.delete(id);
      const rec = this.dirty.get(id);
      if (rec === undefined || rec instanceof Cold) continue;
      const text = JSON.stringify(rec);
      this.dirty.set(id, new Cold(rec.seq, packText(text)));
      this.dirtyChars += text.length - (this.chars.get(id) ?? 0); // now exact
      this.chars.set(id, text.length);
    }
    this.cooling = false;
    this.coolLater();
  }

  async open(): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    const seqOf = new Map<string, number>();
    const take = (rec: CaseRecord) => {
      this.index.set(this.opts.summarize(rec));
      seqOf.set(rec.instance.id, rec.seq ?? 0);
      this.seq = Math.max(this.seq, rec.seq ?? 0);
    };
    // documents, read synchronously: nothing else runs yet, and it is ~3× faster than many async reads
    for (const shard of readdirSync(this.opts.dir)
      .filter((d) => SHARD.test(d))
      .sort()) {
      const dir = join(this.opts.dir, shard);
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        // leftovers of writes cut short by a crash: their target was never replaced, they hold nothing acknowledged;
        // and the checkpoint writer's spares (checkpoint-writer.ts SPARES), other names for files no longer read
        if (name.endsWith('.tmp') || name.endsWith('.spare')) {
          rmSync(file, { force: true });
          continue;
        }
        if (!name.endsWith('.json') || !ID.test(name.slice(0, -5))) continue;
        try {
          take(JSON.parse(readFileSync(file, 'utf8')) as CaseRecord);
        } catch (e) {
          this.unreadable.push(file);
          this.opts.log?.(`✗ 无法读取案件文件 / unreadable case file ${file}: ${(e as Error).message}`);
        }
      }
    }
    // then the journal, in order: every line newer than what the case has so far
    const journals = this.journal.files();
    const replayed = new Map<string, CaseRecord>();
    let skipped = 0;
    for (const file of journals) {
      for (const text of Journal.lines(file)) {
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          skipped++;
          continue;
        }
        const id = 'r' in line ? line.r?.instance?.id : line.id;
        if (typeof id !== 'string' || !ID.test(id)) {
          skipped++;
          continue;
        }
        if (line.seq <= (seqOf.get(id) ?? -1)) continue; // the document has it already
        const base = 'r' in line ? undefined : (replayed.get(id) ?? this.readDocument(id));
        const rec = applyLine(line, base ?? undefined);
        if (!rec) {
          skipped++;
          this.opts.log?.(
            `✗ 日志中案件 ${id} 的第 ${line.seq} 次写入无法接续 / journal write ${line.seq} of ${id} does not follow its previous write`,
          );
          continue;
        }
        replayed.set(id, rec);
        take(rec);
      }
    }
    if (skipped)
      this.opts.log?.(`! 日志中 ${skipped} 行无法读取,已跳过 / ${skipped} unreadable journal line(s) skipped`);
    for (const [id, rec] of replayed) this.markDirty(id, deepFreeze(rec), JSON.stringify(rec).length);
    await this.journal.start();
    if (this.dirty.size || journals.length) {
      // on a full disk the store still opens (reads work, writes answer 507): the journal is kept, tried again later
      await this.checkpoint(journals).catch((e) => {
        if (!isNoSpace(e)) throw e;
        this.opts.log?.(
          `✗ 存储空间已满,检查点稍后重试 / the disk is full: the checkpoint is tried again later (${(e as Error).message})`,
        );
        this.retryLater();
      });
    }
  }

  private readDocument(id: string): CaseRecord | null {
    try {
      return JSON.parse(readFileSync(this.fileOf(id), 'utf8')) as CaseRecord;
    } catch {
      return null;
    }
  }

  async get(id: string): Promise<CaseRecord | null> {
    if (!ID.test(id) || !this.index.get(id)) return null;
    const d = this.dirty.get(id);
    if (d !== undefined) return d instanceof Cold ? this.warm(id, d) : d;
    const hit = this.clean.get(id);
    if (hit) {
      this.clean.delete(id);
      this.clean.set(id, hit);
      return hit;
    }
    const text = readFileSync(this.fileOf(id), 'utf8');
    // read synchronously: a document of a few KB is in the page cache nearly always, and a sync read costs the main
    // thread less than the four thread-pool round trips of an async one (open, fstat, read, close). Above all it
    // keeps the pool free for the journal: under many connections those reads queued there (first in, first out)
    // ahead of the journal's writev and fdatasync, and every event waited behind them.
    const rec = deepFreeze(JSON.parse(text) as CaseRecord);
    this.keepClean(id, rec, text.length);
    return rec;
  }

  /**
   * Holds a record that is in its document, evicting the least recently used beyond `cacheSize` records or
   * `cacheChars` of JSON (O(1) each).
   */
  private keepClean(id: string, rec: CaseRecord, chars: number): void {
    this.dropClean(id);
    this.clean.set(id, rec);
    this.chars.set(id, chars);
    this.cleanChars += chars;
    const limit = this.opts.cacheSize ?? 5000;
    const limitChars = this.opts.cacheChars ?? 32 * 1024 * 1024;
    while (this.clean.size > limit || (this.cleanChars > limitChars && this.clean.size))
      this.dropClean(this.clean.keys().next().value!);
  }

  private dropClean(id: string): void {
    if (!this.clean.delete(id)) return;
    this.cleanChars -= this.chars.get(id) ?? 0;
    this.chars.delete(id);
  }

  /** Holds a record whose latest write is in the journal only (it leaves the read cache if it was there). */
  private markDirty(id: string, rec: CaseRecord, chars: number): void {
    this.dropClean(id);
    if (this.dirty.has(id)) this.dirtyChars -= this.chars.get(id) ?? 0;
    this.dirty.set(id, rec);
    this.hot.delete(id);
    this.hot.add(id);
    this.chars.set(id, chars);
    this.dirtyChars += chars;
    this.coolLater();
  }

  async put(record: CaseRecord): Promise<void> {
    const id = record.instance.id;
    if (!ID.test(id)) throw new Error(`bad instance id ${id}`);
    if (this.waiters.length || this.full()) await this.room().finally(() => this.admitted--);
    const seq = ++this.seq;
    const prev = this.cached(id);
    const line = lineOf(record, prev, seq);
    const stored = freezeRecord({ ...record, seq }, prev);
    const text = JSON.stringify(line);
    const chars = 'r' in line ? text.length : (this.chars.get(id) ?? 0) + text.length;
    const done = this.journal.append(text).then(
      () => {
        this.markDirty(id, stored, chars);
        this.index.set(this.opts.summarize(stored));
      },
      (e: unknown) => {
        // a full disk: the checkpoint writers' spare files (replaced documents) are disk nothing needs
        if (e instanceof StorageFullError) void this.writer.dropSpares();
        throw e;
      },
    );
    this.inflight.add(done);
    try {
      await done;
    } finally {
      this.inflight.delete(done);
      if (this.waiters.length) this.wake(); // counted while in flight: the room it held may be free now
    }
    if (this.retrying) return; // a failed checkpoint is tried again at its time, not at every write
    if (this.due()) this.checkpointLater(0);
    else if (!this.timer && !this.checkpointing) this.checkpointLater(this.opts.checkpointMs ?? 60_000);
  }

  /** Whether a checkpoint is due now: the journal file is large, or too many records (or too much) wait for documents. */
  private due(): boolean {
    return (
      this.journal.size >= (this.opts.checkpointBytes ?? 64 * 1024 * 1024) ||
      this.dirty.size >= (this.opts.checkpointRecords ?? 20_000) ||
      this.dirtyChars >= (this.opts.checkpointHeldChars ?? 64 * 1024 * 1024)
    );
  }

  /**
   * How many writer threads a checkpoint's next slice may use: all of them while it is behind — the records waiting for
   * their documents at or above the trigger (or 20,000, whichever is lower: a store whose triggers are raised, like
   * the stall benchmark's, still catches up at full speed), or writes held back by the bound —, else one. A document
   * costs its writer thread 190–270 µs of CPU, most of it in the kernel (create, write, sync, rename), taken from the
   * same two cores as the requests: one thread spreads a checkpoint that is keeping up over more time at a lower
   * share of the machine. (Two were kept before the journal's prepared segments, for the journal's sync, which waited
   * behind the documents' commits; it no longer does, and one thread gave the events a lower p99 than two in each of
   * three alternating pairs: bench/PROFILE.md, "The final run of this stop".) The full count is for catching up.
   */
  private writerThreads(): number {
    const behind =
      this.waiters.length > 0 ||
      this.dirty.size >= Math.min(this.opts.checkpointRecords ?? DEFAULT_RECORDS, DEFAULT_RECORDS) ||
      this.dirtyChars >= (this.opts.checkpointHeldChars ?? 64 * 1024 * 1024);
    return behind ? this.writer.size : 1;
  }

  /** Whether the records held have reached the hard bound (writes then wait for the checkpoint; see `room`). */
  private full(): boolean {
    const records = this.opts.holdRecords ?? HOLD_FACTOR * (this.opts.checkpointRecords ?? 20_000);
    const chars = this.opts.holdChars ?? HOLD_FACTOR * (this.opts.checkpointHeldChars ?? 64 * 1024 * 1024);
    return this.dirty.size + this.inflight.size + this.admitted >= records || this.dirtyChars >= chars;
  }

  /**
   * Back-pressure: waits, in arrival order, until the records held are below the hard bound, starting a checkpoint if
   * none runs. Woken at each slice of documents written and when a checkpoint ends. A store whose checkpoints fail (a
   * full disk) lets writes through: they fail at the journal, or are its only copy until the retry. A write let
   * through counts as `admitted` until its put has it in flight (the caller decrements it).
   */
  private async room(): Promise<void> {
    const t0 = performance.now();
    let waited = false;
    while (!this.retrying && (this.full() || (!waited && this.waiters.length))) {
      waited = true;
      if (!this.checkpointing && this.full()) this.checkpointLater(0);
      await new Promise<void>((res) => this.waiters.push(res));
    }
    this.admitted++;
    if (waited) {
      this.held_back.writes++;
      this.held_back.ms += performance.now() - t0;
    }
  }

  /** Lets the writes waiting for room check again (in the order they came). */
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const res of w) res();
  }

  /** A background checkpoint; one that fails (a full disk, say) keeps the journal and is tried again later. */
  private checkpointLater(ms: number): void {
    if (this.checkpointing) return; // the running one schedules the next when it ends
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.retrying = false;
      this.checkpoint().catch((e) => {
        this.opts.log?.(
          `✗ 检查点写入失败,日志保留,稍后重试 / checkpoint failed, the journal is kept and it is tried again: ${(e as Error).message}`,
        );
        this.retryLater();
      });
    }, ms);
    this.timer.unref();
  }

  /** After a failed checkpoint: the next one in `checkpointMs`, whatever is written meanwhile. */
  private retryLater(): void {
    this.retrying = true;
    this.checkpointLater(this.opts.checkpointMs ?? 60_000);
    this.wake();
  }

  /**
   * Writes every dirty record to its document (atomically; with fsync, durably, folders included), then deletes the
   * journal files those records came from. Writes made meanwhile go to a new journal file and stay dirty.
   *
   * Incremental: the records are serialised SLICE_MS of the main thread at a time (≈ 50 µs per document of 7 KB: ~20
   * of them), the event loop given back after each turn, so a request waits behind at most about a millisecond of
   * checkpoint work; what was serialised goes to the writer threads in slices of at most SLICE_RECORDS, at once while a
   * thread has nothing to do (one slice queued per thread and one more), so requests never wait behind a long stretch
   * of checkpoint work, on the main thread or in libuv's thread pool. A record leaves the dirty set (and may be
   * evicted) once its document is written; the journal files are deleted only after every document and folder is
   * synced, so a crash at any point replays them.
   */
  /** The checkpoint running now, if one is (settles when it is done); null when none runs. */
  get running(): Promise<void> | null {
    return this.checkpointing;
  }

  checkpoint(files?: string[]): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.checkpointing = (async () => {
      // the files before the current one (a failed checkpoint may have left more than one)
      const covered =
        files ?? (await this.journal.rotate(), this.journal.files().filter((f) => f !== this.journal.current()));
      // every line of the covered files must be in memory, marked dirty, before the files can go
      await Promise.allSettled([...this.inflight]);
      const ids = [...this.dirty.keys()];
      const shards = new Set<string>();
      const queued: Promise<void>[] = [];
      let written = 0;
      try {
        let files: string[] = [];
        let texts: string[] = [];
        let packed: boolean[] = [];
        let recs: [string, CaseRecord | Cold, number][] = [];
        const post = () => {
          const slice = recs;
          queued.push(
            this.writer.write(files, texts, this.opts.fsync, this.writerThreads(), packed).then(() => {
              for (const [id, rec, chars] of slice) {
                // written again since: stays dirty (the same write turned into text, or back, meanwhile: written)
                const now = this.dirty.get(id);
                if (now !== rec && (now?.seq === undefined || now.seq !== rec.seq)) continue;
                this.dirty.delete(id);
                this.hot.delete(id);
                this.dirtyChars -= this.chars.get(id) ?? 0;
                this.chars.delete(id);
                if (now instanceof Cold) continue; // read from its document when next asked for
                this.keepClean(id, now, chars);
              }
              written += slice.length;
              this.wake();
              this.opts.onCheckpointProgress?.(written, ids.length);
            }),
          );
          files = [];
          texts = [];
          packed = [];
          recs = [];
        };
        for (let i = 0; i < ids.length || files.length;) {
          // serialise for at most SLICE_MS of the main thread, then give the event loop back
          const t0 = performance.now();
          while (i < ids.length && files.length < SLICE_RECORDS && performance.now() - t0 < SLICE_MS) {
            const id = ids[i++];
            const rec = this.dirty.get(id);
            if (!rec) continue;
            shards.add(join(this.opts.dir, id.slice(-2)));
            files.push(this.fileOf(id));
            if (rec instanceof Cold) {
              texts.push(rec.bytes);
              packed.push(true);
              recs.push([id, rec, this.chars.get(id) ?? rec.bytes.length]);
            } else {
              const text = JSON.stringify(rec);
              texts.push(text);
              packed.push(false);
              recs.push([id, rec, text.length]);
            }
          }
          // a slice goes to the writers when it is full, at the end, or at once when a thread has nothing queued
          if (
            files.length &&
            (files.length >= SLICE_RECORDS || i >= ids.length || this.writer.idle(this.writerThreads()))
          )
            post();
          // a slice queued for each writer thread and one more keep them busy: beyond that, wait for the oldest; and
          // the next turn of serialising starts after the event loop has taken what arrived meanwhile (its I/O)
          if (queued.length > this.writer.size) await queued.shift();
          await new Promise<void>((res) => setImmediate(res));
        }
        await Promise.all(queued);
      } catch (e) {
        await Promise.allSettled(queued);
        throw e;
      }
      if (this.opts.fsync && shards.size) await this.writer.syncDirs([...shards]);
      await this.journal.remove(covered);
    })().then(
      () => {
        this.checkpointing = null;
        this.retrying = false;
        if (this.due()) this.checkpointLater(0);
        else if (this.dirty.size) this.checkpointLater(this.opts.checkpointMs ?? 60_000);
        this.wake();
      },
      (e: unknown) => {
        this.checkpointing = null;
        this.wake();
        throw e;
      },
    );
    return this.checkpointing;
  }

  async close(): Promise<void> {
    while (this.checkpointing) await this.checkpointing.catch(() => undefined);
    await this.checkpoint();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.journal.close();
    await this.writer.close();
  }
}

/** The default count trigger: records waiting for their documents. */
const DEFAULT_RECORDS = 20_000;
/** Dirty records held as objects (`hotRecords`). */
const HOT_RECORDS = 5_000;

/**
 * The hard bound over the checkpoint's triggers: with the triggers at 20,000 records, a checkpoint starts there and the
 * writes of its length arrive meanwhile; beyond twice as many, writes wait for it (`room`).
 */
const HOLD_FACTOR = 2;

/** A checkpoint slice sent to a writer thread: at most this many records. */
const SLICE_RECORDS = 256;
/**
 * Milliseconds of serialising per turn of the event loop. It was 4: every such turn held the ~20 requests in flight
 * at 20 connections for 4 ms or more (bench/PROFILE.md, "The checkpoint's share of the main thread").
 */
const SLICE_MS = 1;
