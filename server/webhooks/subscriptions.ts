/**
 * The webhook subscriptions, read from the store and kept in memory: each step reads them to write its outbox rows,
 * so they are reloaded when the store says the registry changed (a subscription made or removed on any process is
 * followed within the store's notice delay) and right after this process changes them.
 */
import type { Store } from '../store/seam';
import type { Webhook } from '../registry';

export class Subscriptions {
  private list: readonly Webhook[] = [];
  private byId = new Map<string, Webhook>();
  private loading: Promise<void> | null = null;
  private again = false;
  private off: (() => void) | null = null;

  constructor(private readonly store: Store) {}

  async open(): Promise<void> {
    await this.reload();
    this.off = this.store.changes.on((t) => {
      if (t === 'registry') void this.reload().catch(() => undefined);
    });
  }

  close(): void {
    this.off?.();
  }

  all(): readonly Webhook[] {
    return this.list;
  }

  get(id: string): Webhook | undefined {
    return this.byId.get(id);
  }

  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        const list = await this.store.webhooks.list();
        this.list = list;
        this.byId = new Map(list.map((w) => [w.id, w]));
      } while (this.again);
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  async create(w: Webhook): Promise<void> {
    await this.store.webhooks.create(w);
    await this.reload();
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.store.webhooks.remove(id);
    await this.reload();
    return removed;
  }
}
