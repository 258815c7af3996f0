/**
 * Where the server's background workers (the scheduler, the outbox) set their wake-ups: the platform's timers, or —
 * in tests — timers the test runs by hand, so no test of them waits on the wall clock.
 */
export interface WakeTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The platform's timers, unref'd: a pending wake-up does not keep the process alive. */
export const platformTimers: WakeTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
