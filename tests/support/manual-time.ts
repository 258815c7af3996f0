/**
 * Time moved by hand, for the server's background workers (scheduler, outbox): `timers` is what a worker sets its
 * wake-ups on (server/time/timers.ts); `advanceTo(ms)` moves the faked `Date` forward from `t0`, running each wake-up
 * due on the way at its own instant and waiting (`quiet`) for the worker to finish what it started. The test fakes
 * `Date` alone (`vi.useFakeTimers({ toFake: ['Date'], now: t0 })`): the stores' leases and back-offs are measured in
 * it, while their I/O and PostgreSQL's polling keep the platform's timers.
 */
import { vi } from 'vitest';
import type { WakeTimers } from '../../server/time/timers';

export function manualTime(t0: number) {
  let now = t0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  let seq = 0;
  const timers: WakeTimers = {
    setTimeout: (fn, ms) => {
      queue.set(++seq, { at: now + Math.max(ms, 0), fn });
      return seq;
    },
    clearTimeout: (handle) => void queue.delete(handle as number),
  };
  return {
    timers,
    /** When the next wake-up is set for (ms after t0), or null. */
    next: () => {
      const ats = [...queue.values()].map((t) => t.at);
      return ats.length ? Math.min(...ats) - t0 : null;
    },
    async advanceTo(ms: number, quiet: () => Promise<void>) {
      await quiet();
      for (;;) {
        const due = [...queue.entries()].filter(([, t]) => t.at <= t0 + ms).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        queue.delete(due[0]);
        now = due[1].at;
        vi.setSystemTime(now);
        due[1].fn();
        await quiet();
      }
      now = t0 + ms;
      vi.setSystemTime(now);
      await quiet();
    },
  };
}
