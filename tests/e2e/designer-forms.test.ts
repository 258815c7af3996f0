/**
 * Designer, forms instead of JSON (real Chromium, real server): a rule built with the condition form
 * (nested any-group, a pack parameter as value) attached as a guard; an event's roles and payload fields;
 * a deadline with its calendar kind and expiry; all visible in the JSON view and valid for the engine.
 */
import { describe, expect, it } from 'vitest';
import { clickEdge, clickNode, fitView, node, openProcedure, useHarness } from './harness';

const h = useHarness();

async function docJson(): Promise<Record<string, any>> {
  const p = h.page;
  await p.getByTestId('tab-json').click();
  const json = JSON.parse(await p.getByTestId('json-text').inputValue());
  await p.getByTestId('tab-inspect').click();
  return json;
}

describe('editing rules, events and deadlines with forms', () => {
  it('builds a rule with nested conditions and a parameter by picking fields, and attaches it as a guard', async () => {
    const p = h.page;
    await openProcedure(h, 'national', 'dispute-mediation');
    await p.getByTestId('new-rule').click();
    await p.getByTestId('rule-description-zh').fill('标的额超过小额诉讼上限,或纠纷性质不适宜调解');
    await p.getByTestId('rule-description-en').fill('above the small-claims cap, or unsuitable for mediation');
    await p.getByTestId('rule-basis-zh').fill('《民事诉讼法》第165条');
    await p.getByTestId('rule-basis-en').fill('Civil Procedure Law, Art. 165');
    const leaf = p.getByTestId('cond-leaf').first();
    await leaf.getByTestId('cond-field').selectOption({ label: '标的额(元)' });
    await leaf.getByTestId('cond-operator').selectOption({ label: '超过' });
    await leaf.getByTestId('cond-value-mode').selectOption('param');
    await leaf.getByTestId('cond-value-param').selectOption('smallClaimsCap');
    await p.getByTestId('cond-group-kind').first().selectOption('any');
    await p.getByTestId('cond-add-group').first().click();
    const inner = p.locator('[data-testid=cond-group][data-depth="1"] [data-testid=cond-leaf]').first();
    await inner.getByTestId('cond-field').selectOption({ label: '纠纷类型' });
    await inner.getByTestId('cond-operator').selectOption({ label: '属于' });
    await inner.getByTestId('cond-value-choices').locator('input[data-value=marriage-status]').check();
    await inner.getByTestId('cond-value-choices').locator('input[data-value=adoption]').check();
    expect(await p.getByTestId('rule-sentence').innerText()).toContain('纠纷类型 属于 婚姻关系确认、收养关系');
    await p.getByTestId('rule-save').click();
    await expect
      .poll(async () => (await p.getByTestId('undo').getAttribute('title')) ?? '')
      .toContain('新增规则「标的额超过小额诉讼上限,或纠纷性质不适宜调解」');
    const name = await p.getByTestId('rule-form').getAttribute('data-rule');
    expect(name).toBe('aboveTheSmallClaimsCap');

    // Attach it to FILED (the simplified-procedure branch) beside its current guard.
    await clickEdge(p, '/machine/states/fastTrackCourt/states/filing/on/FILED/2');
    await p.getByTestId('guard-mode').selectOption('allOf');
    await p.getByTestId('guard-rules').locator(`input[data-value=${name}]`).check();
    await expect
      .poll(() => p.locator('[data-testid=edge-label][data-selected=true]').innerText())
      .toContain('标的额超过小额诉讼上限');

    const doc = await docJson();
    expect(doc.rules[name!].conditions).toEqual({
      any: [
        { fact: 'data', path: '$.amount', operator: 'greaterThan', value: { param: 'smallClaimsCap' } },
        { any: [{ fact: 'data', path: '$.disputeType', operator: 'in', value: ['marriage-status', 'adoption'] }] },
      ],
    });
    expect(doc.machine.states.fastTrackCourt.states.filing.on.FILED[2].guard).toEqual({
      type: 'allOf',
      params: { rules: ['filedOnNotFuture', name] },
    });
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    await h.screenshot('forms-1-rule');
  });

  it("sets an event's roles and payload fields without JSON", async () => {
    const p = h.page;
    await p.getByTestId('inspector-back').click();
    await p.getByTestId('events-list').getByText('协议履行完毕').click();
    await p.getByTestId('event-roles').locator('input[data-value=court]').check();
    await p.getByTestId('new-field-name').fill('performedOn');
    await p.getByTestId('new-field-title').fill('履行日期');
    await p.getByTestId('new-field-kind').selectOption('date');
    await p.getByTestId('new-field-add').click();
    await p.locator('[data-testid=payload-field][data-field=performedOn]').waitFor();
    const doc = await docJson();
    expect(doc.events.PERFORMED.roles).toEqual(['mediator', 'party', 'court']);
    expect(doc.events.PERFORMED.payload.properties.performedOn).toEqual({
      type: 'string',
      format: 'date',
      title: '履行日期',
    });
    await h.screenshot('forms-2-event');
  });

  it('sets a deadline: working days from a parameter, a supervision notice on expiry', async () => {
    const p = h.page;
    await clickNode(p, 'agreement');
    await p.getByTestId('state-add-deadline').click();
    await p.getByTestId('deadline-title-zh').fill('履行期限');
    await p.getByTestId('deadline-title-en').fill('Performance period');
    await p.getByTestId('deadline-amount').fill('20');
    await p.getByTestId('deadline-unit').selectOption('workingDays');
    await p.getByTestId('deadline-effect-list').locator('input[data-value="supervision.notice"]').check();
    await p.getByTestId('deadline-basis-zh').fill('示例:本地实践'); // no English given: the Chinese is kept for both
    await p.getByTestId('deadline-save').click();
    await expect.poll(() => node(p, 'agreement').innerText()).toContain('履行期限');
    const doc = await docJson();
    expect(doc.deadlines.performancePeriod).toMatchObject({
      state: 'agreement',
      amount: 20,
      unit: 'workingDays',
      onExpiry: { effects: ['supervision.notice'] },
      title: { 'zh-CN': '履行期限' },
    });
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    // The whole document is still one the server accepts.
    const saved = await h.api('PUT', '/api/packs/national/procedures/dispute-mediation/draft', doc);
    expect(saved.status).toBe(200);
    await h.screenshot('forms-3-deadline');
  });

  it('draws a transition by dragging from one state to another, then names its new event', async () => {
    const p = h.page;
    await fitView(p);
    const from = (await node(p, 'mediation').locator('xpath=..').locator('.react-flow__handle.source').boundingBox())!;
    const to = (await node(p, 'closed').locator('xpath=..').locator('.react-flow__handle.target').boundingBox())!;
    await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await p.mouse.down();
    await p.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await p.mouse.up();
    const editor = p.getByTestId('event-editor');
    await editor.waitFor();
    expect(await editor.getAttribute('data-event')).toBe('EVENT_1');
    await p.getByTestId('event-title-zh').fill('当场和解');
    await p.getByTestId('event-title-zh').press('Enter');
    await p.getByTestId('event-roles').locator('input[data-value=mediator]').check();
    const label = p.locator('[data-testid=edge-label][data-edge="/machine/states/mediation/on/EVENT_1"]');
    await expect.poll(() => label.innerText()).toContain('当场和解');
    expect(await p.getByTestId('undo').getAttribute('title')).toContain('设置事件「EVENT_1」的角色');
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    await h.screenshot('forms-4-drawn');
  });
});
