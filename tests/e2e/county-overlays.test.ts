/**
 * Issue #15 acceptance in real Chromium: nanchang-county's staff set the mediation period to 20 days from the county
 * view (base value, legal basis and what it touches beside it; locked parameters not editable), publish, and move the
 * running case with the offer that follows; national then publishes a change of its own; nanchang has national's
 * change and still 20 days — a county pack follows its base as an overlay, never a copy.
 */
import { describe, expect, it } from 'vitest';
import { clickNode, node, openProcedure, useHarness } from './harness';

const h = useHarness();
const DM = 'dispute-mediation';
const data = {
  disputeType: 'neighbour',
  parties: [
    { name: '张三', role: '申请人' },
    { name: '李四', role: '被申请人' },
  ],
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '楼上漏水(示例)',
};

describe('a county follows its base (issue 15)', () => {
  let running = '';

  it("changes nanchang-county's mediation period to 20 days from the county view and publishes it", async () => {
    const p = h.page;
    const started = await h.api<{ id: string; version: number; deadlines: { dueDate: string }[] }>(
      'POST',
      '/api/instances',
      { pack: 'nanchang-county', procedure: DM, data },
    );
    expect(started.body).toMatchObject({ version: 1, deadlines: [{ dueDate: '2025-10-27' }] });
    running = started.body.id;

    await openProcedure(h, 'nanchang-county', DM);
    await p.getByTestId('tab-county').click();
    const row = p.locator('[data-testid=county-param][data-param=mediationDays]');
    await row.waitFor();
    expect(await row.getByTestId('param-base').innerText()).toContain('30');
    expect(await row.innerText()).toContain('特邀调解的规定》第27条');
    // what the value touches here: the mediation deadline and the transition its expiry takes
    expect(await row.getByTestId('touch-deadline').innerText()).toContain('调解期限');
    expect(await row.getByTestId('param-touches').innerText()).toContain('调解 —');
    // a parameter national locks is shown locked, with no input
    const locked = p.locator('[data-testid=county-param][data-param=confirmationWindowDays]');
    expect(await locked.getAttribute('data-locked')).toBe('true');
    expect(await locked.getByTestId('param-input').count()).toBe(0);
    expect(await locked.getByTestId('param-locked').innerText()).toContain('人民调解法');

    await row.getByTestId('param-input').fill('20');
    expect(await row.getAttribute('data-changed')).toBe('true');
    await p.getByTestId('params-publish').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('已发布');
    await h.screenshot('county-1-parameter-published');
    const pack = await h.api<{ parameters: Record<string, { value: number; baseValue?: number }> }>(
      'GET',
      '/api/packs/nanchang-county',
    );
    expect(pack.body.parameters.mediationDays).toMatchObject({ value: 20, baseValue: 30 });
    const exported = await h.api<{ procedures: Record<string, unknown> }>('GET', '/api/packs/nanchang-county/export');
    expect(exported.body.procedures).toEqual({}); // a parameter, not a copy of the procedure

    // the publish offers to move the running case: a dry run first, then the move
    const offer = p.getByTestId('migrate-offer');
    await offer.waitFor();
    expect(await offer.innerText()).toContain('1 个运行中的案件仍在版本 1');
    await p.getByTestId('migrate-dry-run').click();
    const item = p.locator(`[data-testid=migrate-case][data-id="${running}"]`);
    expect(await item.innerText()).toContain('2025-10-27 → 2025-10-16');
    expect((await h.api<{ version: number }>('GET', `/api/instances/${running}`)).body.version).toBe(1);
    await p.getByTestId('migrate-run').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('已迁移 1 个案件');
    const moved = await h.api<{ version: number; deadlines: { dueDate: string }[] }>(
      'GET',
      `/api/instances/${running}`,
    );
    expect(moved.body).toMatchObject({ version: 2, deadlines: [{ dueDate: '2025-10-16' }] });
  });

  it('national publishes a change: nanchang has it and still 20 days', async () => {
    const p = h.page;
    await openProcedure(h, 'national', DM);
    await p.getByTestId('tab-inspect').click();
    await clickNode(p, 'agreement');
    await p.getByTestId('state-title-zh').fill('协议生效·待履行');
    await p.getByTestId('state-title-zh').press('Enter');
    await p.getByTestId('publish').click();
    await p.getByTestId('publish-confirm').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('已发布版本');

    const pack = await h.api<{
      status: string;
      parameters: Record<string, { value: number }>;
      procedures: Record<string, { machine: { states: Record<string, { meta: { title: Record<string, string> } }> } }>;
    }>('GET', '/api/packs/nanchang-county');
    expect(pack.body.status).toBe('ok');
    expect(pack.body.procedures[DM].machine.states.agreement.meta.title['zh-CN']).toBe('协议生效·待履行');
    expect(pack.body.parameters.mediationDays.value).toBe(20);
    const versions = await h.api<{ version: number; followed?: string }[]>(
      'GET',
      `/api/packs/nanchang-county/procedures/${DM}/versions`,
    );
    expect(versions.body[versions.body.length - 1]).toMatchObject({ version: 3, followed: 'national' });
    // a new nanchang case runs 20 days
    const fresh = await h.api<{ version: number; deadlines: { dueDate: string }[] }>('POST', '/api/instances', {
      pack: 'nanchang-county',
      procedure: DM,
      data,
    });
    expect(fresh.body).toMatchObject({ version: 3, deadlines: [{ dueDate: '2025-10-16' }] });

    // and the county view shows it: national's new title on the chart, 20 days local, nothing listed as deleted
    await openProcedure(h, 'nanchang-county', DM);
    expect(await node(p, 'agreement').innerText()).toContain('协议生效·待履行');
    await p.getByTestId('tab-county').click();
    const row = p.locator('[data-testid=county-param][data-param=mediationDays]');
    expect(await row.getByTestId('param-input').inputValue()).toBe('20');
    expect(await p.getByTestId('county-panel').getAttribute('data-status')).toBe('ok');
    expect(await p.locator('[data-testid=county-list] [data-change=removed]').count()).toBe(0);
    await h.screenshot('county-2-follows-national');
  });

  it('adds a local duty-list item from the county view: it says which transitions the list decides, and publishes as the county’s own item', async () => {
    const p = h.page;
    await openProcedure(h, 'baoan-district', 'duty-admission');
    await p.getByTestId('tab-county').click();
    const row = p.locator('[data-testid=county-list-row][data-file=duty-lists][data-list=negative]');
    await row.waitFor();
    expect(await row.innerText()).toContain('负面清单');
    expect(await row.locator('[data-testid=touch-transition]').count()).toBeGreaterThan(0);
    await row.getByTestId('list-item-new').click();
    await row.getByTestId('list-item-id').fill('BA-N09');
    await row.getByTestId('list-item-zh').fill('要求社区出具居民无违法犯罪证明(示例)');
    await row.getByTestId('list-item-en').fill('Asking the community to certify a clean record (sample)');
    await row.getByTestId('list-item-add').click();
    await row.locator('[data-testid=list-item-pending][data-id=BA-N09]').waitFor();
    await p.getByTestId('params-publish').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('已发布');
    await row.locator('[data-testid=list-item-local][data-id=BA-N09]').waitFor();
    const pack = await h.api<{ data: Record<string, { negative: { id: string }[] }> }>(
      'GET',
      '/api/packs/baoan-district',
    );
    expect(pack.body.data['duty-lists'].negative.map((x) => x.id)).toContain('BA-N09');
    const own = await h.api<{ data: Record<string, { negative: { id: string }[] }> }>(
      'GET',
      '/api/packs/baoan-district/export',
    );
    expect(own.body.data['duty-lists'].negative.map((x) => x.id)).toContain('BA-N09');
    await h.screenshot('county-3-list-item');
  });

  it('a county whose change national then changes too is conflicted; keeping the local change and publishing settles it', async () => {
    const p = h.page;
    type Doc = { version?: number; machine: { states: Record<string, { meta: { title: Record<string, string> } }> } };
    const nat = (await h.api<Doc>('GET', `/api/packs/national/procedures/${DM}`)).body;
    const was = nat.machine.states.agreement.meta.title;
    const bundle = (await h.api<Record<string, any>>('GET', '/api/packs/nanchang-county/export')).body;
    bundle.manifest = {
      ...bundle.manifest,
      id: 'conflict-county',
      title: { 'zh-CN': '冲突县(示例)', en: 'Conflict county (sample)' },
    };
    bundle.scenarios = {};
    bundle.patches = {
      [DM]: [
        {
          op: 'replace',
          path: '/machine/states/agreement/meta/title',
          was,
          value: { 'zh-CN': '本县协议生效', en: 'Agreement in force (county)' },
        },
      ],
    };
    expect((await h.api('POST', '/api/packs', bundle)).status).toBe(201);
    // national retitles the same state
    const { version: _v, ...draft } = nat;
    draft.machine.states.agreement.meta.title = { 'zh-CN': '协议已生效', en: 'Agreement in force' };
    expect((await h.api('PUT', `/api/packs/national/procedures/${DM}/draft`, draft)).status).toBe(200);
    expect((await h.api('POST', `/api/packs/national/procedures/${DM}/publish`, {})).status).toBe(201);
    expect((await h.api<{ status: string }>('GET', '/api/packs/conflict-county')).body.status).toBe('conflicted');

    await openProcedure(h, 'conflict-county', DM);
    await p.getByTestId('tab-county').click();
    const conflict = p.locator('[data-testid=county-conflict][data-path="/machine/states/agreement/meta/title"]');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('协议已生效');
    expect(await conflict.innerText()).toContain('本县协议生效');
    expect(await conflict.getByTestId('conflict-where').innerText()).toBe('状态「协议已生效」');
    await h.screenshot('county-4-conflict');
    await conflict.getByTestId('conflict-keep').click();
    await conflict.getByTestId('conflict-settled').waitFor();
    expect(await node(p, 'agreement').innerText()).toContain('本县协议生效');
    await p.getByTestId('publish').click();
    await p.getByTestId('publish-confirm').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('已发布版本');
    const after = await h.api<{ status: string; procedures: Record<string, Doc> }>('GET', '/api/packs/conflict-county');
    expect(after.body.status).toBe('ok');
    expect(after.body.procedures[DM].machine.states.agreement.meta.title['zh-CN']).toBe('本县协议生效');
    const exported = await h.api<{ patches: Record<string, unknown[]> }>('GET', '/api/packs/conflict-county/export');
    expect(exported.body.patches[DM]).toEqual([
      {
        op: 'replace',
        path: '/machine/states/agreement/meta/title',
        was: { 'zh-CN': '协议已生效', en: 'Agreement in force' },
        value: { 'zh-CN': '本县协议生效', en: 'Agreement in force (county)' },
      },
    ]);
  });
});
