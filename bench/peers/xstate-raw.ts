/**
 * Peer (a) of the engine benchmark: the dispute-mediation procedure hand-written as an XState v5
 * machine, guards as plain functions over context and event, run with XState's pure
 * `initialTransition()` / `transition()` — what this design could reach with no documents, no
 * validation, no rule records, no deadlines and no history. Same states, transitions, data actions.
 */
import {
  assign,
  createActor,
  initialTransition,
  setup,
  transition,
  type AnyActorScope,
  type SnapshotFrom,
} from 'xstate';
import type { ConfirmationPath } from '../mediation-path';

type Data = Record<string, unknown> & {
  disputeType: string;
  partiesConsent: boolean;
  criminalRisk: boolean;
  amount?: number;
  parties: { name: string }[];
  agreement?: { effectiveOn: string };
  decisions?: unknown[];
  track?: string;
};
type Payload = Record<string, unknown>;
type Ev = { type: string; payload: Payload; today: string; now: string };

const DAY = 86_400_000;
const toDay = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
const fromDay = (t: number) => new Date(t).toISOString().slice(0, 10);
/** `days` calendar days after `from`, a last day on Saturday or Sunday moved to Monday (no holiday table). */
function windowEnd(from: string, days: number): string {
  let t = toDay(from) + days * DAY;
  const wd = new Date(t).getUTCDay();
  if (wd === 6) t += 2 * DAY;
  else if (wd === 0) t += DAY;
  return fromDay(t);
}

export interface RawParams {
  unsuitableDisputeTypes: string[];
  excludedFromConfirmation: string[];
  confirmationWindowDays: number;
  maxMediationExtensions: number;
  smallClaimsCap: number;
}

export function rawMachine(p: RawParams) {
  const save = (to: string) => ({ type: 'save' as const, params: { to } });
  const decide = (name: string, value: string) => ({ type: 'decide' as const, params: { name, value } });
  const setField = (field: string, value: unknown) => ({ type: 'setField' as const, params: { field, value } });
  const notFuture =
    (field: string) =>
    ({ event }: { event: Ev }) =>
      String(event.payload[field]) <= event.today;
  return setup({
    types: {} as { context: Data; events: Ev; input: { data: Data } },
    guards: {
      criminalRisk: ({ context }) => context.criminalRisk === true,
      unsuitable: ({ context }) =>
        context.partiesConsent === false || p.unsuitableDisputeTypes.includes(context.disputeType),
      effectiveOnNotFuture: notFuture('effectiveOn'),
      filedOnNotFuture: notFuture('filedOn'),
      canExtend: ({ context, event }) => {
        const consenting = event.payload.consentingParties as string[];
        return (
          context.parties.every((x) => consenting.includes(x.name)) &&
          Number(context.mediationExtensions) < p.maxMediationExtensions
        );
      },
      confirmable: ({ context, event }) => {
        const applied = String(event.payload.appliedOn);
        const applicants = event.payload.applicants as string[];
        const effective = context.agreement!.effectiveOn;
        return (
          applied <= event.today &&
          context.parties.every((x) => applicants.includes(x.name)) &&
          applied >= effective &&
          applied <= windowEnd(effective, p.confirmationWindowDays) &&
          !p.excludedFromConfirmation.includes(context.disputeType)
        );
      },
      remediateNext: ({ event }) => event.payload.next === 'remediate',
      smallClaims: ({ context, event }) =>
        String(event.payload.filedOn) <= event.today &&
        typeof context.amount === 'number' &&
        context.amount >= 0 &&
        context.amount <= p.smallClaimsCap,
    },
    actions: {
      emit: () => {},
      save: assign(({ context, event }, p: { to: string }) => ({ ...context, [p.to]: { ...event.payload } })),
      decide: assign(({ context, event }, p: { name: string; value: string }) => ({
        ...context,
        decisions: [...(context.decisions ?? []), { name: p.name, value: p.value, at: event.now }],
      })),
      setField: assign(({ context }, p: { field: string; value: unknown }) => ({ ...context, [p.field]: p.value })),
      increment: assign(({ context }, p: { field: string }) => ({
        ...context,
        [p.field]: Number(context[p.field]) + 1,
      })),
    },
  }).createMachine({
    id: 'dispute-mediation',
    context: ({ input }) => input.data,
    initial: 'intake',
    states: {
      intake: {
        entry: setField('mediationExtensions', 0),
        always: [
          { guard: 'criminalRisk', target: 'policeReferral', actions: [decide('triage', 'policeReferral'), 'emit'] },
          { guard: 'unsuitable', target: 'fastTrackCourt', actions: decide('triage', 'fastTrackCourt') },
          { target: 'mediation', actions: decide('triage', 'mediation') },
        ],
      },
      mediation: {
        on: {
          AGREEMENT_SIGNED: { guard: 'effectiveOnNotFuture', target: 'agreement', actions: save('agreement') },
          MEDIATION_FAILED: { target: 'fastTrackCourt', actions: save('mediationFailure') },
          EXTEND_MEDIATION: {
            guard: 'canExtend',
            actions: { type: 'increment', params: { field: 'mediationExtensions' } },
          },
          MEDIATION_EXPIRED: { target: 'fastTrackCourt', actions: decide('mediation', 'expired') },
        },
      },
      agreement: {
        on: {
          APPLY_CONFIRMATION: {
            guard: 'confirmable',
            target: 'judicialConfirmation',
            actions: save('confirmationApplication'),
          },
          PERFORMED: { target: 'closed', actions: decide('outcome', 'performed') },
          PERFORMANCE_DISPUTE: { target: 'fastTrackCourt', actions: save('performanceDispute') },
        },
      },
      judicialConfirmation: {
        on: {
          CONFIRMED: { target: 'closed', actions: [save('confirmation'), decide('outcome', 'confirmed')] },
          NOT_CONFIRMED: [
            { guard: 'remediateNext', target: 'mediation', actions: save('confirmationRefusal') },
            { target: 'fastTrackCourt', actions: save('confirmationRefusal') },
          ],
        },
      },
      fastTrackCourt: {
        entry: 'emit',
        initial: 'filing',
        on: { WITHDRAWN: { target: 'closed', actions: decide('outcome', 'withdrawn') } },
        states: {
          filing: {
            on: {
              FILED: [
                { guard: 'smallClaims', target: 'trial', actions: [save('filing'), setField('track', 'smallClaims')] },
                {
                  guard: 'filedOnNotFuture',
                  target: 'trial',
                  actions: [save('filing'), setField('track', 'simplified')],
                },
              ],
            },
          },
          trial: {
            on: {
              JUDGED: { target: '#dispute-mediation.closed', actions: [save('judgment'), decide('outcome', 'judged')] },
            },
          },
        },
      },
      closed: { type: 'final' },
      policeReferral: { type: 'final' },
    },
  });
}

type Machine = ReturnType<typeof rawMachine>;
type Snap = SnapshotFrom<Machine>;
type Pure = { initial(input: { data: Data }): Snap; next(snap: Snap, ev: Ev): Snap };

/** XState's exported pure functions: each call builds a throw-away inert actor (which computes an initial snapshot first). */
function exported(machine: Machine): Pure {
  return {
    initial: (input) => initialTransition(machine, input)[0],
    next: (snap, ev) => transition(machine, snap, ev)[0],
  };
}

/** The machine's own pure methods with one inert actor scope built once (what Gongzhi's engine/pure.ts does). */
function reusedScope(machine: Machine): Pure {
  const self = createActor(machine, { input: { data: {} as Data } });
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;
  return {
    initial: (input) => machine.getInitialSnapshot(scope, input),
    next: (snap, ev) => machine.transition(snap, ev, scope),
  };
}

/**
 * Builds a runner of one case along the path; returns the transitions it took. `scope`: `exported` uses
 * `initialTransition()` / `transition()`; `reused` calls the machine with one inert actor scope.
 */
export function rawXStateCase(
  path: ConfirmationPath,
  params: RawParams,
  scope: 'exported' | 'reused' = 'exported',
): () => number {
  const machine = rawMachine(params);
  const pure = scope === 'exported' ? exported(machine) : reusedScope(machine);
  const events = path.steps.map((s) => {
    const iso = s.at.toISOString();
    return { type: s.event.type, payload: (s.event.payload ?? {}) as Payload, now: iso, today: shanghaiDay(s.at) };
  });
  return () => {
    let snap = pure.initial({ data: structuredClone(path.data) as Data });
    if (snap.value !== 'mediation') throw new Error(`raw xstate: start went to ${JSON.stringify(snap.value)}`);
    for (const ev of events) {
      const before = snap;
      snap = pure.next(snap, { ...ev });
      if (snap.value === before.value) throw new Error(`raw xstate: ${ev.type} was not taken`);
    }
    if (snap.value !== 'closed') throw new Error(`raw xstate: ended in ${JSON.stringify(snap.value)}`);
    return path.transitions;
  };
}

function shanghaiDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
