/**
 * The step budget (DESIGN.md decision 9, engine/budget.ts) bounds every run of a definition: a loop that only data can
 * stop (a guarded eventless transition) is refused with INVALID_DEFINITION / STEP_BUDGET once it passes 200
 * microsteps or 5,000 actions — in a step, and in a start (XState's getInitialSnapshot catches the overrun into an
 * error snapshot, which must not become a case) — while a loop the data does stop within the budget runs.
 */
import { describe, expect, it } from 'vitest';
import { compileProcedure, start, step, type ProcedureDoc, type ResolvedPack, type StepResult } from '../../engine';
import { STEP_BUDGET } from '../../engine/budget';

const T = { 'zh-CN': '示例', en: 'sample' };
const pack = {
  id: 'p',
  title: T,
  lineage: ['p'],
  parameters: {},
  procedures: {},
  data: {},
  overrides: [],
  calendar: { years: [2025], holidays: [], workdays: [] },
} as unknown as ResolvedPack;
const clerk = { subject: 'c', roles: ['clerk'] };
const now = new Date('2025-09-01T01:00:00Z');

/** `loop` is a guarded eventless transition that counts n up while n < limit, running `emits` effect actions each time. */
function doc(opts: { limit: number; emits?: number; onInitial?: boolean; guard?: unknown }): ProcedureDoc {
  const actions = [
    { type: 'increment', params: { path: 'n' } },
    ...Array.from({ length: opts.emits ?? 0 }, () => ({ type: 'emit', params: { effect: 'probe.tick' } })),
  ];
  const loop = { always: { guard: opts.guard ?? 'below', actions }, on: { DONE: 'done' } };
  return {
    id: 'budget-probe',
    version: 1,
    title: T,
    data: { type: 'object' },
    roles: { clerk: { title: T } },
    events: { GO: { title: T, roles: ['clerk'] }, DONE: { title: T, roles: ['clerk'] } },
    rules: {
      below: {
        description: T,
        basis: T,
        conditions: { all: [{ fact: 'data', path: '$.n', operator: 'lessThan', value: opts.limit }] },
      },
      reached: {
        description: T,
        basis: T,
        conditions: { all: [{ fact: 'data', path: '$.n', operator: 'greaterThanInclusive', value: opts.limit }] },
      },
    },
    deadlines: {},
    machine: opts.onInitial
      ? { initial: 'b', states: { b: { ...loop, on: { GO: 'done', DONE: 'done' } }, done: { type: 'final' } } }
      : { initial: 'a', states: { a: { on: { GO: 'b' } }, b: loop, done: { type: 'final' } } },
  } as unknown as ProcedureDoc;
}

const budgetRefusal = (r: StepResult) => {
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect(r.code).toBe('INVALID_DEFINITION');
  const details = r.details as { code: string; message: { en: string } }[];
  expect(details.map((d) => d.code)).toEqual(['STEP_BUDGET']);
  return details[0].message.en;
};

async function goFrom(d: ProcedureDoc) {
  const proc = compileProcedure(d, pack);
  const s = await start(proc, { id: 'x', data: { n: 0 }, actor: clerk }, { now });
  if (!s.ok) throw new Error(JSON.stringify(s));
  return step(proc, s.instance, { type: 'GO', actor: clerk }, { now });
}

describe('step budget', () => {
  it('lets a loop the data stops within the budget run', async () => {
    const r = await goFrom(doc({ limit: STEP_BUDGET.microsteps - 50 }));
    expect(r.ok && r.instance.data).toEqual({ n: STEP_BUDGET.microsteps - 50 });
  });

  it(`refuses a step past ${STEP_BUDGET.microsteps} microsteps`, async () => {
    expect(budgetRefusal(await goFrom(doc({ limit: 10_000 })))).toContain(
      `more than ${STEP_BUDGET.microsteps} microsteps`,
    );
  });

  it(`refuses a step past ${STEP_BUDGET.actions} actions before its microsteps run out`, async () => {
    // 40 effect actions a microstep: the action budget is spent at about 125 microsteps
    expect(budgetRefusal(await goFrom(doc({ limit: 10_000, emits: 40 })))).toContain(
      `more than ${STEP_BUDGET.actions} actions`,
    );
  });

  it('refuses a start whose initial state loops (not a case in an error state)', async () => {
    const proc = compileProcedure(doc({ limit: 10_000, onInitial: true }), pack);
    const s = await start(proc, { id: 'x', data: { n: 0 }, actor: clerk }, { now });
    expect(budgetRefusal(s)).toContain(`more than ${STEP_BUDGET.microsteps} microsteps`);
    const withActions = compileProcedure(doc({ limit: 10_000, emits: 40, onInitial: true }), pack);
    expect(budgetRefusal(await start(withActions, { id: 'x', data: { n: 0 }, actor: clerk }, { now }))).toContain(
      'actions',
    );
  });

  it('compiles and starts a bounded loop on the initial state that loops while no rule answers (a `not` guard)', async () => {
    // compiling runs the initial state once with no rule answers, where `not reached` holds for ever: no reason to refuse
    const proc = compileProcedure(
      doc({ limit: 5, onInitial: true, guard: { type: 'not', params: { rule: 'reached' } } }),
      pack,
    );
    const s = await start(proc, { id: 'x', data: { n: 0 }, actor: clerk }, { now });
    expect(s.ok && s.instance.data).toEqual({ n: 5 });
  });
});
