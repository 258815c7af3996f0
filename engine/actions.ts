/**
 * The built-in action registry — the only things a procedure can do. Data-changing actions are XState
 * `assign`s (applied inside the pure transition); the others are effects returned as data and interpreted
 * by `step` (emit, deadline changes). Nothing here runs code from a document.
 */
import { assign } from 'xstate';
import { getPath, setPath } from './data-path';
import { resolveFactRef } from './rules';

/** The XState event object the engine builds for every step. */
export interface EngineEvent {
  type: string;
  payload: Record<string, unknown>;
  actor?: { subject: string; roles: string[] };
  now: string;
  today: string;
}

type Ctx = Record<string, unknown>;
type Args = { context: Ctx; event: EngineEvent | { type: 'xstate.init'; input: { event: EngineEvent } } };
type P = Record<string, unknown>;

/** The engine event of a step; at start XState hands entry actions its `xstate.init` event, which carries it in `input`. */
function eventOf(args: Args): EngineEvent {
  const e = args.event as { type: string; input?: { event?: EngineEvent } };
  return e.type === 'xstate.init' && e.input?.event ? e.input.event : (args.event as EngineEvent);
}

function source(args: Args, params: P): unknown {
  if ('value' in params) return params.value;
  const ev = eventOf(args);
  return resolveFactRef({ data: args.context, event: ev.payload, today: ev.today, now: ev.now }, String(params.from));
}

export const dataActions = {
  save: assign((args: Args, params: P) => {
    const payload = eventOf(args).payload ?? {};
    const fields = Array.isArray(params.fields) ? (params.fields as string[]) : null;
    const value = fields ? Object.fromEntries(fields.filter((f) => f in payload).map((f) => [f, payload[f]])) : { ...payload };
    return setPath(args.context, String(params.to), value);
  }),
  set: assign((args: Args, params: P) => setPath(args.context, String(params.path), source(args, params))),
  increment: assign((args: Args, params: P) => {
    const cur = getPath(args.context, String(params.path));
    return setPath(args.context, String(params.path), (typeof cur === 'number' ? cur : 0) + 1);
  }),
  recordDecision: assign((args: Args, params: P) => {
    const list = Array.isArray(args.context.decisions) ? (args.context.decisions as unknown[]) : [];
    const entry = { name: params.name, value: params.value ?? null, at: eventOf(args).now };
    return { ...args.context, decisions: [...list, entry] };
  }),
};

/** Actions interpreted after the transition, in order, from XState's returned action list. */
export const EFFECT_ACTIONS = ['emit', 'extendDeadline', 'cancelDeadline', 'gz.enter', 'gz.exit', 'gz.took'] as const;

const noop = () => undefined;
export const effectActions = Object.fromEntries(EFFECT_ACTIONS.map((a) => [a, noop]));
