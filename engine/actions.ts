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

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** A `set` action's value: the literal `value`, or the first fact path of `from` that holds one, looked up in `map` when given. */
function source(args: Args, params: P): unknown {
  if ('value' in params) return params.value;
  const ev = eventOf(args);
  const facts = { data: args.context, event: ev.payload, today: ev.today, now: ev.now };
  const refs = Array.isArray(params.from) ? params.from.map(String) : [String(params.from)];
  let v: unknown;
  for (const ref of refs) {
    v = resolveFactRef(facts, ref);
    if (!isEmpty(v)) break;
  }
  const map = params.map as Record<string, unknown> | undefined;
  if (map && typeof v === 'string' && Object.prototype.hasOwnProperty.call(map, v)) return map[v];
  return v;
}

/** Gives every object in the array at `path` without an `id` the first free `<prefix><n>` (n = 1, 2, …). */
function withIds(list: unknown, prefix: string): unknown {
  if (!Array.isArray(list)) return list;
  const used = new Set(list.map((x) => (x && typeof x === 'object' ? (x as { id?: unknown }).id : undefined)).filter((id) => typeof id === 'string'));
  let n = 1;
  return list.map((x) => {
    if (!x || typeof x !== 'object' || Array.isArray(x) || typeof (x as { id?: unknown }).id === 'string') return x;
    while (used.has(`${prefix}${n}`)) n++;
    used.add(`${prefix}${n}`);
    return { id: `${prefix}${n}`, ...(x as object) };
  });
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
  assignIds: assign((args: Args, params: P) => setPath(args.context, String(params.path), withIds(getPath(args.context, String(params.path)), String(params.prefix)))),
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
