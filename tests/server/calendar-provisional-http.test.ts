/**
 * Issue 9, first acceptance line: on the system clock at 2026-11-30 (the calendar data ends 2026-12-31), over HTTP,
 * periods reaching 2027 are derived from the statute and marked provisional instead of refused or swallowed.
 * The server runs on its system clock; only `Date` is faked (timers stay real), so "now" is 2026-11-30.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { server, mediationData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T10:00:00+08:00') });
  srv = await server({ controlledClock: false });
});
afterAll(async () => {
  await srv.close();
  vi.useRealTimers();
});

const mediator = { roles: ['mediator'] };
const court = { roles: ['court'] };
const admission = (plannedStart: string) => ({
  itemName: '社区商户消防安全检查(示例)',
  department: '区消防救援大队(示例)',
  assignmentRole: 'lead',
  legalBasis: { document: '某区消防工作方案(示例)', issuerLevel: 'district' },
  funding: { amount: 10000, staff: 0 },
  submittedOn: '2026-11-30',
  plannedStart,
});

describe('system clock on 2026-11-30', () => {
  it('a mediation started now is 201; its 30 days end on 2026-12-30 (official); extending it reaches 2027: provisional', async () => {
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect(c.deadlines).toEqual([
      expect.objectContaining({ name: 'mediationPeriod', dueAt: '2026-12-30T23:59:59+08:00', provisional: false }),
    ]);
    const ext = await srv.api.event(c.id, 'EXTEND_MEDIATION', { consentingParties: ['张三', '李四'] }, mediator);
    expect(ext.status).toBe(200);
    expect(ext.body.deadlines).toEqual([
      expect.objectContaining({
        name: 'mediationPeriod',
        dueAt: '2027-01-29T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2027],
      }),
    ]);
  });

  it('FILED on 2026-11-30 is 200 with a provisional trial deadline (2 months: 2027-01-30 is a Saturday → Mon 02-01)', async () => {
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect((await srv.api.event(c.id, 'MEDIATION_FAILED', { reason: '双方分歧较大(示例)' }, mediator)).status).toBe(
      200,
    );
    const filed = await srv.api.event(c.id, 'FILED', { filedOn: '2026-11-30' }, court);
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body.state).toBe('fastTrackCourt.trial');
    expect(filed.body.deadlines).toEqual([
      expect.objectContaining({
        name: 'trialSmallClaims',
        dueAt: '2027-02-01T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2027],
      }),
    ]);
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body;
    expect(history.at(-1).deadlines).toEqual([
      { name: 'trialSmallClaims', dueAt: '2027-02-01T23:59:59+08:00', provisional: true, provisionalYears: [2027] },
    ]);
  });

  it('a duty-admission request with plannedStart 2027-06-01 goes to review; leadTimeMet says it read 2027 provisionally', async () => {
    const c = await srv.api.start('national', 'duty-admission', admission('2027-06-01'));
    expect(c.state).toBe('review');
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body;
    expect(history[0].rules.find((r: { rule: string }) => r.rule === 'leadTimeMet')).toMatchObject({
      result: true,
      provisional: true,
      provisionalYears: [2027],
    });
  });

  it('the simulation trace marks provisional deadlines and rule results (暂定 in the designer)', async () => {
    const r = await srv.api.post('/api/packs/national/procedures/duty-admission/simulate', {
      data: admission('2027-06-01'),
      at: '2026-11-30T10:00:00+08:00',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body[0].rules.find((x: { rule: string }) => x.rule === 'leadTimeMet')).toMatchObject({
      result: true,
      provisional: true,
      provisionalYears: [2027],
    });
    const m = await srv.api.post('/api/packs/national/procedures/dispute-mediation/simulate', {
      data: mediationData,
      at: '2026-12-15T10:00:00+08:00',
    });
    expect(m.body[0].deadlines).toEqual([
      expect.objectContaining({
        name: 'mediationPeriod',
        dueDate: '2027-01-14',
        provisional: true,
        provisionalYears: [2027],
      }),
    ]);
  });

  it('a mediation started on 2026-12-15 is 201 with a provisional mediationPeriod (2027-01-14)', async () => {
    vi.setSystemTime(new Date('2026-12-15T09:00:00+08:00'));
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect(c.deadlines).toEqual([
      expect.objectContaining({
        name: 'mediationPeriod',
        dueAt: '2027-01-14T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2027],
      }),
    ]);
  });
});
