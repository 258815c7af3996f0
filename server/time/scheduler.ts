/**
 * Fires deadlines from the store's timer queue (store/seam.ts). Due deadlines are claimed in batches, earliest
 * first, with a lease, and fired one at a time through the case service, which takes the timer inside the case's
 * transaction — so with several processes on one store each deadline fires once, and one whose process died
 * mid-claim is fired by another when the lease runs out. A firing that fails gives its lease back with a back-off.
 *
 * The scheduler looks at the queue when the store says timers changed (a step armed one; with PostgreSQL also on
 * every poll), and on the system clock also when the next one is due. On the controlled clock, PUT /api/admin/clock
 * calls `fireDue(now)` and waits for every deadline due by then (`settle`).
 */
import type { Store, TimerRef } from '../store/seam';
import type { Clock } from './clock';

/** setTimeout's ceiling is ~24.8 days; wake at least hourly so a changed system time is noticed. */
const MAX_SLEEP_MS = 60 * 60 * 1000;

export interface SchedulerOptions {
  /** This process's name in leases. */
  owner: string;
  /** How long a claim is held before another process may take it over (default 30 s). */
  leaseMs?: number;
  /** Deadlines claimed at once (default 50). */
  batch?: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  /** Deadlines this process has fired since it started (the clock control answers how many a move fired). */
  private firedSoFar = 0;
  private off: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly fire: (ref: TimerRef) => Promise<boolean>,
    private readonly log: (msg: string) => void,
    private readonly o: SchedulerOptions,
  ) {}

  /** Starts following the queue. */
  start(): void {
    this.off = this.store.changes.on((t) => {
      if (t === 'timers' || t === 'clock') this.wake();
    });
    this.wake();
  }

  /** Fires in the background what is due now, then sleeps until the next due time. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.fireDue(this.clock.now()).catch(() => 0).finally(() => void this.arm());
  }

  /** Fires every deadline due by `until` that this process can claim, in due order, including ones armed by these firings. */
  fireDue(until: Date): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).then(async () => {
      let fired = 0;
      for (;;) {
        this.again = false;
        const batch = this.stopped ? [] : await this.store.timers.claimDue(until, { limit: this.o.batch ?? 50, leaseMs: this.o.leaseMs ?? 30_000, owner: this.o.owner });
        if (!batch.length) break;
        for (const ref of batch) {
          if (this.stopped) break;
          try {
            if (await this.fire(ref)) {
              fired++;
              this.firedSoFar++;
            }
            this.failures = 0;
          } catch (e) {
            // given back with a back-off (1 s doubling to 60 s); another claim tries it again then
            this.failures++;
            const retry = Math.min(1000 * 2 ** (this.failures - 1), 60_000);
            this.log(`✗ 期限触发失败 / deadline firing failed ${ref.caseId} ${ref.name}: ${(e as Error).stack ?? e}`);
            await this.store.timers.release(ref, this.o.owner, retry).catch(() => undefined);
            setTimeout(() => this.wake(), retry + 10).unref();
          }
        }
      }
      return fired;
    });
    const guarded = run.finally(() => {
      if (this.running === guarded) this.running = null;
      if (this.again && !this.stopped) this.wake();
    });
    this.running = guarded;
    return run;
  }

  /**
   * Fires what is due by `until`, then waits until no deadline due by then is left — some may be held by another
   * process's lease — for at most `maxMs`. Returns how many this process fired.
   */
  async settle(until: Date, maxMs = 30_000): Promise<number> {
    let fired = await this.fireDue(until);
    const end = Date.now() + maxMs;
    // a firing that failed here is tried again later, not waited for
    while (!this.stopped && !this.failures && (await this.store.timers.counts(until)).due > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      fired += await this.fireDue(until);
    }
    return fired;
  }

  /** How many deadlines this process has fired since it started, by any run (a woken one or a `fireDue`). */
  get firedCount(): number {
    return this.firedSoFar;
  }

  /** How many deadlines are armed (metrics). */
  async pending(): Promise<number> {
    return (await this.store.timers.counts(this.clock.now())).armed;
  }

  private async arm(): Promise<void> {
    if (this.stopped || this.clock.controlled) return;
    const next = await this.store.timers.nextDue().catch(() => null);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (next === null || this.stopped) return;
    const wait = Math.min(Math.max(next - this.clock.now().getTime() + 1, 0), MAX_SLEEP_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, wait);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
