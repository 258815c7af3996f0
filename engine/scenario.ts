/**
 * Runs a scenario file against a resolved pack: start data, events at given times, clock advances that
 * fire due deadlines, and expectations after each step. Reports failures and the states/transitions reached.
 */
import type { CompiledProcedure } from './compile';
import type { Instance, RuleResult, Scenario, ScenarioExpect, StepResult } from './types';
import { start, step, type StepEnv } from './step';
import { expireDeadline } from './expire';
import { ancestors } from './machine';
import { activeLeaves } from './state';

export interface ScenarioReport {
  title: string;
  procedure: string;
  failures: string[];
  states: Set<string>;
  transitions: Set<string>;
  steps: number;
  /** Per applied step or refusal: the state reached (or the refusal code) and each rule's result. */
  trace: { type: string; outcome: string; rules: [string, boolean][] }[];
  /** Deadlines that read a year without a holiday notice (provisional), once per name and due day. */
  provisional: { deadline: string; dueDate: string; years: number[] }[];
}

/** The state a transition pointer belongs to: `/machine/states/a/states/b/on/X/0` → `a.b`. */
function sourceOf(ptr: string): string | null {
  const seg = ptr.split('/').slice(2);
  const path: string[] = [];
  for (let i = 0; i + 1 < seg.length && seg[i] === 'states'; i += 2) path.push(seg[i + 1]);
  return path.length ? path.join('.') : null;
}

function subset(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((e, i) => subset(e, actual[i], `${path}[${i}]`, out));
  } else if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object') {
      out.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    for (const [k, v] of Object.entries(expected))
      subset(v, (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/**
 * Whether the state reached is the one expected or inside it: `mediation` holds in `mediation.people` (a state a
 * county refines into substates still passes its base's scenarios, as in statecharts a state is active while one of
 * its substates is). Parallel configurations (`a.x,b.y`) match leaf by leaf.
 */
export function stateMatches(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  const leaves = actual.split(',');
  const wanted = expected.split(',');
  return leaves.length === wanted.length && wanted.every((w) => leaves.some((l) => l === w || l.startsWith(`${w}.`)));
}

function check(label: string, exp: ScenarioExpect | undefined, inst: Instance | null, res: StepResult): string[] {
  if (!exp) return res.ok ? [] : [`${label}: unexpected refusal ${res.code}: ${res.message.en}`];
  const out: string[] = [];
  if (exp.refused) {
    if (res.ok)
      return [`${label}: expected refusal ${exp.refused.code}, but the event was applied (→ ${res.instance.state})`];
    if (res.code !== exp.refused.code)
      out.push(`${label}: expected ${exp.refused.code}, got ${res.code}: ${res.message.en}`);
    const details = res.details as { rules?: { rule: string }[] } | { rule?: string }[] | undefined;
    const failing = (Array.isArray(details) ? details : (details?.rules ?? []))
      .map((r) => r.rule)
      .filter((r): r is string => typeof r === 'string');
    for (const r of exp.refused.rules ?? [])
      if (!failing.includes(r)) out.push(`${label}: expected failing rule ${r}, got [${failing.join(', ')}]`);
  } else if (!res.ok) {
    return [`${label}: unexpected refusal ${res.code}: ${res.message.en} ${JSON.stringify(res.details ?? '')}`];
  }
  if (inst) {
    if (exp.state !== undefined && !stateMatches(inst.state, exp.state))
      out.push(`${label}: expected state ${exp.state}, got ${inst.state}`);
    if (exp.status !== undefined && inst.status !== exp.status)
      out.push(`${label}: expected status ${exp.status}, got ${inst.status}`);
    if (exp.overdue !== undefined && inst.overdue !== exp.overdue)
      out.push(`${label}: expected overdue ${exp.overdue}, got ${inst.overdue}`);
    if (exp.data) subset(exp.data, inst.data, `${label}: data`, out);
    for (const [name, due] of Object.entries(exp.deadlines ?? {})) {
      const d = inst.deadlines.find((x) => x.name === name);
      if ((d?.dueDate ?? null) !== due)
        out.push(`${label}: expected deadline ${name} due ${due}, got ${d?.dueDate ?? 'none'}`);
    }
    for (const [name, years] of Object.entries(exp.provisional ?? {})) {
      const d = inst.deadlines.find((x) => x.name === name);
      const got = d?.computed?.provisional ?? null;
      if (JSON.stringify(got) !== JSON.stringify(years))
        out.push(
          `${label}: expected deadline ${name} provisional ${JSON.stringify(years)}, got ${JSON.stringify(got)}`,
        );
    }
  }
  if (exp.bases) {
    const details = res.ok ? undefined : (res.details as { rules?: RuleResult[] } | RuleResult[] | undefined);
    const judged: RuleResult[] = res.ok
      ? (res.history?.rules ?? [])
      : Array.isArray(details)
        ? details
        : (details?.rules ?? []);
    for (const [rule, text] of Object.entries(exp.bases)) {
      const r = judged.find((x) => x.rule === rule);
      if (!r) out.push(`${label}: expected rule ${rule} to be judged, got [${judged.map((x) => x.rule).join(', ')}]`);
      else if (!r.basis?.['zh-CN']?.includes(text))
        out.push(`${label}: expected the basis of ${rule} to cite ${text}, got ${r.basis?.['zh-CN']}`);
    }
  }
  if (exp.effects && res.ok) {
    const names = res.effects.map((e) => e.name);
    for (const e of exp.effects) {
      const want = typeof e === 'string' ? { name: e } : e;
      const candidates = res.effects.filter((x) => x.name === want.name);
      if (!candidates.length) {
        out.push(`${label}: expected effect ${want.name}, got [${names.join(', ')}]`);
        continue;
      }
      if (!want.params) continue;
      const tries = candidates.map((c) => {
        const problems: string[] = [];
        subset(want.params, c.params ?? {}, `${label}: effect ${want.name} params`, problems);
        return problems;
      });
      if (!tries.some((t) => t.length === 0)) out.push(...tries[0]);
    }
  }
  return out;
}

export async function runScenario(proc: CompiledProcedure, sc: Scenario): Promise<ScenarioReport> {
  const title = typeof sc.title === 'string' ? sc.title : sc.title['zh-CN'];
  const report: ScenarioReport = {
    title,
    procedure: sc.procedure,
    failures: [],
    states: new Set(),
    transitions: new Set(),
    steps: 0,
    trace: [],
    provisional: [],
  };
  const lookupInstance: StepEnv['lookupInstance'] = async (id) => sc.instances?.[id] ?? null;
  const note = (r: StepResult) => {
    if (!r.ok) {
      const rules = ((r.details as { rules?: { rule: string; result: boolean }[] } | undefined)?.rules ?? []).map(
        (x) => [x.rule, x.result] as [string, boolean],
      );
      report.trace.push({ type: 'refused', outcome: r.code, rules });
      return;
    }
    report.trace.push({
      type: r.history.type,
      outcome: r.instance.state,
      rules: r.history.rules.map((x) => [x.rule, x.result]),
    });
    for (const d of r.instance.deadlines) {
      const years = d.computed?.provisional ?? [];
      if (years.length && !report.provisional.some((p) => p.deadline === d.name && p.dueDate === d.dueDate))
        report.provisional.push({ deadline: d.name, dueDate: d.dueDate, years });
    }
    for (const leaf of activeLeaves(r.instance.stateValue))
      for (const s of [leaf, ...ancestors(leaf)]) report.states.add(s);
    for (const t of r.history.transitions ?? []) {
      report.transitions.add(t);
      const src = sourceOf(t);
      if (src) for (const s of [src, ...ancestors(src)]) report.states.add(s);
    }
  };
  let now = new Date(sc.at);
  const first = await start(proc, { id: 'scenario', data: sc.data }, { now, lookupInstance });
  note(first);
  report.failures.push(...check('start', sc.expect, first.ok ? first.instance : null, first));
  if (!first.ok) return report;
  let inst = first.instance;

  let fired: StepResult[] = [];
  const expireDue = async (until: Date, label: string) => {
    fired = [];
    for (let guard = 0; guard < 100; guard++) {
      const due = inst.deadlines
        .filter((d) => !d.overdue && new Date(d.dueAt) <= until)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      if (!due) return null;
      const r = await expireDeadline(proc, inst, due.name, { now: new Date(due.dueAt), lookupInstance });
      note(r);
      if (!r.ok) return r;
      fired.push(r);
      inst = r.instance;
      if (guard === 99) report.failures.push(`${label}: deadlines keep firing`);
    }
    return null;
  };

  for (const [i, st] of sc.steps.entries()) {
    const label = `step ${i + 1}${st.event ? ` ${st.event.type}` : ''}`;
    report.steps++;
    if (st.advanceTo) {
      now = new Date(st.advanceTo);
      const before = inst.rev;
      const bad = await expireDue(now, label);
      if (bad && !bad.ok) report.failures.push(`${label}: deadline firing refused: ${bad.message.en}`);
      const effects = fired.flatMap((f) => (f.ok ? f.effects : []));
      const fake: StepResult = {
        ok: true,
        instance: inst,
        history: undefined as never,
        effects,
        timers: { arm: [], cancel: [] },
      };
      report.failures.push(...check(label, st.expect, inst, fake));
      if (st.expect?.effects && inst.rev === before) report.failures.push(`${label}: expected a deadline to fire`);
      continue;
    }
    if (st.at) {
      now = new Date(st.at);
      await expireDue(now, label);
    }
    if (!st.event) continue;
    const r = await step(proc, inst, st.event, { now, lookupInstance });
    note(r);
    report.failures.push(...check(label, st.expect, r.ok ? r.instance : inst, r));
    if (r.ok) inst = r.instance;
  }
  return report;
}
