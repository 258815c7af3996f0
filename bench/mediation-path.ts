/**
 * The workload of the engine benchmark: the national `dispute-mediation` procedure along its
 * confirmation path (start → mediation → agreement → judicialConfirmation → closed), with the start
 * data, events, actors and dates of the scenario `dispute-mediation-confirmation` (its refused
 * attempts left out: every step of the path is one that is applied).
 */
import { readFileSync } from 'node:fs';
import {
  compileProcedure,
  resolvePacks,
  type CompiledProcedure,
  type EventInput,
  type ResolvedPack,
  type Scenario,
} from '../engine';
import { loadPacksRoot } from '../server/packs';

export const PACKS_ROOT = 'configs/packs';

/** A national dispute-mediation case's start data (示例: no real party). */
export const MEDIATION_DATA = {
  disputeType: 'neighbour',
  parties: [
    { name: '张三(示例)', role: '申请人' },
    { name: '李四(示例)', role: '被申请人' },
  ],
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '示例',
};
const SCENARIO = `${PACKS_ROOT}/national/scenarios/dispute-mediation-confirmation.json`;

export interface PathStep {
  at: Date;
  event: EventInput;
}

export interface ConfirmationPath {
  data: Record<string, unknown>;
  startAt: Date;
  steps: PathStep[];
  /** Transitions one case takes: the start (triage into mediation) and one per event. */
  transitions: number;
}

export function confirmationPath(): ConfirmationPath {
  const sc = JSON.parse(readFileSync(SCENARIO, 'utf8')) as Scenario;
  const steps = sc.steps
    .filter((s) => s.event && !s.expect?.refused)
    .map((s) => ({ at: new Date(s.at!), event: s.event as EventInput }));
  return { data: sc.data, startAt: new Date(sc.at), steps, transitions: 1 + steps.length };
}

export function nationalPack(): ResolvedPack {
  const { packs, problems } = resolvePacks(loadPacksRoot(PACKS_ROOT));
  if (problems.length) throw new Error(`bundled packs do not resolve: ${JSON.stringify(problems.slice(0, 3))}`);
  return packs.national;
}

export function compiledMediation(pack = nationalPack()): CompiledProcedure {
  return compileProcedure({ ...pack.procedures['dispute-mediation'], version: 1 }, pack);
}
