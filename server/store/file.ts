/**
 * The embedded store: one lowdb document per case under `DATA_DIR/instances/<shard>/<id>.json`, so the cost of an
 * event is one small atomic file write whatever the number of stored cases (lowdb rewrites a whole file on every
 * write; with one file per case that file is the case). Opening reads every record once to build the summaries.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile } from './atomic-file';
import { SummaryIndex } from './summaries';
import type { CaseRecord, CaseSummary, InstanceStore, Summarize } from './types';

const ID = /^[0-9a-z]{8,40}$/;

export interface FileStoreOptions {
  dir: string;
  fsync: boolean;
  summarize: Summarize;
  log?: (msg: string) => void;
}

export class FileInstanceStore implements InstanceStore {
  private readonly index = new SummaryIndex();
  private readonly shards = new Set<string>();
  /** Files that could not be read at open (never deleted: an operator looks at them). */
  readonly unreadable: string[] = [];

  constructor(private readonly opts: FileStoreOptions) {}

  private fileOf(id: string): { shard: string; file: string } {
    const shard = id.slice(-2);
    return { shard, file: join(this.opts.dir, shard, `${id}.json`) };
  }

  private low(id: string): Low<CaseRecord | null> {
    return new Low<CaseRecord | null>(new AtomicJSONFile<CaseRecord | null>(this.fileOf(id).file, this.opts.fsync), null);
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const shards = (await readdir(this.opts.dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const shard of shards) {
      this.shards.add(shard);
      const dir = join(this.opts.dir, shard);
      const names = await readdir(dir);
      // leftovers of writes cut short by a crash: the target file was never replaced, so they hold nothing acknowledged
      await Promise.all(names.filter((n) => n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
      const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((id) => ID.test(id));
      for (let i = 0; i < ids.length; i += 64) {
        await Promise.all(ids.slice(i, i + 64).map(async (id) => {
          try {
            const db = this.low(id);
            await db.read();
            if (db.data) this.index.set(this.opts.summarize(db.data));
          } catch (e) {
            this.unreadable.push(join(dir, `${id}.json`));
            this.opts.log?.(`✗ 无法读取案件文件 / unreadable case file ${join(dir, `${id}.json`)}: ${(e as Error).message}`);
          }
        }));
      }
    }
  }

  async close(): Promise<void> {}

  async get(id: string): Promise<CaseRecord | null> {
    if (!ID.test(id) || !this.index.get(id)) return null;
    const db = this.low(id);
    await db.read();
    return db.data;
  }

  async put(record: CaseRecord): Promise<void> {
    const id = record.instance.id;
    if (!ID.test(id)) throw new Error(`bad instance id ${id}`);
    const { shard } = this.fileOf(id);
    if (!this.shards.has(shard)) {
      await mkdir(join(this.opts.dir, shard), { recursive: true });
      this.shards.add(shard);
    }
    const db = this.low(id);
    db.data = record;
    await db.write();
    this.index.set(this.opts.summarize(record));
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
