/**
 * The supervision desk over HTTP (both stores: this suite runs again on PostgreSQL): cases in several packs and
 * procedures moved through a scripted week on the controlled clock, then
 * - GET /api/stats: resolution (化解) and hand-offs to the court (速裁), opened and closed per week, time in state,
 *   the server's today — each worked out by hand below;
 * - GET /api/instances: newest first, nearest deadline first, a window of days opened, business keys by their
 *   beginning, paging by cursor; a cursor of one order refused by another;
 * - GET /api/me: the server clock's time;
 * - the exports: the case list and the figures as .xlsx, opened with exceljs, their cells checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ADMIN, server, mediationData, gridData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
const mediator = { roles: ['mediator'] };
const court = { roles: ['court'] };
const dispatcher = { roles: ['dispatcher'] };
const unit = { roles: ['unit'] };
const ids: Record<string, string> = {};

async function ok(r: Promise<{ status: number; body: { state?: string } }>, state?: string) {
  const x = await r;
  expect(x.status, JSON.stringify(x.body)).toBe(200);
  if (state) expect(x.body.state).toBe(state);
}

beforeAll(async () => {
  srv = await server({ now: '2025-09-22T09:00:00+08:00' }); // a Monday
  const api = srv.api;
  for (const k of ['m1', 'm2', 'm4'])
    ids[k] = (await api.start('national', 'dispute-mediation', mediationData, { businessKey: `NC-${k}` })).id;
  ids.m3 = (
    await api.start('national', 'dispute-mediation', { ...mediationData, criminalRisk: true }, { businessKey: 'NC-m3' })
  ).id;
  for (const k of ['g1', 'g2', 'g3'])
    ids[k] = (await api.start('jiangyin-city', 'grid-event', gridData, { businessKey: `JY-2025-${k}` })).id;
  // Tuesday
  await api.clock('2025-09-23T09:00:00+08:00');
  await ok(
    api.event(ids.m1, 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-23', form: 'written' }, mediator),
    'agreement',
  );
  await ok(api.event(ids.m2, 'MEDIATION_FAILED', { reason: '双方分歧较大(示例)' }, mediator), 'fastTrackCourt.filing');
  await ok(api.event(ids.g1, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher), 'handling');
  await ok(api.event(ids.g3, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher), 'handling');
  // Thursday
  await api.clock('2025-09-25T09:00:00+08:00');
  await ok(api.event(ids.m1, 'PERFORMED', {}, mediator), 'closed');
  await ok(api.event(ids.m2, 'FILED', { filedOn: '2025-09-25' }, court), 'fastTrackCourt.trial');
  await ok(api.event(ids.g3, 'REPLY', { result: '已处理(示例)' }, unit), 'followUp');
  await ok(api.event(ids.g3, 'RATE', { satisfied: true }, dispatcher), 'closed');
  // two weeks later: g1's reply period (3 working days in this pack) has passed
  await api.clock('2025-10-09T09:00:00+08:00');
  await ok(api.event(ids.m2, 'JUDGED', {}, court), 'closed');
});
afterAll(() => srv.close());

describe('GET /api/stats for the desk', () => {
  it('counts resolution and hand-offs of mediation cases (police referrals are not resolved)', async () => {
    const s = (await srv.api.get('/api/stats?pack=national&procedure=dispute-mediation')).body;
    expect(s).toMatchObject({
      opened: 4,
      closed: 3,
      resolved: 2,
      resolutionRate: 0.5,
      handedOff: 1,
      today: '2025-10-09',
    });
    expect(s.byState).toEqual({ 'dispute-mediation': { mediation: 1 } });
  });

  it('gives opened per week by the day opened and closed per week by the day closed', async () => {
    const s = (await srv.api.get('/api/stats')).body;
    expect(s.weekly).toEqual([
      { week: '2025-09-22', opened: 7, closed: 3 },
      { week: '2025-09-29', opened: 0, closed: 0 },
      { week: '2025-10-06', opened: 0, closed: 1 },
    ]);
    const w = (await srv.api.get('/api/stats?from=2025-09-24&to=2025-10-01')).body;
    expect(w.weekly).toEqual([
      { week: '2025-09-22', opened: 0, closed: 2 },
      { week: '2025-09-29', opened: 0, closed: 0 },
    ]);
  });

  it('averages the completed stays in each state, in days', async () => {
    const s = (await srv.api.get('/api/stats')).body;
    expect(s.timeInState).toEqual({
      'dispute-mediation': {
        mediation: { days: 1, n: 2 },
        agreement: { days: 2, n: 1 },
        'fastTrackCourt.filing': { days: 2, n: 1 },
        'fastTrackCourt.trial': { days: 14, n: 1 },
      },
      'grid-event': { dispatch: { days: 1, n: 2 }, handling: { days: 2, n: 1 }, followUp: { days: 0, n: 1 } },
    });
    expect(s).toMatchObject({ overdue: 1, satisfactionRate: 1, rated: 1 });
  });
});

describe('GET /api/instances for the desk', () => {
  const keys = async (q: string) => {
    const r = await srv.api.get(`/api/instances?${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return {
      keys: (r.body.items as { businessKey: string }[]).map((i) => i.businessKey),
      next: r.body.next as string | null,
    };
  };

  it('lists newest first and pages with the cursor of that order', async () => {
    const all = (await keys('sort=-createdAt&limit=50')).keys;
    expect(all).toHaveLength(7);
    expect(all[0]).toBe('JY-2025-g3');
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const p = await keys(`sort=-createdAt&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...p.keys);
      if (!p.next) break;
      cursor = p.next;
    }
    expect(seen).toEqual(all);
    const first = await keys('sort=-createdAt&limit=3');
    const wrong = await srv.api.get(`/api/instances?sort=dueAt&cursor=${first.next}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('BAD_REQUEST');
  });

  it('puts the nearest deadline first, filters by days opened and by the beginning of the business key', async () => {
    // g1's reply deadline (09-25) passed, m4's mediation runs 30 days; g2 waits for dispatch with none
    expect((await keys('sort=dueAt&status=active')).keys).toEqual(['JY-2025-g1', 'NC-m4', 'JY-2025-g2']);
    expect((await keys('businessKeyPrefix=JY-2025-&overdue=true')).keys).toEqual(['JY-2025-g1']);
    expect((await keys('pack=jiangyin-city&from=2025-09-22&to=2025-09-28&overdue=true')).keys).toEqual(['JY-2025-g1']);
    expect((await keys('from=2025-09-23')).keys).toEqual([]);
    expect((await srv.api.get('/api/instances?from=2025-09-30&to=2025-09-01')).status).toBe(400);
  });

  it('tells the server clock on /api/me', async () => {
    expect((await srv.api.get('/api/me')).body.now).toBe('2025-10-09T09:00:00+08:00');
  });
});

async function workbook(path: string): Promise<ExcelJS.Workbook> {
  const r = await fetch(srv.url + path, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('spreadsheetml');
  expect(r.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

const values = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1);

describe('exports', () => {
  it('writes the case list with Chinese headers, titles and the overdue case in red', async () => {
    const wb = await workbook('/api/exports/cases.xlsx?pack=jiangyin-city&procedure=grid-event&sort=-createdAt');
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('案件列表');
    expect(String(values(ws, 2)[0])).toContain('配置包:江苏省江阴市配置包');
    expect(values(ws, 3)).toEqual([
      '业务编号',
      '流程',
      '当前环节',
      '办理状态',
      '期限',
      '到期日',
      '暂定',
      '逾期',
      '立案时间',
      '最近办理',
      '配置包',
      '案件编号',
    ]);
    const rows = [4, 5, 6].map((n) => values(ws, n));
    expect(rows.map((r) => r[0])).toEqual(['JY-2025-g3', 'JY-2025-g2', 'JY-2025-g1']);
    const g1 = rows[2];
    const packs = (await srv.api.get('/api/packs')).body as {
      id: string;
      procedures: { id: string; title: { 'zh-CN': string } }[];
    }[];
    expect(g1[1]).toBe(
      packs.find((p) => p.id === 'jiangyin-city')!.procedures.find((p) => p.id === 'grid-event')!.title['zh-CN'],
    );
    expect(g1[3]).toBe('办理中');
    expect(g1[7]).toBe('是');
    expect(g1[5]).toBe('2025-09-25'); // 3 working days from receipt (this pack's sample period)
    expect(g1[8]).toBe('2025-09-22 09:00');
    expect(g1[11]).toBe(ids.g1);
    expect(ws.getRow(6).font?.color?.argb).toBe('FFCF222E');
    expect(rows[0][3]).toBe('已办结');
    expect(ws.getRow(7).values).toEqual([]);
  });

  it('writes the figures with their definitions, equal to GET /api/stats', async () => {
    const s = (await srv.api.get('/api/stats?pack=national')).body;
    const wb = await workbook('/api/exports/figures.xlsx?pack=national');
    const [main, weeks, states] = wb.worksheets;
    expect(values(main, 3)).toEqual(['指标', '数值', '口径']);
    const byTitle = new Map<string, unknown[]>();
    for (let r = 4; r <= main.rowCount; r++) byTitle.set(String(values(main, r)[0]), values(main, r));
    expect(byTitle.get('立案数')![1]).toBe(s.opened);
    expect(byTitle.get('办结率')![1]).toBe(s.completionRate);
    expect(byTitle.get('化解率')![1]).toBe(0.5);
    expect(byTitle.get('移交速裁')![1]).toBe(1);
    expect(String(byTitle.get('化解率')![2])).toContain('成功化解数 ÷ 立案数');
    expect(main.getRow(4).getCell(2).numFmt ?? '').toBe('');
    expect(values(weeks, 4)).toEqual(['2025-09-22', 4, 2]);
    const rows: unknown[][] = [];
    for (let r = 4; r <= states.rowCount; r++) rows.push(values(states, r));
    expect(rows).toContainEqual([expect.stringMatching(/[\u4e00-\u9fff]/), expect.stringMatching(/速裁/), 0, 14, 1]);
  });

  it('refuses unknown parameters', async () => {
    const r = await srv.api.get('/api/exports/cases.xlsx?color=red');
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('/query/color');
  });
});
