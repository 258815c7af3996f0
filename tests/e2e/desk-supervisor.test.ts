/**
 * 督办台 as a supervisor uses it (real Chromium, real server, controlled clock): with grid events of jiangyin-city
 * and of national opened last week and this week, some overdue, the supervisor picks the pack, the procedure,
 * 仅逾期 and 本周 from the menus (no id typed anywhere), sees exactly this week's overdue jiangyin events in red,
 * opens one by clicking its row, comes back and exports the list; the .xlsx is opened with exceljs and its cells
 * checked. Then a search by the beginning of a business key, typed in the search box. Then the figures screen: a KPI and a chart's drawn label checked against GET /api/stats for the same scope.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, useHarness, type Harness } from './harness';

const h: Harness = useHarness();

const GRID = (key: string) => ({
  channel: 'grid',
  category: '环境卫生',
  emergency: 'none',
  inLitigationOrPetition: false,
  description: `堆放垃圾(示例 ${key})`,
  location: '某社区(示例)',
  microGrid: { id: '示例-01', households: 80 },
});
const NATIONAL_GRID = {
  channel: 'hotline',
  category: '噪声',
  emergency: 'none',
  inLitigationOrPetition: false,
  description: '施工噪声(示例)',
  location: '某小区(示例)',
};
const DISPATCHER = { subject: '派单员(示例)', roles: ['dispatcher'] };

const ids: Record<string, string> = {};

async function clock(now: string): Promise<void> {
  const r = await h.api('PUT', '/api/admin/clock', { now });
  expect(r.status).toBe(200);
}

async function open(name: string, pack: string, data: unknown, assign: boolean): Promise<void> {
  const r = await h.api<{ id: string }>('POST', '/api/instances', {
    pack,
    procedure: 'grid-event',
    data,
    businessKey: name,
  });
  expect(r.status).toBe(201);
  ids[name] = r.body.id;
  if (assign) {
    const e = await h.api('POST', `/api/instances/${r.body.id}/events`, {
      type: 'ASSIGN',
      payload: { unit: '某中队(示例)', designated: false },
      actor: DISPATCHER,
    });
    expect(e.status).toBe(200);
  }
}

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([h.page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** The rows the list shows once it has loaded. */
async function shownRows(): Promise<string[]> {
  const p = h.page;
  await p.locator('[data-testid=case-table][data-loading=false]').waitFor();
  return p
    .locator('[data-testid=case-row]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance') ?? ''));
}

beforeAll(async () => {
  // last week (Mon 2025-10-13): a jiangyin event (reply due Thu 10-16, 3 working days: this pack's sample) and a national one (5 days: 10-20)
  await clock('2025-10-13T10:00:00+08:00');
  await open('JY-LAST-1', 'jiangyin-city', GRID('last'), true);
  await open('NA-LAST-1', 'national', NATIONAL_GRID, true);
  // this week (Mon 2025-10-20): two jiangyin events assigned (due Thu 10-23), one waiting for dispatch, one replied
  await clock('2025-10-20T10:00:00+08:00');
  await open('JY-WEEK-1', 'jiangyin-city', GRID('w1'), true);
  await open('JY-WEEK-2', 'jiangyin-city', GRID('w2'), true);
  await open('JY-WEEK-3', 'jiangyin-city', GRID('w3'), false);
  await open('JY-WEEK-4', 'jiangyin-city', GRID('w4'), true);
  const reply = await h.api('POST', `/api/instances/${ids['JY-WEEK-4']}/events`, {
    type: 'REPLY',
    payload: { result: '已清运(示例)' },
    actor: { subject: '某中队(示例)', roles: ['unit'] },
  });
  expect(reply.status).toBe(200);
  // Friday 2025-10-24: JY-WEEK-1/2 are overdue (and JY-LAST-1, NA-LAST-1 from last week)
  await clock('2025-10-24T10:00:00+08:00');
  // the deadlines fire in the background after the clock moves: wait for them (a condition, not a sleep of a guessed length)
  for (const name of ['JY-WEEK-1', 'JY-WEEK-2', 'JY-LAST-1', 'NA-LAST-1']) {
    for (
      let until = Date.now() + 20_000;
      !(await h.api<{ overdue: boolean }>('GET', `/api/instances/${ids[name]}`)).body.overdue;
    ) {
      if (Date.now() > until) throw new Error(`${name} never became overdue`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}, 60_000);

describe('a supervisor finds this week’s overdue grid events of jiangyin-city, opens one and exports the list', () => {
  it('filters from the menus only: exactly the two overdue events opened this week, in red', async () => {
    const p = h.page;
    await p.goto(`${h.url}/?token=${ADMIN}`);
    await p.getByTestId('nav-cases').click();
    await p.getByTestId('case-list').waitFor();
    expect(new Set(await shownRows())).toEqual(new Set(Object.values(ids))); // everything, before filtering
    await p.getByTestId('desk-pack').selectOption('jiangyin-city');
    await p.getByTestId('desk-procedure').selectOption('grid-event');
    await p.getByTestId('desk-overdue').selectOption('true');
    expect(new Set(await shownRows())).toEqual(new Set([ids['JY-LAST-1'], ids['JY-WEEK-1'], ids['JY-WEEK-2']]));
    await p.getByTestId('desk-period').selectOption('thisWeek');
    await expect.poll(async () => new Set(await shownRows())).toEqual(new Set([ids['JY-WEEK-1'], ids['JY-WEEK-2']]));
    expect(await p.getByTestId('desk-from').inputValue()).toBe('2025-10-20');
    expect(await p.getByTestId('desk-to').inputValue()).toBe('2025-10-26');
    const rows = p.locator('[data-testid=case-row]');
    for (let i = 0; i < 2; i++) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-overdue')).toBe('true');
      expect(await row.getByTestId('case-overdue').innerText()).toContain('逾期');
      const color = await row.getByTestId('case-overdue').evaluate((el) => getComputedStyle(el).backgroundColor);
      const [r, g, b] = color.match(/\d+/g)!.map(Number);
      expect(r > 150 && g < 80 && b < 80, `overdue mark on red, got ${color}`).toBe(true);
      expect(await row.getByTestId('case-state').innerText()).toBe('联动处置'); // the jiangyin loop's title for handling
      expect(await row.getByTestId('case-deadline').innerText()).toContain('2025-10-23');
    }
    await h.screenshot('desk-supervisor-1-overdue-this-week');
  });

  it('opens a case by clicking its row, and comes back to the same filtered list', async () => {
    const p = h.page;
    const row = p.locator('[data-testid=case-row]').first();
    const id = (await row.getAttribute('data-instance'))!;
    await row.click();
    const view = p.getByTestId('instance-view');
    await view.waitFor();
    expect(await view.getAttribute('data-instance')).toBe(id);
    expect(await p.getByTestId('instance-current').innerText()).toContain('联动处置');
    expect(await p.getByTestId('instance-status').innerText()).toContain('逾期');
    expect(await p.locator('[data-testid=instance-deadline][data-deadline=reply]').innerText()).toContain('跟踪督办');
    await p.getByTestId('back-to-list').click();
    await expect.poll(async () => new Set(await shownRows())).toEqual(new Set([ids['JY-WEEK-1'], ids['JY-WEEK-2']]));
  });

  it('exports the list as .xlsx: opened with exceljs, Chinese headers, the two rows with their titles, overdue marked', async () => {
    const file = await download(() => h.page.getByTestId('export-cases').click());
    expect(file.name).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(ws.name).toBe('案件列表');
    expect(values(3)).toEqual([
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
    const rows = [4, 5].map(values);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['JY-WEEK-1', 'JY-WEEK-2']));
    expect(new Set(rows.map((r) => r[11]))).toEqual(new Set([ids['JY-WEEK-1'], ids['JY-WEEK-2']]));
    for (const r of rows) {
      expect(r[2]).toBe('联动处置');
      expect(r[3]).toBe('办理中');
      expect(r[5]).toBe('2025-10-23');
      expect(r[7]).toBe('是');
    }
    expect(ws.getRow(6).values).toEqual([]);
  });
});

describe('the supervisor searches by business key', () => {
  it('types the beginning of a key in the search box: the cases whose key begins so, of any pack; then one key', async () => {
    const p = h.page;
    await p.getByTestId('desk-clear').click();
    await expect.poll(async () => new Set(await shownRows())).toEqual(new Set(Object.values(ids)));
    await p.getByTestId('desk-key').fill('JY-WEEK');
    await p.getByTestId('desk-search').click();
    await expect
      .poll(async () => new Set(await shownRows()))
      .toEqual(new Set(['JY-WEEK-1', 'JY-WEEK-2', 'JY-WEEK-3', 'JY-WEEK-4'].map((k) => ids[k])));
    await p.getByTestId('desk-key').fill('JY-WEEK-3');
    await p.getByTestId('desk-search').click();
    await expect.poll(async () => await shownRows()).toEqual([ids['JY-WEEK-3']]);
  });
});

describe('figures agree with GET /api/stats', () => {
  it('this week’s jiangyin figures: the overdue KPI and the weekly chart’s drawn labels equal the API', async () => {
    const p = h.page;
    const s = (
      await h.api<{
        opened: number;
        overdue: number;
        closed: number;
        weekly: { week: string; opened: number; closed: number }[];
      }>('GET', '/api/stats?pack=jiangyin-city&procedure=grid-event&from=2025-10-20&to=2025-10-26')
    ).body;
    expect(s.opened).toBe(4);
    expect(s.overdue).toBe(2);
    await p.getByTestId('nav-figures').click();
    await p.getByTestId('figures').waitFor();
    await p.getByTestId('desk-pack').selectOption('jiangyin-city');
    await p.getByTestId('desk-procedure').selectOption('grid-event');
    await p.getByTestId('desk-period').selectOption('thisWeek');
    const kpi = (id: string) => p.locator(`[data-testid=kpi][data-figure=${id}] [data-testid=kpi-value]`);
    await expect.poll(() => kpi('opened').innerText()).toBe(String(s.opened));
    expect(await kpi('overdue').innerText()).toBe(String(s.overdue));
    expect(await kpi('closed').innerText()).toBe(String(s.closed));
    const chart = p.getByTestId('chart-weekly');
    await chart.locator('svg text').first().waitFor();
    expect(JSON.parse((await chart.getAttribute('data-values'))!)).toEqual(s.weekly);
    // the bar labels ECharts drew (SVG text) hold the week's opened count
    const labels = await chart.locator('svg text').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    expect(labels).toContain(String(s.weekly.find((w) => w.week === '2025-10-20')!.opened));
    // and the definition beside the chart is the one the API documents
    expect(
      await p.locator('[data-testid=figure][data-figure=weekly] [data-testid=figure-definition]').first().innerText(),
    ).not.toBe('');
    await h.screenshot('desk-supervisor-2-figures');
  });
});
