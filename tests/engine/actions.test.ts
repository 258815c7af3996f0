/**
 * The built-in action registry (engine/actions) agrees with everything derived from it or written about it: the
 * procedure schema, validation, the compiled machine (what a data action and an effect action do) and FORMAT.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_ACTIONS,
  compileProcedure,
  procedureSchema,
  start,
  step,
  validateProcedure,
  type BuiltinAction,
  type ProcedureDoc,
  type ResolvedPack,
  type StepOk,
} from '../../engine';
import { collectParamRefs } from '../../engine/rules';

const i18n = (s: string) => ({ 'zh-CN': s, en: s });
const basis = i18n('示例');

/** Procedure whose GO transition (inside state p, which has a deadline) runs `actions`; FINISH ends it. */
function docWith(actions: unknown[]): ProcedureDoc {
  return {
    id: 'registry-probe',
    title: i18n('probe'),
    data: { type: 'object' },
    roles: { clerk: { title: i18n('clerk') } },
    events: {
      GO: { title: i18n('go'), roles: ['clerk'], payload: { type: 'object' } },
      FINISH: { title: i18n('finish'), roles: ['clerk'] },
      LATE: { title: i18n('late'), roles: [], system: true },
    },
    rules: {},
    deadlines: {
      mediationPeriod: {
        title: i18n('period'),
        state: 'p',
        amount: 30,
        unit: 'calendarDays',
        onExpiry: { event: 'LATE' },
        basis,
      },
    },
    machine: {
      initial: 'p',
      states: {
        p: {
          initial: 'a',
          on: { LATE: 'end' },
          states: { a: { on: { GO: { target: 'b', actions } } }, b: { on: { FINISH: '#registry-probe.end' } } },
        },
        end: { type: 'final' },
      },
    },
  } as unknown as ProcedureDoc;
}

const parameters = Object.fromEntries(
  BUILTIN_ACTIONS.flatMap((a) => collectParamRefs(a.doc.example)).map((r) => [
    r.name,
    { value: 15, title: i18n(r.name), basis },
  ]),
);
const pack = {
  id: 'p',
  title: i18n('p'),
  lineage: ['p'],
  parameters,
  procedures: {},
  data: {},
  overrides: [],
  calendar: { years: [2025], holidays: [], workdays: [] },
} as unknown as ResolvedPack;
const clerk = { subject: 'c', roles: ['clerk'] };

async function runGo(actions: unknown[]) {
  const proc = compileProcedure(docWith(actions), pack);
  const started = (await start(
    proc,
    { id: 'x', data: { parties: [{ name: '甲' }, { id: 'p1', name: '乙' }], requestedTrack: 'small' } },
    { now: new Date('2025-03-03T09:00:00+08:00') },
  )) as StepOk;
  expect(started.ok, JSON.stringify(started)).toBe(true);
  const r = await step(
    proc,
    started.instance,
    { type: 'GO', payload: { track: 'small', note: 'n' }, actor: clerk },
    { now: new Date('2025-03-04T09:00:00+08:00') },
  );
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r as StepOk;
}

describe('built-in action registry', () => {
  it('gives every action a distinct type, a kind, a params schema, a bilingual line and an example', () => {
    expect(new Set(BUILTIN_ACTIONS.map((a) => a.type)).size).toBe(BUILTIN_ACTIONS.length);
    for (const a of BUILTIN_ACTIONS) {
      expect(['data', 'effect']).toContain(a.kind);
      expect(a.paramsSchema.type).toBe('object');
      expect(a.doc.does['zh-CN'].length * a.doc.does.en.length).toBeGreaterThan(0);
    }
  });

  it("is what the procedure schema allows: the action types and each one's params schema", () => {
    const defs = procedureSchema.$defs as Record<string, any>;
    expect(defs.action.properties.type.enum).toEqual(BUILTIN_ACTIONS.map((a) => a.type));
    expect(Object.keys(defs.actionParams)).toEqual(BUILTIN_ACTIONS.map((a) => a.type));
  });

  it("documents each action in FORMAT.md's action table, and nothing else there", () => {
    const format = readFileSync('engine/FORMAT.md', 'utf8');
    const table = format.slice(format.indexOf('- **Actions**'), format.indexOf('- **Delays**'));
    const rows = [...table.matchAll(/^\s*\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(BUILTIN_ACTIONS.map((a) => a.type).sort());
  });

  describe.each(BUILTIN_ACTIONS.map((a) => [a.type, a] as [string, BuiltinAction]))('%s', (type, action) => {
    it('given its documented example, then the document validates', () => {
      expect(validateProcedure(docWith([{ type, params: action.doc.example }]), { parameters })).toEqual([]);
    });

    it('given params its schema refuses, then validation names ACTION_PARAMS at the params with the example', () => {
      const problems = validateProcedure(docWith([{ type, params: { ...action.doc.example, unknownParam: 1 } }]), {
        parameters,
      });
      expect(problems.map((p) => [p.code, p.path])).toEqual([
        ['ACTION_PARAMS', '/machine/states/p/states/a/on/GO/actions/0/params/unknownParam'],
      ]);
      expect(problems[0].message.en).toContain(JSON.stringify(action.doc.example));
      for (const required of (action.paramsSchema.required as string[] | undefined) ?? []) {
        const params = { ...action.doc.example };
        delete params[required];
        const missing = validateProcedure(docWith([{ type, params }]), { parameters });
        expect(missing.map((p) => [p.code, p.path])).toEqual([
          ['ACTION_PARAMS', `/machine/states/p/states/a/on/GO/actions/0/params/${required}`],
        ]);
      }
    });

    it(`when run, then it ${action.kind === 'data' ? 'changes the case data and nothing else' : 'changes effects or deadlines, never the data'}`, async () => {
      const base = await runGo([]);
      const run = await runGo([{ type, params: action.doc.example }]);
      const dataChanged = JSON.stringify(run.instance.data) !== JSON.stringify(base.instance.data);
      const effectsChanged =
        JSON.stringify([run.effects, run.instance.deadlines, run.timers]) !==
        JSON.stringify([base.effects, base.instance.deadlines, base.timers]);
      expect({ dataChanged, effectsChanged }).toEqual({
        dataChanged: action.kind === 'data',
        effectsChanged: action.kind === 'effect',
      });
    });
  });

  it('a run of data actions (one XState assign when compiled) gives the data of the same actions run one by one', async () => {
    const data = [
      { type: 'set', params: { path: 'x', value: 1 } },
      { type: 'increment', params: { path: 'x' } },
      { type: 'save', params: { to: 'saved' } },
      { type: 'set', params: { path: 'y', from: 'data.x' } },
      { type: 'recordDecision', params: { name: 'track', value: 'small' } },
      { type: 'assignIds', params: { path: 'parties', prefix: 'p' } },
      { type: 'increment', params: { path: 'x' } },
    ];
    const emit = { type: 'emit', params: { effect: 'court.handoff' } };
    // together: one run; every other action an effect: no two data actions next to each other
    const together = await runGo([...data.slice(0, 4), emit, ...data.slice(4)]);
    const apart = await runGo(data.flatMap((a) => [a, emit]));
    const proc = compileProcedure(docWith([...data.slice(0, 4), emit, ...data.slice(4)]), pack);
    const go = (proc.machine.config as any).states.p.states.a.on.GO;
    expect(go.actions.map((a: { type: string }) => a.type)).toEqual([
      'gz.dataRun',
      'emit',
      'gz.dataRun',
      'gz.transitionTaken',
    ]);
    expect(together.instance.data).toEqual(apart.instance.data);
    expect(together.instance.data).toMatchObject({ x: 3, y: 2, saved: { track: 'small', note: 'n' } });
    expect(together.history.transitions).toEqual(apart.history.transitions);
    expect(together.effects.map((e) => e.data)).toEqual([together.instance.data]);
  });

  it('given an action type outside the registry, then UNKNOWN_ACTION lists the registered ones', () => {
    const problems = validateProcedure(docWith([{ type: 'sendEmail', params: {} }]), { parameters });
    const hit = problems.find((p) => p.code === 'UNKNOWN_ACTION');
    expect(hit?.path).toBe('/machine/states/p/states/a/on/GO/actions/0');
    for (const a of BUILTIN_ACTIONS) expect(hit?.message.en).toContain(a.type);
  });

  it('given an action naming a deadline the document lacks, then UNKNOWN_DEADLINE at its params', () => {
    for (const a of BUILTIN_ACTIONS.filter((x) => 'deadline' in x.doc.example)) {
      const problems = validateProcedure(docWith([{ type: a.type, params: { ...a.doc.example, deadline: 'nope' } }]), {
        parameters,
      });
      expect(problems.map((p) => [p.code, p.path])).toEqual([
        ['UNKNOWN_DEADLINE', '/machine/states/p/states/a/on/GO/actions/0/params/deadline'],
      ]);
    }
  });
});
