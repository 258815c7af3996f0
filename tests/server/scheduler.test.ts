/**
 * The scheduler on a running clock, over the store's timer queue (memory and PostgreSQL stores): a deadline fires
 * when it falls due (not before), once, in due order; a failed firing is given back and retried after a back-off;
 * a deadline re-armed many times fires once, at its last due time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../engine';
import { Scheduler } from '../../server/time/scheduler';
import { EmbeddedStore } from '../../server/store/embedded';
import { PgStore } from '../../server/store/postgres';
import { MemoryInstanceStore } from '../../server/store';
import { Registry } from '../../server/registry';
import { summarize } from '../../server/cases/summarize';
import { timerDelta, type Store, type TimerRef } from '../../server/store/seam';
import { newCaseId } from '../../server/util/ids';
import { freshDatabase } from '../support/pg';
import { until } from './helpers';

const clock = { controlled: false as const, now: () => new Date() };
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup) await f().catch(() => undefined);
});

const stores: [string, () => Promise<Store>][] = [
  ['memory', async () => {
    const s = new EmbeddedStore({ kind: 'memory', records: new MemoryInstanceStore(summarize), registry: Registry.inMemory(), versionsDir: null, fsync: false });
    await s.open();
    return s;
  }],
  ['postgres', async () => {
    const db = await freshDatabase('sched');
    const s = new PgStore({ url: db.url, pollMs: 100 });
    await s.open();
    cleanup.push(async () => {
      await s.close();
      await db.drop();
    });
    return s;
  }],
];

function instance(id: string, rev: number, deadlines: { name: string; dueAt: string; overdue?: boolean }[]): Instance {
  return {
    id, pack: 'p', procedure: 'q', version: 1, rev, status: 'active', state: 's', stateValue: 's', data: {}, overdue: false,
    deadlines: deadlines.map((d) => ({ state: 's', dueDate: d.dueAt.slice(0, 10), armedAt: d.dueAt, overdue: false, ...d })),
    createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** Arms (or re-arms) the deadlines of a case: one step. */
async function arm(s: Store, id: string, deadlines: { name: string; dueAt: string }[]): Promise<void> {
  await s.cases.transact(id, async (tx) => {
    const prev = tx.current?.instance ?? null;
    const next = instance(id, (prev?.rev ?? 0) + 1, deadlines);
    await tx.commit({ instance: next, timers: timerDelta(prev, next), outbox: [], history: { seq: next.rev, at: next.updatedAt, type: 'X', from: null, to: 's', rules: [], effects: [] } });
  });
}

/** What the case service does: take the timer in the case's transaction and mark the deadline expired. */
function firer(s: Store, log: (ref: TimerRef) => void) {
  return (ref: TimerRef) => s.cases.transact(ref.caseId, async (tx) => {
    if (!(await tx.takeTimer(ref.name, ref.dueAt))) return false;
    log(ref);
    const prev = tx.current!.instance;
    const next = { ...prev, rev: prev.rev + 1, deadlines: prev.deadlines.map((d) => (d.name === ref.name ? { ...d, overdue: true } : d)) };
    await tx.commit({ instance: next, timers: timerDelta(prev, next), outbox: [], history: { seq: next.rev, at: next.updatedAt, type: 'EXPIRED', from: 's', to: 's', rules: [], effects: [] } });
    return true;
  });
}

describe.each(stores)('scheduler on the system clock (%s store)', (_n, make) => {
  it('fires each deadline when due, not before, once, in due order', async () => {
    const s = await make();
    const fired: [string, string, number][] = [];
    const sch = new Scheduler(s, clock, firer(s, (r) => fired.push([r.caseId, r.name, Date.now()])), () => {}, { owner: 'me' });
    sch.start();
    const a = newCaseId();
    const b = newCaseId();
    const early = inMs(300);
    const late = inMs(600);
    await arm(s, b, [{ name: 'late', dueAt: late }]);
    await arm(s, a, [{ name: 'early', dueAt: early }]);
    await until(() => fired.length >= 2);
    await sleep(100);
    expect(fired.map(([id, n]) => `${id === a ? 'a' : 'b'}:${n}`)).toEqual(['a:early', 'b:late']);
    // never before its due time (however late a loaded machine wakes the timer)
    expect(fired[0][2]).toBeGreaterThanOrEqual(Date.parse(early));
    expect(fired[1][2]).toBeGreaterThanOrEqual(Date.parse(late));
    await sch.stop();
  });

  it('fires at once what is already overdue, and retries a firing that failed after a back-off', async () => {
    const s = await make();
    let attempts = 0;
    const fire = firer(s, () => {});
    const sch = new Scheduler(s, clock, async (ref) => {
      attempts++;
      if (attempts === 1) throw new Error('disk full (simulated)');
      return fire(ref);
    }, () => {}, { owner: 'me' });
    await arm(s, newCaseId(), [{ name: 'd', dueAt: inMs(-1000) }]);
    sch.start();
    await until(() => attempts >= 1);
    await sleep(100); // within the 1 s back-off: no second attempt
    expect(attempts).toBe(1);
    expect(await sch.pending()).toBe(1);
    await until(() => attempts >= 2, 10_000, 'the retry');
    await until(async () => (await sch.pending()) === 0, 5_000, 'the timer to be gone');
    await sch.stop();
  });

  it('fires a deadline re-armed many times once, at its last due time', async () => {
    const s = await make();
    const fired: string[] = [];
    const controlled = { controlled: true as const, now: () => new Date('2025-01-01T00:00:00Z') };
    const sch = new Scheduler(s, controlled, firer(s, (r) => fired.push(`${r.caseId}@${r.dueAt}`)), () => {}, { owner: 'me' });
    const loop = newCaseId();
    const once = newCaseId();
    for (let i = 0; i < 200; i++) await arm(s, loop, [{ name: 'reply', dueAt: new Date(Date.UTC(2025, 1, 1) + i * 60_000).toISOString() }]);
    await arm(s, once, [{ name: 'reply', dueAt: '2025-03-01T00:00:00.000Z' }]);
    expect(await sch.fireDue(new Date('2026-01-01T00:00:00Z'))).toBe(2);
    const lastLoop = new Date(Date.UTC(2025, 1, 1) + 199 * 60_000).toISOString();
    expect(fired.sort()).toEqual([`${loop}@${lastLoop}`, `${once}@2025-03-01T00:00:00.000Z`].sort());
    await sch.stop();
  });
});
