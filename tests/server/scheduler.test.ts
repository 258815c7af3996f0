/**
 * The scheduler on a running clock: a deadline fires when it falls due (not before), once, in due order; a failed
 * firing is retried; stale entries (a deadline re-armed or cancelled since) are skipped by the case service.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../server/time/scheduler';
import type { CaseSummary } from '../../server/store';
import { until } from './helpers';

const clock = { controlled: false as const, now: () => new Date() };
const summary = (id: string, timers: { name: string; dueAt: string }[]): CaseSummary => ({
  id, pack: 'p', procedure: 'q', version: 1, state: 's', status: 'active', overdue: false, everOverdue: false,
  createdAt: '', updatedAt: '', timers, pending: 0,
});
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler on the system clock', () => {
  it('fires each deadline when due, not before, once, in due order', async () => {
    const fired: [string, string, number][] = [];
    const s = new Scheduler(clock, async (id, name) => {
      fired.push([id, name, Date.now()]);
      return true;
    }, () => {});
    const early = inMs(120);
    const late = inMs(300);
    s.track(summary('b', [{ name: 'late', dueAt: late }]));
    s.track(summary('a', [{ name: 'early', dueAt: early }]));
    s.track(summary('a', [{ name: 'early', dueAt: early }])); // tracked twice: still fires once
    await until(() => fired.length >= 2);
    await sleep(100);
    expect(fired.map(([id, n]) => `${id}:${n}`)).toEqual(['a:early', 'b:late']);
    // never before its due time (however late a loaded machine wakes the timer)
    expect(fired[0][2]).toBeGreaterThanOrEqual(Date.parse(early));
    expect(fired[1][2]).toBeGreaterThanOrEqual(Date.parse(late));
    await s.stop();
  });

  it('fires at once what is already overdue, and retries a firing that failed', async () => {
    let attempts = 0;
    const s = new Scheduler(clock, async () => {
      attempts++;
      if (attempts === 1) throw new Error('disk full (simulated)');
      return true;
    }, () => {});
    s.track(summary('x', [{ name: 'd', dueAt: inMs(-1000) }]));
    await until(() => attempts >= 1);
    await sleep(100); // within the 1 s back-off: no second attempt
    expect(attempts).toBe(1);
    expect(s.pending).toBe(1);
    await s.fireDue(new Date());
    expect(attempts).toBe(2);
    expect(s.pending).toBe(0);
    await s.stop();
  });
});

describe('scheduler memory', () => {
  it('drops the entries of deadlines re-armed many times, keeping the live ones', async () => {
    const fired: string[] = [];
    const controlled = { controlled: true as const, now: () => new Date('2025-01-01T00:00:00Z') };
    const s = new Scheduler(controlled, async (id, _name, dueAt) => {
      fired.push(`${id}@${dueAt}`);
      return true;
    }, () => {});
    // one case re-armed 5,000 times (each new due time replaces the last), another armed once
    for (let i = 0; i < 5000; i++) s.track(summary('loop', [{ name: 'reply', dueAt: new Date(Date.UTC(2025, 1, 1) + i * 60_000).toISOString() }]));
    s.track(summary('once', [{ name: 'reply', dueAt: '2025-03-01T00:00:00.000Z' }]));
    expect(s.pending).toBeLessThan(1100);
    await s.fireDue(new Date('2026-01-01T00:00:00Z'));
    const lastLoop = new Date(Date.UTC(2025, 1, 1) + 4999 * 60_000).toISOString();
    expect(fired).toContain(`loop@${lastLoop}`);
    expect(fired).toContain('once@2025-03-01T00:00:00.000Z');
  });
});
