/** engine.start / engine.step / expireDeadline: pure steps, refusals in the API's terms, deadlines, replay. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  compileProcedure,
  expireDeadline,
  replay,
  resolvePacks,
  start,
  step,
  type CompiledProcedure,
  type HistoryEntry,
  type Instance,
  type ProcedureDoc,
  type ResolvedPack,
  type StepOk,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
const national = packs.national;
const mediation = compileProcedure({ ...national.procedures['dispute-mediation'], version: 1 }, national);
const mediator = { subject: 'm1', roles: ['mediator'] };
const parties = [
  { name: '张三', role: '申请人' },
  { name: '李四', role: '被申请人' },
];
const caseData = {
  disputeType: 'neighbour',
  parties,
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '示例',
};
const at = (iso: string) => ({ now: new Date(iso) });

async function ok(p: Promise<unknown>): Promise<StepOk> {
  const r = (await p) as StepOk;
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r;
}

describe('start', () => {
  it('given valid start data, then the case is triaged at once into mediation with its deadline armed', async () => {
    const r = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    expect(r.instance).toMatchObject({
      id: 'a',
      rev: 1,
      status: 'active',
      state: 'mediation',
      version: 1,
      pack: 'national',
    });
    expect(r.history).toMatchObject({ seq: 1, type: 'START', from: null, to: 'mediation' });
    expect(r.history.rules.map((x) => x.rule)).toEqual([
      'criminalRisk',
      'isLabourDispute',
      'partyRefusesMediation',
      'typeUnsuitable',
      'partyIdsUnique',
      'notLabourDispute',
    ]);
    expect(r.timers.arm.map((d) => [d.name, d.dueAt])).toEqual([['mediationPeriod', '2025-10-27T23:59:59+08:00']]);
  });

  it('given start data that breaks the schema, then INVALID_PAYLOAD lists each problem with its path', async () => {
    const r = await start(
      mediation,
      { id: 'a', data: { ...caseData, parties: [parties[0]], amount: -1, extra: 1 } },
      at('2025-09-26T10:00:00+08:00'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('INVALID_PAYLOAD');
    const paths = (r.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/data/parties', '/data/amount', '/data/extra']));
  });
});

describe('step', () => {
  it('does not change the instance it was given (pure)', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    const frozen = structuredClone(s.instance);
    await ok(
      step(
        mediation,
        s.instance,
        { type: 'AGREEMENT_SIGNED', payload: { effectiveOn: '2025-09-26', form: 'written' }, actor: mediator },
        at('2025-09-26T11:00:00+08:00'),
      ),
    );
    expect(s.instance).toEqual(frozen);
  });

  it('refuses an event the state does not handle with EVENT_NOT_ALLOWED listing the events that are', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    const r = await step(
      mediation,
      s.instance,
      { type: 'CONFIRMED', actor: { subject: 'c', roles: ['court'] } },
      at('2025-09-27T10:00:00+08:00'),
    );
    expect(r).toMatchObject({ ok: false, code: 'EVENT_NOT_ALLOWED' });
    if (!r.ok)
      expect((r.details as { allowed: string[] }).allowed.sort()).toEqual([
        'AGREEMENT_SIGNED',
        'EXTEND_MEDIATION',
        'MEDIATION_FAILED',
      ]);
  });

  it('never lets a caller send a system event (deadline expiry) directly', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    const r = await step(
      mediation,
      s.instance,
      { type: 'MEDIATION_EXPIRED', actor: { subject: 'x', roles: ['admin'] } },
      at('2025-09-27T10:00:00+08:00'),
    );
    expect(r).toMatchObject({ ok: false, code: 'EVENT_NOT_ALLOWED' });
  });

  it('refuses a role that may not send the event with FORBIDDEN', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    const r = await step(
      mediation,
      s.instance,
      { type: 'MEDIATION_FAILED', payload: { reason: 'x' }, actor: { subject: 'p', roles: ['party'] } },
      at('2025-09-27T10:00:00+08:00'),
    );
    expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses failing guards with GUARD_REJECTED naming each failing rule, its description and citation', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-01T10:00:00+08:00')));
    const a = await ok(
      step(
        mediation,
        s.instance,
        { type: 'AGREEMENT_SIGNED', payload: { effectiveOn: '2025-09-01', form: 'written' }, actor: mediator },
        at('2025-09-01T11:00:00+08:00'),
      ),
    );
    const r = await step(
      mediation,
      a.instance,
      { type: 'APPLY_CONFIRMATION', payload: { appliedOn: '2025-10-20', applicants: ['张三'] } },
      at('2025-10-20T10:00:00+08:00'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('GUARD_REJECTED');
    const rules = (r.details as { rules: { rule: string; basis: { 'zh-CN': string }; description: { en: string } }[] })
      .rules;
    expect(rules.map((x) => x.rule).sort()).toEqual(['jointApplication', 'withinConfirmationWindow']);
    expect(rules.find((x) => x.rule === 'withinConfirmationWindow')!.basis['zh-CN']).toContain('人民调解法');
    expect(r.message['zh-CN']).toContain('共同申请');
  });

  it('extends a deadline by the pack parameter and counts the extension', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    const r = await ok(
      step(
        mediation,
        s.instance,
        { type: 'EXTEND_MEDIATION', payload: { consentingParties: ['李四', '张三'] }, actor: mediator },
        at('2025-10-01T10:00:00+08:00'),
      ),
    );
    expect(r.instance.deadlines[0]).toMatchObject({ name: 'mediationPeriod', dueDate: '2025-11-26', extensions: 1 });
    expect(r.instance.data.mediationExtensions).toBe(1);
    expect(r.timers.arm.map((d) => d.dueDate)).toEqual(['2025-11-26']);
  });

  it('a deadline that expires without an event marks the instance overdue, emits its effect and stays', async () => {
    let i = (await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-01T10:00:00+08:00')))).instance;
    i = (
      await ok(
        step(
          mediation,
          i,
          { type: 'AGREEMENT_SIGNED', payload: { effectiveOn: '2025-09-01', form: 'written' }, actor: mediator },
          at('2025-09-01T11:00:00+08:00'),
        ),
      )
    ).instance;
    i = (
      await ok(
        step(
          mediation,
          i,
          { type: 'APPLY_CONFIRMATION', payload: { appliedOn: '2025-09-02', applicants: ['张三', '李四'] } },
          at('2025-09-02T10:00:00+08:00'),
        ),
      )
    ).instance;
    const due = i.deadlines[0];
    const r = await ok(expireDeadline(mediation, i, due.name, { now: new Date(due.dueAt) }));
    expect(r.instance).toMatchObject({ state: 'judicialConfirmation', overdue: true, everOverdue: true });
    expect(r.effects.map((e) => e.name)).toEqual(['supervision.notice']);
    expect(r.history.type).toBe('DEADLINE_EXPIRED');
    const again = await expireDeadline(mediation, r.instance, due.name, { now: new Date(due.dueAt) });
    expect(again.ok).toBe(false);
  });

  it('lists the events a role may send now', async () => {
    const s = await ok(start(mediation, { id: 'a', data: caseData }, at('2025-09-26T10:00:00+08:00')));
    expect(allowedEvents(mediation, s.instance, ['court']).map((e) => e.type)).toEqual([]);
    expect(
      allowedEvents(mediation, s.instance, ['mediator'])
        .map((e) => e.type)
        .sort(),
    ).toEqual(['AGREEMENT_SIGNED', 'EXTEND_MEDIATION', 'MEDIATION_FAILED']);
  });

  it('a period past the notices is derived from the statute and marked provisional, not refused (calendar-in-steps.test has the rest)', async () => {
    const r = await ok(start(mediation, { id: 'a', data: caseData }, at('2026-12-20T10:00:00+08:00')));
    expect(r.instance.deadlines[0]).toMatchObject({ dueDate: '2027-01-19', computed: { provisional: [2027] } });
  });
});

describe('eventless transitions after data changes', () => {
  const doc: ProcedureDoc = JSON.parse(readFileSync('tests/engine/fixtures/valid-small.json', 'utf8')).doc;
  const params = JSON.parse(readFileSync('tests/engine/fixtures/valid-small.json', 'utf8')).parameters;
  const withCheck = structuredClone(doc);
  withCheck.events.SUBMIT.payload = { type: 'object', properties: { amount: { type: 'number' } } };
  withCheck.machine.states.draft.on = {
    SUBMIT: { target: 'check', actions: [{ type: 'set', params: { path: 'amount', from: 'event.amount' } }] },
  };
  withCheck.machine.states.check = { always: [{ guard: 'smallAmount', target: 'done' }, { target: 'review' }] };
  const pack = { ...national, id: 'small', parameters: params } as ResolvedPack;
  const proc: CompiledProcedure = compileProcedure(withCheck, pack);

  it('re-checks guards with the data the transition just wrote', async () => {
    const s = await ok(start(proc, { id: 'x', data: {} }, at('2025-03-03T10:00:00+08:00')));
    const small = await ok(
      step(proc, s.instance, { type: 'SUBMIT', payload: { amount: 50 } }, at('2025-03-03T11:00:00+08:00')),
    );
    expect(small.instance.state).toBe('done');
    const big = await ok(
      step(proc, s.instance, { type: 'SUBMIT', payload: { amount: 500 } }, at('2025-03-03T11:00:00+08:00')),
    );
    expect(big.instance.state).toBe('review');
    expect(big.instance.deadlines.map((d) => [d.name, d.dueDate])).toEqual([['reviewPeriod', '2025-03-10']]);
    expect(big.history.transitions).toEqual(['/machine/states/draft/on/SUBMIT', '/machine/states/check/always/1']);
  });
});

describe('replay', () => {
  it('replaying the history against the pinned version reproduces the instance', async () => {
    const history: HistoryEntry[] = [];
    const push = (r: StepOk) => {
      history.push(r.history);
      return r.instance;
    };
    let i: Instance = push(await ok(start(mediation, { id: 'r', data: caseData }, at('2025-09-26T10:00:00+08:00'))));
    i = push(
      await ok(
        step(
          mediation,
          i,
          { type: 'EXTEND_MEDIATION', payload: { consentingParties: ['张三', '李四'] }, actor: mediator },
          at('2025-10-01T10:00:00+08:00'),
        ),
      ),
    );
    i = push(await ok(expireDeadline(mediation, i, 'mediationPeriod', at('2025-11-27T00:00:00+08:00'))));
    i = push(
      await ok(
        step(
          mediation,
          i,
          { type: 'FILED', payload: { filedOn: '2025-11-27' }, actor: { subject: 'c', roles: ['court'] } },
          at('2025-11-27T10:00:00+08:00'),
        ),
      ),
    );
    expect(i.state).toBe('fastTrackCourt.trial');
    expect(await replay(mediation, 'r', history)).toEqual(i);
  });
});

describe('rule results of the first start after compiling', () => {
  it('are the same as those of the second start (the inert actor built at compile time records nothing)', async () => {
    const doc = { ...national.procedures['duty-admission'], version: 1 } as ProcedureDoc;
    const proc = compileProcedure(doc, national);
    const data = {
      itemName: '示例事项',
      department: '示例局',
      listRef: 'A01',
      assignmentRole: 'lead',
      funding: { amount: 30000 },
      submittedOn: '2025-09-01',
      plannedStart: '2025-12-01',
    };
    const first = await ok(start(proc, { id: 'a', data }, at('2025-09-01T10:00:00+08:00')));
    const second = await ok(start(proc, { id: 'b', data }, at('2025-09-01T10:00:00+08:00')));
    expect(first.history.rules.map((r) => [r.rule, r.result])).toEqual(
      second.history.rules.map((r) => [r.rule, r.result]),
    );
  });
});
