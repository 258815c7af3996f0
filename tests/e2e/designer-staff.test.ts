/**
 * The designer as a county's policy staff member uses it (issue 16), in real Chromium with mouse and keyboard
 * only: the mediation chart as opened at 1280×720 (no text under 11 px, no ids); every view in Chinese with no
 * English word or id; a two-condition rule written by picking fields, with its legal basis, made from the guard
 * editor, and a simulated refusal that says which condition failed with its value; leaving with unsaved changes;
 * an invalid draft saved and reopened; adding a state moves no other; drag-to-connect onto a state; copy/paste
 * of two states; search; a county user cannot edit a locked rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN, clickEdge, clickNode, fitView, node, openProcedure, useHarness, waitForChart } from './harness';

const h = useHarness();

const mediation = JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));

/** Every id of a procedure a user could see by mistake: state keys, events, rules, deadlines, roles, enum values. */
function idsOf(doc: Record<string, any>): string[] {
  const out = new Set<string>();
  const states = (m: Record<string, any>) => {
    for (const [k, s] of Object.entries(m.states ?? {})) {
      out.add(k);
      states(s as Record<string, any>);
    }
  };
  states(doc.machine);
  for (const k of ['events', 'rules', 'deadlines', 'roles']) for (const x of Object.keys(doc[k] ?? {})) out.add(x);
  JSON.stringify(doc, (key, v) => {
    if (key === 'enum' && Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.add(x);
    return v;
  });
  return [...out];
}

/** Latin words on the page (the Chinese views should show none but these names of formats, keys and languages). */
async function latinWords(p: Page): Promise<string[]> {
  const text = await p.locator('#root').innerText();
  const allowed = new Set(['JSON', 'SVG', 'PNG', 'English', 'Ctrl']);
  return [...new Set(text.match(/[A-Za-z][A-Za-z_-]+/g) ?? [])].filter((w) => !allowed.has(w));
}

const dirtyText = () => h.page.getByTestId('doc-status').innerText();

describe('the chart as opened, in Chinese', () => {
  it('opens the mediation chart at 1280×720 readable: no text under 11 px, no state or event id', async () => {
    const p = h.page;
    await p.setViewportSize({ width: 1280, height: 720 });
    await openProcedure(h, 'national', 'dispute-mediation');
    await p.waitForTimeout(300);
    const small = await p.evaluate(() => {
      const vp = document.querySelector('.react-flow__viewport') as HTMLElement;
      const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement!;
        if (!n.textContent?.trim() || !el.getClientRects().length) continue;
        const r = el.getBoundingClientRect();
        if (r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) continue;
        if (getComputedStyle(el).visibility === 'hidden') continue;
        const size =
          parseFloat(getComputedStyle(el).fontSize) *
          (vp.contains(el) || el.closest('.react-flow__edgelabel-renderer') ? zoom : 1);
        if (size < 11) out.push(`${n.textContent.trim()} (${size.toFixed(1)} px)`);
      }
      return { zoom, out };
    });
    expect(small.zoom).toBeGreaterThanOrEqual(1);
    expect(small.out).toEqual([]);
    const shown = await p.locator('#root').innerText();
    const ids = idsOf(mediation);
    expect(ids.filter((id) => new RegExp(`(^|[^A-Za-z0-9_-])${id}([^A-Za-z0-9_-]|$)`).test(shown))).toEqual([]);
    // guards by what their rules say, on their edges
    expect(
      await p.locator('[data-testid=edge-label][data-edge="/machine/states/intake/always/0"]').innerText(),
    ).toContain('纠纷有激化为刑事案件的风险');
    await h.screenshot('staff-0-opened-1280x720');
    await p.setViewportSize({ width: 1500, height: 950 });
  });

  it('shows no English word or id in any of the default views', async () => {
    const p = h.page;
    const seen: string[] = [];
    const look = async (what: string) => seen.push(...(await latinWords(p)).map((w) => `${what}: ${w}`));
    await look('overview');
    await clickNode(p, 'mediation');
    await look('state');
    await clickEdge(p, '/machine/states/agreement/on/APPLY_CONFIRMATION');
    await look('transition');
    await p.getByTestId('inspector-back').click();
    await p.getByTestId('rules-list').getByText('司法确认须由双方(全体)当事人共同申请').click();
    await look('rule');
    await p.getByTestId('inspector-back').click();
    await p.getByTestId('events-list').getByText('签订调解协议').click();
    await look('event');
    await p.getByTestId('inspector-back').click();
    await p
      .getByTestId('deadlines-list')
      .getByText(/^调解期限/)
      .click();
    await look('deadline');
    await p.getByTestId('tab-simulate').click();
    await p.getByTestId('sim-data-disputeType').waitFor();
    expect(await p.getByTestId('sim-data-disputeType').locator('option[value=neighbour]').innerText()).toBe('邻里纠纷');
    await look('simulate');
    await p.getByTestId('tab-versions').click();
    await p.getByTestId('versions-panel').waitFor();
    await look('versions');
    await p.getByTestId('tab-inspect').click();
    expect(seen, seen.join('; ')).toEqual([]);
  });
});

describe('writing a rule and simulating it', () => {
  it('writes a two-condition rule by picking fields, with its legal basis, from the guard editor', async () => {
    const p = h.page;
    await clickEdge(p, '/machine/states/mediation/on/AGREEMENT_SIGNED');
    await p.getByTestId('guard-new-rule').click();
    const form = p.getByTestId('rule-form');
    await p.getByTestId('rule-description-zh').fill('小额邻里纠纷可达成调解协议');
    await p.getByTestId('rule-description-en').fill('small neighbour disputes may be settled');
    const first = form.getByTestId('cond-leaf').first();
    await first.getByTestId('cond-field').selectOption({ label: '标的额(元)' });
    await first.getByTestId('cond-operator').selectOption({ label: '不超过' });
    await first.getByTestId('cond-value').fill('50000');
    await form.getByTestId('cond-add-leaf').first().click();
    const second = form.getByTestId('cond-leaf').nth(1);
    await second.getByTestId('cond-field').selectOption({ label: '纠纷类型' });
    await second.getByTestId('cond-operator').selectOption({ label: '等于' });
    await second.getByTestId('cond-value').selectOption({ label: '邻里纠纷' });
    expect(await p.getByTestId('rule-sentence').innerText()).toBe('标的额(元) 不超过 50,000 且 纠纷类型 等于 邻里纠纷');
    // no legal basis: not saved, and the form says why
    await p.getByTestId('rule-save').click();
    await p.getByTestId('rule-basis-required').waitFor();
    await p.getByTestId('rule-basis-zh').fill('示例:本地调解实践');
    await p.getByTestId('rule-save').click();
    // attached where it was made, beside the guard that was there
    const edge = p.locator('[data-testid=edge-label][data-edge="/machine/states/mediation/on/AGREEMENT_SIGNED"]');
    await expect.poll(() => edge.innerText()).toContain('小额邻里纠纷可达成调解协议');
    expect(await edge.innerText()).toContain('协议生效日期不得晚于当日');
    expect(await p.getByTestId('undo').getAttribute('title')).toContain(
      '新增规则「小额邻里纠纷可达成调解协议」并用作条件',
    );
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    await h.screenshot('staff-1-rule');
  });

  it('simulates a refusal: the failing condition with its actual value, the refused transition marked', async () => {
    const p = h.page;
    await p.getByTestId('tab-simulate').click();
    await p.getByTestId('sim-data-disputeType').selectOption({ label: '邻里纠纷' });
    await p.getByTestId('sim-data-parties-add').click();
    await p.getByTestId('sim-data-parties-add').click();
    await p.getByTestId('sim-data-parties-0-name').fill('张三');
    await p.getByTestId('sim-data-parties-0-role').fill('申请人');
    await p.getByTestId('sim-data-parties-1-name').fill('李四');
    await p.getByTestId('sim-data-parties-1-role').fill('被申请人');
    await p.getByTestId('sim-data-amount').fill('80000');
    await p.getByTestId('sim-data-partiesConsent').selectOption({ label: '是' });
    await p.getByTestId('sim-data-criminalRisk').selectOption({ label: '否' });
    await p.getByTestId('sim-data-description').fill('楼上漏水');
    await p.getByTestId('sim-start').click();
    await expect.poll(() => node(p, 'mediation').getAttribute('data-active')).toBe('true');
    // a rule that does not hold at the start is an answer, not an error: shown plainly
    const criminal = p.locator(
      '[data-testid=sim-step][data-event=START] [data-testid=sim-rule][data-rule=criminalRisk]',
    );
    expect(await criminal.getAttribute('class')).toBe('is-no');
    expect(await criminal.innerText()).toContain('不成立');
    await p.getByTestId('sim-event').selectOption({ label: '签订调解协议' });
    await p.getByTestId('sim-payload-effectiveOn').fill('2025-09-26');
    await p.getByTestId('sim-payload-form').selectOption({ label: '书面协议' });
    await p.getByTestId('sim-send-button').click();
    const refused = p.getByTestId('sim-refused');
    await refused.waitFor();
    const failed = refused.getByTestId('sim-failed-condition');
    expect(await failed.count()).toBe(1);
    expect(await failed.innerText()).toBe('标的额(元) 不超过 50,000(实际为 80,000)');
    expect(await refused.innerText()).toContain('示例:本地调解实践');
    // the event by its title, not its id
    expect(await refused.innerText()).toContain('签订调解协议');
    expect(await refused.innerText()).not.toContain('AGREEMENT_SIGNED');
    const edge = p.locator('[data-testid=edge-label][data-edge="/machine/states/mediation/on/AGREEMENT_SIGNED"]');
    expect(await edge.getAttribute('data-refused')).toBe('true');
    await h.screenshot('staff-2-refused');
    await p.getByTestId('tab-inspect').click();
  });
});

describe('unsaved work and drafts', () => {
  it('warns before leaving with unsaved changes, and is clean again after undo back to the saved state', async () => {
    const p = h.page;
    expect(await dirtyText()).toContain('有未保存的修改');
    await p.getByTestId('pick-procedure').selectOption({ label: '网格事件/12345诉求闭环' });
    await p.getByTestId('leave-dialog').waitFor();
    await p.getByTestId('leave-stay').click();
    expect(await p.getByTestId('workspace').getAttribute('data-procedure')).toBe('dispute-mediation');
    await p.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
    await p.keyboard.press('Control+z');
    await expect.poll(dirtyText).not.toContain('有未保存的修改');
    await p.getByTestId('pick-procedure').selectOption({ label: '网格事件/12345诉求闭环' });
    await expect.poll(() => p.getByTestId('workspace').getAttribute('data-procedure')).toBe('grid-event');
    expect(await p.getByTestId('leave-dialog').count()).toBe(0);
    await waitForChart(p);
  });

  it('adds a state without moving any other, connects it by dropping a line on a state, saves the unfinished draft and reopens it', async () => {
    const p = h.page;
    const places = () =>
      p.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('.react-flow__node')].map((n) => [
            n.getAttribute('data-id'),
            (n as HTMLElement).style.transform,
          ]),
        ),
      );
    const before = await places();
    await p.getByTestId('add-state').click();
    await node(p, 'state1').waitFor();
    await p.getByTestId('state-rename').fill('复核');
    await p.getByTestId('state-rename').press('Enter');
    const after = await places();
    for (const [id, t] of Object.entries(before)) expect(after[id], id).toBe(t);
    // a line dropped anywhere on a state (not only on its handle) connects to it
    await fitView(p);
    const from = (await node(p, 'state1').locator('xpath=..').locator('.react-flow__handle.source').boundingBox())!;
    const to = (await node(p, 'closed').boundingBox())!;
    await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await p.mouse.down();
    await p.mouse.move(to.x + to.width * 0.7, to.y + to.height * 0.6, { steps: 12 });
    await p.mouse.up();
    await p.getByTestId('event-editor').waitFor();
    await p.getByTestId('event-title-zh').fill('复核完毕');
    await p.getByTestId('event-title-zh').press('Enter');
    await expect.poll(() => p.locator('[data-testid=edge-label]').filter({ hasText: '复核完毕' }).count()).toBe(1);
    expect(await p.getByTestId('undo').getAttribute('title')).toContain('修改事件名称「复核完毕」');
    // unreachable: a problem, but the draft is kept
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('1');
    expect(await p.getByTestId('publish').isDisabled()).toBe(true);
    await p.getByTestId('save-draft').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('草稿已保存(还有 1 个问题');
    await p.reload();
    await waitForChart(p);
    expect(await node(p, 'state1').getByTestId('state-title').innerText()).toBe('复核');
    expect(await dirtyText()).toContain('草稿');
    expect(await dirtyText()).not.toContain('有未保存的修改');
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('1');
  });
});

describe('editing on the canvas', () => {
  it('copies two states with Ctrl+C and pastes them with Ctrl+V', async () => {
    const p = h.page;
    await clickNode(p, 'notAccepted');
    await node(p, 'merged').click({ position: { x: 12, y: 10 }, modifiers: ['Control'] });
    await expect.poll(() => p.locator('[data-testid=state-node][data-selected=true]').count()).toBe(2);
    await p.keyboard.press('Control+c');
    await p.keyboard.press('Control+v');
    await node(p, 'notAccepted_copy').waitFor();
    expect(await node(p, 'merged_copy').getByTestId('state-title').innerText()).toBe('合并办理(副本)');
    expect(await p.getByTestId('undo').getAttribute('title')).toContain('粘贴 2 个状态');
    expect(await p.locator('[data-testid=state-node][data-selected=true]').count()).toBe(2);
  });

  it('finds a state by its title (Ctrl+F) and goes to it', async () => {
    const p = h.page;
    await p.keyboard.press('Control+f');
    await p.keyboard.type('回访');
    await expect.poll(() => p.getByTestId('search-count').innerText()).toBe('1 个结果');
    await p.keyboard.press('Enter');
    await expect.poll(() => node(p, 'followUp').getAttribute('data-selected')).toBe('true');
    expect(await p.getByTestId('state-inspector').getAttribute('data-state')).toBe('followUp');
    await p.getByTestId('save-draft').click();
    await expect.poll(dirtyText).not.toContain('有未保存的修改');
  });
});

describe('the legal calendar', () => {
  it('shows a year without its notice as provisional (暂定), and a notice tried before it is loaded', async () => {
    const p = h.page;
    await p.getByTestId('tab-calendar').click();
    const panel = p.getByTestId('calendar-panel');
    await panel.waitFor();
    // the controlled clock is in 2025: its notice is loaded
    expect(await panel.getAttribute('data-official')).toBe('true');
    expect(await p.locator('[data-testid=calendar-day], td.gz-day.is-workday').count()).toBeGreaterThan(0);
    await p.getByTestId('calendar-next').click();
    await p.getByTestId('calendar-next').click();
    await expect.poll(() => panel.getAttribute('data-year')).toBe('2027');
    await expect.poll(() => panel.getAttribute('data-official')).toBe('false');
    expect(await p.getByTestId('calendar-source').innerText()).toContain('暂定');
    const eve = p.locator('[data-testid=calendar-holiday][data-date="2027-02-05"]');
    expect(await eve.innerText()).toContain('暂定');
    expect(await p.locator('td.gz-day.is-provisional[data-date="2027-02-05"]').count()).toBe(1);
    // the 2026 notice, tried: it reads, and moves no running deadline here
    await p.getByTestId('calendar-prev').click();
    await expect.poll(() => panel.getAttribute('data-year')).toBe('2026');
    await p.getByTestId('calendar-notice').fill(readFileSync('tests/engine/fixtures/notices/2026.txt', 'utf8'));
    await p.getByTestId('calendar-dry-run').click();
    await p.getByTestId('calendar-trial').waitFor();
    expect(await p.getByTestId('calendar-trial').innerText()).toMatch(/放假 \d+ 天、调休上班 \d+ 天/);
    await h.screenshot('staff-4-calendar');
    await p.getByTestId('tab-inspect').click();
  });
});

describe('a county user and what the base locks', () => {
  it('cannot edit a rule national law locks', async () => {
    const made = await h.api<{ token: string }>('POST', '/api/admin/tokens', {
      subject: '南昌县司法局',
      roles: ['designer'],
      packs: ['nanchang-county'],
    });
    expect(made.status).toBe(201);
    const p = h.page;
    await p.goto(`${h.url}/?token=${made.body.token}&pack=nanchang-county&proc=dispute-mediation`);
    await waitForChart(p);
    expect(await p.evaluate('sessionStorage.getItem("gongzhi.token")')).not.toBe(ADMIN);
    await p.getByTestId('rules-list').getByText('司法确认须由双方(全体)当事人共同申请').click();
    const form = p.getByTestId('rule-form');
    expect(await form.getAttribute('data-locked')).toBe('true');
    expect(await p.getByTestId('rule-locked').innerText()).toContain('上级配置包锁定');
    expect(await p.getByTestId('rule-save').isDisabled()).toBe(true);
    expect(await p.getByTestId('rule-basis-zh').isDisabled()).toBe(true);
    // nor through the expert JSON view
    await p.getByTestId('tab-json').click();
    const json = JSON.parse(await p.getByTestId('json-text').inputValue());
    json.rules.jointApplication.basis['zh-CN'] = '改动';
    await p.getByTestId('json-text').fill(JSON.stringify(json));
    await p.getByTestId('json-apply').click();
    await expect.poll(() => p.getByTestId('toast').innerText()).toContain('由上级配置包锁定');
    expect(await dirtyText()).not.toContain('有未保存的修改');
    await h.screenshot('staff-3-locked');
  });
});
