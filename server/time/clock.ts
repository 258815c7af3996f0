/**
 * The server's clock. The system clock in production; with GONGZHI_CONTROLLED_CLOCK=1 a clock that moves only when
 * told (tests, demos), kept in the registry so a restart resumes at the same instant.
 */
import type { Registry } from '../registry';

export interface Clock {
  readonly controlled: boolean;
  now(): Date;
}

export const systemClock: Clock = { controlled: false, now: () => new Date() };

export class ControlledClock implements Clock {
  readonly controlled = true;
  private current: Date;

  constructor(private readonly registry: Registry, initial?: string) {
    const stored = registry.data.clock?.now;
    this.current = new Date(stored ?? initial ?? Date.now());
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward and persists it (before any timer fires, so a crash then fires them at restart). */
  async set(to: Date): Promise<void> {
    await this.registry.update((reg) => {
      reg.clock = { now: to.toISOString() };
    });
    this.current = new Date(to);
  }
}
