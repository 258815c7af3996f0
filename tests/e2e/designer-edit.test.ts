/**
 * Designer, editing (real Chromium, real server): open the national mediation procedure; add a state;
 * the problems panel reports it unreachable (in Chinese) and clicking the problem selects and centres
 * it; connect it with a guarded transition and on to `closed`; undo and redo; a drag is kept in `layout`.
 */
import { describe, expect, it } from 'vitest';
import { clickNode, fitView, node, openProcedure, useHarness } from './harness';

const h = useHarness();

describe('editing the national mediation procedure', () => {
  it('draws the statechart: titled states, the court group with its children, finals, labelled transitions', async () => {
    const p = h.page;
    await openProcedure(h, 'national', 'dispute-mediation');
    await expect.poll(() => p.locator('[data-testid=state-node]').count()).toBe(10);
    expect(await node(p, 'mediation').getByTestId('state-title').innerText()).toBe('调解');
    expect(await node(p, 'closed').getAttribute('data-kind')).toBe('final');
    expect(await node(p, 'fastTrackCourt').getAttribute('data-kind')).toBe('compound');
    // Children are drawn inside their group.
    const group = (await node(p, 'fastTrackCourt').boundingBox())!;
    const trial = (await node(p, 'fastTrackCourt.trial').boundingBox())!;
    expect(trial.x).toBeGreaterThan(group.x);
    expect(trial.y + trial.height).toBeLessThan(group.y + group.height + 1);
    const signed = p.locator('[data-testid=edge-label][data-edge="/machine/states/mediation/on/AGREEMENT_SIGNED"]');
    expect(await signed.innerText()).toContain('签订调解协议');
    // the guard by what the rule says, not its name
    expect(await signed.innerText()).toContain('协议生效日期不得晚于当日');
    expect(await p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    expect(await p.getByTestId('problems-panel').innerText()).toContain('未发现问题');
    await h.screenshot('edit-1-opened');
  });

  it('adds a state, reports it unreachable, and selects and centres it from the problem', async () => {
    const p = h.page;
    await p.getByTestId('add-state').click();
    await node(p, 'state1').waitFor();
    await p.getByTestId('state-title-zh').fill('复核');
    await p.getByTestId('state-title-zh').press('Enter');
    await expect.poll(() => node(p, 'state1').getByTestId('state-title').innerText()).toBe('复核');

    const problem = p.locator('[data-testid=problem][data-code=UNREACHABLE_STATE]');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('从初始状态无法到达');
    expect(await problem.getAttribute('data-node')).toBe('state1');

    // Select something else and pan away, then click the problem.
    await clickNode(p, 'intake');
    expect(await node(p, 'state1').getAttribute('data-selected')).toBe('false');
    const canvas = (await p.getByTestId('canvas').boundingBox())!;
    await p.mouse.move(canvas.x + 30, canvas.y + 30);
    await p.mouse.down();
    await p.mouse.move(canvas.x + 30 + 600, canvas.y + 30 + 400, { steps: 5 });
    await p.mouse.up();
    await problem.click();
    await expect.poll(() => node(p, 'state1').getAttribute('data-selected')).toBe('true');
    expect(await p.getByTestId('state-inspector').getAttribute('data-state')).toBe('state1');
    // Centred on the canvas (after a short animation).
    const offCentre = async () => {
      const box = (await node(p, 'state1').boundingBox())!;
      return Math.max(
        Math.abs(box.x + box.width / 2 - (canvas.x + canvas.width / 2)),
        Math.abs(box.y + box.height / 2 - (canvas.y + canvas.height / 2)),
      );
    };
    await expect.poll(offCentre, { timeout: 5000 }).toBeLessThan(60);
    await h.screenshot('edit-2-problem-selected');
  });

  it('connects it with a guarded transition and on to closed: the problems go away', async () => {
    const p = h.page;
    await clickNode(p, 'agreement');
    await p.getByTestId('new-transition-event').selectOption('__new__');
    await p.getByTestId('new-transition-event-title').fill('提请复核');
    await p.getByTestId('new-transition-event-title').press('Enter');
    await p.getByTestId('new-transition-target').selectOption('state1');
    await p.getByTestId('new-transition-guard').selectOption('jointApplication');
    await p.getByTestId('new-transition-submit').click();
    // The new edge is selected, labelled with the event title and the guard.
    const edge = p.locator('[data-testid=edge-label][data-selected=true]');
    await edge.waitFor();
    expect(await edge.innerText()).toContain('提请复核');
    expect(await edge.innerText()).toContain('司法确认须由双方(全体)当事人共同申请');
    expect(await p.getByTestId('guard-rule').inputValue()).toBe('jointApplication');
    // Now reachable, but with no way to a final state.
    await p.locator('[data-testid=problem][data-code=NO_PATH_TO_FINAL][data-node=state1]').waitFor();
    expect(await p.locator('[data-testid=problem][data-code=UNREACHABLE_STATE]').count()).toBe(0);

    await clickNode(p, 'state1');
    await p.getByTestId('new-transition-event').selectOption('PERFORMED');
    await p.getByTestId('new-transition-target').selectOption('closed');
    await p.getByTestId('new-transition-submit').click();
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    expect(await p.getByTestId('undo').getAttribute('title')).toBe('撤销「连接流转「state1」→「closed」」(Ctrl+Z)');
    await h.screenshot('edit-3-connected');
  });

  it('undoes every edit with Ctrl+Z and redoes them with Ctrl+Y', async () => {
    const p = h.page;
    await p.getByTestId('canvas').click({ position: { x: 5, y: 200 } });
    const edges = () => p.locator('[data-testid=edge-label]').count();
    const withAll = await edges();
    await p.keyboard.press('Control+z'); // connect state1 → closed
    await p.locator('[data-testid=problem][data-code=NO_PATH_TO_FINAL]').waitFor();
    expect(await edges()).toBe(withAll - 1);
    await p.keyboard.press('Control+z'); // connect agreement → state1
    await p.keyboard.press('Control+z'); // rename
    await expect.poll(() => node(p, 'state1').getByTestId('state-title').innerText()).toBe('新状态1');
    await p.keyboard.press('Control+z'); // add state
    await expect.poll(() => node(p, 'state1').count()).toBe(0);
    expect(await p.getByTestId('undo').isDisabled()).toBe(true);
    expect(await p.getByTestId('redo').getAttribute('title')).toBe('重做「新增状态「新状态1」」(Ctrl+Y)');

    for (let i = 0; i < 4; i++) await p.keyboard.press('Control+y');
    await expect.poll(() => node(p, 'state1').getByTestId('state-title').innerText()).toBe('复核');
    expect(await edges()).toBe(withAll);
    await expect.poll(() => p.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');
    expect(await p.getByTestId('redo').isDisabled()).toBe(true);
    await h.screenshot('edit-4-redone');
  });

  it('keeps a dragged position in the document layout, as an undoable command', async () => {
    const p = h.page;
    await fitView(p);
    const before = (await node(p, 'policeReferral').boundingBox())!;
    await p.mouse.move(before.x + 40, before.y + 20);
    await p.mouse.down();
    await p.mouse.move(before.x + 120, before.y + 50, { steps: 8 });
    await p.mouse.up();
    await expect.poll(async () => (await node(p, 'policeReferral').boundingBox())!.x).toBeGreaterThan(before.x + 40);
    expect(await p.getByTestId('undo').getAttribute('title')).toContain('移动 1 个状态');
    await p.getByTestId('tab-json').click();
    const json = JSON.parse(await p.getByTestId('json-text').inputValue());
    expect(json.layout.nodes.policeReferral).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
    expect(json.machine.states.state1.meta.title['zh-CN']).toBe('复核');
    await h.screenshot('edit-5-moved-json');
  });
});
