/**
 * The scheduler over the store's timer queue (memory and PostgreSQL stores), on time the test moves by hand: its
 * wake-ups are set on timers the test runs (`manualTime`), and `Date` — which the store's leases and back-offs are
 * measured in — is faked to follow them. A deadline fires when it falls due (not before), once, in due order; a failed
 * firing is given back and tried again only after its back-off (which doubles); re-arming a deadline moves the
 * scheduler's wake-up, later or sooner; a deadline re-armed many times fires once, at its last due time.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Instance } from '../../engine';
import { Scheduler } from '../../server/time/scheduler';
import { timerDelta, type Store, type TimerRef } from '../../server/store/seam';
import { newCaseId } from '../../server/util/ids';
import { testStores } from '../support/stores';
import { manualTime as manualTimeFrom } from '../support/manual-time';

const T0 = Date.parse('2025-06-02T00:00:00.000Z');
const clock = { controlled: false as const, now: () => new Date() };
const at = (ms: number) => new Date(T0 + ms).toISOString();
afterAll(() => close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});
/** Time moved by hand from T0 (tests/support/manual-time.ts): the scheduler's wake-ups, and `Date`. */
const manualTime = () => {
  const t = manualTimeFrom(T0);
  return { ...t, advanceTo: (ms: number, sch: Scheduler) => t.advanceTo(ms, () => sch.idle()) };
};

const { stores, close } = testStores({ prefix: 'sched' });

function instance(id: string, rev: number, deadlines: { name: string; dueAt: string; overdue?: boolean }[]): Instance {
  return {
    id,
    pack: 'p',
    procedure: 'q',
    version: 1,
    rev,
    status: 'active',
    state: 's',
    stateValue: 's',
    data: {},
    overdue: false,
    deadlines: deadlines.map((d) => ({
      state: 's',
      dueDate: d.dueAt.slice(0, 10),
      armedAt: d.dueAt,
      overdue: false,
      ...d,
    })),
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** Arms (or re-arms) the deadlines of a case: one step. */
async function arm(s: Store, id: string, deadlines: { name: string; dueAt: string }[]): Promise<void> {
  await s.cases.transact(id, async (tx) => {
    const prev = tx.current?.instance ?? null;
    const next = instance(id, (prev?.rev ?? 0) + 1, deadlines);
    await tx.commit({
      instance: next,
      timers: timerDelta(prev, next),
      outbox: [],
      history: { seq: next.rev, at: next.updatedAt, type: 'X', from: null, to: 's', rules: [], effects: [] },
    });
  });
}

/** What the case service does: take the timer in the case's transaction and mark the deadline expired. */
function firer(s: Store, log: (ref: TimerRef) => void) {
  return (ref: TimerRef) =>
    s.cases.transact(ref.caseId, async (tx) => {
      if (!(await tx.takeTimer(ref.name, ref.dueAt))) return false;
      log(ref);
      const prev = tx.current!.instance;
      const next = {
        ...prev,
        rev: prev.rev + 1,
        deadlines: prev.deadlines.map((d) => (d.name === ref.name ? { ...d, overdue: true } : d)),
      };
      await tx.commit({
        instance: next,
        timers: timerDelta(prev, next),
        outbox: [],
        history: { seq: next.rev, at: next.updatedAt, type: 'EXPIRED', from: 's', to: 's', rules: [], effects: [] },
      });
      return true;
    });
}

describe.each(stores)('scheduler on the system clock, time moved by hand (%s store)', (_n, make) => {
  it('fires each deadline when due, not before, once, in due order', async () => {
    const s = await make();
    const time = manualTime();
    const fired: [string, string, number][] = [];
    const sch = new Scheduler(
      s,
      clock,
      firer(s, (r) => fired.push([r.caseId, r.name, Date.now() - T0])),
      () => {},
      { owner: 'me', timers: time.timers },
    );
    const a = newCaseId();
    const b = newCaseId();
    await arm(s, b, [{ name: 'late', dueAt: at(600) }]);
    await arm(s, a, [{ name: 'early', dueAt: at(300) }]);
    sch.start();
    await sch.idle();
    // asleep until just after the earliest due time
    expect(time.next()).toBe(301);
    await time.advanceTo(299, sch);
    // woken early (a change notice, another process's poll), it still fires nothing not yet due
    expect(await sch.expireDue(clock.now())).toBe(0);
    expect(fired).toEqual([]);
    await time.advanceTo(301, sch);
    expect(fired).toEqual([[a, 'early', 301]]);
    expect(time.next()).toBe(601);
    await time.advanceTo(10_000, sch);
    expect(fired).toEqual([
      [a, 'early', 301],
      [b, 'late', 601],
    ]);
    // once: nothing left to fire or to wake up for
    expect(await sch.expireDue(clock.now())).toBe(0);
    expect(await sch.pending()).toBe(0);
    expect(time.next()).toBe(null);
    await sch.stop();
  });

  it('fires at once what is already overdue, and tries a failed firing again only after its back-off, which doubles', async () => {
    const s = await make();
    const time = manualTime();
    const attempts: number[] = [];
    const fire = firer(s, () => {});
    const sch = new Scheduler(
      s,
      clock,
      async (ref) => {
        attempts.push(Date.now() - T0);
        if (attempts.length <= 2) throw new Error('disk full (simulated)');
        return fire(ref);
      },
      () => {},
      { owner: 'me', timers: time.timers },
    );
    await arm(s, newCaseId(), [{ name: 'd', dueAt: at(-1000) }]);
    sch.start();
    await sch.idle();
    expect(attempts).toEqual([0]);
    // within the 1 s back-off: not tried again, even when woken (its lease is held until the back-off ends)
    await time.advanceTo(999, sch);
    expect(await sch.expireDue(clock.now())).toBe(0);
    expect(attempts).toEqual([0]);
    expect(await sch.pending()).toBe(1);
    await time.advanceTo(1100, sch);
    expect(attempts).toHaveLength(2);
    const second = attempts[1];
    expect(second).toBeGreaterThanOrEqual(1000);
    // failed again: 2 s this time
    await time.advanceTo(second + 1999, sch);
    expect(await sch.expireDue(clock.now())).toBe(0);
    expect(attempts).toHaveLength(2);
    await time.advanceTo(second + 2100, sch);
    expect(attempts).toHaveLength(3);
    expect(attempts[2]).toBeGreaterThanOrEqual(second + 2000);
    expect(await sch.pending()).toBe(0);
    expect(time.next()).toBe(null);
    await sch.stop();
  });

  it('follows a re-armed deadline: not at its old due time when moved later, at its new one when moved sooner', async () => {
    const s = await make();
    const time = manualTime();
    const fired: [string, number][] = [];
    const sch = new Scheduler(
      s,
      clock,
      firer(s, (r) => fired.push([r.caseId, Date.now() - T0])),
      () => {},
      { owner: 'me', timers: time.timers },
    );
    const later = newCaseId();
    const sooner = newCaseId();
    await arm(s, later, [{ name: 'reply', dueAt: at(300) }]);
    await arm(s, sooner, [{ name: 'reply', dueAt: at(5_000) }]);
    sch.start();
    await sch.idle();
    expect(time.next()).toBe(301);
    await arm(s, later, [{ name: 'reply', dueAt: at(900) }]);
    await sch.idle();
    await time.advanceTo(600, sch);
    expect(fired).toEqual([]);
    expect(time.next()).toBe(901);
    // a step arms a deadline sooner than the one the scheduler sleeps until: the change notice re-arms its wake-up
    await arm(s, sooner, [{ name: 'reply', dueAt: at(700) }]);
    await sch.idle();
    expect(time.next()).toBe(701);
    await time.advanceTo(10_000, sch);
    expect(fired).toEqual([
      [sooner, 701],
      [later, 901],
    ]);
    await sch.stop();
  });

  it('fires a deadline re-armed many times once, at its last due time', async () => {
    const s = await make();
    const fired: string[] = [];
    const controlled = { controlled: true as const, now: () => new Date('2025-01-01T00:00:00Z') };
    const sch = new Scheduler(
      s,
      controlled,
      firer(s, (r) => fired.push(`${r.caseId}@${r.dueAt}`)),
      () => {},
      { owner: 'me' },
    );
    const loop = newCaseId();
    const once = newCaseId();
    for (let i = 0; i < 200; i++)
      await arm(s, loop, [{ name: 'reply', dueAt: new Date(Date.UTC(2025, 1, 1) + i * 60_000).toISOString() }]);
    await arm(s, once, [{ name: 'reply', dueAt: '2025-03-01T00:00:00.000Z' }]);
    expect(await sch.expireDue(new Date('2026-01-01T00:00:00Z'))).toBe(2);
    const lastLoop = new Date(Date.UTC(2025, 1, 1) + 199 * 60_000).toISOString();
    expect(fired.sort()).toEqual([`${loop}@${lastLoop}`, `${once}@2025-03-01T00:00:00.000Z`].sort());
    await sch.stop();
  });
});
