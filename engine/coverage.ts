/** Which states and transitions of a procedure a set of scenario runs reached. */
import type { ProcedureDoc } from './types';
import { allTransitions, walkStates } from './machine';

export interface Coverage {
  procedure: string;
  states: { reached: number; total: number; missing: string[] };
  transitions: { reached: number; total: number; missing: string[] };
}

export function coverage(doc: ProcedureDoc, runs: { states: Set<string>; transitions: Set<string> }[]): Coverage {
  const states = walkStates(doc.machine).map((s) => s.path);
  const transitions = allTransitions(doc.machine).map((t) => t.pointer);
  const seenStates = new Set(runs.flatMap((r) => [...r.states]));
  const seenTransitions = new Set(runs.flatMap((r) => [...r.transitions]));
  const missingStates = states.filter((s) => !seenStates.has(s));
  const missingTransitions = transitions.filter((t) => !seenTransitions.has(t));
  return {
    procedure: doc.id,
    states: { reached: states.length - missingStates.length, total: states.length, missing: missingStates },
    transitions: {
      reached: transitions.length - missingTransitions.length,
      total: transitions.length,
      missing: missingTransitions,
    },
  };
}

export function percent(part: number, total: number): number {
  return total === 0 ? 100 : Math.round((1000 * part) / total) / 10;
}
