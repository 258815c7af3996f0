/** The in-memory index every store keeps: summaries by id in creation order, business keys, keyed starts. */
import type { CaseSummary, SummaryObserver } from './types';

export class SummaryIndex {
  private readonly byId = new Map<string, CaseSummary>();
  /** Ids in ascending order (ids sort by creation). */
  private ids: string[] = [];
  private sorted = true;
  private readonly keys = new Map<string, string>();
  private readonly startKeys = new Map<string, string>();
  /** Business key → the cases of every pack that use it. */
  private readonly keyIds = new Map<string, string[]>();
  private readonly observers: SummaryObserver[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(id: string): CaseSummary | undefined {
    return this.byId.get(id);
  }

  observe(fn: SummaryObserver): void {
    this.observers.push(fn);
  }

  set(s: CaseSummary): void {
    const prev = this.byId.get(s.id);
    if (!prev) {
      const last = this.ids[this.ids.length - 1];
      if (last !== undefined && last > s.id) this.sorted = false;
      this.ids.push(s.id);
    }
    this.byId.set(s.id, s);
    if (s.businessKey && !prev) {
      this.keys.set(`${s.pack}\u0000${s.businessKey}`, s.id);
      const ids = this.keyIds.get(s.businessKey);
      if (ids) ids.push(s.id);
      else this.keyIds.set(s.businessKey, [s.id]);
    }
    if (s.startKey) this.startKeys.set(s.startKey, s.id);
    for (const fn of this.observers) fn(prev, s);
  }

  byBusinessKey(pack: string, key: string): string | undefined {
    return this.keys.get(`${pack}\u0000${key}`);
  }

  /** The cases of every pack with this business key. */
  withBusinessKey(key: string): string[] {
    return this.keyIds.get(key) ?? [];
  }

  /** The case a keyed start created (`<subject>\u0000<Idempotency-Key>`). */
  byStartKey(key: string): string | undefined {
    return this.startKeys.get(key);
  }

  private order(): string[] {
    if (!this.sorted) {
      this.ids.sort();
      this.sorted = true;
    }
    return this.ids;
  }

  all(): CaseSummary[] {
    return this.order().map((id) => this.byId.get(id)!);
  }

  *after(afterId: string | undefined): Iterable<CaseSummary> {
    const ids = this.order();
    let lo = 0;
    if (afterId !== undefined) {
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid] <= afterId) lo = mid + 1;
        else hi = mid;
      }
    }
    for (let i = lo; i < ids.length; i++) yield this.byId.get(ids[i])!;
  }
}
