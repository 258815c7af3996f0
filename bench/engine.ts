/**
 * Engine throughput: the dispute-mediation confirmation path through `engine.start` / `engine.step`,
 * against (a) raw XState `transition()` on a hand-written equivalent machine and (b) bpmn-engine on an
 * equivalent BPMN process. The three alternate, several rounds; medians of transitions/s and ratios.
 */
import { start, step, type CompiledProcedure, type StepResult } from '../engine';
import { alternate, pairedRatio, ratePerSecond } from './measure';
import { compiledMediation, confirmationPath, nationalPack, type ConfirmationPath } from './mediation-path';
import { rawXStateCase, type RawParams } from './peers/xstate-raw';
import { bpmnCase } from './peers/bpmn';
import type { BenchOptions, BenchResult } from './types';

const TARGET_XSTATE = 0.5;
const TARGET_BPMN = 50;

function okOr(r: StepResult, what: string) {
  if (!r.ok) throw new Error(`engine bench: ${what} refused: ${r.code} ${r.message.en}`);
  return r;
}

/** One case through the engine, as the server drives it: each step gets the instance the last one returned. */
export function gongzhiCase(proc: CompiledProcedure, path: ConfirmationPath): () => Promise<number> {
  let n = 0;
  return async () => {
    let r = okOr(await start(proc, { id: `bench-${n++}`, data: path.data }, { now: path.startAt }), 'start');
    for (const s of path.steps) r = okOr(await step(proc, r.instance, s.event, { now: s.at }), s.event.type);
    if (r.instance.state !== 'closed') throw new Error(`engine bench: ended in ${r.instance.state}`);
    return path.transitions;
  };
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const pack = nationalPack();
  const proc = compiledMediation(pack);
  const path = confirmationPath();
  const v = (name: string) => pack.parameters[name].value;
  const params: RawParams = {
    unsuitableDisputeTypes: v('unsuitableDisputeTypes') as string[],
    excludedFromConfirmation: v('excludedFromConfirmation') as string[],
    confirmationWindowDays: v('confirmationWindowDays') as number,
    maxMediationExtensions: v('maxMediationExtensions') as number,
    smallClaimsCap: v('smallClaimsCap') as number,
  };
  const gongzhi = gongzhiCase(proc, path);
  const raw = rawXStateCase(path, params, 'exported');
  const rawReused = rawXStateCase(path, params, 'reused');
  const bpmn = await bpmnCase(path, params);

  const ms = opts.quick ? 40 : 1000;
  const rounds = opts.quick ? 1 : 7;
  const [g, x, xr, b] = await alternate(
    [
      { label: 'Gongzhi engine.start/step', sample: () => ratePerSecond(gongzhi, ms) },
      { label: 'raw XState transition()', sample: () => ratePerSecond(raw, ms) },
      { label: 'raw XState, one reused actor scope', sample: () => ratePerSecond(rawReused, ms) },
      { label: 'bpmn-engine', sample: () => ratePerSecond(bpmn, ms) },
    ],
    { rounds, warmup: 1 },
  );

  const vsXState = pairedRatio(g, x);
  const vsReused = pairedRatio(g, xr);
  const vsBpmn = pairedRatio(g, b);
  const notes = [
    `Workload: national dispute-mediation, confirmation path of scenario dispute-mediation-confirmation (start → mediation → agreement → judicialConfirmation → closed): ${path.transitions} transitions per case; each peer checks it ends in closed.`,
    'Gongzhi: start/step as the server calls them: payload schema (ajv), roles, every named rule evaluated and recorded, deadlines by the legal calendar, history entry and effects, instance rebuilt from (stateValue, data) on each step.',
    'Raw XState: the same machine hand-written with setup({guards}); guards are plain functions (30-day window by date math, weekend roll-forward, no holiday table), assign actions for the same data; snapshots passed straight from one transition() to the next.',
    "Raw XState, one reused actor scope: the same machine through its own pure methods (machine.transition / getInitialSnapshot) with one inert actor scope built once, as Gongzhi's engine/pure.ts does. XState's exported transition() and initialTransition() build a throw-away actor per call, and that actor computes the machine's initial snapshot before the real work; this row is the tighter limit, reported without a target.",
    'bpmn-engine: definitions parsed once; per case a new Engine on the serialized context, executed to its end event, user tasks signalled from the listener; no-op Logger.',
    `Each sample runs one contender for ${ms} ms; ${rounds} rounds (after 1 warm-up round), order rotating; ratio = median of per-round ratios.`,
  ];
  return {
    name: 'engine',
    title: '引擎吞吐 Engine throughput (dispute-mediation confirmation path)',
    rows: [
      { label: g.label, value: g.median, unit: 'transitions/s' },
      { label: x.label, value: x.median, unit: 'transitions/s' },
      { label: xr.label, value: xr.median, unit: 'transitions/s' },
      { label: b.label, value: b.median, unit: 'transitions/s' },
      { label: 'Gongzhi µs per transition', value: 1e6 / g.median, unit: 'µs' },
    ],
    ratios: [
      { label: 'Gongzhi / raw XState', value: vsXState, target: `≥ ${TARGET_XSTATE}`, met: vsXState >= TARGET_XSTATE },
      { label: 'Gongzhi / raw XState (reused scope)', value: vsReused },
      { label: 'Gongzhi / bpmn-engine', value: vsBpmn, target: `≥ ${TARGET_BPMN}`, met: vsBpmn >= TARGET_BPMN },
    ],
    notes,
  };
}
