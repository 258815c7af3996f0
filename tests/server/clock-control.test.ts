/**
 * Moving the controlled clock answers how many deadlines the move fired — also those fired by a run the move's own
 * change notice woke before the clock control's settle began (on PostgreSQL the notice races the settle; here the
 * woken run is started by hand, so the order is certain). It answered 0 for such a deadline before.
 */
import { describe, expect, it } from 'vitest';
import type { Instance } from '../../engine';
import { EmbeddedStore } from '../../server/store/embedded';
import { MemoryInstanceStore } from '../../server/store';
import { Registry } from '../../server/registry';
import { summarize } from '../../server/cases/summarize';
import { timerDelta, type Store } from '../../server/store/seam';
import { ControlledClock } from '../../server/time/clock';
import { ClockControl } from '../../server/time/advance';
import { Scheduler } from '../../server/time/scheduler';

function instance(id: string, rev: number, dueAt: string, overdue = false): Instance {
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
    overdue,
    deadlines: [
      { name: 'd', state: 's', dueDate: dueAt.slice(0, 10), dueAt, armedAt: '2025-01-01T00:00:00.000Z', overdue },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('PUT /api/admin/clock counts what the move fired', () => {
  it('including a deadline fired by a run already under way when the settle starts', async () => {
    const s: Store = new EmbeddedStore({
      kind: 'memory',
      records: new MemoryInstanceStore(summarize),
      registry: Registry.inMemory(),
      versionsDir: null,
      fsync: false,
    });
    await s.open();
    const dueAt = '2025-02-01T00:00:00.000Z';
    await s.cases.transact('c1', async (tx) => {
      const next = instance('c1', 1, dueAt);
      await tx.commit({
        instance: next,
        timers: timerDelta(null, next),
        outbox: [],
        history: { seq: 1, at: next.updatedAt, type: 'X', from: null, to: 's', rules: [], effects: [] },
      });
    });
    const clock = await ControlledClock.open(s, '2025-01-01T00:00:00.000Z');
    const fired: string[] = [];
    const sch = new Scheduler(
      s,
      clock,
      (ref) =>
        s.cases.transact(ref.caseId, async (tx) => {
          if (!(await tx.takeTimer(ref.name, ref.dueAt))) return false;
          fired.push(ref.caseId);
          const prev = tx.current!.instance;
          const next = { ...instance(ref.caseId, prev.rev + 1, dueAt, true) };
          await tx.commit({
            instance: next,
            timers: timerDelta(prev, next),
            outbox: [],
            history: { seq: next.rev, at: next.updatedAt, type: 'EXPIRED', from: 's', to: 's', rules: [], effects: [] },
          });
          return true;
        }),
      () => {},
      { owner: 'me' },
    );
    const control = new ClockControl(clock, sch);
    const to = new Date('2025-03-01T00:00:00.000Z');
    const woken = sch.expireDue(to); // what the move's change notice starts on a store that tells of it at once
    const moved = await control.advance(to);
    await woken;
    expect(fired).toEqual(['c1']);
    expect(moved.fired).toBe(1);
    await sch.stop();
  });
});
