/**
 * The server's clock. The system clock in production; with GONGZHI_CONTROLLED_CLOCK=1 a clock that moves only when
 * told (tests, demos), kept in the store's settings so a restart resumes at the same instant and every process
 * sharing the store follows it (it re-reads the setting when the store says the clock changed).
 */
import type { SettingsStore, Store } from '../store/seam';

export interface Clock {
  readonly controlled: boolean;
  now(): Date;
}

export const systemClock: Clock = { controlled: false, now: () => new Date() };

export class ClockBackwards extends Error {
  constructor(readonly current: Date) {
    super(`the clock only moves forward (now ${current.toISOString()})`);
  }
}

export class ControlledClock implements Clock {
  readonly controlled = true;
  private current: Date;
  private off: (() => void) | null = null;

  private constructor(
    private readonly settings: SettingsStore,
    at: Date,
  ) {
    this.current = at;
  }

  /** The stored instant, else `initial` (stored then), else the system time. */
  static async open(store: Store, initial?: string): Promise<ControlledClock> {
    const stored = await store.settings.get('clock');
    const at = stored ?? new Date(initial ?? Date.now()).toISOString();
    if (!stored) await store.settings.update('clock', (old) => old ?? at);
    const clock = new ControlledClock(store.settings, new Date((await store.settings.get('clock')) ?? at));
    clock.off = store.changes.on((t) => {
      if (t === 'clock') void clock.refresh();
    });
    return clock;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Takes the stored instant (moved by another process). */
  async refresh(): Promise<void> {
    const v = await this.settings.get('clock').catch(() => undefined);
    if (v && Date.parse(v) > this.current.getTime()) this.current = new Date(v);
  }

  /** Moves the clock forward and persists it (before any timer fires, so a crash then fires them at restart). */
  async set(to: Date): Promise<void> {
    const stored = await this.settings.update('clock', (old) => {
      if (old && Date.parse(old) > to.getTime()) throw new ClockBackwards(new Date(old));
      return to.toISOString();
    });
    this.current = new Date(stored);
  }

  close(): void {
    this.off?.();
  }
}
