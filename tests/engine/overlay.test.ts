/**
 * Overlays (engine/pack/overlay.ts): operations that record what they expected of the base. Applied to the base they
 * were made on they give the county's document; applied to a base that moved, each operation is clean, already there,
 * or a conflict that is reported and not applied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOverlay,
  checkOverlay,
  diffOverlay,
  mergePatch,
  overlayOfMergePatch,
  settleConflict,
  type OverlayOp,
} from '../../engine';

const base = {
  id: 'p',
  title: { 'zh-CN': '流程', en: 'Procedure' },
  rules: { a: { description: { 'zh-CN': '甲', en: 'A' } } },
  deadlines: { d: { amount: 30, unit: 'calendarDays' } },
  machine: {
    states: { s1: { meta: { title: { 'zh-CN': '一', en: 'One' } }, on: { GO: 's2' } }, s2: { type: 'final' } },
  },
  layout: { nodes: { s1: { x: 0, y: 0 } } },
};

describe('diffOverlay → applyOverlay', () => {
  it('changes are operations on the deepest object that changed; texts and lists are replaced whole', () => {
    const next = structuredClone(base) as typeof base & { rules: Record<string, unknown> };
    next.machine.states.s1.meta.title = { 'zh-CN': '第一步', en: 'Step one' };
    next.deadlines.d.amount = 20;
    next.rules.b = { description: { 'zh-CN': '乙', en: 'B' } };
    delete (next.rules as Record<string, unknown>).a;
    const ops = diffOverlay(base, next);
    expect(ops).toEqual([
      { op: 'add', path: '/rules/b', value: { description: { 'zh-CN': '乙', en: 'B' } } },
      { op: 'remove', path: '/rules/a', was: { description: { 'zh-CN': '甲', en: 'A' } } },
      { op: 'replace', path: '/deadlines/d/amount', was: 30, value: 20 },
      {
        op: 'replace',
        path: '/machine/states/s1/meta/title',
        was: { 'zh-CN': '一', en: 'One' },
        value: { 'zh-CN': '第一步', en: 'Step one' },
      },
    ]);
    const r = applyOverlay(base, ops);
    expect(r.conflicts).toEqual([]);
    expect(r.doc).toEqual(next);
    expect(base.deadlines.d.amount).toBe(30); // the base is not changed
  });

  it('property: for any two JSON objects, the diff applied to the first gives the second, with no conflict', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string({ maxLength: 3 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        tie('object'),
      ),
      object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'zh-CN', 'en', 'x~y', 'p/q'), tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.object, json.object, (a, b) => {
        const r = applyOverlay(a, diffOverlay(a, b));
        expect(r.conflicts).toEqual([]);
        expect(r.doc).toEqual(b);
      }),
      {
        numRuns: 300,
        examples: [
          [{}, { 'zh-CN': '', en: '' }],
          [{ 'zh-CN': 'a', en: 'b' }, {}],
        ],
      },
    );
  });

  it('a document that is one bilingual text, or becomes one, is replaced whole (found by the property above)', () => {
    const ops = diffOverlay({}, { 'zh-CN': '', en: '' });
    expect(ops).toEqual([{ op: 'replace', path: '', was: {}, value: { 'zh-CN': '', en: '' } }]);
    expect(applyOverlay({}, ops)).toEqual({ doc: { 'zh-CN': '', en: '' }, conflicts: [], already: [] });
    // laid on a base that changed meanwhile: a conflict, the base kept
    const moved = applyOverlay({ a: 1 }, ops);
    expect(moved.doc).toEqual({ a: 1 });
    expect(moved.conflicts.map((c) => c.reason)).toEqual(['changed']);
  });

  it('a merge patch becomes the operations giving the same document', () => {
    const patch = {
      machine: { states: { s1: { meta: { title: { 'zh-CN': '甲步' } } }, s3: { type: 'final' } } },
      rules: { a: null },
    };
    const ops = overlayOfMergePatch(base, patch);
    expect(applyOverlay(base, ops).doc).toEqual(mergePatch(base, patch));
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
      'remove /rules/a',
      'replace /machine/states/s1/meta/title',
      'add /machine/states/s3',
    ]);
  });
});

describe('applyOverlay on a base that moved', () => {
  const ops: OverlayOp[] = [
    { op: 'replace', path: '/deadlines/d/amount', was: 30, value: 20 },
    {
      op: 'replace',
      path: '/machine/states/s1/meta/title',
      was: { 'zh-CN': '一', en: 'One' },
      value: { 'zh-CN': '第一步', en: 'Step one' },
    },
    { op: 'add', path: '/machine/states/s1/on/BACK', value: 's1' },
    { op: 'remove', path: '/rules/a', was: { description: { 'zh-CN': '甲', en: 'A' } } },
  ];

  it('changes elsewhere in the base are kept, and the county changes still apply', () => {
    const moved = structuredClone(base) as typeof base & { machine: { states: Record<string, unknown> } };
    moved.machine.states.s3 = { type: 'final' };
    moved.deadlines.d.unit = 'workingDays';
    const r = applyOverlay(moved, ops);
    expect(r.conflicts).toEqual([]);
    expect(r.doc.deadlines.d).toEqual({ amount: 20, unit: 'workingDays' });
    expect(Object.keys(r.doc.machine.states)).toEqual(['s1', 's2', 's3']);
    expect(r.doc.rules).toEqual({});
  });

  it('the state the county changes was removed by the base: a conflict naming it, nothing applied there', () => {
    const moved = structuredClone(base) as { machine: { states: Record<string, unknown> } };
    delete moved.machine.states.s1;
    const r = applyOverlay(moved, ops);
    expect(r.conflicts.map((c) => [c.index, c.reason, c.missing])).toEqual([
      [1, 'removed', '/machine/states/s1'],
      [2, 'removed', '/machine/states/s1'],
    ]);
    expect(r.conflicts[0].message['zh-CN']).toContain('上级流程已没有 /machine/states/s1');
    expect(r.doc.machine.states.s1).toBeUndefined(); // not re-created as a fragment
  });

  it('the base changed the same value: a conflict with the base value now; the same value as the county: already there', () => {
    const moved = structuredClone(base);
    moved.deadlines.d.amount = 25;
    moved.machine.states.s1.meta.title = { 'zh-CN': '第一步', en: 'Step one' };
    const r = applyOverlay(moved, ops);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ index: 0, reason: 'changed', base: 25 });
    expect(r.doc.deadlines.d.amount).toBe(25);
    expect(r.already).toEqual([1]);
  });

  it('the base added something else where the county adds, or changed what it removes: conflicts', () => {
    const moved = structuredClone(base) as typeof base & {
      machine: { states: { s1: { on: Record<string, unknown> } } };
    };
    moved.machine.states.s1.on.BACK = 's2';
    moved.rules.a.description = { 'zh-CN': '甲(新)', en: 'A (new)' };
    const r = applyOverlay(moved, ops);
    expect(r.conflicts.map((c) => [c.index, c.reason])).toEqual([
      [2, 'added'],
      [3, 'changed'],
    ]);
    expect(r.doc.rules.a.description['zh-CN']).toBe('甲(新)');
  });

  it('designer positions never conflict: the base wins', () => {
    const moved = structuredClone(base) as { layout: { nodes: Record<string, unknown> } };
    delete moved.layout.nodes.s1;
    const r = applyOverlay(moved, [{ op: 'replace', path: '/layout/nodes/s1/x', was: 0, value: 100 }]);
    expect(r.conflicts).toEqual([]);
    expect(r.doc).toEqual(moved);
  });

  it('settling: mine expects what the base holds now; base drops the operation', () => {
    const moved = structuredClone(base);
    moved.deadlines.d.amount = 25;
    expect(settleConflict(ops, moved, 0, 'mine')[0]).toEqual({
      op: 'replace',
      path: '/deadlines/d/amount',
      was: 25,
      value: 20,
    });
    expect(settleConflict(ops, moved, 0, 'base')).toEqual(ops.slice(1));
    const settled = settleConflict(ops, moved, 0, 'mine');
    expect(applyOverlay(moved, settled).conflicts).toEqual([]);
  });
});

describe('checkOverlay refuses malformed operations (untrusted input), every problem with its path', () => {
  it('not a list, unknown op, missing was, bad pointer, prototype keys, the id', () => {
    expect(checkOverlay({}, '/p')).toMatchObject([{ path: '/p', code: 'INVALID_PATCH' }]);
    const problems = checkOverlay(
      [
        { op: 'move', path: '/a' },
        { op: 'replace', path: '/a', value: 1 },
        { op: 'add', path: 'a', value: 1 },
        { op: 'add', path: '/__proto__/x', value: 1 },
        { op: 'replace', path: '/id', was: 'p', value: 'q' },
        { op: 'remove', path: '/ok', was: 1 },
      ],
      '/p',
    );
    expect(problems.map((p) => p.path)).toEqual(['/p/0', '/p/1', '/p/2', '/p/3', '/p/4']);
    expect(problems[1].message.en).toContain('needs was');
  });
});
