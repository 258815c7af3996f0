/**
 * Issue 9, running cases follow the notice. With a copy of the packs lacking calendar-2026.json, cases started in
 * December 2025 get provisional deadlines in 2026; loading the official 2026 notice text through the API moves a
 * 2-month period filed on 2025-12-20 from Fri 2026-02-20 (provisional) to 2026-02-24 (the Spring Festival holiday runs
 * to 02-23), with a history entry naming the notice, a `deadline` webhook and the timer re-armed; the dry run lists the
 * same and changes nothing. A deadline the official data puts in the past fires at once. A restart finds a new data
 * file and brings running cases in line with it.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calendar } from '../../engine';
import type { HttpSender } from '../../server/webhooks/outbox';
import { server, tempDir, until, mediationData, gridData } from './helpers';

const NOTICE_2026 = readFileSync('tests/engine/fixtures/notices/2026.txt', 'utf8');
const SHIPPED_2026 = JSON.parse(readFileSync('configs/packs/national/data/calendar-2026.json', 'utf8'));

function packsWithout2026(): string {
  const dir = tempDir('gongzhi-packs-');
  cpSync('configs/packs', dir, { recursive: true });
  rmSync(join(dir, 'national/data/calendar-2026.json'));
  return dir;
}

function collector(): HttpSender & { got: any[] } {
  const got: any[] = [];
  return {
    got,
    async post(_url, body) {
      got.push(JSON.parse(body));
      return { status: 204 };
    },
  };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const mediator = { roles: ['mediator'] };
const court = { roles: ['court'] };

describe('loading the 2026 notice while cases run on provisional 2026 days', () => {
  it('dry run lists the changes and changes nothing; loading moves 2026-02-20 → 2026-02-24 with history, webhook and timer', async () => {
    const dataDir = tempDir();
    const sender = collector();
    const srv = await server({
      dataDir,
      packsDir: packsWithout2026(),
      now: '2025-12-20T10:00:00+08:00',
      sender,
      webhookRetryBaseMs: 20,
    });
    open.push(srv);
    expect(
      (
        await srv.api.post('/api/webhooks', {
          url: 'https://court.example/hook',
          pack: 'national',
          events: ['deadline'],
          secret: 'secret-示例-1234',
        })
      ).status,
    ).toBe(201);

    const waiting = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect(waiting.deadlines).toEqual([
      expect.objectContaining({
        name: 'mediationPeriod',
        dueAt: '2026-01-19T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2026],
      }),
    ]);
    const filed = await srv.api.start('national', 'dispute-mediation', mediationData);
    await srv.api.event(filed.id, 'MEDIATION_FAILED', { reason: '调解不成(示例)' }, mediator);
    const trial = (await srv.api.event(filed.id, 'FILED', { filedOn: '2025-12-20' }, court)).body;
    expect(trial.deadlines).toEqual([
      expect.objectContaining({
        name: 'trialSmallClaims',
        dueAt: '2026-02-20T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2026],
      }),
    ]);
    const y2026 = (await srv.api.get('/api/packs/national/calendar?year=2026')).body;
    expect(y2026).toMatchObject({ year: 2026, official: false, officialYears: [2025] });
    expect(y2026.holidays.find((h: { date: string }) => h.date === '2026-02-16')).toMatchObject({
      name: '春节',
      provisional: true,
      kind: 'statutory',
    });

    const before = {
      pack: (await srv.api.get('/api/packs/nanchang-county')).body,
      cases: await Promise.all(
        [waiting.id, filed.id].map(async (id) => (await srv.api.get(`/api/instances/${id}`)).body),
      ),
      history: (await srv.api.get(`/api/instances/${filed.id}/history`)).body.length,
    };
    const expected = [
      {
        instance: waiting.id,
        deadline: 'mediationPeriod',
        from: '2026-01-19T23:59:59+08:00',
        to: '2026-01-19T23:59:59+08:00',
        provisional: false,
        overdueNow: false,
      },
      {
        instance: filed.id,
        deadline: 'trialSmallClaims',
        from: '2026-02-20T23:59:59+08:00',
        to: '2026-02-24T23:59:59+08:00',
        provisional: false,
        overdueNow: false,
      },
    ];

    const dry = await srv.api.put('/api/packs/national/calendar/2026?dryRun=1', { notice: NOTICE_2026 });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      year: 2026,
      dryRun: true,
      holidays: SHIPPED_2026.holidays,
      workdays: SHIPPED_2026.workdays,
      source: SHIPPED_2026.source,
    });
    expect(dry.body.recalculated).toEqual(expected.map((e) => expect.objectContaining(e)));
    // nothing changed
    expect((await srv.api.get('/api/packs/nanchang-county')).body).toEqual(before.pack);
    expect(
      await Promise.all([waiting.id, filed.id].map(async (id) => (await srv.api.get(`/api/instances/${id}`)).body)),
    ).toEqual(before.cases);
    expect((await srv.api.get(`/api/instances/${filed.id}/history`)).body).toHaveLength(before.history);
    expect((await srv.api.get('/api/packs/national/calendar?year=2026')).body.official).toBe(false);
    expect(sender.got).toEqual([]);

    const historyBefore = (await srv.api.get(`/api/instances/${filed.id}/history`)).body;
    const put = await srv.api.put('/api/packs/national/calendar/2026', { notice: NOTICE_2026 });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.recalculated).toEqual(dry.body.recalculated);

    const after = (await srv.api.get(`/api/instances/${filed.id}`)).body;
    expect(after.deadlines).toEqual([
      expect.objectContaining({ name: 'trialSmallClaims', dueAt: '2026-02-24T23:59:59+08:00', provisional: false }),
    ]);
    expect(after.rev).toBe(trial.rev + 1);
    expect(after.state).toBe('fastTrackCourt.trial');
    const historyAfter = (await srv.api.get(`/api/instances/${filed.id}/history`)).body;
    // recorded steps (their rule results and provisional marks) are not rewritten: one entry is appended
    expect(historyAfter.slice(0, -1)).toEqual(historyBefore);
    expect(historyBefore.at(-1).deadlines).toEqual([
      { name: 'trialSmallClaims', dueAt: '2026-02-20T23:59:59+08:00', provisional: true, provisionalYears: [2026] },
    ]);
    const last = historyAfter.at(-1);
    expect(last).toMatchObject({
      type: 'DEADLINE_RECALCULATED',
      from: 'fastTrackCourt.trial',
      to: 'fastTrackCourt.trial',
      payload: {
        years: [2026],
        notice: SHIPPED_2026.source,
        changes: [
          {
            deadline: 'trialSmallClaims',
            from: '2026-02-20T23:59:59+08:00',
            to: '2026-02-24T23:59:59+08:00',
            provisional: [],
          },
        ],
      },
      deadlines: [{ name: 'trialSmallClaims', dueAt: '2026-02-24T23:59:59+08:00', provisional: false }],
    });
    // the case only waiting for its mediation period is now official at the same date
    expect((await srv.api.get(`/api/instances/${waiting.id}`)).body.deadlines[0]).toMatchObject({
      dueAt: '2026-01-19T23:59:59+08:00',
      provisional: false,
    });

    const hooks = await until(() => (sender.got.length >= 2 ? sender.got : null), 10_000, 'two deadline webhooks');
    const moved = hooks.find((h) => h.instance.id === filed.id);
    expect(moved).toMatchObject({
      type: 'deadline',
      deadline: {
        name: 'trialSmallClaims',
        change: 'recalculated',
        previousDueAt: '2026-02-20T23:59:59+08:00',
        dueAt: '2026-02-24T23:59:59+08:00',
        provisional: false,
        notice: SHIPPED_2026.source,
      },
    });
    expect(moved.instance.deadlines[0]).toMatchObject({ dueAt: '2026-02-24T23:59:59+08:00', provisional: false });

    const official = (await srv.api.get('/api/packs/national/calendar?year=2026')).body;
    expect(official).toMatchObject({
      official: true,
      source: SHIPPED_2026.source,
      holidays: SHIPPED_2026.holidays,
      workdays: SHIPPED_2026.workdays,
      officialYears: [2025, 2026],
    });
    // a county extending national sees the year as official too
    expect((await srv.api.get('/api/packs/nanchang-county/calendar?year=2026')).body.official).toBe(true);

    // the timer follows: nothing on 02-21 (the old due day has passed), the supervision notice after 02-24
    const historyLength = (await srv.api.get(`/api/instances/${filed.id}/history`)).body.length;
    await srv.api.clock('2026-02-21T12:00:00+08:00');
    expect((await srv.api.get(`/api/instances/${filed.id}/history`)).body).toHaveLength(historyLength);
    await srv.api.clock('2026-02-25T00:00:01+08:00');
    const fired = (await srv.api.get(`/api/instances/${filed.id}/history`)).body;
    expect(fired).toHaveLength(historyLength + 1);
    expect(fired.at(-1)).toMatchObject({ type: 'DEADLINE_EXPIRED', at: '2026-02-24T23:59:59+08:00' });

    // loading the same notice again changes nothing
    expect((await srv.api.put('/api/packs/national/calendar/2026', { notice: NOTICE_2026 })).body.recalculated).toEqual(
      [],
    );
  });

  it('refuses a notice missing a statutory day (422 INVALID_CALENDAR naming the day), a notice of another year, and non-admins', async () => {
    const dataDir = tempDir();
    const srv = await server({ dataDir, packsDir: packsWithout2026(), now: '2025-12-20T10:00:00+08:00' });
    open.push(srv);
    const token = (
      await srv.api.post('/api/admin/tokens', { subject: '设计员(示例)', roles: ['designer'], packs: '*' })
    ).body.token;
    const before = (await srv.api.get('/api/packs/national')).body;
    const noDragonBoat = NOTICE_2026.split('\n')
      .filter((l) => !l.startsWith('五、端午节'))
      .join('\n');
    const r = await srv.api.put('/api/packs/national/calendar/2026', { notice: noDragonBoat });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INVALID_CALENDAR');
    expect(r.body.error.message['zh-CN']).toContain('2026-06-19');
    expect(r.body.error.details).toEqual([
      expect.objectContaining({ code: 'STATUTORY_DAY_MISSING', date: '2026-06-19' }),
    ]);
    expect(r.body.error.details[0].message.en).toContain('statutory day off');
    const wrongYear = await srv.api.put('/api/packs/national/calendar/2027', { notice: NOTICE_2026 });
    expect(wrongYear.status).toBe(422);
    expect(wrongYear.body.error.details[0].code).toBe('YEAR_MISMATCH');
    expect((await srv.api.put('/api/packs/national/calendar/2026', { hello: 1 })).status).toBe(400);
    expect((await srv.api.as(token).put('/api/packs/national/calendar/2026', { notice: NOTICE_2026 })).status).toBe(
      403,
    );
    expect((await srv.api.as(token).get('/api/packs/national/calendar?year=2026')).status).toBe(200);
    expect((await srv.api.get('/api/packs/national/calendar?year=26')).status).toBe(400);
    expect((await srv.api.get('/api/packs/national/calendar?yr=2026')).status).toBe(400);
    expect((await srv.api.get('/api/packs/national/calendar')).body).toMatchObject({ year: 2025, official: true }); // the clock's year
    expect((await srv.api.get('/api/packs/no-such-pack/calendar?year=2026')).status).toBe(404);
    expect((await srv.api.get('/api/packs/national')).body).toEqual(before);
    expect((await srv.api.get('/api/packs/national/calendar?year=2026')).body.official).toBe(false);
  });
});

describe('a deadline the official data puts in the past', () => {
  it('fires at once when the data is loaded (as JSON)', async () => {
    const srv = await server({ now: '2026-12-28T09:00:00+08:00' });
    open.push(srv);
    const g = await srv.api.start('national', 'grid-event', gridData);
    const handling = (
      await srv.api.event(g.id, 'ASSIGN', { unit: '示例单位', designated: false }, { roles: ['dispatcher'] })
    ).body;
    // 5 working days from Mon 12-28: 29, 30, 31, (01-01 元旦, weekend), 01-04, 01-05
    expect(handling.deadlines).toEqual([
      expect.objectContaining({
        name: 'reply',
        dueAt: '2027-01-05T23:59:59+08:00',
        provisional: true,
        provisionalYears: [2027],
      }),
    ]);
    await srv.api.clock('2027-01-05T12:00:00+08:00');
    // test data for 2027 (示例, not a notice): the statute's days, and Saturday 01-02 a make-up working day
    const body = {
      source: { 'zh-CN': '测试数据(示例,非国务院通知)', en: 'test data (sample, not a State Council notice)' },
      holidays: calendar.provisionalHolidays(2027).map((d) => ({ date: d.date, name: d.name })),
      workdays: [{ date: '2027-01-02', name: '元旦调休上班(周六)(示例)' }],
    };
    const put = await srv.api.put('/api/packs/national/calendar/2027', body);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.recalculated).toEqual([
      expect.objectContaining({
        instance: g.id,
        deadline: 'reply',
        from: '2027-01-05T23:59:59+08:00',
        to: '2027-01-04T23:59:59+08:00',
        provisional: false,
        overdueNow: true,
      }),
    ]);
    const after = (await srv.api.get(`/api/instances/${g.id}`)).body;
    expect(after.overdue).toBe(true);
    const history = (await srv.api.get(`/api/instances/${g.id}/history`)).body;
    expect(history.map((h: { type: string }) => h.type).slice(-2)).toEqual([
      'DEADLINE_RECALCULATED',
      'DEADLINE_EXPIRED',
    ]);
  });
});

describe('a pack bundle that brings the year', () => {
  it('imported while running (POST /api/packs): running cases follow it at once', async () => {
    const srv = await server({ packsDir: packsWithout2026(), now: '2025-12-20T10:00:00+08:00' });
    open.push(srv);
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    await srv.api.event(c.id, 'MEDIATION_FAILED', { reason: '调解不成(示例)' }, mediator);
    await srv.api.event(c.id, 'FILED', { filedOn: '2025-12-20' }, court);
    const bundle = (await srv.api.get('/api/packs/national/export')).body;
    bundle.data['calendar-2026'] = SHIPPED_2026;
    expect((await srv.api.post('/api/packs', bundle)).status).toBe(201);
    expect((await srv.api.get(`/api/instances/${c.id}`)).body.deadlines).toEqual([
      expect.objectContaining({ dueAt: '2026-02-24T23:59:59+08:00', provisional: false }),
    ]);
  });
});

describe('a new data file at start-up', () => {
  it('brings running cases in line with it before timers fire', async () => {
    const dataDir = tempDir();
    const packsDir = packsWithout2026();
    let srv = await server({ dataDir, packsDir, now: '2025-12-20T10:00:00+08:00' });
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    await srv.api.event(c.id, 'MEDIATION_FAILED', { reason: '调解不成(示例)' }, mediator);
    await srv.api.event(c.id, 'FILED', { filedOn: '2025-12-20' }, court);
    await srv.close();
    writeFileSync(join(packsDir, 'national/data/calendar-2026.json'), JSON.stringify(SHIPPED_2026, null, 1));
    srv = await server({ dataDir, packsDir });
    open.push(srv);
    const body = (await srv.api.get(`/api/instances/${c.id}`)).body;
    expect(body.deadlines).toEqual([
      expect.objectContaining({ name: 'trialSmallClaims', dueAt: '2026-02-24T23:59:59+08:00', provisional: false }),
    ]);
    const last = (await srv.api.get(`/api/instances/${c.id}/history`)).body.at(-1);
    expect(last).toMatchObject({ type: 'DEADLINE_RECALCULATED', payload: { notice: SHIPPED_2026.source } });
    // and once only: another restart changes nothing
    const rev = body.rev;
    await srv.close();
    open.pop();
    srv = await server({ dataDir, packsDir });
    open.push(srv);
    expect((await srv.api.get(`/api/instances/${c.id}`)).body.rev).toBe(rev);
  });
});
