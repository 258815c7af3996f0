/**
 * What the engine derives once and reuses across steps must answer exactly what it would compute afresh, and be
 * keyed on everything it depends on. The handled events of a configuration (engine/state.ts) depend only on the
 * compiled procedure's transitions and the active leaves: given every state of every bundled procedure, the cached
 * answer equals a fresh computation, asked once and again; a second version of a procedure with other transitions
 * gets its own answers; the cache stays within its bound however many configurations are asked. A period
 * (engine/calendar/periods.ts) is remembered per calendar object: the remembered answer equals the one computed on a
 * fresh copy of the calendar, a caller changing its answer changes nothing remembered, and a calendar with a notice
 * loaded (a new calendar object, as the catalog makes one) answers from its own holidays — also through a step.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileProcedure, resolvePacks, type CompiledProcedure, type ProcedureDoc } from '../../engine';
import { walkStates, ancestors } from '../../engine/machine';
import { allowedEvents, handledEvents, handledCacheSize, HANDLED_CACHE_MAX } from '../../engine/state';
import { loadPacksRoot } from '../../server/packs';
import { computePeriod, periodCacheSize, PERIOD_CACHE_MAX } from '../../engine/calendar/periods';
import type { CalendarData, PeriodUnit } from '../../engine/types';
import { resolveFactRef, resolvePath } from '../../engine/rules/path';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));

/** The handled events computed afresh from the document (own `on` of each leaf, its ancestors and the machine). */
function fresh(doc: ProcedureDoc, leaves: string[]): string[] {
  const byPath = new Map<string, Record<string, unknown> | undefined>([['', doc.machine.on as never]]);
  for (const s of walkStates(doc.machine)) byPath.set(s.path, s.node.on as never);
  const out = new Set<string>();
  for (const leaf of leaves)
    for (const p of [leaf, ...ancestors(leaf), '']) for (const ev of Object.keys(byPath.get(p) ?? {})) out.add(ev);
  return [...out].sort();
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('handled events, cached per compiled procedure and configuration', () => {
  it('equal a fresh computation for every state of every bundled procedure, first and second time', () => {
    let checked = 0;
    for (const pack of Object.values(packs)) {
      for (const [name, doc] of Object.entries(pack.procedures)) {
        const proc = compileProcedure({ ...doc, version: 1 }, pack);
        const paths = walkStates(doc.machine).map((s) => s.path);
        for (const path of paths) {
          const want = fresh(doc, [path]);
          expect(sorted(handledEvents(proc, [path])), `${pack.id}/${name} ${path}`).toEqual(want);
          expect(sorted(handledEvents(proc, [path])), `${pack.id}/${name} ${path} (cached)`).toEqual(want);
          checked++;
        }
        // two leaves at once (as in a parallel state): the union, not the first leaf's answer
        if (paths.length >= 2)
          expect(sorted(handledEvents(proc, paths.slice(0, 2)))).toEqual(fresh(doc, paths.slice(0, 2)));
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('a second version with other transitions answers from its own transitions, not the first version’s', () => {
    const doc = packs.national.procedures['dispute-mediation'];
    const v1 = compileProcedure({ ...doc, version: 1 }, packs.national);
    const machine = structuredClone(doc.machine);
    (machine.states!.mediation.on as Record<string, unknown>).PERFORMED = { target: 'closed' };
    const v2 = compileProcedure({ ...doc, version: 2, machine }, packs.national);
    expect(handledEvents(v1, ['mediation']).has('PERFORMED')).toBe(false);
    expect(handledEvents(v2, ['mediation']).has('PERFORMED')).toBe(true);
    expect(handledEvents(v1, ['mediation']).has('PERFORMED')).toBe(false);
    const instance = { status: 'active', stateValue: 'mediation' } as never;
    expect(allowedEvents(v2, instance).map((e) => e.type)).toContain('PERFORMED');
    expect(allowedEvents(v1, instance).map((e) => e.type)).not.toContain('PERFORMED');
  });

  it('holds at most HANDLED_CACHE_MAX configurations per procedure, and answers right after it starts again', () => {
    const doc = packs.national.procedures['dispute-mediation'];
    const proc: CompiledProcedure = compileProcedure({ ...doc, version: 3 }, packs.national);
    for (let i = 0; i < HANDLED_CACHE_MAX + 50; i++) {
      handledEvents(proc, [`s${i}`]);
      expect(handledCacheSize(proc)).toBeLessThanOrEqual(HANDLED_CACHE_MAX);
    }
    expect(sorted(handledEvents(proc, ['mediation']))).toEqual(fresh(doc, ['mediation']));
  });
});

const UNITS: PeriodUnit[] = ['calendarDays', 'workingDays', 'months', 'naturalDays'];

describe('periods, remembered per calendar', () => {
  const national = packs.national.calendar;

  it('answer what a fresh copy of the calendar computes, first and second time (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1) / 86_400_000, max: Date.UTC(2027, 11, 1) / 86_400_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(...UNITS),
        (day, amount, unit) => {
          const from = new Date(day * 86_400_000).toISOString().slice(0, 10);
          const want = computePeriod(structuredClone(national), from, amount, unit);
          const first = computePeriod(national, from, amount, unit);
          first.years.push(1900); // a caller's own copy
          first.provisional.push(1900);
          expect(computePeriod(national, from, amount, unit)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a calendar with a notice loaded answers from its holidays, not from what the calendar without it remembered', () => {
    const without: CalendarData = { years: [2025], holidays: [], workdays: [] };
    const withNotice: CalendarData = {
      years: [2025],
      holidays: ['2025-03-04', '2025-03-05', '2025-03-06'],
      workdays: [],
    };
    // 2025-03-03 (Monday) + 1 calendar day = Tuesday 03-04: a working day without the notice, a holiday with it
    expect(computePeriod(without, '2025-03-03', 1, 'calendarDays').date).toBe('2025-03-04');
    expect(computePeriod(withNotice, '2025-03-03', 1, 'calendarDays').date).toBe('2025-03-07');
    expect(computePeriod(without, '2025-03-03', 1, 'calendarDays').date).toBe('2025-03-04');
  });

  it('a procedure compiled again with the new calendar (as the catalog does after a notice) arms by it', async () => {
    const { start } = await import('../../engine');
    const doc = { ...packs.national.procedures['dispute-mediation'], version: 1 };
    const data = {
      disputeType: 'neighbour',
      parties: [
        { name: '甲(示例)', role: '申请人' },
        { name: '乙(示例)', role: '被申请人' },
      ],
      amount: 1,
      partiesConsent: true,
      criminalRisk: false,
      description: '示例',
    };
    const due = async (calendar: CalendarData) => {
      const proc = compileProcedure(doc, { ...packs.national, calendar });
      const r = await start(proc, { id: 'c', data }, { now: new Date('2025-03-01T09:00:00+08:00') });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.instance.deadlines.find((d) => d.name === 'mediationPeriod')?.dueDate;
    };
    const days = Number(packs.national.parameters.mediationDays.value);
    const plain: CalendarData = { years: [2025], holidays: [], workdays: [] };
    const before = await due(plain);
    expect(before).toBe(computePeriod(structuredClone(plain), '2025-03-01', days, 'calendarDays').date);
    const holiday: CalendarData = { years: [2025], holidays: [before!], workdays: [] };
    const after = await due(holiday);
    expect(after! > before!).toBe(true);
    expect(await due(plain)).toBe(before);
  });

  it('holds at most PERIOD_CACHE_MAX periods per calendar and answers right after it starts again', () => {
    const cal: CalendarData = { years: [2025, 2026], holidays: ['2025-10-01'], workdays: [] };
    for (let i = 0; i <= PERIOD_CACHE_MAX + 5; i++) {
      computePeriod(cal, '2025-01-01', i, 'naturalDays');
      expect(periodCacheSize(cal)).toBeLessThanOrEqual(PERIOD_CACHE_MAX);
    }
    expect(computePeriod(cal, '2025-09-30', 1, 'calendarDays').date).toBe('2025-10-02');
  });
});

describe('fact references, resolved with their path tokenized once', () => {
  /** The former resolveFactRef, the reference. */
  const reference = (facts: Record<string, unknown>, ref: string): unknown => {
    const dot = ref.indexOf('.');
    if (dot < 0) return facts[ref];
    return resolvePath(facts[ref.slice(0, dot)], '$' + ref.slice(dot));
  };
  const outcome = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  it('answer what the reference answers, bad paths refused alike, first and second time (fast-check)', () => {
    const seg = fc.constantFrom(
      'data',
      'event',
      'today',
      'a',
      'b',
      'length',
      '0',
      '[0]',
      '[*]',
      '',
      'x-y',
      '__proto__',
    );
    const facts = {
      data: { a: { b: [1, { c: 2 }] }, b: 'text', list: [{ a: 1 }, { a: 2 }] },
      event: { a: 'e', b: [3] },
      today: '2025-10-01',
    };
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.boolean(), (segs, bracket) => {
        const ref = bracket ? segs.join('') : segs.join('.');
        const want = outcome(() => reference(facts, ref));
        expect(outcome(() => resolveFactRef(facts, ref))).toEqual(want);
        expect(outcome(() => resolveFactRef(facts, ref))).toEqual(want);
      }),
      { numRuns: 1000 },
    );
  });
});
