/**
 * The embedded store: one lowdb JSON document per case under `DATA_DIR/instances/<shard>/<id>.json`, plus a shared
 * write-ahead journal (`instances/_journal/`, see journal.ts).
 *
 * A `put` appends the record to the journal (group commit: one sync for all the writes of a moment) and is
 * acknowledged when that reached the operating system (the disk, with fsync). The record then stays in memory as
 * "dirty" until a checkpoint writes it to its document (atomic replace) and deletes the journal files it covers —
 * in the background, when the journal has grown or time has passed, and at close. So an event costs one small
 * append whatever the number of stored cases, and several events on one case between checkpoints cost one
 * document write. Opening reads every document, then replays the journal over them (the later write wins, by
 * the store's own write sequence), then checkpoints.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from './atomic-file';
import { Journal } from './journal';
import { SummaryIndex } from './summaries';
import type { CaseRecord, CaseSummary, InstanceStore, Summarize } from './types';

const ID = /^[0-9a-z]{8,40}$/;
const SHARD = /^[0-9a-z]{2}$/;

export interface FileStoreOptions {
  dir: string;
  fsync: boolean;
  summarize: Summarize;
  log?: (msg: string) => void;
  /** Checkpoint when the current journal file passes this many bytes (default 64 MiB)… */
  checkpointBytes?: number;
  /** …or this long after the first write not yet in the documents (default 60 s). */
  checkpointMs?: number;
  /** How many clean records (as JSON text) to keep in memory for reads (default 5,000). */
  cacheSize?: number;
}

export class FileInstanceStore implements InstanceStore {
  private readonly index = new SummaryIndex();
  private readonly journal: Journal;
  /** Records in the journal but not yet in their documents: id → JSON text. */
  private readonly dirty = new Map<string, string>();
  /** Recently used records that are in their documents (least recently used first). */
  private readonly clean = new Map<string, string>();
  private seq = 0;
  private checkpointing: Promise<void> | null = null;
  /** Puts whose journal line may be written but whose record is not yet marked dirty. */
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  /** Files that could not be read at open (never deleted: an operator looks at them). */
  readonly unreadable: string[] = [];

  /** Journal batches written (one sync each, with fsync), for tests and benchmarks. */
  get journalBatches(): number {
    return this.journal.batches;
  }

  constructor(private readonly opts: FileStoreOptions) {
    this.journal = new Journal(join(opts.dir, '_journal'), opts.fsync);
  }

  private fileOf(id: string): string {
    return join(this.opts.dir, id.slice(-2), `${id}.json`);
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
    for (const shard of readdirSync(this.opts.dir).filter((d) => SHARD.test(d)).sort()) {
      const dir = join(this.opts.dir, shard);
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        // leftovers of writes cut short by a crash: their target was never replaced, they hold nothing acknowledged
        if (name.endsWith('.tmp')) {
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
    // then the journal: every complete line newer than its document
    const journals = this.journal.files();
    let skipped = 0;
    for (const file of journals) {
      for (const line of Journal.lines(file)) {
        let rec: CaseRecord;
        try {
          rec = JSON.parse(line) as CaseRecord;
        } catch {
          skipped++;
          continue;
        }
        const id = rec?.instance?.id;
        if (typeof id !== 'string' || !ID.test(id)) {
          skipped++;
          continue;
        }
        if ((rec.seq ?? 0) > (seqOf.get(id) ?? -1)) {
          take(rec);
          this.dirty.set(id, line);
        }
      }
    }
    if (skipped) this.opts.log?.(`! 日志中 ${skipped} 行无法读取,已跳过 / ${skipped} unreadable journal line(s) skipped`);
    await this.journal.start();
    if (this.dirty.size || journals.length) await this.checkpoint(journals);
  }

  async get(id: string): Promise<CaseRecord | null> {
    if (!ID.test(id) || !this.index.get(id)) return null;
    let text = this.dirty.get(id) ?? this.clean.get(id);
    if (text === undefined) {
      text = await readFile(this.fileOf(id), 'utf8');
      this.remember(id, text);
    } else if (this.clean.has(id)) {
      this.clean.delete(id);
      this.clean.set(id, text);
    }
    return JSON.parse(text) as CaseRecord;
  }

  private remember(id: string, text: string): void {
    this.clean.delete(id);
    this.clean.set(id, text);
    const limit = this.opts.cacheSize ?? 5000;
    while (this.clean.size > limit) this.clean.delete(this.clean.keys().next().value!);
  }

  async put(record: CaseRecord): Promise<void> {
    const id = record.instance.id;
    if (!ID.test(id)) throw new Error(`bad instance id ${id}`);
    const text = JSON.stringify({ ...record, seq: ++this.seq });
    const done = this.journal.append(text).then(() => {
      this.clean.delete(id);
      this.dirty.set(id, text);
      this.index.set(this.opts.summarize(record));
    });
    this.inflight.add(done);
    try {
      await done;
    } finally {
      this.inflight.delete(done);
    }
    if (this.journal.size >= (this.opts.checkpointBytes ?? 64 * 1024 * 1024)) void this.checkpoint();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.checkpoint(), this.opts.checkpointMs ?? 60_000);
      this.timer.unref();
    }
  }

  /**
   * Writes every dirty record to its document (atomically; with fsync, durably, folders included), then deletes the
   * journal files those records came from. Writes made meanwhile go to a new journal file and stay dirty.
   */
  checkpoint(files?: string[]): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.checkpointing = (async () => {
      const covered = files ?? [await this.journal.rotate()];
      // every line of the covered files must be in `dirty` before the files can go
      await Promise.allSettled([...this.inflight]);
      const batch = [...this.dirty];
      const shards = new Set<string>();
      for (let i = 0; i < batch.length; i += 32) {
        await Promise.all(batch.slice(i, i + 32).map(async ([id, text]) => {
          const shard = join(this.opts.dir, id.slice(-2));
          if (!shards.has(shard)) mkdirSync(shard, { recursive: true });
          shards.add(shard);
          await writeAtomic(this.fileOf(id), text, this.opts.fsync, false);
        }));
      }
      if (this.opts.fsync) await Promise.all([...shards].map(syncDir));
      for (const [id, text] of batch) {
        if (this.dirty.get(id) !== text) continue; // written again since: still dirty
        this.dirty.delete(id);
        this.remember(id, text);
      }
      await this.journal.remove(covered);
    })().finally(() => {
      this.checkpointing = null;
    });
    return this.checkpointing;
  }

  async close(): Promise<void> {
    while (this.checkpointing) await this.checkpointing;
    await this.checkpoint();
    await this.journal.close();
    if (this.timer) clearTimeout(this.timer);
  }

  summary(id: string): CaseSummary | undefined {
    return this.index.get(id);
  }

  summaries(): CaseSummary[] {
    return this.index.all();
  }

  summariesAfter(afterId: string | undefined): Iterable<CaseSummary> {
    return this.index.after(afterId);
  }

  byBusinessKey(pack: string, key: string): string | undefined {
    return this.index.byBusinessKey(pack, key);
  }

  get size(): number {
    return this.index.size;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
