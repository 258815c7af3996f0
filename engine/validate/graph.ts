/** Semantic checks on the statechart graph: targets, initial states, reachability, paths to a final state. */
import type { MachineJSON, ProblemDetail } from '../types';
import { problem } from '../errors';
import {
  allTransitions,
  ancestors,
  initialLeaf,
  isFinal,
  resolveTarget,
  targetsOf,
  walkStates,
  type StateEntry,
} from '../machine';

export function checkGraph(machine: MachineJSON, machineId: string): ProblemDetail[] {
  const out: ProblemDetail[] = [];
  const states = walkStates(machine);
  const byPath = new Map<string, StateEntry>(states.map((s) => [s.path, s]));
  const known = new Set(byPath.keys());

  if (machine.initial && !machine.states?.[machine.initial]) {
    out.push(
      problem(
        '/machine/initial',
        'UNKNOWN_INITIAL',
        `初始状态「${machine.initial}」不存在`,
        `initial state '${machine.initial}' does not exist`,
      ),
    );
  }
  for (const s of states) {
    const children = Object.keys(s.node.states ?? {});
    if (s.node.initial && !s.node.states?.[s.node.initial]) {
      out.push(
        problem(
          `${s.pointer}/initial`,
          'UNKNOWN_INITIAL',
          `状态「${s.path}」的初始子状态「${s.node.initial}」不存在`,
          `initial child '${s.node.initial}' of state '${s.path}' does not exist`,
        ),
      );
    } else if (children.length > 0 && !s.node.initial && s.node.type !== 'parallel') {
      out.push(
        problem(
          s.pointer,
          'MISSING_INITIAL',
          `复合状态「${s.path}」需要指定初始子状态`,
          `compound state '${s.path}' needs an initial child state`,
        ),
      );
    }
    if (isFinal(s.node) && (children.length || s.node.on || s.node.always)) {
      out.push(
        problem(
          s.pointer,
          'FINAL_HAS_TRANSITIONS',
          `终止状态「${s.path}」不能有子状态或流转`,
          `final state '${s.path}' cannot have children or transitions`,
        ),
      );
    }
  }

  // Resolve every transition target.
  const edges = new Map<string | null, string[]>();
  for (const t of allTransitions(machine)) {
    targetsOf(t.transition).forEach((target, i) => {
      const resolved = resolveTarget(machine, machineId, t.source, target, known);
      const ptr = `${t.pointer}/target${Array.isArray(t.transition.target) ? `/${i}` : ''}`;
      if (!resolved) {
        out.push(
          problem(
            ptr,
            'UNKNOWN_TARGET',
            `流转目标「${target}」不存在(来自「${t.source ?? '根'}」)`,
            `transition target '${target}' does not exist (from '${t.source ?? 'root'}')`,
          ),
        );
        return;
      }
      const list = edges.get(t.source) ?? [];
      list.push(resolved);
      edges.set(t.source, list);
    });
  }
  if (out.some((p) => p.code === 'UNKNOWN_INITIAL')) return out;
  out.push(...alwaysLoops(machine, machineId, byPath, known));

  // Reachability from the initial configuration.
  const reachable = new Set<string>();
  const queue: string[] = [];
  const enter = (path: string) => {
    const leaf = initialLeaf(byPath, path);
    for (const p of [leaf, ...ancestors(leaf)]) {
      if (!reachable.has(p)) {
        reachable.add(p);
        queue.push(p);
      }
    }
  };
  if (machine.initial && byPath.has(machine.initial)) enter(machine.initial);
  for (const t of edges.get(null) ?? []) enter(t);
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head];
    for (const t of edges.get(p) ?? []) enter(t);
  }
  for (const s of states) {
    if (!reachable.has(s.path)) {
      out.push(
        problem(
          s.pointer,
          'UNREACHABLE_STATE',
          `状态「${s.path}」从初始状态无法到达`,
          `state '${s.path}' cannot be reached from the initial state`,
        ),
      );
    }
  }

  // Every reachable leaf needs a path to a top-level final state: walked backwards from the final states, so the cost
  // grows with the number of transitions, not with states × transitions.
  const leaves = states.filter((s) => !s.node.states || Object.keys(s.node.states).length === 0);
  const canFinish = new Set(leaves.filter((s) => isFinal(s.node) && s.parent === null).map((s) => s.path));
  const leavesUnder = new Map<string | null, string[]>([[null, leaves.map((l) => l.path)]]);
  for (const l of leaves)
    for (const a of ancestors(l.path)) (leavesUnder.get(a) ?? leavesUnder.set(a, []).get(a)!).push(l.path);
  for (const l of leaves) (leavesUnder.get(l.path) ?? leavesUnder.set(l.path, []).get(l.path)!).push(l.path);
  /** initial leaf of a target → the sources with a transition to it */
  const into = new Map<string, (string | null)[]>();
  for (const [src, targets] of edges) {
    for (const t of targets) {
      const leaf = initialLeaf(byPath, t);
      (into.get(leaf) ?? into.set(leaf, []).get(leaf)!).push(src);
    }
  }
  const pending = [...canFinish];
  const sourceDone = new Set<string | null>();
  for (let head = 0; head < pending.length; head++) {
    for (const src of into.get(pending[head]) ?? []) {
      if (sourceDone.has(src)) continue;
      sourceDone.add(src);
      for (const leaf of leavesUnder.get(src) ?? []) {
        if (!canFinish.has(leaf)) {
          canFinish.add(leaf);
          pending.push(leaf);
        }
      }
    }
  }
  for (const leaf of leaves) {
    if (reachable.has(leaf.path) && !canFinish.has(leaf.path) && !(isFinal(leaf.node) && leaf.parent !== null)) {
      out.push(
        problem(
          leaf.pointer,
          'NO_PATH_TO_FINAL',
          `状态「${leaf.path}」无法到达任何终止状态`,
          `state '${leaf.path}' has no path to a final state`,
        ),
      );
    }
  }
  return out;
}

/**
 * Eventless loops that no data can stop: an unguarded `always` without a target (taken again and again), or a chain
 * of unguarded `always` transitions that comes back to where it started. (Loops behind guards depend on the data;
 * the step budget stops those at run time.)
 */
function alwaysLoops(
  machine: MachineJSON,
  machineId: string,
  byPath: Map<string, StateEntry>,
  known: Set<string>,
): ProblemDetail[] {
  const first = new Map<string, { target: string | null; targetless: boolean; pointer: string }>();
  for (const t of allTransitions(machine)) {
    if (t.event !== null || t.source === null || t.transition.guard !== undefined || first.has(t.source)) continue;
    const [target] = targetsOf(t.transition);
    first.set(t.source, {
      target: target === undefined ? null : resolveTarget(machine, machineId, t.source, target, known),
      targetless: target === undefined,
      pointer: t.pointer,
    });
  }
  const out: ProblemDetail[] = [];
  const loop = (ptr: string, zh: string, en: string) => out.push(problem(ptr, 'ALWAYS_LOOP', zh, en));
  for (const [source, t] of first) {
    if (t.target === null) {
      // (an unresolved target is reported as UNKNOWN_TARGET)
      if (t.targetless)
        loop(
          t.pointer,
          `状态「${source}」的无条件自动流转(always)没有目标,会无限重复`,
          `the unguarded eventless (always) transition of '${source}' has no target and would repeat for ever`,
        );
      continue;
    }
    // follow the unguarded always transitions from here: coming back to a state already passed is a loop
    const seen = new Set<string>([source]);
    let cur: string | null = t.target;
    for (let hops = 0; cur !== null && hops <= first.size; hops++) {
      const leaf = initialLeaf(byPath, cur);
      if (byPath.get(leaf) && isFinal(byPath.get(leaf)!.node) && !leaf.includes('.')) break;
      const from: string | undefined = [leaf, ...ancestors(leaf)].find((p) => first.has(p));
      if (from === undefined) break;
      if (seen.has(from)) {
        loop(
          t.pointer,
          `无条件的自动流转(always)从「${source}」出发构成循环`,
          `unguarded eventless (always) transitions from '${source}' form a loop`,
        );
        break;
      }
      seen.add(from);
      cur = first.get(from)!.target;
      if (cur === null) break; // reported at its own state
    }
  }
  return out;
}
