/**
 * Compiles a procedure document (plus its resolved pack) into an XState v5 machine via `setup()`. Guards ask the
 * step's rule answers (session.ts), which the step puts on the event it hands XState; the compiled procedure itself
 * holds nothing of any step.
 */
import { assign, setup, type AnyStateMachine } from 'xstate';
import type { ValidateFunction } from 'ajv';
import type { DeadlineDef, MachineJSON, ProcedureDoc, ResolvedPack, StateJSON, TransitionJSON } from './types';
import { DefinitionError, pointer } from './errors';
import { ACTIONS, BUILTIN_ACTIONS, type DataAction, type EngineEvent } from './actions';
import { MARK, MARKERS } from './markers';
import { compileSchema, validateProcedure } from './validate';
import { RuleSet, inlineParams, type RuleObserver } from './rules';
import { walkStates, allTransitions, guardRules } from './machine';
import { pureRunner, type PureRunner } from './pure';
import { STEP_BUDGET } from './budget';

export interface CompiledProcedure {
  doc: ProcedureDoc;
  pack: ResolvedPack;
  params: Record<string, unknown>;
  machine: AnyStateMachine;
  /** Pure transition functions over `machine` with one reusable inert actor scope. */
  pure: PureRunner;
  rules: RuleSet;
  deadlines: Record<string, DeadlineDef>;
  /** Per state path: events handled there (own `on` only) and rules its guards name, per event. */
  handlers: Map<string, Map<string, string[]>>;
  /** Per event type: the JSON pointers of the transitions it can take. */
  eventPointers: Map<string, Set<string>>;
  dataValidator: ValidateFunction;
  payloadValidators: Map<string, ValidateFunction>;
}

/** What a step's guards ask: the rule answers of that step. */
export interface RuleAnswers {
  check(rule: string, context: unknown): boolean;
}

/** The event a step hands XState: the engine event, with the step's rule answers for its guards. */
export type StepEvent = EngineEvent & { rules?: RuleAnswers };

type ActionArgs = {
  context: Record<string, unknown>;
  event: StepEvent | { type: 'xstate.init'; input: { event: StepEvent } };
};

/** The engine event of a step; at start XState hands entry actions its `xstate.init` event, which carries it in `input`. */
function eventOf(args: ActionArgs): StepEvent {
  const e = args.event as { type: string; input?: { event?: StepEvent } };
  return e.type === 'xstate.init' && e.input?.event ? e.input.event : (args.event as StepEvent);
}

/**
 * The registry as XState action implementations: data actions are `assign`s (applied inside the pure transition);
 * effect actions and the markers do nothing there and are interpreted from the returned action list (apply.ts).
 */
function actionImplementations(): Record<string, unknown> {
  const noop = () => undefined;
  const impl: Record<string, unknown> = Object.fromEntries(MARKERS.map((m) => [m, noop]));
  impl[DATA_RUN] = assign((args: ActionArgs, params: { actions: Action[] }) => {
    const event = eventOf(args);
    let data = args.context;
    for (const a of params.actions) data = (ACTIONS.get(a.type) as DataAction).apply(data, a.params ?? {}, event);
    return data;
  });
  for (const a of BUILTIN_ACTIONS) {
    impl[a.type] =
      a.kind === 'data'
        ? assign((args: ActionArgs, params: Record<string, unknown>) =>
            a.apply(args.context, params ?? {}, eventOf(args)),
          )
        : noop;
  }
  return impl;
}

function paramValues(pack: ResolvedPack): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pack.parameters).map(([k, p]) => [k, p.value]));
}

/** Appends the transition-taken marker (the transition's JSON pointer) to every transition, so a step knows exactly which fired. */
function instrumentTransitions(node: StateJSON | MachineJSON, ptr: string): void {
  const tag = (t: unknown, at: string): TransitionJSON => {
    const tr: TransitionJSON = typeof t === 'string' ? { target: t } : { ...(t as TransitionJSON) };
    const acts = tr.actions === undefined ? [] : Array.isArray(tr.actions) ? tr.actions : [tr.actions];
    tr.actions = [...acts, { type: MARK.transitionTaken, params: { pointer: at } }];
    return tr;
  };
  const each = (v: unknown, at: string) => (Array.isArray(v) ? v.map((t, i) => tag(t, `${at}/${i}`)) : tag(v, at));
  if (node.on) {
    const on = node.on as Record<string, unknown>;
    for (const ev of Object.keys(on)) on[ev] = each(on[ev], ptr + pointer('on', ev));
  }
  if ('always' in node && node.always !== undefined)
    (node as StateJSON).always = each(node.always, `${ptr}/always`) as never;
}

type Action = { type: string; params?: Record<string, unknown> };

/**
 * Consecutive data actions of one list, run as one XState `assign` (the compiled machine's own action, never written
 * in a document). Each `assign` makes XState copy the context and rebuild its snapshot; a run of them applied in
 * order by one gives the same data, and no other action of the list comes between them.
 */
const DATA_RUN = 'gz.dataRun';

const isData = (a: unknown) => !!a && typeof a === 'object' && ACTIONS.get(String((a as Action).type))?.kind === 'data';

function mergeDataRuns(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const out: unknown[] = [];
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j < list.length && isData(list[j])) j++;
    if (j - i >= 2) {
      out.push({ type: DATA_RUN, params: { actions: list.slice(i, j) } });
      i = j;
    } else out.push(list[i++]);
  }
  return out;
}

function mergeRunsOf(node: StateJSON | MachineJSON): void {
  const n = node as StateJSON;
  const transitions = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(transitions)
      : v && typeof v === 'object'
        ? { ...v, actions: mergeDataRuns((v as TransitionJSON).actions) }
        : v;
  if (n.on) {
    const on = n.on as Record<string, unknown>;
    for (const ev of Object.keys(on)) on[ev] = transitions(on[ev]);
  }
  if ('always' in n && n.always !== undefined) n.always = transitions(n.always) as never;
  if ('entry' in n && n.entry !== undefined) n.entry = mergeDataRuns(n.entry) as never;
  if ('exit' in n && n.exit !== undefined) n.exit = mergeDataRuns(n.exit) as never;
}

function withDeadlineHooks(machine: MachineJSON, deadlines: Record<string, DeadlineDef>): MachineJSON {
  const copy = structuredClone(machine) as MachineJSON;
  instrumentTransitions(copy, '/machine');
  for (const s of walkStates(copy)) instrumentTransitions(s.node, s.pointer);
  const hooked = new Set(Object.values(deadlines).map((d) => d.state));
  for (const s of walkStates(copy)) {
    if (!hooked.has(s.path)) continue;
    const node = s.node as StateJSON;
    const asList = (a: unknown) => (a === undefined ? [] : Array.isArray(a) ? a : [a]);
    node.entry = [{ type: MARK.armDeadlines, params: { state: s.path } }, ...asList(node.entry)];
    node.exit = [...asList(node.exit), { type: MARK.dropDeadlines, params: { state: s.path } }];
  }
  mergeRunsOf(copy);
  for (const s of walkStates(copy)) mergeRunsOf(s.node);
  return copy;
}

function handlerIndex(machine: MachineJSON): Map<string, Map<string, string[]>> {
  const index = new Map<string, Map<string, string[]>>();
  for (const t of allTransitions(machine)) {
    if (t.event === null) continue;
    const key = t.source ?? '';
    const byEvent = index.get(key) ?? new Map<string, string[]>();
    const rules = byEvent.get(t.event) ?? [];
    rules.push(...guardRules(t.transition.guard).rules);
    byEvent.set(t.event, rules);
    index.set(key, byEvent);
  }
  return index;
}

function eventPointers(machine: MachineJSON): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of allTransitions(machine)) {
    if (t.event === null) continue;
    const set = out.get(t.event) ?? new Set<string>();
    set.add(t.pointer);
    out.set(t.event, set);
  }
  return out;
}

export interface CompileOptions {
  /** Sees every rule evaluation (tests replay them against json-rules-engine, the reference). */
  observeRules?: RuleObserver;
}

export function compileProcedure(doc: ProcedureDoc, pack: ResolvedPack, opts: CompileOptions = {}): CompiledProcedure {
  const problems = validateProcedure(doc, { parameters: pack.parameters });
  if (problems.length) throw new DefinitionError(problems);
  const params = paramValues(pack);
  const rulesDefs = inlineParams(doc.rules, params);
  const deadlines = inlineParams(doc.deadlines, params);
  const machineJson = withDeadlineHooks(inlineParams(doc.machine, params), deadlines);
  // a guard answers from the step's rule answers on its event; without them (XState building its inert actor at
  // compile time, before any step) it answers false, and that answer is never used
  const check = (a: ActionArgs, rule: string) => eventOf(a).rules?.check(rule, a.context) ?? false;
  const guards: Record<string, (a: ActionArgs, p: Record<string, unknown>) => boolean> = {
    allOf: (a, p) => (p.rules as string[]).map((r) => check(a, r)).every(Boolean),
    anyOf: (a, p) => (p.rules as string[]).map((r) => check(a, r)).some(Boolean),
    not: (a, p) => !check(a, String(p.rule)),
  };
  for (const name of Object.keys(rulesDefs)) guards[name] = (a) => check(a, name);

  const machine = setup({ guards: guards as never, actions: actionImplementations() as never }).createMachine({
    ...(machineJson as object),
    id: doc.id,
    context: ({ input }: { input: { data: unknown } }) => input.data,
    options: { maxIterations: STEP_BUDGET.microsteps },
  } as never) as unknown as AnyStateMachine;

  const payloadValidators = new Map<string, ValidateFunction>();
  for (const [name, ev] of Object.entries(doc.events)) {
    payloadValidators.set(name, compileSchema(ev.payload ?? { type: 'object' }));
  }
  return {
    doc,
    pack,
    params,
    machine,
    pure: pureRunner(machine),
    deadlines,
    rules: new RuleSet(
      rulesDefs,
      { calendar: pack.calendar, packData: pack.data, parameters: pack.parameters },
      opts.observeRules,
    ),
    handlers: handlerIndex(inlineParams(doc.machine, params)),
    eventPointers: eventPointers(doc.machine),
    dataValidator: compileSchema(doc.data),
    payloadValidators,
  };
}
