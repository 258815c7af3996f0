/** The designer's UI-free model: document → chart, problems → nodes, change marks, SVG export. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { ProcedureDoc } from '../../engine/types';
import { resolvePacks, validateProcedure } from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import {
  buildChart,
  chartToSvg,
  marksFrom,
  overridesFor,
  problemTarget,
  unionChart,
  absolute,
  placeNodes,
  acceptedEvents,
  formatDue,
  fieldsOf,
  withField,
  withoutField,
  pathTaken,
} from '../../designer/src/model';

const mediation = (): ProcedureDoc =>
  JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));

describe('chart model of the national mediation procedure', () => {
  it('has a node per state, the court as a group holding its children, finals marked', () => {
    const m = buildChart(mediation());
    expect(m.nodes.map((n) => n.id)).toContain('fastTrackCourt.trial');
    expect(m.byId.get('fastTrackCourt')!.kind).toBe('compound');
    expect(m.byId.get('fastTrackCourt.filing')!.parent).toBe('fastTrackCourt');
    expect(m.byId.get('closed')!.kind).toBe('final');
    expect(m.byId.get('intake')!.initial).toBe(true);
    expect(m.byId.get('fastTrackCourt.filing')!.initial).toBe(true);
  });

  it('draws transitions as edges keyed by their JSON pointer, resolving #id targets', () => {
    const m = buildChart(mediation());
    const judged = m.edges.find((e) => e.event === 'JUDGED')!;
    expect(judged).toMatchObject({
      source: 'fastTrackCourt.trial',
      target: 'closed',
      pointer: '/machine/states/fastTrackCourt/states/trial/on/JUDGED',
    });
    const filed = m.edges.filter((e) => e.event === 'FILED');
    expect(filed.map((e) => e.id)).toEqual(
      [0, 1, 2].map((i) => `/machine/states/fastTrackCourt/states/filing/on/FILED/${i}`),
    );
    expect(filed[1].sibling).toBe(1);
    expect(m.byId.get('mediation')!.internal.map((t) => t.event)).toEqual(['EXTEND_MEDIATION']);
    expect(m.byId.get('mediation')!.deadlines).toEqual(['mediationPeriod', 'labourMediationPeriod']);
  });
});

describe('problems point at the node they concern', () => {
  it('an unreachable new state, a bad target, a deadline on a missing state', () => {
    const doc = mediation();
    doc.machine.states.orphan = { meta: { title: { 'zh-CN': '孤立', en: 'Orphan' } }, on: { PERFORMED: 'closed' } };
    (doc.machine.states.agreement.on as Record<string, unknown>).PERFORMED = { target: 'nowhere' };
    const problems = validateProcedure(doc);
    const m = buildChart(doc);
    const unreachable = problems.find((p) => p.code === 'UNREACHABLE_STATE')!;
    expect(unreachable.message['zh-CN']).toContain('无法到达');
    expect(problemTarget(unreachable, m, doc)).toEqual({ node: 'orphan' });
    const bad = problems.find((p) => p.code === 'UNKNOWN_TARGET')!;
    expect(problemTarget(bad, m, doc).node).toBe('agreement');
    expect(
      problemTarget({ path: '/deadlines/mediationPeriod/state', message: { 'zh-CN': '', en: '' } }, m, doc),
    ).toMatchObject({ node: 'mediation', item: { kind: 'deadline' } });
    expect(
      problemTarget(
        { path: '/machine/states/mediation/on/AGREEMENT_SIGNED/guard', message: { 'zh-CN': '', en: '' } },
        m,
        doc,
      ),
    ).toEqual({ edge: '/machine/states/mediation/on/AGREEMENT_SIGNED', node: 'mediation' });
  });
});

describe('change marks', () => {
  it('a county pack: changed titles and a changed transition on the chart', () => {
    const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
    const county = packs['baoan-district'];
    const doc = county.procedures['duty-admission'];
    const base = packs.national.procedures['duty-admission'];
    const list = overridesFor(county.overrides, 'duty-admission', doc);
    expect(list.length).toBeGreaterThan(0);
    const chart = unionChart(base, doc);
    const marks = marksFrom(list, chart, doc, base);
    expect(marks.nodes.review).toBe('changed');
    // Bao'an adds its district-level test to APPROVE
    expect(Object.entries(marks.edges).some(([id, c]) => id.includes('/review/on/APPROVE') && c === 'changed')).toBe(
      true,
    );
  });

  it('a county list: its duty-list items are listed for the procedure that reads them, and the list-check transitions marked', () => {
    const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
    const county = packs['baoan-district'];
    const doc = county.procedures['duty-admission'];
    const base = packs.national.procedures['duty-admission'];
    const list = overridesFor(county.overrides, 'duty-admission', doc);
    expect(list.filter((o) => o.kind === 'data').map((o) => o.path)).toEqual(
      expect.arrayContaining([
        'data/duty-lists/statutory/BA-S01',
        'data/duty-lists/assistance/BA-A01',
        'data/duty-lists/negative/BA-N01',
      ]),
    );
    expect(
      overridesFor(county.overrides, 'community-consultation', county.procedures['community-consultation']).some(
        (o) => o.kind === 'data',
      ),
    ).toBe(false);
    const marks = marksFrom(list, unionChart(base, doc), doc, base);
    expect(Object.entries(marks.edges).some(([id, c]) => id.includes('/submitted/always') && c === 'changed')).toBe(
      true,
    );
  });

  it('a version diff: an added state and a removed transition, removed ones drawn from the base', async () => {
    const { diffProcedure } = await import('../../engine');
    const a = mediation();
    const b = mediation();
    b.machine.states.review = { meta: { title: { 'zh-CN': '复核', en: 'Review' } }, on: { PERFORMED: 'closed' } };
    delete (b.machine.states.agreement.on as Record<string, unknown>).PERFORMANCE_DISPUTE;
    const chart = unionChart(a, b);
    const marks = marksFrom(diffProcedure(a, b), chart, b, a);
    expect(marks.nodes.review).toBe('added');
    const removed = chart.edges.find((e) => e.id.startsWith('removed:') && e.event === 'PERFORMANCE_DISPUTE')!;
    expect(marks.edges[removed.id]).toBe('removed');
  });
});

describe('placement, export, simulation helpers, fields', () => {
  it('stored positions win; the SVG carries Chinese titles as text', () => {
    const doc = mediation();
    doc.layout = { nodes: { mediation: { x: 500, y: 40 } } };
    const m = buildChart(doc);
    const pos = placeNodes(m, {}, doc);
    expect(pos.mediation).toMatchObject({ x: 500, y: 40 });
    expect(pos.fastTrackCourt.width).toBeGreaterThan(pos['fastTrackCourt.filing'].x);
    const { svg } = chartToSvg({
      doc,
      model: m,
      boxes: absolute(m, pos),
      lang: 'zh-CN',
      title: '矛盾纠纷调解与速裁衔接 流程图',
    });
    expect(svg).toContain('>调解<');
    expect(svg).toContain('签订调解协议');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('accepted events, path taken, due dates', () => {
    const doc = mediation();
    expect(acceptedEvents(doc, 'fastTrackCourt.filing')).toEqual(['FILED', 'WITHDRAWN']);
    expect(acceptedEvents(doc, 'mediation')).not.toContain('MEDIATION_EXPIRED');
    const m = buildChart(doc);
    const taken = pathTaken(m, [
      { from: null, to: 'mediation' },
      { from: 'mediation', to: 'agreement', transitions: ['/machine/states/mediation/on/AGREEMENT_SIGNED'] },
    ]);
    expect([...taken.edges]).toContain('/machine/states/mediation/on/AGREEMENT_SIGNED');
    expect(formatDue('2025-10-27T23:59:59+08:00', 'zh-CN')).toBe('2025-10-27(周一)');
  });

  it('payload fields as a table', () => {
    const doc = mediation();
    const fields = fieldsOf(doc.events.AGREEMENT_SIGNED.payload);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['effectiveOn', 'date', true],
      ['form', 'enum', true],
      ['terms', 'text', false],
    ]);
    const s = withField(doc.events.AGREEMENT_SIGNED.payload, {
      name: 'witness',
      kind: 'string',
      title: '见证人',
      required: true,
    });
    expect(s.required as string[]).toContain('witness');
    const renamed = withField(s, { name: 'signedOn', kind: 'date', title: '', required: true }, 'effectiveOn');
    expect(Object.keys(renamed.properties as object)[0]).toBe('signedOn');
    expect(withoutField(renamed, 'witness').required).toEqual(['form', 'signedOn']);
  });
});

describe('times are shown in Asia/Shanghai', () => {
  it('formats instants with the +08:00 wall clock', async () => {
    const { formatInstant } = await import('../../designer/src/model');
    expect(formatInstant('2025-09-26T01:00:00.000Z')).toBe('2025-09-26 09:00');
    expect(formatInstant('2025-09-26T09:00:00+08:00')).toBe('2025-09-26 09:00');
  });
});

describe('the path a case took', () => {
  it('marks the start from the initial state through triage', () => {
    const doc = mediation();
    const m = buildChart(doc);
    const taken = pathTaken(m, [
      { from: null, to: 'mediation' },
      { from: 'mediation', to: 'agreement' },
    ]);
    expect([...taken.nodes].sort()).toEqual(['agreement', 'intake', 'mediation']);
    expect([...taken.edges]).toEqual([
      '/machine/states/intake/always/3',
      '/machine/states/mediation/on/AGREEMENT_SIGNED',
    ]);
  });
});
