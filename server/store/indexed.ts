/** What every store answers from its in-memory summaries (listing, business keys, counts). */
import { SummaryIndex } from './summaries';
import type { CaseSummary, SummaryObserver } from './types';

export abstract class IndexedStore {
  protected readonly index = new SummaryIndex();

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

  withBusinessKey(key: string): string[] {
    return this.index.withBusinessKey(key);
  }

  byStartKey(key: string): string | undefined {
    return this.index.byStartKey(key);
  }

  observe(fn: SummaryObserver): void {
    this.index.observe(fn);
  }

  get size(): number {
    return this.index.size;
  }
}
