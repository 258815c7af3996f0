/** GET /api/stats from stored cases (counts per state, completion, on-time and satisfaction rates) and GET /api/instances paging. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server, mediationData, gridData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
const dispatcher = { roles: ['dispatcher'] };
const unit = { roles: ['unit'] };

beforeAll(async () => {
  srv = await server({ now: '2025-09-01T09:00:00+08:00' });
  const api = srv.api;
  // grid events: one closed satisfied on time, one closed unsatisfied-then-satisfied, one closed after its reply deadline, one open
  const g1 = await api.start('national', 'grid-event', gridData);
  await api.event(g1.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher);
  await api.event(g1.id, 'REPLY', { result: '已处理(示例)' }, unit);
  await api.event(g1.id, 'RATE', { satisfied: true }, dispatcher);
  const g2 = await api.start('national', 'grid-event', gridData);
  await api.event(g2.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher);
  await api.event(g2.id, 'REPLY', { result: '已处理(示例)' }, unit);
  await api.event(g2.id, 'RATE', { satisfied: false }, dispatcher);
  const g3 = await api.start('national', 'grid-event', gridData);
  await api.event(g3.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher);
  const g4 = await api.start('national', 'grid-event', gridData);
  expect(g4.state).toBe('dispatch');
  await api.clock('2025-09-20T09:00:00+08:00'); // g2's reopened and g3's reply deadlines expire
  await api.event(g3.id, 'REPLY', { result: '已处理(示例)' }, unit);
  await api.event(g3.id, 'RATE', { satisfied: true }, dispatcher);
  // a mediation case in the next month
  await api.clock('2025-10-08T09:00:00+08:00');
  await api.start('national', 'dispute-mediation', mediationData);
});
afterAll(() => srv.close());

describe('GET /api/stats', () => {
  it('counts per state, opened, closed, overdue and the rates for grid events', async () => {
    const s = (await srv.api.get('/api/stats?pack=national&procedure=grid-event')).body;
    expect(s).toMatchObject({
      opened: 4,
      closed: 2,
      active: 2,
      overdue: 1,
      byState: { 'grid-event': { handling: 1, dispatch: 1 } },
      completionRate: 0.5,
      onTimeRate: 0.5,
      rated: 3,
      satisfactionRate: 0.6667,
    });
  });

  it('selects cases by the day they were opened', async () => {
    expect((await srv.api.get('/api/stats?from=2025-10-01&to=2025-10-31')).body).toMatchObject({
      opened: 1,
      closed: 0,
      byState: { 'dispute-mediation': { mediation: 1 } },
      completionRate: 0,
      onTimeRate: null,
      satisfactionRate: null,
    });
    expect((await srv.api.get('/api/stats?to=2025-09-30')).body.opened).toBe(4);
  });
});

describe('GET /api/instances', () => {
  it('filters by procedure, state (a compound state matches its children), status and overdue', async () => {
    const items = (q: string) =>
      srv.api.get(`/api/instances?${q}`).then((r) => r.body.items as { state: string; status: string }[]);
    expect((await items('procedure=grid-event')).length).toBe(4);
    expect((await items('procedure=grid-event&status=done')).map((i) => i.state)).toEqual(['closed', 'closed']);
    expect((await items('overdue=true')).length).toBe(1);
    expect((await items('state=mediation')).length).toBe(1);
  });

  it('pages with a cursor in creation order without repeats or gaps', async () => {
    const all = (await srv.api.get('/api/instances?limit=500')).body.items.map((i: { id: string }) => i.id);
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const r = (await srv.api.get(`/api/instances?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...r.items.map((i: { id: string }) => i.id));
      if (!r.next) break;
      cursor = r.next;
    }
    expect(seen).toEqual(all);
  });
});
