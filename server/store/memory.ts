/**
 * The in-memory twin of the embedded store, for unit tests and the benchmarks' row without a disk: same interface,
 * nothing on disk. Records are kept as the file store keeps them, frozen (store/lines.ts): no caller can change what
 * is stored, and an event costs the same however long its case's history is. (Kept as JSON text before, every get
 * parsed and every put serialised the whole record, history and all: the benchmark's in-memory row fell from 3,547 to
 * 2,551 requests/s over seven rounds as the histories grew.)
 */
import type { CaseRecord, InstanceStore, Summarize } from './types';
import { IndexedStore } from './indexed';
import { freezeRecord } from './lines';

export class MemoryInstanceStore extends IndexedStore implements InstanceStore {
  private readonly records = new Map<string, CaseRecord>();

  constructor(private readonly summarize: Summarize) {
    super();
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async get(id: string): Promise<CaseRecord | null> {
    return this.records.get(id) ?? null;
  }

  async put(record: CaseRecord): Promise<void> {
    const id = record.instance.id;
    const stored = freezeRecord({ ...record }, this.records.get(id));
    this.records.set(id, stored);
    this.index.set(this.summarize(stored));
  }
}
