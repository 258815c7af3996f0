/**
 * Time: with GONGZHI_CONTROLLED_CLOCK=1 a mediation case left untouched past its 30-day period is in fastTrackCourt
 * right after the clock is moved past the due day; timers fire in due order, once; after a restart, timers that fell
 * due while the server was down fire at start-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, server, tempDir, mediationData, gridData } from './helpers';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('the controlled clock', () => {
  it('moves a mediation case untouched past its 30-day period into fastTrackCourt before PUT replies', async () => {
    const srv = await server({ now: '2025-09-26T10:00:00+08:00' });
    open.push(srv);
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect(c.deadlines[0]).toMatchObject({ name: 'mediationPeriod', dueAt: '2025-10-27T23:59:59+08:00' }); // Art. 85: 10-26 is a Sunday
    expect((await srv.api.clock('2025-10-27T23:00:00+08:00')).body.fired).toBe(0);
    expect((await srv.api.get(`/api/instances/${c.id}`)).body.state).toBe('mediation');
    const moved = await srv.api.clock('2025-10-28T08:00:00+08:00');
    expect(moved.body).toEqual({ now: '2025-10-28T08:00:00+08:00', fired: 1 });
    const after = (await srv.api.get(`/api/instances/${c.id}`)).body;
    expect(after.state).toBe('fastTrackCourt.filing');
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body;
    expect(history.at(-1)).toMatchObject({
      type: 'MEDIATION_EXPIRED',
      from: 'mediation',
      to: 'fastTrackCourt.filing',
      at: '2025-10-27T23:59:59+08:00',
    });
    expect((await srv.api.clock('2025-12-01T00:00:00+08:00')).body.fired).toBe(0);
    expect((await srv.api.get(`/api/instances/${c.id}/history`)).body).toHaveLength(history.length);
  });

  it('fires the due deadlines of many cases in due order, each once', async () => {
    const srv = await server({ now: '2025-09-01T10:00:00+08:00' });
    open.push(srv);
    // created in an order unlike their due order: 30-day mediation periods first, then 5-working-day grid replies
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await srv.api.start('national', 'dispute-mediation', mediationData)).id);
    for (let i = 0; i < 3; i++) {
      const g = await srv.api.start('national', 'grid-event', gridData);
      await srv.api.event(g.id, 'ASSIGN', { unit: '示例单位', designated: false }, { roles: ['dispatcher'] });
      ids.push(g.id);
    }
    const order: string[] = [];
    const fire = srv.deps.cases.expireTimer.bind(srv.deps.cases);
    srv.deps.cases.expireTimer = async (ref) => {
      order.push(ref.dueAt);
      return fire(ref);
    };
    const fired = await srv.api.clock('2025-12-01T00:00:00+08:00');
    expect(fired.body.fired).toBeGreaterThanOrEqual(6);
    expect(order).toEqual([...order].sort());
    expect(order[0] < order[order.length - 1]).toBe(true);
    for (const id of ids) {
      const h = (await srv.api.get(`/api/instances/${id}/history`)).body as { type: string }[];
      const expiries = h.filter((e) => e.type === 'MEDIATION_EXPIRED' || e.type === 'DEADLINE_EXPIRED');
      expect(expiries.length, id).toBeGreaterThanOrEqual(1);
      expect(new Set(expiries.map((e) => JSON.stringify(e))).size).toBe(expiries.length);
    }
  });

  it('is off by default: the clock endpoints answer 404 and deadlines follow the system clock', async () => {
    const srv = await server({ controlledClock: false });
    open.push(srv);
    expect((await srv.api.get('/api/admin/clock')).status).toBe(404);
    expect((await srv.api.clock('2030-01-01T00:00:00Z')).status).toBe(404);
  });
});

describe('a restart', () => {
  it('fires at start-up the deadlines that fell due while the server was down, once', async () => {
    const dataDir = tempDir();
    const first = await server({ dataDir, now: '2025-09-26T10:00:00+08:00' });
    const c = await first.api.start('national', 'dispute-mediation', mediationData);
    await first.close();
    // the clock was persisted; move it on "while the server is down" by starting with a later stored clock
    const store = await openStore(dataDir);
    await store.settings.update('clock', () => new Date('2025-11-01T09:00:00+08:00').toISOString());
    await store.close();
    const second = await server({ dataDir });
    open.push(second);
    const now = (await second.api.get(`/api/instances/${c.id}`)).body;
    expect(now.state).toBe('fastTrackCourt.filing');
    await second.close();
    open.pop();
    const third = await server({ dataDir });
    open.push(third);
    const h = (await third.api.get(`/api/instances/${c.id}/history`)).body as { type: string }[];
    expect(h.filter((e) => e.type === 'MEDIATION_EXPIRED')).toHaveLength(1);
  });

  it('keeps the controlled clock where it was', async () => {
    const dataDir = tempDir();
    const first = await server({ dataDir, now: '2025-09-26T10:00:00+08:00' });
    await first.api.clock('2025-10-01T12:00:00+08:00');
    await first.close();
    const second = await server({ dataDir, now: '2025-01-01T00:00:00+08:00' });
    open.push(second);
    expect((await second.api.get('/api/admin/clock')).body.now).toBe('2025-10-01T12:00:00+08:00');
  });
});
