/**
 * XState's pure `transition()` / `initialTransition()` build a throw-away actor on every call, and that
 * actor eagerly computes the machine's *initial* snapshot (running the initial state's guards) before
 * the real work. A compiled procedure keeps one inert actor scope instead and calls the machine's own
 * pure `transition` / `getInitialSnapshot` with it: same results, no wasted initial run.
 */
import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

export interface PureRunner {
  initial(input: unknown): [AnyMachineSnapshot, unknown[]];
  transition(snapshot: AnyMachineSnapshot, event: unknown): [AnyMachineSnapshot, unknown[]];
}

export function pureRunner(machine: AnyStateMachine): PureRunner {
  // Created here, before any guard session is current: building the actor runs the initial state's guards
  // once with empty input, and those checks must not land in a real step's rule results.
  const self = createActor(machine, { input: {} });
  const scope = (actions: unknown[]) => {
    return {
      self, defer: () => {}, id: '', logger: () => {}, sessionId: '', stopChild: () => {},
      system: self.system, emit: () => {}, actionExecutor: (a: unknown) => { actions.push(a); },
    };
  };
  return {
    initial(input) {
      const actions: unknown[] = [];
      const snap = machine.getInitialSnapshot(scope(actions) as never, input) as AnyMachineSnapshot;
      return [snap, actions];
    },
    transition(snapshot, event) {
      const actions: unknown[] = [];
      const snap = machine.transition(snapshot, event as never, scope(actions) as never) as AnyMachineSnapshot;
      return [snap, actions];
    },
  };
}
