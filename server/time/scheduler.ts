/**
 * Expires deadlines from the store's timer queue (store/seam.ts). Due timers are claimed in batches, earliest first,
 * with a lease, and expired one at a time through the case service (`expire`), which takes the timer inside the
 * case's transaction — so with several processes on one store each deadline expires once, and one whose process died
 * mid-claim is expired by another when the lease runs out. An expiry that fails gives its lease back with a back-off.
 *
 * The scheduler looks at the queue when the store says timers changed (a step armed one; with PostgreSQL also on
 * every poll), and on the system clock also when the next one is due. On the controlled clock, PUT /api/admin/clock
 * calls `expireDue(now)` and waits for every deadline due by then (`settle`).
 *
 * Its wake-ups (the next due time, a failed firing's back-off) go through `timers`: the platform's by default, timers
 * a test moves by hand otherwise (tests/server/scheduler.test.ts), so no test of it waits on the wall clock.
 */
import type { Store, TimerRef } from '../store/seam';
import type { Clock } from './clock';
import { platformTimers, type WakeTimers } from './timers';

export type { WakeTimers } from './timers';

/** setTimeout's ceiling is ~24.8 days; wake at least hourly so a changed system time is noticed. */
const MAX_SLEEP_MS = 60 * 60 * 1000;

export interface SchedulerOptions {
  /** This process's name in leases. */
  owner: string;
  /** How long a claim is held before another process may take it over (default 30 s). */
  leaseMs?: number;
  /** Deadlines claimed at once (default 50). */
  batch?: number;
  /** Where wake-ups are set (default the platform's timers). */
  timers?: WakeTimers;
}

export class Scheduler {
  private timer: unknown = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  /** Deadlines this process has expired since it started (the clock control answers how many a move expired). */
  private expiredSoFar = 0;
  private off: (() => void) | null = null;
  /** Wake-ups in progress (a firing and the re-arm after it), for `idle()`. */
  private readonly cycles = new Set<Promise<void>>();
  private readonly timers: WakeTimers;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly expire: (ref: TimerRef) => Promise<boolean>,
    private readonly log: (msg: string) => void,
    private readonly o: SchedulerOptions,
  ) {
    this.timers = o.timers ?? platformTimers;
  }

  /** Starts following the queue. */
  start(): void {
    this.off = this.store.changes.on((t) => {
      if (t === 'timers' || t === 'clock') this.wake();
    });
    this.wake();
  }

  /** Expires in the background what is due now, then sleeps until the next due time. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const cycle = this.expireDue(this.clock.now())
      .catch(() => 0)
      .then(() => this.arm());
    this.cycles.add(cycle);
    void cycle.finally(() => this.cycles.delete(cycle));
  }

  /** Resolves when no wake-up is in progress: what was due has been expired and the next wake-up is set. */
  async idle(): Promise<void> {
    while (this.cycles.size) await Promise.allSettled([...this.cycles]);
  }

  /** Expires every deadline due by `until` that this process can claim, in due order, including ones these expiries arm. */
  expireDue(until: Date): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).then(async () => {
      let fired = 0;
      for (;;) {
        this.again = false;
        const batch = this.stopped
          ? []
          : await this.store.timers.claimDue(until, {
              limit: this.o.batch ?? 50,
              leaseMs: this.o.leaseMs ?? 30_000,
              owner: this.o.owner,
            });
        if (!batch.length) break;
        for (const ref of batch) {
          if (this.stopped) break;
          try {
            if (await this.expire(ref)) {
              fired++;
              this.expiredSoFar++;
            }
            this.failures = 0;
          } catch (e) {
            // given back with a back-off (1 s doubling to 60 s); another claim tries it again then
            this.failures++;
            const retry = Math.min(1000 * 2 ** (this.failures - 1), 60_000);
            this.log(`✗ 期限触发失败 / deadline firing failed ${ref.caseId} ${ref.name}: ${(e as Error).stack ?? e}`);
            await this.store.timers.release(ref, this.o.owner, retry).catch(() => undefined);
            this.timers.setTimeout(() => this.wake(), retry + 10);
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
   * Expires what is due by `until`, then waits until no deadline due by then is left — some may be held by another
   * process's lease — for at most `maxMs`. Returns how many this process expired.
   */
  async settle(until: Date, maxMs = 30_000): Promise<number> {
    let fired = await this.expireDue(until);
    const end = Date.now() + maxMs;
    // a firing that failed here is tried again later, not waited for
    while (!this.stopped && !this.failures && (await this.store.timers.counts(until)).due > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      fired += await this.expireDue(until);
    }
    return fired;
  }

  /** How many deadlines this process has expired since it started, by any run (a woken one or an `expireDue`). */
  get expiredCount(): number {
    return this.expiredSoFar;
  }

  /** How many deadlines are armed (metrics). */
  async pending(): Promise<number> {
    return (await this.store.timers.counts(this.clock.now())).armed;
  }

  private async arm(): Promise<void> {
    if (this.stopped || this.clock.controlled) return;
    const next = await this.store.timers.nextDue().catch(() => null);
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (next === null || this.stopped) return;
    const wait = Math.min(Math.max(next - this.clock.now().getTime() + 1, 0), MAX_SLEEP_MS);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.wake();
    }, wait);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    if (this.timer) this.timers.clearTimeout(this.timer);
    await this.running;
    await this.idle();
  }
}
