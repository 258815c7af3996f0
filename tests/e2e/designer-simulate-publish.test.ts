/**
 * Designer, simulation and publishing (real Chromium, real server): simulate a mediation case to
 * `closed` with the start-data form and event payloads (rule results with their legal basis, a refusal
 * with its reason, deadlines as dates); then change the procedure, publish it, find the new version in
 * the list and compare it with version 1 on the chart.
 */
import { describe, expect, it } from 'vitest';
import { clickNode, node, openProcedure, useHarness } from './harness';

const h = useHarness();

async function send(type: string, fill: Record<string, string>, role?: string): Promise<void> {
  const p = h.page;
  await p.getByTestId('sim-event').selectOption(type);
  for (const [field, value] of Object.entries(fill)) {
    const input = p.getByTestId(`sim-payload-${field}`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  if (role) await p.getByTestId('sim-role').selectOption(role);
  await p.getByTestId('sim-send-button').click();
}

const active = () => h.page.getByTestId('sim-active').getAttribute('data-state');

describe('simulating the national mediation procedure', () => {
  it('starts a case from the form: triage rules with their basis, the mediation deadline as a date', async () => {
    const p = h.page;
    await openProcedure(h, 'national', 'dispute-mediation');
    await p.getByTestId('tab-simulate').click();
    await p.getByTestId('sim-data-disputeType').selectOption('neighbour');
    await p.getByTestId('sim-data-parties-add').click();
    await p.getByTestId('sim-data-parties-add').click();
    await p.getByTestId('sim-data-parties-0-name').fill('张三');
    await p.getByTestId('sim-data-parties-0-role').fill('申请人');
    await p.getByTestId('sim-data-parties-1-name').fill('李四');
    await p.getByTestId('sim-data-parties-1-role').fill('被申请人');
    await p.getByTestId('sim-data-amount').fill('8000');
    await p.getByTestId('sim-data-partiesConsent').selectOption('true');
    await p.getByTestId('sim-data-criminalRisk').selectOption('false');
    await p.getByTestId('sim-data-description').fill('邻里漏水纠纷');
    await p.getByTestId('sim-start').click();
    await expect.poll(active).toBe('mediation');
    await expect.poll(() => node(p, 'mediation').getAttribute('data-active')).toBe('true');
    const start = p.locator('[data-testid=sim-step][data-event=START]');
    const criminal = start.locator('[data-testid=sim-rule][data-rule=criminalRisk]');
    expect(await criminal.getAttribute('data-result')).toBe('false');
    expect(await criminal.innerText()).toContain('《人民调解法》第25条');
    // 30 calendar days from 2025-09-26 end on Sunday 26 October: moved to Monday (民诉法 Art. 85).
    expect(await start.locator('[data-testid=sim-deadline][data-deadline=mediationPeriod]').innerText()).toContain(
      '2025-10-27(周一)',
    );
    await h.screenshot('simulate-1-started');
  });

  it('a refused event shows the failing rule and leaves the case where it was', async () => {
    const p = h.page;
    await send('AGREEMENT_SIGNED', { effectiveOn: '2025-09-26', form: 'written' }, 'mediator');
    await expect.poll(active).toBe('agreement');
    await send('APPLY_CONFIRMATION', { appliedOn: '2025-09-26', applicants: '张三' });
    const refused = p.getByTestId('sim-refused');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('司法确认须由双方(全体)当事人共同申请');
    expect(await refused.locator('[data-rule=jointApplication]').getAttribute('data-result')).toBe('false');
    expect(await active()).toBe('agreement');
    await h.screenshot('simulate-2-refused');
  });

  it('runs on to closed: rule results with their legal basis, the path marked on the chart', async () => {
    const p = h.page;
    await send('APPLY_CONFIRMATION', { appliedOn: '2025-09-26', applicants: '张三, 李四' }, 'party');
    await expect.poll(active).toBe('judicialConfirmation');
    const apply = p.locator('[data-testid=sim-step][data-event=APPLY_CONFIRMATION]');
    const joint = apply.locator('[data-testid=sim-rule][data-rule=jointApplication]');
    expect(await joint.getAttribute('data-result')).toBe('true');
    expect(await joint.innerText()).toContain('《人民调解法》第33条');
    expect(await apply.locator('[data-testid=sim-rule][data-rule=withinConfirmationWindow]').innerText()).toContain(
      '《民事诉讼法》第205条',
    );
    await send('CONFIRMED', {}, 'court');
    await expect.poll(active).toBe('closed');
    await p.getByTestId('sim-finished').waitFor();
    expect(await node(p, 'closed').getAttribute('data-active')).toBe('true');
    expect(await node(p, 'closed').getAttribute('class')).toContain('is-active');
    // The path taken is drawn on the chart.
    expect(
      await p
        .locator('[data-testid=edge-label][data-edge="/machine/states/mediation/on/AGREEMENT_SIGNED"]')
        .getAttribute('data-visited'),
    ).toBe('true');
    expect(await p.locator('[data-testid=sim-step]').count()).toBe(4);
    await h.screenshot('simulate-3-closed');
  });
});

describe('publishing and comparing versions', () => {
  it('publishes a changed procedure as version 2 and lists it', async () => {
    const p = h.page;
    await p.getByTestId('tab-inspect').click();
    expect(await p.getByTestId('doc-status').innerText()).toContain('版本 1');
    // A new final state reached from the agreement by a new event; and a retitled state.
    await p.getByTestId('add-final').click();
    await node(p, 'end1').waitFor();
    await p.getByTestId('state-title-zh').fill('和解撤回');
    await p.getByTestId('state-title-zh').press('Enter');
    await clickNode(p, 'agreement');
    await p.getByTestId('state-title-zh').fill('协议生效');
    await p.getByTestId('state-title-zh').press('Enter');
    await p.getByTestId('new-transition-event').selectOption('__new__');
    await p.getByTestId('new-transition-event-title').fill('撤回调解');
    await p.getByTestId('new-transition-event-title').press('Enter');
    await p.getByTestId('new-transition-target').selectOption('end1');
    await p.getByTestId('new-transition-submit').click();
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');

    await p.getByTestId('publish').click();
    await p.getByTestId('publish-confirm').click();
    const toast = p.getByTestId('toast');
    // saving and publishing are two requests; the default 1 s of polling was too short on a loaded machine
    await expect.poll(() => toast.innerText(), { timeout: 15_000 }).toContain('已发布版本 2');
    expect(await p.getByTestId('doc-status').innerText()).toContain('版本 2');
    await p.getByTestId('tab-versions').click();
    await p.locator('[data-testid=version-row][data-version="2"]').waitFor();
    expect(await p.locator('[data-testid=version-row]').count()).toBe(2);
    expect(await p.locator('[data-testid=version-row][data-version="2"]').innerText()).toContain('设计器');
    // The server has it too.
    const versions = await h.api<{ version: number }[]>(
      'GET',
      '/api/packs/national/procedures/dispute-mediation/versions',
    );
    expect(versions.body.map((v) => v.version)).toEqual([1, 2]);
    await h.screenshot('publish-1-versions');
  });

  it('compares version 1 with version 2: added and changed marked on the chart, and listed', async () => {
    const p = h.page;
    await p.getByTestId('version-a-1').check();
    await p.getByTestId('version-b-2').check();
    await p.getByTestId('versions-compare').click();
    await p.getByTestId('diff-list').waitFor();
    await expect.poll(() => node(p, 'end1').getAttribute('data-mark')).toBe('added');
    expect(await node(p, 'agreement').getAttribute('data-mark')).toBe('changed');
    expect(await p.getByTestId('canvas').getAttribute('data-view')).toBe('read');
    const added = p.locator('[data-testid=change][data-change=added][data-kind=state]');
    expect(await added.innerText()).toContain('和解撤回');
    expect(await p.locator('[data-testid=change][data-kind=transition][data-change=added]').count()).toBe(1);
    expect(await p.locator('[data-testid=change][data-kind=title]').innerText()).toContain('调解协议生效 → 协议生效');
    const newEdge = p.locator('[data-testid=edge-label][data-mark=added]');
    expect(await newEdge.innerText()).toContain('撤回调解');
    await h.screenshot('publish-2-diff');
    await p.getByTestId('versions-end-compare').click();
    await expect.poll(() => node(p, 'end1').getAttribute('data-mark')).toBe('');
  });
});
