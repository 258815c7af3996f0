/**
 * Migrating a running case to another published version (engine/migrate.ts): states mapped by id or by a map,
 * deadlines recomputed from their recorded period start under the new version's period, a MIGRATED history entry
 * that replay follows, and a refusal listing the problems when a state has no counterpart.
 */
import { describe, expect, it } from 'vitest';
import {
  compileProcedure,
  migrate,
  replay,
  resolvePacks,
  start,
  step,
  type CompiledProcedure,
  type HistoryEntry,
  type Instance,
  type PackSource,
  type StepResult,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const mediator = { subject: '调解员王芳(示例)', roles: ['mediator'] };
const data = {
  disputeType: 'neighbour',
  parties: [
    { name: '张三', role: '申请人' },
    { name: '李四', role: '被申请人' },
  ],
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '楼上漏水(示例)',
};

function versions(): { v1: CompiledProcedure; v2: CompiledProcedure; v3: CompiledProcedure } {
  const sources: PackSource[] = structuredClone(loadPacksRoot('configs/packs'));
  const nat = sources.find((s) => s.manifest.id === 'national')!;
  const v1 = compileProcedure(
    { ...resolvePacks(sources).packs.national.procedures['dispute-mediation'], version: 1 },
    resolvePacks(sources).packs.national,
  );
  // version 2: mediation period 30 → 20 days; a follow-up visit (回访) after performance, with its own 10-day deadline
  const doc = nat.procedures['dispute-mediation'];
  nat.manifest.parameters!.mediationDays.value = 20;
  doc.machine.states.revisit = {
    meta: { title: t('回访', 'Follow-up visit'), roles: ['mediator'] },
    on: { REVISITED: { target: 'closed' } },
  };
  (doc.machine.states.agreement.on!.PERFORMED as { target: string }).target = 'revisit';
  doc.events.REVISITED = { title: t('回访完成', 'Follow-up visit done'), roles: ['mediator'] };
  doc.deadlines.agreementReview = {
    title: t('协议履行回查(示例)', 'Agreement follow-up check (sample)'),
    state: 'agreement',
    amount: 10,
    unit: 'calendarDays',
    onExpiry: { effects: ['supervision.notice'] },
    basis: t('示例:县级回访制度', 'Sample: county follow-up practice'),
  };
  const p2 = resolvePacks(sources).packs.national;
  const v2 = compileProcedure({ ...p2.procedures['dispute-mediation'], version: 2 }, p2);
  // version 3: the mediation state renamed
  const d3 = structuredClone(p2.procedures['dispute-mediation']);
  d3.machine.states.peopleMediation = d3.machine.states.mediation;
  delete d3.machine.states.mediation;
  const retarget = (v: unknown): unknown =>
    v === 'mediation'
      ? 'peopleMediation'
      : Array.isArray(v)
        ? v.map(retarget)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, retarget(x)]))
          : v;
  d3.machine = retarget(d3.machine) as typeof d3.machine;
  for (const dl of Object.values(d3.deadlines)) if (dl.state === 'mediation') dl.state = 'peopleMediation';
  const v3 = compileProcedure({ ...d3, version: 3 }, p2);
  return { v1, v2, v3 };
}

async function run(
  proc: CompiledProcedure,
  steps: [string, string, Record<string, unknown>][],
): Promise<{ inst: Instance; history: HistoryEntry[] }> {
  const history: HistoryEntry[] = [];
  let r: StepResult = await start(
    proc,
    { id: 'c1', data, actor: mediator },
    { now: new Date('2025-09-01T10:00:00+08:00') },
  );
  if (!r.ok) throw new Error(r.message.en);
  history.push(r.history);
  for (const [at, type, payload] of steps) {
    r = await step(proc, r.instance, { type, payload, actor: mediator }, { now: new Date(at) });
    if (!r.ok) throw new Error(r.message.en);
    history.push(r.history);
  }
  return { inst: r.instance, history };
}

describe('migrate a running case to a newer version', () => {
  const { v1, v2, v3 } = versions();

  it('a case in mediation: same state, the deadline recomputed from its original start with the new period; replay follows', async () => {
    const { inst, history } = await run(v1, []);
    expect(inst.deadlines.map((d) => [d.name, d.dueDate])).toEqual([['mediationPeriod', '2025-10-09']]); // 30 days, past National Day
    const r = await migrate(v1, v2, inst, {
      now: new Date('2025-09-05T09:00:00+08:00'),
      history,
      actor: { subject: 'admin', roles: ['admin'] },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.report.problems));
    expect(r.report.problems).toEqual([]);
    expect(r.report.state).toEqual({ from: 'mediation', to: 'mediation' });
    expect(r.report.deadlines).toEqual([
      {
        name: 'mediationPeriod',
        change: 'recomputed',
        from: '2025-10-09T23:59:59+08:00',
        to: '2025-09-22T23:59:59+08:00',
        period: { from: { amount: 30, unit: 'calendarDays' }, to: { amount: 20, unit: 'calendarDays' } },
      },
    ]);
    const moved = r.step.instance;
    expect([moved.version, moved.rev, moved.state]).toEqual([2, inst.rev + 1, 'mediation']);
    expect(moved.deadlines[0].computed).toMatchObject({ from: '2025-09-01', amount: 20 });
    expect(r.step.history).toMatchObject({
      type: 'MIGRATED',
      from: 'mediation',
      to: 'mediation',
      actor: { subject: 'admin' },
      payload: { fromVersion: 1, toVersion: 2 },
    });
    // the case runs on version 2 now: PERFORMED leads to the follow-up visit
    const signed = await step(
      v2,
      moved,
      { type: 'AGREEMENT_SIGNED', payload: { effectiveOn: '2025-09-06', form: 'oral' }, actor: mediator },
      { now: new Date('2025-09-06T10:00:00+08:00') },
    );
    if (!signed.ok) throw new Error(signed.message.en);
    const performed = await step(
      v2,
      signed.instance,
      { type: 'PERFORMED', payload: {}, actor: mediator },
      { now: new Date('2025-09-07T10:00:00+08:00') },
    );
    expect(performed.ok && performed.instance.state).toBe('revisit');
    // replaying the whole history (v1 events, the migration, v2 events) reproduces the case
    const all = [...history, r.step.history, signed.history, (performed as { history: HistoryEntry }).history];
    const replayed = await replay(v1, 'c1', all, undefined, (v) => (v === 2 ? v2 : v1));
    expect(replayed).toEqual((performed as { instance: Instance }).instance);
  });

  it('a deadline the new version adds to the active state is armed from the day the case entered it (09-03 + 10 days = Saturday 09-13 → Monday)', async () => {
    const { inst, history } = await run(v1, [
      ['2025-09-03T10:00:00+08:00', 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-03', form: 'oral' }],
    ]);
    expect(inst.state).toBe('agreement');
    const r = await migrate(v1, v2, inst, { now: new Date('2025-09-08T10:00:00+08:00'), history });
    if (!r.ok) throw new Error(JSON.stringify(r.report.problems));
    expect(r.report.deadlines).toEqual([
      {
        name: 'agreementReview',
        change: 'armed',
        to: '2025-09-15T23:59:59+08:00',
        period: { to: { amount: 10, unit: 'calendarDays' } },
      },
    ]);
  });

  it('a state with no counterpart refuses with the problem (nothing guessed); a state map moves it', async () => {
    const { inst, history } = await run(v1, []);
    const refused = await migrate(v1, v3, inst, { now: new Date('2025-09-05T09:00:00+08:00'), history });
    expect(refused.ok).toBe(false);
    expect(refused.report.problems.map((p) => [p.code, p.path])).toEqual([['NO_COUNTERPART', '/state/mediation']]);
    expect(refused.report.problems[0].message['zh-CN']).toContain('「调解」');
    const typo = await migrate(v1, v3, inst, {
      now: new Date('2025-09-05T09:00:00+08:00'),
      stateMap: { mediaton: 'peopleMediation' },
    });
    expect(typo.report.problems.map((p) => p.code)).toEqual(['UNKNOWN_STATE', 'NO_COUNTERPART']);
    const mapped = await migrate(v1, v3, inst, {
      now: new Date('2025-09-05T09:00:00+08:00'),
      history,
      stateMap: { mediation: 'peopleMediation' },
    });
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.report.problems));
    expect(mapped.step.instance.state).toBe('peopleMediation');
    expect(mapped.step.instance.stateValue).toBe('peopleMediation');
    expect(mapped.report.deadlines.map((d) => [d.name, d.change])).toEqual([['mediationPeriod', 'recomputed']]);
  });

  it('a nested state maps through its parent; a finished case is not migrated', async () => {
    const court = await run(v1, []);
    const failed = await step(
      v1,
      court.inst,
      { type: 'MEDIATION_FAILED', payload: { reason: '双方分歧较大(示例)' }, actor: mediator },
      { now: new Date('2025-09-02T10:00:00+08:00') },
    );
    if (!failed.ok) throw new Error(failed.message.en);
    expect(failed.instance.state).toBe('fastTrackCourt.filing');
    const r = await migrate(v1, v2, failed.instance, { now: new Date('2025-09-03T10:00:00+08:00') });
    expect(r.ok && [r.step.instance.state, r.step.instance.stateValue]).toEqual([
      'fastTrackCourt.filing',
      { fastTrackCourt: 'filing' },
    ]);
    const done = await migrate(
      v1,
      v2,
      { ...failed.instance, status: 'done' },
      { now: new Date('2025-09-03T10:00:00+08:00') },
    );
    expect(done.report.problems.map((p) => p.code)).toEqual(['NOT_RUNNING']);
  });
});
