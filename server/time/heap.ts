/** A binary min-heap ordered by `at`, then by `key` (so equal due times fire in a stable order). */
export interface HeapItem {
  at: number;
  key: string;
}

export class MinHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Keeps only the items `keep` accepts (rebuilds the heap). */
  retain(keep: (item: T) => boolean): void {
    const items = this.items.filter(keep);
    this.items.length = 0;
    for (const it of items) this.push(it);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  private less(a: T, b: T): boolean {
    return a.at < b.at || (a.at === b.at && a.key < b.key);
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
