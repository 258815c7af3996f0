/**
 * Peer (b) of the engine benchmark: bpmn-engine running `dispute-mediation.bpmn`. The XML is parsed
 * and serialized once (outside the timed loop); each case is a new Engine on that serialized context,
 * executed to its end, each user task signalled with its event's payload. Guards are plain functions
 * offered as services and called from the gateways' condition expressions.
 */
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { ConfirmationPath } from '../mediation-path';
import type { RawParams } from './xstate-raw';

const XML = readFileSync(new URL('./dispute-mediation.bpmn', import.meta.url), 'utf8');

type Vars = {
  data: Record<string, unknown> & { parties: { name: string }[] };
  payload: Record<string, unknown>;
  today: string;
};
type Scope = { environment: { variables: Vars } };

const silent = () => ({ debug() {}, error() {}, warn() {} });

/** Parses and serializes the BPMN once; bpmn-engine's own loader does the work. */
async function serializedSource(): Promise<unknown> {
  const parser = new Engine({ source: XML, Logger: silent } as never);
  const [definition] = await parser.getDefinitions();
  return (definition as unknown as { context: { definitionContext: unknown } }).context.definitionContext;
}

function addDays(day: string, n: number): string {
  const t = Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) + n * 86_400_000;
  const wd = new Date(t).getUTCDay();
  return new Date(t + (wd === 6 ? 2 : wd === 0 ? 1 : 0) * 86_400_000).toISOString().slice(0, 10);
}

function services(p: RawParams) {
  const v = (s: Scope) => s.environment.variables;
  return {
    criminalRisk: (s: Scope) => v(s).data.criminalRisk === true,
    unsuitable: (s: Scope) =>
      v(s).data.partiesConsent === false || p.unsuitableDisputeTypes.includes(String(v(s).data.disputeType)),
    effectiveOnNotFuture: (s: Scope) => String(v(s).payload.effectiveOn) <= v(s).today,
    confirmable: (s: Scope) => {
      const { data, payload, today } = v(s);
      const applied = String(payload.appliedOn);
      const effective = (data.agreement as { effectiveOn: string }).effectiveOn;
      return (
        applied <= today &&
        data.parties.every((x) => (payload.applicants as string[]).includes(x.name)) &&
        applied >= effective &&
        applied <= addDays(effective, p.confirmationWindowDays) &&
        !p.excludedFromConfirmation.includes(String(data.disputeType))
      );
    },
  };
}

/** Where a user task's payload is kept in the case data (what the engine's `save` actions do). */
const SAVE_TO: Record<string, string> = {
  mediation: 'agreement',
  agreement: 'confirmationApplication',
  judicialConfirmation: 'confirmation',
};

/** Builds a runner of one case along the path; resolves to the transitions it took. */
export async function bpmnCase(path: ConfirmationPath, params: RawParams): Promise<() => Promise<number>> {
  const sourceContext = await serializedSource();
  const svc = services(params);
  const byTask: Record<string, { payload: Record<string, unknown>; today: string }> = {};
  const tasks = ['mediation', 'agreement', 'judicialConfirmation'];
  path.steps.forEach((s, i) => {
    byTask[tasks[i]] = {
      payload: (s.event.payload ?? {}) as Record<string, unknown>,
      today: new Date(s.at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
    };
  });
  return async () => {
    const listener = new EventEmitter();
    let signalled = 0;
    listener.on('wait', (api: { id: string; environment: { variables: Vars }; signal: (m: unknown) => void }) => {
      const step = byTask[api.id];
      if (!step) throw new Error(`bpmn: unexpected wait in ${api.id}`);
      const vars = api.environment.variables;
      vars.data = { ...vars.data, [SAVE_TO[api.id]]: step.payload };
      vars.payload = step.payload;
      vars.today = step.today;
      signalled++;
      api.signal(step.payload);
    });
    const engine = new Engine({
      name: 'bench',
      sourceContext,
      Logger: silent,
      services: svc,
      listener,
      variables: { data: structuredClone(path.data), payload: {}, today: '' },
    } as never);
    const end = engine.waitFor('end');
    await engine.execute();
    await end;
    if (signalled !== path.steps.length)
      throw new Error(`bpmn: ${signalled} user tasks signalled, expected ${path.steps.length}`);
    return path.transitions;
  };
}
