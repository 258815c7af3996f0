/**
 * Designer, running cases, export, county view and sign-in (real Chromium, real server): a case
 * started over the API shows on its chart with the current state highlighted, the path taken, the
 * history timeline (actors, rule results) and deadlines; the chart exports as PNG and SVG with Chinese
 * titles; a county pack's changes against `national` are marked and listed; without a token the page
 * asks for one, and `/?token=` signs in and leaves the address bar clean.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN, node, openProcedure, useHarness, waitForChart } from './harness';

const h = useHarness();

const PARTIES = [
  { name: '王五', role: '申请人' },
  { name: '赵六', role: '被申请人' },
];

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([h.page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

describe('signing in', () => {
  it('asks for a token (in Chinese) when there is none, and signs in with it', async () => {
    const p = h.page;
    await p.goto(`${h.url}/`);
    const box = p.getByTestId('signin');
    await box.waitFor();
    expect(await box.innerText()).toContain('请输入访问令牌');
    await p.getByTestId('signin-token').fill('wrong-token');
    await p.getByTestId('signin-submit').click();
    await p.getByTestId('signin-error').waitFor();
    expect(await p.getByTestId('signin-error').innerText()).toContain('令牌无效');
    await p.getByTestId('signin-token').fill(ADMIN);
    await p.getByTestId('signin-submit').click();
    await p.locator('[data-testid=home-pack][data-pack=national]').waitFor();
    expect(await p.locator('[data-testid=home-pack]').count()).toBe(5);
  });

  it('/?token= signs in and drops the token from the address bar; English on switch', async () => {
    const p = h.page;
    await p.goto(`${h.url}/?token=${ADMIN}&pack=national&proc=grid-event`);
    await waitForChart(p);
    expect(p.url()).not.toContain('token');
    expect(p.url()).toContain('proc=grid-event');
    expect(await p.evaluate('sessionStorage.getItem("gongzhi.token")')).toBe(ADMIN);
    await p.getByTestId('lang-en').click();
    expect(await p.getByTestId('add-state').innerText()).toContain('Add state');
    expect(await node(p, 'dispatch').getByTestId('state-title').innerText()).not.toMatch(/[\u4e00-\u9fff]/);
    await h.screenshot('cases-0-english');
    await p.getByTestId('lang-zh').click();
    expect(await p.getByTestId('add-state').innerText()).toContain('新增状态');
  });
});

describe('a running case on its chart', () => {
  let id = '';

  it('shows a case started over the API: current state highlighted, path, timeline, deadlines', async () => {
    const started = await h.api<{ id: string; state: string }>('POST', '/api/instances', {
      pack: 'national',
      procedure: 'dispute-mediation',
      data: {
        disputeType: 'neighbour',
        parties: PARTIES,
        partiesConsent: true,
        criminalRisk: false,
        description: '楼上漏水',
      },
    });
    expect(started.status).toBe(201);
    id = started.body.id;
    const signed = await h.api<{ state: string }>('POST', `/api/instances/${id}/events`, {
      type: 'AGREEMENT_SIGNED',
      payload: { effectiveOn: '2025-09-26', form: 'written' },
      actor: { subject: '调解员甲', roles: ['mediator'] },
    });
    expect(signed.body.state).toBe('agreement');
    const applied = await h.api<{ state: string }>('POST', `/api/instances/${id}/events`, {
      type: 'APPLY_CONFIRMATION',
      payload: { appliedOn: '2025-09-26', applicants: ['王五', '赵六'] },
      actor: { subject: '王五', roles: ['party'] },
    });
    expect(applied.body.state).toBe('judicialConfirmation');

    const p = h.page;
    await p.getByTestId('open-instance-id').fill(id);
    await p.getByTestId('open-instance').click();
    await waitForChart(p);
    expect(await p.getByTestId('instance-view').getAttribute('data-state')).toBe('judicialConfirmation');
    expect(await node(p, 'judicialConfirmation').getAttribute('data-active')).toBe('true');
    expect(await node(p, 'mediation').getAttribute('data-active')).toBe('false');
    expect(await node(p, 'mediation').getAttribute('class')).toContain('is-visited');
    expect(
      await p
        .locator('[data-testid=edge-label][data-edge="/machine/states/agreement/on/APPLY_CONFIRMATION"]')
        .getAttribute('data-visited'),
    ).toBe('true');
    expect(
      await p
        .locator('[data-testid=edge-label][data-edge="/machine/states/agreement/on/PERFORMED"]')
        .getAttribute('data-visited'),
    ).toBe('false');
    expect(await p.getByTestId('instance-current').innerText()).toContain('司法确认');

    const entries = p.locator('[data-testid=timeline-entry]');
    expect(await entries.count()).toBe(3);
    const apply = p.locator('[data-testid=timeline-entry][data-type=APPLY_CONFIRMATION]');
    expect(await apply.innerText()).toContain('申请司法确认');
    // The server records the token's subject with the role the call acted in.
    expect(await apply.getByTestId('timeline-actor').innerText()).toBe('办理人:admin(当事人)');
    expect(await apply.locator('[data-rule=jointApplication]').getAttribute('data-result')).toBe('true');
    expect(await apply.innerText()).toContain('《人民调解法》第33条');
    const deadline = p.locator('[data-testid=instance-deadline][data-deadline=confirmationPeriod]');
    expect(await deadline.innerText()).toMatch(/司法确认审查期限:2025-10-\d\d\(周.\) 到期/);
    await h.screenshot('cases-1-instance');
  });

  it('exports the case chart as a PNG and an SVG with Chinese titles', async () => {
    const png = await download(() => h.page.getByTestId('export-png').click());
    expect(png.name).toBe(`${id}-流程图.png`);
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.bytes.length).toBeGreaterThan(30_000);
    // Width and height from the IHDR chunk: a chart drawn at print scale.
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(800);
    expect(png.bytes.readUInt32BE(20)).toBeGreaterThan(800);
    const svg = await download(() => h.page.getByTestId('export-svg').click());
    const text = svg.bytes.toString('utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('矛盾纠纷调解与速裁衔接 流程图');
    expect(text).toContain('>司法确认<');
    expect(text).toContain('签订调解协议');
  });
});

describe('designer export and county view', () => {
  it('exports the procedure being designed as PNG', async () => {
    const p = h.page;
    await openProcedure(h, 'national', 'dispute-mediation');
    const png = await download(() => p.getByTestId('export-png').click());
    expect(png.name).toBe('dispute-mediation-流程图.png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.bytes.length).toBeGreaterThan(30_000);
    expect(await p.evaluate('document.body.dataset.lastExport')).toMatch(/^png:\d+$/);
    await h.screenshot('cases-2-exported');
  });

  it('marks and lists what baoan-district changed against national', async () => {
    const p = h.page;
    await openProcedure(h, 'baoan-district', 'duty-admission');
    await p.getByTestId('tab-county').click();
    const list = p.getByTestId('county-list');
    await list.waitFor();
    expect(await p.getByTestId('county-panel').innerText()).toContain('全国通用模板');
    // Local titles and the district-level test Bao'an adds to APPROVE.
    expect(await list.innerText()).toContain('清单外事项审核');
    expect(await list.innerText()).toContain('依据文件由区级及以上党委或政府制定');
    await expect.poll(() => node(p, 'review').getAttribute('data-mark')).toBe('changed');
    expect(
      await p
        .locator('[data-testid=edge-label][data-edge="/machine/states/review/on/APPROVE"]')
        .getAttribute('data-mark'),
    ).toBe('changed');
    expect(await node(p, 'exited').getAttribute('data-mark')).toBe('');
    await h.screenshot('cases-3-county');
    await p.getByTestId('county-show').uncheck();
    await expect.poll(() => node(p, 'review').getAttribute('data-mark')).toBe('');
  });
});
