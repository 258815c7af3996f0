/**
 * The designer's model for policy staff (issue 16): rules read as sentences from fields picked by their Chinese
 * titles, a refused rule says which condition failed with its value, drafts are clean again when undo returns to
 * the saved document, locks refuse any edit of a locked item, copy/paste of states, adding a state moves no
 * existing state, and the official-document export has no ids, no cut labels, a legend and deadline lengths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ProcedureDoc } from '../../engine/types';
import { walkStates } from '../../engine/browser';
import { validateProcedure } from '../../engine/browser-rules';
import { failedConditions } from '../../designer/src/model/explain';
import {
  absolute,
  autoLayout,
  buildChart,
  chartToSvg,
  commands as C,
  conditionSentence,
  conditions as K,
  fieldCatalog,
  labelSizes,
  humanizeMessage,
  leafFor,
  OPERATORS_FOR,
  placeNodes,
  ruleNameFor,
  type FieldType,
} from '../../designer/src/model';

const read = (p: string): ProcedureDoc => JSON.parse(readFileSync(p, 'utf8'));
const mediation = () => read('configs/packs/national/procedures/dispute-mediation.json');
const pack = JSON.parse(readFileSync('configs/packs/national/pack.json', 'utf8'));
const parameters = pack.parameters;

describe('rules for people who are not programmers', () => {
  it('offers the fields of the start data and the event payloads by their Chinese titles', () => {
    const cat = fieldCatalog(mediation());
    const amount = cat.find((f) => f.fact === 'data' && f.path === '$.amount')!;
    expect(amount.title['zh-CN']).toBe('标的额(元)');
    expect(amount.type).toBe('number');
    const type = cat.find((f) => f.path === '$.disputeType')!;
    expect(type.choices!.find((c) => c.value === 'neighbour')!.title['zh-CN']).toBe('邻里纠纷');
    const applied = cat.find((f) => f.fact === 'event' && f.path === '$.appliedOn')!;
    expect(applied.type).toBe('date');
    expect(applied.events).toContain('APPLY_CONFIRMATION');
    // a payload the case keeps (`save` actions): the agreement's effective date
    expect(cat.some((f) => f.fact === 'data' && f.path === '$.agreement.effectiveOn' && f.type === 'date')).toBe(true);
  });

  it('reads a rule as a sentence with the parameter and its value', () => {
    const doc = mediation();
    const ctx = { doc, catalog: fieldCatalog(doc), parameters, lang: 'zh-CN' as const };
    const cond = {
      all: [
        { fact: 'data', path: '$.amount', operator: 'lessThanInclusive', value: { param: 'smallClaimsCap' } },
        { fact: 'data', path: '$.disputeType', operator: 'in', value: ['neighbour', 'family'] },
      ],
    };
    const cap = parameters.smallClaimsCap.value as number;
    expect(conditionSentence(K.asCond(cond), ctx)).toBe(
      `标的额(元) 不超过 ${parameters.smallClaimsCap.title['zh-CN']}(${cap.toLocaleString('zh-CN')}${parameters.smallClaimsCap.unit ? ' ' : ''}${parameters.smallClaimsCap.unit ? '元' : ''}) 且 纠纷类型 属于 邻里纠纷、家庭纠纷`,
    );
  });

  it('writes a valid condition for every operator a field kind offers (unary ones keep a value)', () => {
    const doc = mediation();
    const cat = fieldCatalog(doc);
    const byType = new Map<FieldType, (typeof cat)[number]>();
    for (const f of cat) if (!byType.has(f.type)) byType.set(f.type, f);
    let n = 0;
    for (const [type, field] of byType) {
      for (const op of OPERATORS_FOR[type]) {
        const leaf = { ...leafFor(field), operator: op };
        const value = K.UNARY.has(op) ? true : leafFor(field).value;
        doc.rules[`r${n++}`] = {
          description: { 'zh-CN': '示例', en: 'sample' },
          basis: { 'zh-CN': '示例', en: 'sample' },
          conditions: { all: [{ ...leaf, value }] },
        };
      }
    }
    expect(n).toBeGreaterThan(30);
    expect(validateProcedure(doc, { parameters }).filter((p) => p.path.startsWith('/rules'))).toEqual([]);
  });

  it('generates rule names from the English description, never asking for one', () => {
    expect(ruleNameFor({ 'zh-CN': '金额不超过上限', en: 'amount within the cap' }, [])).toBe('amountWithinTheCap');
    expect(ruleNameFor({ 'zh-CN': '金额不超过上限', en: '金额' }, ['rule1'])).toBe('rule2');
  });

  it('says which condition failed, with the actual value', () => {
    const doc = mediation();
    doc.rules.smallAndNeighbours = {
      description: { 'zh-CN': '小额邻里纠纷', en: 'small neighbour dispute' },
      basis: { 'zh-CN': '示例', en: 'sample' },
      conditions: {
        all: [
          { fact: 'data', path: '$.amount', operator: 'lessThanInclusive', value: 50000 },
          { fact: 'data', path: '$.disputeType', operator: 'equal', value: 'neighbour' },
        ],
      },
    };
    const ctx = { doc, catalog: fieldCatalog(doc), parameters, lang: 'zh-CN' as const };
    const failed = failedConditions(
      {
        doc,
        rule: 'smallAndNeighbours',
        data: { amount: 80000, disputeType: 'neighbour' },
        payload: {},
        at: '2025-09-26T09:00:00+08:00',
        parameters,
        calendar: undefined,
        packData: {},
      },
      ctx,
    );
    expect(failed).toEqual([{ sentence: '标的额(元) 不超过 50,000', actual: '80,000' }]);
  });
});

describe('broken transitions and problems in words', () => {
  it('lists a transition to a missing state on its source so the forms can mend it, and quotes titles in problems', () => {
    const doc = mediation();
    (doc.machine.states.agreement.on as Record<string, unknown>).PERFORMED = { target: 'nowhere' };
    const model = buildChart(doc);
    const agreement = model.byId.get('agreement')!;
    expect(agreement.broken).toEqual([expect.objectContaining({ event: 'PERFORMED', target: 'nowhere' })]);
    expect(model.edges.some((e) => e.source === 'agreement' && e.event === 'PERFORMED')).toBe(false);
    const mended = C.setTransitionTarget({ source: 'agreement', event: 'PERFORMED', index: 0 }, 'closed').apply(doc);
    expect(buildChart(mended).byId.get('agreement')!.broken).toEqual([]);
    expect(humanizeMessage('事件「AGREEMENT_SIGNED」的条件不满足;状态「agreement」', doc, 'zh-CN')).toBe(
      '事件「签订调解协议」的条件不满足;状态「调解协议生效」',
    );
  });
});

describe('drafts, locks, copy and paste', () => {
  it('is clean again when undo returns to the saved document', () => {
    let s = C.createEditor(mediation());
    s = C.execute(s, C.setStateTitle('mediation', { 'zh-CN': '人民调解', en: 'Mediation' }));
    expect(C.isDirty(s)).toBe(true);
    s = C.undo(s);
    expect(C.isDirty(s)).toBe(false);
    s = C.redo(s);
    s = C.markSaved(s);
    s = C.execute(s, C.addState({ parent: null, key: 'x', title: { 'zh-CN': '新', en: 'New' } }));
    expect(C.isDirty(s)).toBe(true);
    expect(C.isDirty(C.undo(s))).toBe(false);
  });

  it('refuses any command that changes what the base pack locks, in a county', () => {
    const base = mediation();
    const locks = C.locksOf(base, pack.locked, 'dispute-mediation');
    expect([...locks.rules].sort()).toEqual([
      'contentNotExcluded',
      'jointApplication',
      'smallClaimsNotExcluded',
      'withinConfirmationWindow',
    ]);
    const check = C.lockCheck(locks, (_k, n) => ({ 'zh-CN': n, en: n }));
    const s = C.createEditor(base);
    const edited = { ...base.rules.jointApplication, basis: { 'zh-CN': '改', en: 'x' } };
    const refused = (() => {
      try {
        C.execute(s, C.editRule('jointApplication', edited, 'jointApplication'), check);
        return null;
      } catch (e) {
        return e as InstanceType<typeof C.CommandError>;
      }
    })();
    expect(refused?.i18n['zh-CN']).toContain('由上级配置包锁定');
    const json = structuredClone(base);
    delete json.rules.withinConfirmationWindow;
    expect(() => C.execute(s, C.replaceDocument(json), check)).toThrow(C.CommandError);
    // other edits go through
    expect(
      C.execute(s, C.setStateTitle('mediation', { 'zh-CN': '人民调解', en: 'Mediation' }), check).doc.machine.states
        .mediation.meta!.title!['zh-CN'],
    ).toBe('人民调解');
  });

  it('copies two states with the transition between them and pastes them beside the originals', () => {
    const doc = mediation();
    const snip = C.copyStates(doc, ['mediation', 'agreement'], {
      mediation: { x: 10, y: 20 },
      agreement: { x: 10, y: 220 },
    })!;
    const after = C.pasteStates(snip, null).apply(doc);
    const copy = after.machine.states.mediation_copy;
    expect(copy.meta!.title!['zh-CN']).toBe('调解(副本)');
    expect(after.machine.states.agreement_copy).toBeDefined();
    const signed = copy.on!.AGREEMENT_SIGNED as { target: string };
    expect(signed.target).toBe('#dispute-mediation.agreement_copy');
    // a transition to a state not copied still points at the original
    expect((copy.on!.MEDIATION_FAILED as { target: string }[]).map((x) => x.target)).toEqual([
      '#dispute-mediation.arbitrationReferral',
      '#dispute-mediation.fastTrackCourt',
    ]);
    expect(after.layout!.nodes!.mediation_copy).toEqual({ x: 50, y: 60 });
    expect(Object.values(after.deadlines).filter((d) => d.state === 'mediation_copy')).toHaveLength(2); // the 30-day and the labour 15-day periods
    const problems = validateProcedure(after, { parameters }).filter((p) => p.code !== 'UNREACHABLE_STATE');
    expect(problems).toEqual([]);
    expect(walkStates(after.machine).length).toBe(walkStates(doc.machine).length + 2);
  });
});

describe('the chart keeps its positions and exports for official documents', () => {
  it('adding a state moves no existing state', async () => {
    const doc = mediation();
    const model = buildChart(doc);
    const labels = labelSizes(doc, model, 'zh-CN');
    const auto = await autoLayout(new ELK(), model, (id) => labels[id]);
    const kept = placeNodes(model, auto.positions, doc);
    const before = absolute(model, kept);
    for (const [parent, key] of [
      [null, 'review'],
      ['fastTrackCourt', 'appeal'],
    ] as const) {
      const next = C.addState({ parent, key, title: { 'zh-CN': '复核', en: 'Review' } }).apply(doc);
      const m2 = buildChart(next);
      const after = absolute(m2, placeNodes(m2, kept, next));
      for (const n of model.nodes)
        if (n.kind !== 'compound') expect(after[n.id], n.id).toMatchObject({ x: before[n.id].x, y: before[n.id].y });
      const added = after[parent ? `${parent}.${key}` : key];
      // the new state overlaps no state that was there
      for (const n of model.nodes) {
        if (n.kind === 'compound') continue;
        const b = after[n.id];
        expect(
          added.x < b.x + b.width &&
            b.x < added.x + added.width &&
            added.y < b.y + b.height &&
            b.y < added.y + added.height,
          n.id,
        ).toBe(false);
      }
    }
  });

  it('exports without ids or cut labels, with a legend and deadline lengths, icons drawn not typed', async () => {
    const doc = mediation();
    const model = buildChart(doc);
    const labels = labelSizes(doc, model, 'zh-CN');
    const auto = await autoLayout(new ELK(), model, (id) => labels[id]);
    const { svg } = chartToSvg({
      doc,
      model,
      boxes: absolute(model, placeNodes(model, auto.positions, doc)),
      lang: 'zh-CN',
      title: '流程图',
      routes: auto.routes,
      parameters,
    });
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const ids = [
      ...walkStates(doc.machine).map((s) => s.node && s.path.split('.').pop()!),
      ...Object.keys(doc.events),
      ...Object.keys(doc.rules),
    ];
    for (const t of texts)
      for (const id of ids) expect(new RegExp(`\\b${id}\\b`).test(t), `${id} in “${t}”`).toBe(false);
    expect(svg).not.toContain('…');
    expect(svg).not.toMatch(/[⏱↻●◎]/u);
    expect(texts).toContain('图例');
    expect(texts.some((t) => t.startsWith('调解期限 30日'))).toBe(true);
  });
});
