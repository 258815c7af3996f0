/**
 * engine/pure.ts runs XState's pure transition with an inert actor scope of its own (xstate's is private). Pinned
 * here against the installed xstate: given xstate's public `transition()` on a real procedure, when the scope it
 * builds is captured, then ours has the same members; and both give the same snapshots and actions, step by step.
 */
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { compileProcedure, resolvePacks } from '../../engine';
import { inertScope } from '../../engine/pure';
import { GuardSession } from '../../engine/session';
import { loadPacksRoot } from '../../server/packs';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
const proc = compileProcedure({ ...packs.national.procedures['dispute-mediation'], version: 1 }, packs.national);
const caseData = {
  disputeType: 'neighbour',
  parties: [
    { name: '张三', role: '申请人' },
    { name: '李四', role: '被申请人' },
  ],
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '示例',
};

const event = (type: string, payload: Record<string, unknown>) => {
  const ev = { type, payload, now: '2025-09-26T10:00:00+08:00', today: '2025-09-26' };
  const session = new GuardSession(proc, { event: payload, params: proc.params, today: ev.today, now: ev.now });
  return { ...ev, rules: session };
};

/** What a run gives, comparable across the two ways of running it. */
const seen = ([snap, actions]: [AnyMachineSnapshot, unknown[]]) => ({
  value: snap.value,
  context: snap.context,
  status: snap.status,
  actions: (actions as { type: string; params?: unknown }[]).map((a) => [a.type, a.params]),
});

describe('the inert actor scope of engine/pure.ts', () => {
  it('has the members of the scope xstate builds for its public transition()', () => {
    let captured: Record<string, unknown> | undefined;
    const spy = new Proxy(proc.machine, {
      get(target, key, receiver) {
        if (key === 'transition') {
          return (s: unknown, e: unknown, scope: Record<string, unknown>) => {
            captured = scope;
            return target.transition(s as never, e as never, scope as never);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    }) as AnyStateMachine;
    const [start] = proc.pure.initial({ data: caseData, event: event('xstate.init', {}) });
    transition(spy, start, event('MEDIATION_FAILED', { reason: '示例' }));
    const ours = inertScope(createActor(proc.machine, { input: {} }), []);
    expect(captured, 'xstate handed the machine a scope').toBeDefined();
    expect(Object.keys(ours).sort()).toEqual(Object.keys(captured!).sort());
    for (const k of Object.keys(ours))
      expect([k, typeof (ours as Record<string, unknown>)[k]]).toEqual([k, typeof captured![k]]);
  });

  it("gives what xstate's public initialTransition() and transition() give, step by step", () => {
    const input = { data: caseData, event: event('xstate.init', {}) };
    const ours0 = proc.pure.initial(input);
    const theirs0 = initialTransition(proc.machine, input) as [AnyMachineSnapshot, unknown[]];
    expect(seen(ours0)).toEqual(seen(theirs0));
    expect(ours0[0].value).toEqual('mediation');
    let snap = ours0[0];
    for (const [type, payload] of [
      ['EXTEND_MEDIATION', { consentingParties: ['张三', '李四'] }],
      ['MEDIATION_FAILED', { reason: '示例' }],
      ['FILED', { filedOn: '2025-10-10' }],
    ] as const) {
      const ev = event(type, payload);
      const ours = proc.pure.transition(snap, ev);
      const theirs = transition(proc.machine, snap, ev) as [AnyMachineSnapshot, unknown[]];
      expect(seen(ours)).toEqual(seen(theirs));
      snap = ours[0];
    }
    // the walk left mediation for the court (the steps were taken, not refused)
    expect(JSON.stringify(snap.value)).toContain('fastTrackCourt');
  });
});
