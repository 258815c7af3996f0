/**
 * The legal calendar inside steps: deadlines and rule results that read a year without a notice are provisional and
 * say which year; with calendarPolicy "refuse" they are CALENDAR_RANGE; a calendar failure inside a rule is an error
 * of the step (never a rule result of false), with both evaluators; deadlines keep how they were computed.
 */
import { describe, expect, it } from 'vitest';
import {
  compileProcedure,
  recalculation,
  recomputeDeadline,
  replay,
  resolvePacks,
  start,
  step,
  type HistoryEntry,
  type PackSource,
  type ProcedureDoc,
  type ResolvedPack,
  type StepOk,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { withReferenceCheck } from '../support/reference-check';

const sources = loadPacksRoot('configs/packs');
const { packs } = resolvePacks(sources);
const national = packs.national;
const refusing: ResolvedPack = resolvePacks(
  sources.map((s): PackSource =>
    s.manifest.id === 'national' ? { ...s, manifest: { ...s.manifest, calendarPolicy: 'refuse' } } : s,
  ),
).packs.national;

const compile = (pack: ResolvedPack, id: string) =>
  compileProcedure({ ...(pack.procedures[id] as ProcedureDoc), version: 1 }, pack);
/** The same, with every rule evaluation replayed against json-rules-engine (the reference) by `disagreements()`. */
const checked = (pack: ResolvedPack, id: string) =>
  withReferenceCheck({ ...(pack.procedures[id] as ProcedureDoc), version: 1 }, pack);
const at = (iso: string) => ({ now: new Date(iso) });
const parties = [
  { name: '张三', role: '申请人' },
  { name: '李四', role: '被申请人' },
];
const mediationData = {
  disputeType: 'neighbour',
  parties,
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '示例',
};
const admission = (plannedStart: string) => ({
  itemName: '社区商户消防安全检查(示例)',
  department: '区消防救援大队(示例)',
  assignmentRole: 'lead',
  legalBasis: { document: '某区消防工作方案(示例)', issuerLevel: 'district' },
  funding: { amount: 10000, staff: 0 },
  submittedOn: '2026-11-30',
  plannedStart,
});

function ok(r: Awaited<ReturnType<typeof start>>): StepOk {
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r as StepOk;
}

describe('deadlines that reach a year without a notice', () => {
  it('a mediation started on 2026-12-15 gets a provisional mediationPeriod naming 2027, recorded with how it was computed', async () => {
    const r = ok(
      await start(
        compile(national, 'dispute-mediation'),
        { id: 'a', data: mediationData },
        at('2026-12-15T10:00:00+08:00'),
      ),
    );
    const d = r.instance.deadlines.find((x) => x.name === 'mediationPeriod')!;
    expect(d.dueDate).toBe('2027-01-14');
    expect(d.computed).toEqual({
      from: '2026-12-15',
      amount: 30,
      unit: 'calendarDays',
      years: [2027],
      provisional: [2027],
    });
    expect(r.history.deadlines).toEqual([
      { name: 'mediationPeriod', dueAt: '2027-01-14T23:59:59+08:00', provisional: [2027] },
    ]);
  });

  it('a mediation started on 2026-11-30 ends in 2026 and is official', async () => {
    const r = ok(
      await start(
        compile(national, 'dispute-mediation'),
        { id: 'a', data: mediationData },
        at('2026-11-30T10:00:00+08:00'),
      ),
    );
    expect(r.instance.deadlines[0]).toMatchObject({ dueDate: '2026-12-30', computed: { provisional: [] } });
    expect(r.history.deadlines).toEqual([{ name: 'mediationPeriod', dueAt: '2026-12-30T23:59:59+08:00' }]);
  });

  it('with calendarPolicy "refuse" the same start is refused with CALENDAR_RANGE and bilingual details', async () => {
    const r = await start(
      compile(refusing, 'dispute-mediation'),
      { id: 'a', data: mediationData },
      at('2026-12-15T10:00:00+08:00'),
    );
    expect(r).toMatchObject({
      ok: false,
      code: 'CALENDAR_RANGE',
      details: { date: '2027-01-14', years: [2025, 2026] },
    }); // the due day, the first day it reads
    if (r.ok) return;
    expect(r.message['zh-CN']).toContain('2027-01-14');
    expect((r.details as { reason: { 'zh-CN': string; en: string } }).reason['zh-CN']).toContain('2027');
    expect((r.details as { reason: { 'zh-CN': string; en: string } }).reason.en).toContain('calendarPolicy');
  });

  it('an extension is recorded after the period, and recomputing with the 2027 days official follows the new calendar', async () => {
    const proc = compile(national, 'dispute-mediation');
    const s = ok(await start(proc, { id: 'a', data: mediationData }, at('2026-12-15T10:00:00+08:00')));
    const e = ok(
      await step(
        proc,
        s.instance,
        {
          type: 'EXTEND_MEDIATION',
          payload: { consentingParties: ['张三', '李四'] },
          actor: { subject: 'm', roles: ['mediator'] },
        },
        at('2026-12-20T10:00:00+08:00'),
      ),
    );
    const d = e.instance.deadlines.find((x) => x.name === 'mediationPeriod')!;
    expect(d.computed).toMatchObject({
      from: '2026-12-15',
      amount: 30,
      extensions: [{ amount: 30, unit: 'calendarDays' }],
      provisional: [2027],
    });
    expect(d.dueDate).toBe('2027-02-15'); // 01-14 + 30 = 02-13 (Sat) → Mon 02-15
    // test data for 2027 (not a notice): 02-15 a rest day, so the recomputed chain must move to 02-16
    const official = {
      ...national.calendar,
      years: [...national.calendar.years, 2027],
      holidays: [...national.calendar.holidays, '2027-01-01', '2027-02-15'],
    };
    const again = recomputeDeadline(official, d)!;
    expect(again).toMatchObject({
      dueDate: '2027-02-16',
      dueAt: '2027-02-16T23:59:59+08:00',
      computed: { provisional: [], years: [2027] },
    });
    expect(recomputeDeadline(national.calendar, { ...d, computed: undefined })).toBeNull();
  });
});

describe('a rule that reads a year without a notice (duty-admission lead time, 30 working days)', () => {
  it("plannedStart 2027-06-01 goes to review; leadTimeMet is true and says it used 2027's provisional days (as json-rules-engine)", async () => {
    const check = checked(national, 'duty-admission');
    const r = ok(await start(check.proc, { id: 'a', data: admission('2027-06-01') }, at('2026-11-30T10:00:00+08:00')));
    expect(r.instance.state).toBe('review');
    expect(r.history.rules.find((x) => x.rule === 'leadTimeMet')).toMatchObject({ result: true, provisional: [2027] });
    expect(r.history.rules.filter((x) => x.rule !== 'leadTimeMet').every((x) => x.provisional === undefined)).toBe(
      true,
    );
    expect(await check.disagreements()).toEqual([]);
  });

  it('with calendarPolicy "refuse" the calendar error is the step\'s error (CALENDAR_RANGE), not a rejection (as json-rules-engine)', async () => {
    const check = checked(refusing, 'duty-admission');
    const r = await start(check.proc, { id: 'a', data: admission('2027-06-01') }, at('2026-11-30T10:00:00+08:00'));
    expect(r).toMatchObject({ ok: false, code: 'CALENDAR_RANGE' });
    const refusal = r as Extract<typeof r, { ok: false }>;
    expect(refusal.message.en).toContain('2027-01-01');
    expect((refusal.details as { reason: { 'zh-CN': string } }).reason['zh-CN']).toContain('calendarPolicy');
    expect(check.evaluations()).toBeGreaterThan(0);
    expect(await check.disagreements()).toEqual([]);
  });

  it('a lead time read wholly from official days is not marked', async () => {
    const data = { ...admission('2026-03-01'), submittedOn: '2025-12-01' };
    const r = ok(await start(compile(national, 'duty-admission'), { id: 'a', data }, at('2025-12-01T10:00:00+08:00')));
    expect(r.history.rules.find((x) => x.rule === 'leadTimeMet')).toEqual(
      expect.not.objectContaining({ provisional: expect.anything() }),
    );
  });
});

describe('the notice arrives: recalculation of a running case', () => {
  const without2026 = resolvePacks(
    sources.map((s): PackSource =>
      s.manifest.id === 'national'
        ? { ...s, data: Object.fromEntries(Object.entries(s.data).filter(([k]) => k !== 'calendar-2026')) }
        : s,
    ),
  ).packs.national;

  it('moves only the pending deadlines that read the year, records old and new dates and the notice, and replays', async () => {
    const before = compile(without2026, 'dispute-mediation');
    const history: HistoryEntry[] = [];
    const s = ok(await start(before, { id: 'r', data: mediationData }, at('2025-12-20T10:00:00+08:00')));
    history.push(s.history);
    const f = ok(
      await step(
        before,
        s.instance,
        { type: 'MEDIATION_FAILED', payload: { reason: '示例' }, actor: { subject: 'm', roles: ['mediator'] } },
        at('2025-12-20T11:00:00+08:00'),
      ),
    );
    history.push(f.history);
    const t = ok(
      await step(
        before,
        f.instance,
        { type: 'FILED', payload: { filedOn: '2025-12-20' }, actor: { subject: 'c', roles: ['court'] } },
        at('2025-12-20T12:00:00+08:00'),
      ),
    );
    history.push(t.history);
    expect(t.instance.deadlines[0]).toMatchObject({
      name: 'trialSmallClaims',
      dueDate: '2026-02-20',
      computed: { provisional: [2026] },
    });
    const notice = { 'zh-CN': '国务院办公厅关于2026年部分节假日安排的通知', en: 'the 2026 notice' };
    expect(
      recalculation(t.instance, national.calendar, [2025], notice, new Date('2026-01-05T10:00:00+08:00')),
    ).toBeNull();
    const r = recalculation(t.instance, national.calendar, [2026], notice, new Date('2026-01-05T10:00:00+08:00'))!;
    expect(r.instance.deadlines[0]).toMatchObject({
      dueDate: '2026-02-24',
      dueAt: '2026-02-24T23:59:59+08:00',
      computed: { provisional: [] },
    });
    expect(r.instance).toMatchObject({ rev: t.instance.rev + 1, state: t.instance.state, data: t.instance.data });
    expect(r.history).toMatchObject({
      type: 'DEADLINE_RECALCULATED',
      rules: [],
      from: 'fastTrackCourt.trial',
      to: 'fastTrackCourt.trial',
      payload: {
        years: [2026],
        notice,
        changes: [
          {
            deadline: 'trialSmallClaims',
            from: '2026-02-20T23:59:59+08:00',
            to: '2026-02-24T23:59:59+08:00',
            provisional: [],
          },
        ],
      },
    });
    expect(r.timers.arm.map((d) => d.dueAt)).toEqual(['2026-02-24T23:59:59+08:00']);
    // recorded rule results of past steps are not rewritten; replay with the official calendar reproduces the case
    history.push(r.history);
    expect(await replay(compile(national, 'dispute-mediation'), 'r', history)).toEqual(r.instance);
  });
});

describe('a period that cannot be computed', () => {
  it('refuses the step with INVALID_PERIOD and bilingual details (a negative amount from a pack parameter), not a crash', async () => {
    const pack = {
      ...national,
      parameters: { ...national.parameters, mediationDays: { ...national.parameters.mediationDays, value: -1 } },
    };
    const r = await start(
      compile(pack, 'dispute-mediation'),
      { id: 'a', data: mediationData },
      at('2026-01-05T10:00:00+08:00'),
    );
    expect(r).toMatchObject({ ok: false, code: 'INVALID_PERIOD', details: { field: 'amount', value: -1 } });
    if (!r.ok) expect((r.details as { reason: { 'zh-CN': string } }).reason['zh-CN']).toContain('不小于 0');
  });
});
