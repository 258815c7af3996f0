/** The in-memory index every store keeps: summaries by id in creation order, business keys. */
import type { CaseSummary } from './types';

export class SummaryIndex {
  private readonly byId = new Map<string, CaseSummary>();
  /** Ids in ascending order (ids sort by creation). */
  private ids: string[] = [];
  private sorted = true;
  private readonly keys = new Map<string, string>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): CaseSummary | undefined {
    return this.byId.get(id);
  }

  set(s: CaseSummary): void {
    if (!this.byId.has(s.id)) {
      const last = this.ids[this.ids.length - 1];
      if (last !== undefined && last > s.id) this.sorted = false;
      this.ids.push(s.id);
    }
    this.byId.set(s.id, s);
    if (s.businessKey) this.keys.set(`${s.pack}\u0000${s.businessKey}`, s.id);
  }

  byBusinessKey(pack: string, key: string): string | undefined {
    return this.keys.get(`${pack}\u0000${key}`);
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
