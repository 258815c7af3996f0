/**
 * The pure core: `start` and `step` compute the next instance, its history entry, effects and timer
 * changes from (definition, instance, event, now). Nothing is stored or sent here.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { shanghaiDate, toShanghaiISO, CalendarError } from './calendar';
import type { CompiledProcedure, StepEvent } from './compile';
import type { Actor, HistoryEntry, Instance, StepResult } from './types';
import { i18n, refuse } from './errors';
import { GuardSession } from './session';
import type { EngineEvent } from './actions';
import { resolveFactRef, type FactInput, type InstanceLookup } from './rules';
import { ajvProblems } from './validate';
import { activeLeaves, allowedEvents, handledEvents, configurationOf } from './state';
import { applyActions } from './apply';
import { transitionsTaken } from './markers';
import { own } from './ids';
import { StepBudgetError } from './budget';

const NO_EVENTS: ReadonlySet<string> = new Set();

export interface StepEnv {
  now: Date;
  lookupInstance?: InstanceLookup;
}

export interface EventInput {
  type: string;
  payload?: unknown;
  actor?: Actor;
}

type StepFacts = Omit<FactInput, 'data' | 'provisional'>;

/** The step's facts; a promise only when a rule reads the `instance` fact (its lookups are async). */
function facts(proc: CompiledProcedure, ev: EngineEvent, env: StepEnv, data: unknown): StepFacts | Promise<StepFacts> {
  const base: StepFacts = { event: ev.payload, params: proc.params, today: ev.today, now: ev.now };
  if (proc.rules.instanceRefs.length === 0) return base;
  return withInstances(proc, base, env, data);
}

async function withInstances(proc: CompiledProcedure, base: StepFacts, env: StepEnv, data: unknown) {
  const instances: Record<string, unknown> = {};
  for (const ref of proc.rules.instanceRefs) {
    const id = resolveFactRef({ data, event: base.event }, ref);
    if (typeof id === 'string' && id && env.lookupInstance) instances[id] = await env.lookupInstance(id);
  }
  return { event: base.event, params: base.params, today: base.today, now: base.now, instances };
}

/** The event a step hands XState: the engine event with the session answering its guards (built field by field). */
function stepEvent(ev: EngineEvent, session: GuardSession): StepEvent {
  return { type: ev.type, payload: ev.payload, actor: ev.actor, now: ev.now, today: ev.today, rules: session };
}

function engineEvent(type: string, payload: unknown, actor: Actor | undefined, now: Date): EngineEvent {
  return {
    type,
    payload: (payload ?? {}) as Record<string, unknown>,
    actor,
    now: toShanghaiISO(now),
    today: shanghaiDate(now),
  };
}

/** The JSON path a rule's first `event` (or `data`) condition reads, e.g. `$.applicants` → `/payload/applicants`. */
function factPointer(conditions: unknown, fact: 'event' | 'data', prefix: string): string {
  const walk = (c: unknown): string | null => {
    if (!c || typeof c !== 'object') return null;
    const cond = c as Record<string, unknown>;
    for (const k of ['all', 'any'])
      if (Array.isArray(cond[k]))
        for (const x of cond[k] as unknown[]) {
          const p = walk(x);
          if (p) return p;
        }
    if (cond.not) return walk(cond.not);
    if (cond.fact === fact && typeof cond.path === 'string') return cond.path;
    return null;
  };
  const path = walk(conditions);
  if (!path) return prefix;
  const segs = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[/)
    .filter(Boolean)
    .map((x) => x.replace(/\]$/, ''))
    .filter((x) => x !== '*' && x !== 'length');
  return prefix + segs.map((x) => '/' + x).join('');
}

/** 422 INVALID_PAYLOAD for rules a payload (or the start data) must satisfy: each failing rule with its path and basis. */
function ruleProblems(
  proc: CompiledProcedure,
  session: GuardSession,
  rules: string[],
  fact: 'event' | 'data',
  prefix: string,
) {
  const failing = session.results().filter((r) => !r.result && rules.includes(r.rule));
  if (!failing.length) return null;
  const what = fact === 'event' ? ['事件内容', 'the payload'] : ['立案数据', 'the start data'];
  return refuse(
    'INVALID_PAYLOAD',
    i18n(
      `${what[0]}不成立:${failing.map((r) => r.description['zh-CN']).join(';')}`,
      `${what[1]} cannot be right: ${failing.map((r) => r.description.en).join('; ')}`,
    ),
    failing.map((r) => ({
      path: factPointer(proc.doc.rules[r.rule].conditions, fact, prefix),
      message: r.description,
      code: 'RULE',
      rule: r.rule,
      basis: r.basis,
    })),
  );
}

/**
 * A calendar failure anywhere in the step (a deadline, a rule's periodEnd) refuses the step with its own code; a step
 * past its budget (engine/budget.ts) is refused as an invalid definition.
 */
export function calendarRefusal(e: unknown) {
  if (e instanceof StepBudgetError) {
    return refuse(
      'INVALID_DEFINITION',
      i18n('流程定义在这一步中陷入循环,已拒绝', 'the definition loops in this step: refused'),
      [e.problem()],
    );
  }
  if (e instanceof CalendarError) return refuse(e.code, e.i18n, e.details);
  throw e;
}

export async function start(
  proc: CompiledProcedure,
  input: { id: string; data: unknown; actor?: Actor; businessKey?: string },
  env: StepEnv,
): Promise<StepResult> {
  const data = structuredClone(input.data ?? {});
  if (!proc.dataValidator(data)) {
    return refuse(
      'INVALID_PAYLOAD',
      i18n('立案数据不符合要求', 'the start data does not match its schema'),
      ajvProblems(proc.dataValidator.errors, '/data'),
    );
  }
  const ev = engineEvent('xstate.init', {}, input.actor, env.now);
  const f = facts(proc, ev, env, data);
  const session = new GuardSession(proc, f instanceof Promise ? await f : f);
  try {
    if (proc.doc.startRules?.length) {
      session.evaluate(proc.doc.startRules, data);
      const failing = session.results().filter((r) => !r.result);
      if (failing.length) {
        return refuse(
          'GUARD_REJECTED',
          i18n(
            `立案条件不满足:${failing.map((r) => r.description['zh-CN']).join(';')}`,
            `the start conditions are not met: ${failing.map((r) => r.description.en).join('; ')}`,
          ),
          { rules: failing },
        );
      }
    }
    const [snap, actions] = session.run(() => proc.pure.initial({ data, event: stepEvent(ev, session) }));
    if (proc.doc.dataRules?.length) {
      session.evaluate(proc.doc.dataRules, snap.context);
      const bad = ruleProblems(proc, session, proc.doc.dataRules, 'data', '/data');
      if (bad) return bad;
    }
    const base: Instance = {
      id: input.id,
      pack: proc.pack.id,
      procedure: proc.doc.id,
      version: proc.doc.version ?? 0,
      rev: 0,
      status: 'active',
      state: '',
      stateValue: null,
      data: {},
      deadlines: [],
      overdue: false,
      createdAt: ev.now,
      updatedAt: ev.now,
      ...(input.businessKey ? { businessKey: input.businessKey } : {}),
    };
    return finish(proc, base, snap, actions, session, ev, { type: 'START', payload: input.data, from: null });
  } catch (e) {
    return calendarRefusal(e);
  }
}

export interface StepOptions {
  /** A system event (deadline expiry): sent by the runner, never by a caller. */
  system?: boolean;
  /** The runner has authorised the actor for every role (the server's administrators): no role check. */
  anyRole?: boolean;
}

export async function step(
  proc: CompiledProcedure,
  instance: Instance,
  input: EventInput,
  env: StepEnv,
  opts: StepOptions = {},
): Promise<StepResult> {
  const def = own(proc.doc.events, input.type);
  const leaves = activeLeaves(instance.stateValue);
  const handled: ReadonlySet<string> = instance.status !== 'active' ? NO_EVENTS : handledEvents(proc, leaves);
  if (!def || !handled.has(input.type) || (def.system && !opts.system)) {
    const allowed = allowedEvents(proc, instance).map((e) => e.type);
    return refuse(
      'EVENT_NOT_ALLOWED',
      i18n(
        `当前状态「${instance.state}」不能处理事件「${input.type}」`,
        `event '${input.type}' is not allowed in state '${instance.state}'`,
      ),
      { allowed, state: instance.state },
    );
  }
  if (!opts.system && !opts.anyRole && input.actor && !def.roles.some((r) => input.actor!.roles.includes(r))) {
    return refuse(
      'FORBIDDEN',
      i18n(
        `角色无权发送事件「${input.type}」(允许:${def.roles.join('、')})`,
        `your roles may not send '${input.type}' (allowed: ${def.roles.join(', ')})`,
      ),
      { roles: def.roles },
    );
  }
  const payload = input.payload ?? {};
  const validate = proc.payloadValidators.get(input.type)!;
  if (!validate(payload)) {
    return refuse(
      'INVALID_PAYLOAD',
      i18n(`事件「${input.type}」的内容不符合要求`, `the payload of '${input.type}' does not match its schema`),
      ajvProblems(validate.errors, '/payload'),
    );
  }
  const ev = engineEvent(input.type, payload, input.actor, env.now);
  const snapshot = proc.machine.resolveState({
    value: instance.stateValue as never,
    context: instance.data,
  }) as AnyMachineSnapshot;
  const f = facts(proc, ev, env, instance.data);
  const session = new GuardSession(proc, f instanceof Promise ? await f : f);
  try {
    if (def.payloadRules?.length) {
      session.evaluate(def.payloadRules, snapshot.context);
      const bad = ruleProblems(proc, session, def.payloadRules, 'event', '/payload');
      if (bad) return bad;
    }
    const [next, actions] = session.run(() => proc.pure.transition(snapshot, stepEvent(ev, session)));
    const own = proc.eventPointers.get(input.type);
    if (!transitionsTaken(actions).some((t) => own?.has(t))) {
      const failing = session.results().filter((r) => !r.result);
      return refuse(
        'GUARD_REJECTED',
        i18n(
          `事件「${input.type}」的条件不满足:${failing.map((r) => r.description['zh-CN']).join(';')}`,
          `the conditions of '${input.type}' are not met: ${failing.map((r) => r.description.en).join('; ')}`,
        ),
        { rules: failing },
      );
    }
    return finish(proc, instance, next, actions, session, ev, {
      type: input.type,
      payload,
      from: configurationOf(leaves),
    });
  } catch (e) {
    return calendarRefusal(e);
  }
}

function finish(
  proc: CompiledProcedure,
  prev: Instance,
  snap: AnyMachineSnapshot,
  actions: unknown[],
  session: GuardSession,
  ev: EngineEvent,
  entry: { type: string; payload: unknown; from: string | null },
): StepResult {
  const data = snap.context as Record<string, unknown>;
  const applied = applyActions(
    proc,
    prev.deadlines,
    actions as { type: string; params?: Record<string, unknown> }[],
    session,
    { data, ev },
  );
  const leaves = activeLeaves(snap.value);
  const state = configurationOf(leaves);
  const done = snap.status === 'done';
  const rev = prev.rev + 1;
  const instance: Instance = {
    ...prev,
    rev,
    status: done ? 'done' : 'active',
    state,
    stateValue: snap.value,
    data,
    deadlines: done ? [] : applied.deadlines,
    overdue: !done && applied.deadlines.some((d) => d.overdue),
    ...(prev.everOverdue ? { everOverdue: true } : {}),
    updatedAt: ev.now,
  };
  const effects = applied.effects;
  const history: HistoryEntry = {
    seq: rev,
    at: ev.now,
    type: entry.type,
    payload: entry.payload,
    actor: ev.actor,
    from: entry.from,
    to: state,
    rules: session.results(),
    effects,
    transitions: transitionsTaken(actions),
  };
  const cancel = done ? prev.deadlines.filter((d) => !d.overdue).map((d) => d.name) : applied.cancel;
  const armed = done ? [] : applied.arm;
  if (armed.length) {
    history.deadlines = armed.map((d) => ({
      name: d.name,
      dueAt: d.dueAt,
      ...(d.computed?.provisional.length ? { provisional: d.computed.provisional } : {}),
    }));
  }
  return { ok: true, instance, history, effects, timers: { arm: applied.arm, cancel } };
}
