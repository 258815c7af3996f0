/**
 * Fires deadlines from the store. Every armed deadline of every case is in a heap (rebuilt from the stored cases at
 * start, updated after each write); due entries fire in due order, one at a time, each through the case service
 * (which re-checks that the deadline is still armed, so stale heap entries are harmless and nothing fires twice).
 * On the system clock a timer wakes the scheduler at the next due time; on the controlled clock only `fireDue`
 * (called by PUT /api/admin/clock and at start) fires.
 */
import type { CaseSummary } from '../store';
import type { Clock } from './clock';
import { MinHeap, type HeapItem } from './heap';

interface Entry extends HeapItem {
  id: string;
  name: string;
  dueAt: string;
}

/** setTimeout's ceiling is ~24.8 days; wake at least hourly so a changed system time is noticed. */
const MAX_SLEEP_MS = 60 * 60 * 1000;

export class Scheduler {
  private readonly heap = new MinHeap<Entry>();
  private readonly queued = new Set<string>();
  /** Per case, the keys of its deadlines armed now. */
  private readonly live = new Map<string, Set<string>>();
  private liveCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  /** After a failed firing the timer waits (1 s, doubling to 60 s) instead of spinning; explicit fireDue calls do not. */
  private retryAfter = 0;
  private failures = 0;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (id: string, name: string, dueAt: string) => Promise<boolean>,
    private readonly log: (msg: string) => void,
  ) {}

  /** Adds a case's armed deadlines (after a write, or at start); entries of deadlines it no longer has become stale. */
  track(s: CaseSummary): void {
    const live = new Set<string>();
    for (const t of s.timers) {
      const key = `${t.dueAt}\u0000${s.id}\u0000${t.name}`;
      live.add(key);
      if (this.queued.has(key)) continue;
      this.queued.add(key);
      this.heap.push({ at: Date.parse(t.dueAt), key, id: s.id, name: t.name, dueAt: t.dueAt });
    }
    this.liveCount += live.size - (this.live.get(s.id)?.size ?? 0);
    if (live.size) this.live.set(s.id, live);
    else this.live.delete(s.id);
    // stale entries are skipped when due; drop them once they outnumber the live ones
    if (this.heap.size > 2 * this.liveCount + 1000) this.compact();
    if (!this.clock.controlled) this.arm();
  }

  private compact(): void {
    this.heap.retain((e) => this.live.get(e.id)?.has(e.key) ?? false);
    this.queued.clear();
    for (const keys of this.live.values()) for (const k of keys) this.queued.add(k);
  }

  /** Fires every deadline due by `until`, in due order, including ones armed by these firings. */
  fireDue(until: Date): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).then(async () => {
      let fired = 0;
      for (let top = this.heap.peek(); top && top.at <= until.getTime() && !this.stopped; top = this.heap.peek()) {
        this.heap.pop();
        this.queued.delete(top.key);
        try {
          if (await this.fire(top.id, top.name, top.dueAt)) fired++;
          this.failures = 0;
        } catch (e) {
          // keep the entry: it is tried again after a back-off
          this.failures++;
          this.retryAfter = Date.now() + Math.min(1000 * 2 ** (this.failures - 1), 60_000);
          this.log(`✗ 期限触发失败 / deadline firing failed ${top.id} ${top.name}: ${(e as Error).stack ?? e}`);
          this.queued.add(top.key);
          this.heap.push(top);
          break;
        }
      }
      return fired;
    });
    this.running = run.finally(() => {
      if (this.running === guarded) this.running = null;
    });
    const guarded = this.running;
    return run;
  }

  get pending(): number {
    return this.heap.size;
  }

  nextDue(): string | undefined {
    return this.heap.peek()?.dueAt;
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.heap.peek();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!next) return;
    const due = Math.max(next.at - this.clock.now().getTime() + 1, this.retryAfter - Date.now(), 0);
    const wait = Math.min(due, MAX_SLEEP_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fireDue(this.clock.now()).finally(() => this.arm());
    }, wait);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
