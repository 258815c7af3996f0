/**
 * Moving the controlled clock: forward only, then every deadline due by the new time fires, in due order, before the
 * answer (some perhaps on other processes sharing the store: `settle` waits for them).
 */
import { fail, notFound } from '../errors';
import { KeyedLock } from '../util/keyed-lock';
import { ClockBackwards, ControlledClock, type Clock } from './clock';
import type { Scheduler } from './scheduler';
import { iso } from './iso';

export class ClockControl {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
  ) {}

  private controlled(): ControlledClock {
    if (!(this.clock instanceof ControlledClock)) {
      throw notFound({
        'zh-CN': '受控时钟未开启(GONGZHI_CONTROLLED_CLOCK=1)',
        en: 'the controlled clock is off (GONGZHI_CONTROLLED_CLOCK=1)',
      });
    }
    return this.clock;
  }

  now(): { now: string } {
    return { now: iso(this.controlled().now()) };
  }

  advance(to: Date): Promise<{ now: string; fired: number }> {
    const clock = this.controlled();
    const backwards = (cur: Date) =>
      fail('CLOCK_BACKWARDS', `时钟只能向前拨动(当前 ${iso(cur)})`, `the clock only moves forward (now ${iso(cur)})`, {
        now: iso(cur),
      });
    return this.lock.run('clock', async () => {
      const cur = clock.now();
      if (to < cur) throw backwards(cur);
      // counted from before the move: the move's own notice may wake a run that fires some before settle starts
      const before = this.scheduler.expiredCount;
      try {
        await clock.set(to);
      } catch (e) {
        if (e instanceof ClockBackwards) throw backwards(e.current); // another process moved it further
        throw e;
      }
      await this.scheduler.settle(to);
      return { now: iso(to), fired: this.scheduler.expiredCount - before };
    });
  }
}
