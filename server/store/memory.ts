/** The in-memory twin of the embedded store, for unit tests: same interface, nothing on disk. */
import type { CaseRecord, InstanceStore, Summarize } from './types';
import { IndexedStore } from './indexed';

export class MemoryInstanceStore extends IndexedStore implements InstanceStore {
  private readonly records = new Map<string, string>();

  constructor(private readonly summarize: Summarize) {
    super();
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async get(id: string): Promise<CaseRecord | null> {
    const text = this.records.get(id);
    return text === undefined ? null : (JSON.parse(text) as CaseRecord);
  }

  async put(record: CaseRecord): Promise<void> {
    // stored as text, like the file store, so callers can never mutate what is stored
    this.records.set(record.instance.id, JSON.stringify(record));
    this.index.set(this.summarize(record));
  }
}
