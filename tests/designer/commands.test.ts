/** Designer commands: each edit is named, changes only a copy, and undo/redo restore exactly. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { ProcedureDoc } from '../../engine/types';
import { validateProcedure } from '../../engine';
import { commands as C, buildChart } from '../../designer/src/model';

const mediation = (): ProcedureDoc =>
  JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));
const title = (zh: string) => ({ 'zh-CN': zh, en: zh });

describe('command stack', () => {
  it('executes, undoes and redoes, with the command name for the tooltip', () => {
    const doc = mediation();
    let s = C.createEditor(doc);
    s = C.execute(s, C.addState({ parent: null, key: 'review', title: title('复核') }));
    expect(s.doc.machine.states.review).toBeDefined();
    expect(doc.machine.states.review).toBeUndefined();
    expect(C.nextUndo(s)!.label['zh-CN']).toBe('新增状态「复核」');
    s = C.undo(s);
    expect(s.doc).toBe(doc);
    expect(C.canRedo(s)).toBe(true);
    s = C.redo(s);
    expect(s.doc.machine.states.review).toBeDefined();
    expect(C.isDirty(s)).toBe(true);
  });

  it('a command shares what it did not touch with the document before, and the documents kept are frozen', () => {
    const doc = mediation();
    const s = C.execute(C.createEditor(doc), C.setEventTitle('MEDIATION_FAILED', title('调解未成功')));
    expect(s.doc.events.MEDIATION_FAILED.title['zh-CN']).toBe('调解未成功');
    expect(doc.events.MEDIATION_FAILED.title['zh-CN']).not.toBe('调解未成功');
    // only the path to the change is new: the chart, the rules and the other events are the same objects
    expect(s.doc.machine).toBe(doc.machine);
    expect(s.doc.rules).toBe(doc.rules);
    expect(s.doc.events.AGREEMENT_SIGNED).toBe(doc.events.AGREEMENT_SIGNED);
    expect(s.doc.events).not.toBe(doc.events);
    // a kept document cannot be changed behind the stack's back
    expect(Object.isFrozen(s.doc) && Object.isFrozen(s.doc.events.MEDIATION_FAILED)).toBe(true);
    expect(() => {
      (s.doc.events.MEDIATION_FAILED as { roles: string[] }).roles = [];
    }).toThrow(TypeError);
    // undo hands back the very document before, and redo the very one after
    expect(C.undo(s).doc).toBe(doc);
    expect(C.redo(C.undo(s)).doc).toBe(s.doc);
  });
});

describe('state commands', () => {
  it('a new state is unreachable until connected with a guarded transition', () => {
    let s = C.createEditor(mediation());
    s = C.execute(s, C.addState({ parent: null, key: 'review', title: title('复核') }));
    expect(validateProcedure(s.doc).map((p) => p.code)).toContain('UNREACHABLE_STATE');
    s = C.execute(
      s,
      C.connect({
        source: 'agreement',
        target: 'review',
        event: 'REVIEW',
        newEventTitle: title('提请复核'),
        guard: 'jointApplication',
      }),
    );
    s = C.execute(s, C.connect({ source: 'review', target: 'closed', event: 'PERFORMED' }));
    expect(validateProcedure(s.doc)).toEqual([]);
    expect(buildChart(s.doc).edges.find((e) => e.event === 'REVIEW')).toMatchObject({
      source: 'agreement',
      target: 'review',
      guard: ['jointApplication'],
    });
  });

  it('nested states: adding a child makes the parent compound with an initial child', () => {
    let s = C.createEditor(mediation());
    s = C.execute(s, C.addState({ parent: 'mediation', key: 'hearing', title: title('听证') }));
    expect(s.doc.machine.states.mediation.initial).toBe('hearing');
    expect(buildChart(s.doc).byId.get('mediation')!.kind).toBe('compound');
  });

  it('renaming a key rewrites targets (relative and #id), initial, deadlines and layout', () => {
    const doc = mediation();
    doc.layout = { nodes: { 'fastTrackCourt.trial': { x: 1, y: 2 } } };
    const s = C.execute(C.createEditor(doc), C.renameStateKey('fastTrackCourt', 'court'));
    const m = s.doc.machine;
    expect(Object.keys(m.states)).toEqual([
      'intake',
      'mediation',
      'agreement',
      'judicialConfirmation',
      'court',
      'closed',
      'policeReferral',
      'arbitrationReferral',
    ]);
    expect(validateProcedure(s.doc)).toEqual([]);
    expect(s.doc.deadlines.trialSmallClaims.state).toBe('court.trial');
    expect(s.doc.layout!.nodes!['court.trial']).toEqual({ x: 1, y: 2 });
    const s2 = C.execute(C.createEditor(mediation()), C.renameStateKey('closed', 'done'));
    expect(validateProcedure(s2.doc)).toEqual([]);
    expect(JSON.stringify(s2.doc.machine)).toContain('#dispute-mediation.done');
  });

  it('deleting a state removes transitions into it and its deadlines', () => {
    const s = C.execute(C.createEditor(mediation()), C.deleteState('judicialConfirmation'));
    expect(s.doc.machine.states.judicialConfirmation).toBeUndefined();
    expect((s.doc.machine.states.agreement.on as Record<string, unknown>).APPLY_CONFIRMATION).toBeUndefined();
    expect(s.doc.deadlines.confirmationPeriod).toBeUndefined();
    const codes = validateProcedure(s.doc).map((p) => p.code);
    expect(codes.every((c) => c === 'UNUSED_EVENT')).toBe(true);
  });

  it('refuses a duplicate key with a Chinese message', () => {
    expect(() => C.addState({ parent: null, key: 'mediation', title: title('x') }).apply(mediation())).toThrow(
      C.CommandError,
    );
    try {
      C.addState({ parent: null, key: 'mediation', title: title('x') }).apply(mediation());
    } catch (e) {
      expect((e as C.CommandError).i18n['zh-CN']).toContain('已存在');
    }
  });
});

describe('transitions, events, rules, deadlines', () => {
  it('guards, events and roles, payload fields, rules and deadlines by command', () => {
    let s = C.createEditor(mediation());
    const ref = { source: 'agreement', event: 'PERFORMED', index: 0 };
    s = C.execute(s, C.setGuard(ref, { type: 'allOf', params: { rules: ['jointApplication', 'contentNotExcluded'] } }));
    expect((s.doc.machine.states.agreement.on as Record<string, { guard: unknown }>).PERFORMED.guard).toEqual({
      type: 'allOf',
      params: { rules: ['jointApplication', 'contentNotExcluded'] },
    });
    s = C.execute(s, C.setEventRoles('PERFORMED', ['party']));
    s = C.execute(
      s,
      C.setPayloadField('PERFORMED', { name: 'performedOn', kind: 'date', title: '履行日期', required: true }),
    );
    expect(s.doc.events.PERFORMED.payload!.required).toEqual(['performedOn']);
    s = C.execute(
      s,
      C.editRule('bigAmount', {
        description: title('标的额较大'),
        basis: title('示例'),
        conditions: {
          all: [{ fact: 'data', path: '$.amount', operator: 'greaterThan', value: { param: 'smallClaimsCap' } }],
        },
      }),
    );
    s = C.execute(
      s,
      C.setDeadline('agreementPeriod', {
        title: title('履行期限'),
        state: 'agreement',
        amount: 10,
        unit: 'workingDays',
        onExpiry: { effects: ['supervision.notice'] },
        basis: title('示例'),
      }),
    );
    const problems = validateProcedure(s.doc);
    expect(problems).toEqual([]);
    s = C.execute(s, C.setTransitionEvent(ref, 'PERFORMANCE_DISPUTE'));
    expect(Array.isArray((s.doc.machine.states.agreement.on as Record<string, unknown>).PERFORMANCE_DISPUTE)).toBe(
      true,
    );
    s = C.execute(s, C.editRule('hugeAmount', s.doc.rules.bigAmount, 'bigAmount'));
    expect(s.doc.rules.bigAmount).toBeUndefined();
  });
});

describe('no-op edits', () => {
  it('an edit that changes nothing is not put on the stack', () => {
    const s = C.createEditor(mediation());
    const same = C.execute(s, C.setStateTitle('mediation', { 'zh-CN': '调解', en: 'Mediation' }));
    expect(same).toBe(s);
    expect(C.canUndo(same)).toBe(false);
  });
});
