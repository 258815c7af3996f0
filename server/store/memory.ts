/** The in-memory twin of the embedded store, for unit tests: same interface, nothing on disk. */
import type { CaseRecord, CaseSummary, InstanceStore, Summarize } from './types';
import { SummaryIndex } from './summaries';

export class MemoryInstanceStore implements InstanceStore {
  private readonly records = new Map<string, string>();
  private readonly index = new SummaryIndex();

  constructor(private readonly summarize: Summarize) {}

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
