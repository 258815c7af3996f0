/**
 * Migrating a running case to another published version of its procedure (DESIGN decision 5: an admin's act, with a
 * state map, a dry run and a history entry).
 *
 * Each active state maps to the state of the same id in the new version, or as `stateMap` says (a key may name an
 * ancestor: `fastTrackCourt` → `court` moves `fastTrackCourt.trial` to `court.trial`). A state with no counterpart
 * refuses the migration with the problems; nothing else is guessed. Deadlines are recomputed from their own period
 * start (recorded when they were armed) under the new version's amount and unit, keeping the extensions granted;
 * an expired one stays as it is; one the new version no longer has (or has on another state) is dropped; one the new
 * version adds to an active state is armed from the day that state was entered. The history entry MIGRATED records the
 * resulting configuration and deadlines, so replaying the history reproduces the case.
 */
import type { CompiledProcedure } from './compile';
import type { Actor, DeadlineState, HistoryEntry, Instance, ProblemDetail, StepOk } from './types';
import { shanghaiDate, toShanghaiISO, endOfDay, computePeriod } from './calendar';
import { arm, startDate } from './deadlines';
import { activeLeaves, configurationOf } from './state';
import { ancestors, walkStates } from './machine';
import { GuardSession } from './session';
import { problem } from './errors';

export const MIGRATED = 'MIGRATED';

export interface DeadlineMigration {
  name: string;
  change: 'recomputed' | 'unchanged' | 'expired' | 'dropped' | 'armed';
  /** Due time before and after (ISO 8601, +08:00). */
  from?: string;
  to?: string;
  /** The period before and after: amount and unit. */
  period?: { from?: { amount: number; unit: string }; to?: { amount: number; unit: string } };
}

export interface MigrationReport {
  fromVersion: number;
  toVersion: number;
  /** The active configuration before and after (leaf paths joined with `,`). */
  state: { from: string; to: string };
  states: { from: string; to: string }[];
  deadlines: DeadlineMigration[];
  problems: ProblemDetail[];
}

/** What a MIGRATED history entry carries: the report and the resulting configuration and deadlines. */
export interface MigrationPayload {
  fromVersion: number;
  toVersion: number;
  stateMap?: Record<string, string>;
  states: { from: string; to: string }[];
  deadlines: DeadlineMigration[];
  stateValue: unknown;
  deadlineStates: DeadlineState[];
}

export interface MigrateOptions {
  stateMap?: Record<string, string>;
  now: Date;
  /** The case's history (to find when an active state was entered, for deadlines the new version adds). */
  history?: Pick<HistoryEntry, 'at' | 'from' | 'to'>[];
  actor?: Actor;
}

export type MigrationResult =
  { ok: true; report: MigrationReport; step: StepOk } | { ok: false; report: MigrationReport };

function mapPath(path: string, map: Record<string, string>): string {
  if (map[path] !== undefined) return map[path];
  for (const a of ancestors(path)
    .slice()
    .sort((x, y) => y.length - x.length)) {
    if (map[a] !== undefined) return map[a] + path.slice(a.length);
  }
  return path;
}

function valueOf(leaves: string[]): unknown {
  if (leaves.length === 1 && !leaves[0].includes('.')) return leaves[0];
  const root: Record<string, unknown> = {};
  for (const leaf of leaves) {
    const segs = leaf.split('.');
    let cur = root;
    segs.forEach((s, i) => {
      if (i === segs.length - 1) {
        cur[s] = cur[s] ?? {};
        return;
      }
      const next = cur[s];
      cur[s] = next && typeof next === 'object' ? next : {};
      cur = cur[s] as Record<string, unknown>;
    });
  }
  // a state whose only active child is a leaf is written as that child's id (XState's state value)
  const shrink = (v: Record<string, unknown>): unknown => {
    const entries = Object.entries(v);
    if (entries.length === 0) return {};
    const out: Record<string, unknown> = {};
    for (const [k, child] of entries) {
      const c = child as Record<string, unknown>;
      const kids = Object.keys(c);
      out[k] =
        kids.length === 1 && Object.keys(c[kids[0]] as object).length === 0
          ? kids[0]
          : kids.length === 0
            ? {}
            : shrink(c);
    }
    return out;
  };
  return shrink(root);
}

/** When `state` (a dotted path) was last entered, by the history; null when the history does not say. */
function enteredAt(state: string, history: MigrateOptions['history']): string | null {
  const active = (conf: string | null) => (conf ?? '').split(',').some((l) => l === state || l.startsWith(`${state}.`));
  let at: string | null = null;
  for (const h of history ?? []) if (active(h.to) && !active(h.from)) at = h.at;
  return at;
}

export async function migrate(
  from: CompiledProcedure,
  to: CompiledProcedure,
  inst: Instance,
  opts: MigrateOptions,
): Promise<MigrationResult> {
  const map = opts.stateMap ?? {};
  const problems: ProblemDetail[] = [];
  const fromVersion = inst.version;
  const toVersion = to.doc.version ?? 0;
  const oldStates = new Set(walkStates(from.doc.machine).map((s) => s.path));
  const newEntries = new Map(walkStates(to.doc.machine).map((s) => [s.path, s]));
  if (inst.status !== 'active') {
    problems.push(
      problem(
        '/status',
        'NOT_RUNNING',
        `案件已${inst.status === 'done' ? '办结' : '撤销'},只能迁移运行中的案件`,
        `the case is ${inst.status}; only running cases are migrated`,
      ),
    );
  }
  if (toVersion === fromVersion) {
    problems.push(
      problem('/toVersion', 'SAME_VERSION', `案件已在版本 ${toVersion}`, `the case is on version ${toVersion} already`),
    );
  }
  for (const [k, v] of Object.entries(map)) {
    if (!oldStates.has(k))
      problems.push(
        problem(
          `/stateMap/${k}`,
          'UNKNOWN_STATE',
          `版本 ${fromVersion} 没有状态「${k}」`,
          `version ${fromVersion} has no state '${k}'`,
        ),
      );
    if (typeof v !== 'string' || !newEntries.has(v))
      problems.push(
        problem(
          `/stateMap/${k}`,
          'UNKNOWN_STATE',
          `版本 ${toVersion} 没有状态「${String(v)}」`,
          `version ${toVersion} has no state '${String(v)}'`,
        ),
      );
  }
  const leaves = activeLeaves(inst.stateValue);
  const states = leaves.map((leaf) => ({ from: leaf, to: mapPath(leaf, map) }));
  for (const s of states) {
    const e = newEntries.get(s.to);
    const title = from.doc.machine && walkStates(from.doc.machine).find((x) => x.path === s.from)?.node.meta?.title;
    const name = title ? `「${title['zh-CN']}」(${s.from})` : s.from;
    if (!e) {
      problems.push(
        problem(
          `/state/${s.from}`,
          'NO_COUNTERPART',
          `版本 ${toVersion} 没有与状态${name}对应的状态;请在 stateMap 中指定`,
          `version ${toVersion} has no counterpart of state ${s.from}; name one in stateMap`,
        ),
      );
    } else if (e.node.states && Object.keys(e.node.states).length) {
      problems.push(
        problem(
          `/state/${s.from}`,
          'NOT_A_LEAF',
          `状态${name}映射到的「${s.to}」含子状态;请指定其中一个`,
          `state ${s.from} maps to '${s.to}', which has sub-states; name one of them`,
        ),
      );
    }
  }
  const report = (deadlines: DeadlineMigration[], toState: string): MigrationReport => ({
    fromVersion,
    toVersion,
    state: { from: inst.state, to: toState },
    states,
    deadlines,
    problems,
  });
  if (problems.length) return { ok: false, report: report([], inst.state) };

  const newLeaves = states.map((s) => s.to);
  const stateValue = valueOf(newLeaves);
  try {
    to.machine.resolveState({ value: stateValue as never, context: inst.data });
  } catch (e) {
    problems.push(
      problem(
        '/state',
        'INVALID_CONFIGURATION',
        `映射后的状态组合在版本 ${toVersion} 中无效:${(e as Error).message}`,
        `the mapped configuration is not valid in version ${toVersion}: ${(e as Error).message}`,
      ),
    );
    return { ok: false, report: report([], inst.state) };
  }
  const activeAfter = new Set(newLeaves.flatMap((l) => [l, ...ancestors(l)]));
  const nowIso = toShanghaiISO(opts.now);
  const today = shanghaiDate(opts.now);
  const moves: DeadlineMigration[] = [];
  const deadlines: DeadlineState[] = [];
  for (const d of inst.deadlines) {
    const def = to.deadlines[d.name];
    const mapped = mapPath(d.state, map);
    const before = d.computed ? { amount: d.computed.amount, unit: d.computed.unit } : undefined;
    if (!def || def.state !== mapped || !activeAfter.has(def.state)) {
      moves.push({ name: d.name, change: 'dropped', from: d.dueAt, ...(before ? { period: { from: before } } : {}) });
      continue;
    }
    if (d.overdue) {
      deadlines.push({ ...d, state: def.state });
      moves.push({ name: d.name, change: 'expired', from: d.dueAt, to: d.dueAt });
      continue;
    }
    if (!d.computed) {
      deadlines.push({ ...d, state: def.state });
      moves.push({ name: d.name, change: 'unchanged', from: d.dueAt, to: d.dueAt });
      continue;
    }
    const amount = def.amount as number;
    let r = computePeriod(to.pack.calendar, d.computed.from, amount, def.unit);
    const years = new Set(r.years);
    const provisional = new Set(r.provisional);
    for (const e of d.computed.extensions ?? []) {
      r = computePeriod(to.pack.calendar, r.date, e.amount, e.unit);
      r.years.forEach((y) => years.add(y));
      r.provisional.forEach((y) => provisional.add(y));
    }
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    const next: DeadlineState = {
      ...d,
      state: def.state,
      dueDate: r.date,
      dueAt: endOfDay(r.date),
      computed: { ...d.computed, amount, unit: def.unit, years: sorted(years), provisional: sorted(provisional) },
    };
    deadlines.push(next);
    moves.push({
      name: d.name,
      change: next.dueAt === d.dueAt ? 'unchanged' : 'recomputed',
      from: d.dueAt,
      to: next.dueAt,
      period: { ...(before ? { from: before } : {}), to: { amount, unit: def.unit } },
    });
  }
  // deadlines the new version has on an active state that the case does not have yet: armed from that state's entry
  const session = new GuardSession(to, { event: {}, params: to.params, today, now: nowIso });
  for (const [name, def] of Object.entries(to.deadlines)) {
    if (!activeAfter.has(def.state) || inst.deadlines.some((d) => d.name === name)) continue;
    if (def.when) {
      session.evaluate([def.when], inst.data);
      if (!session.results().find((x) => x.rule === def.when)?.result) continue;
    }
    const entered = enteredAt(def.state, opts.history) ?? enteredAt(mapBack(def.state, map), opts.history);
    const entryDay = entered ? entered.slice(0, 10) : today;
    const start = startDate(def, { data: inst.data, event: {}, today: entryDay });
    const armed = arm(to, name, start, nowIso);
    deadlines.push(armed);
    moves.push({
      name,
      change: 'armed',
      to: armed.dueAt,
      period: { to: { amount: def.amount as number, unit: def.unit } },
    });
  }
  const overdue = deadlines.some((d) => d.overdue);
  const rev = inst.rev + 1;
  const toState = configurationOf(newLeaves);
  const instance: Instance = {
    ...inst,
    version: toVersion,
    rev,
    state: toState,
    stateValue,
    deadlines,
    overdue,
    updatedAt: nowIso,
  };
  const payload: MigrationPayload = {
    fromVersion,
    toVersion,
    ...(Object.keys(map).length ? { stateMap: map } : {}),
    states,
    deadlines: moves,
    stateValue,
    deadlineStates: deadlines,
  };
  const dropped = moves.filter((m) => m.change === 'dropped').map((m) => m.name);
  const changed = deadlines.filter(
    (d) => !d.overdue && !inst.deadlines.some((b) => b.name === d.name && b.dueAt === d.dueAt),
  );
  const history: HistoryEntry = {
    seq: rev,
    at: nowIso,
    type: MIGRATED,
    payload,
    ...(opts.actor ? { actor: opts.actor } : {}),
    from: inst.state,
    to: toState,
    rules: [],
    effects: [],
    ...(changed.length
      ? {
          deadlines: changed.map((d) => ({
            name: d.name,
            dueAt: d.dueAt,
            ...(d.computed?.provisional.length ? { provisional: d.computed.provisional } : {}),
          })),
        }
      : {}),
  };
  return {
    ok: true,
    report: report(moves, toState),
    step: {
      ok: true,
      instance,
      history,
      effects: [],
      timers: {
        arm: changed,
        cancel: [
          ...dropped,
          ...changed.filter((d) => inst.deadlines.some((b) => b.name === d.name && !b.overdue)).map((d) => d.name),
        ],
      },
    },
  };
}

function mapBack(state: string, map: Record<string, string>): string {
  for (const [k, v] of Object.entries(map)) {
    if (state === v) return k;
    if (state.startsWith(`${v}.`)) return k + state.slice(v.length);
  }
  return state;
}

/** Replays a recorded migration: the recorded configuration and deadlines on the new version. */
export function applyMigration(inst: Instance, payload: MigrationPayload, entry: HistoryEntry): Instance {
  return {
    ...inst,
    version: payload.toVersion,
    rev: inst.rev + 1,
    updatedAt: entry.at,
    state: entry.to,
    stateValue: payload.stateValue,
    deadlines: payload.deadlineStates,
    overdue: payload.deadlineStates.some((d) => d.overdue),
  };
}
