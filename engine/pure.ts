/**
 * XState's pure `transition()` / `initialTransition()` build a throw-away actor on every call, and that actor
 * eagerly computes the machine's *initial* snapshot (running the initial state's entry actions and guards) before
 * the real work. A compiled procedure keeps one inert actor scope instead and calls the machine's own pure
 * `transition` / `getInitialSnapshot` with it: same results, no wasted initial run.
 *
 * The scope mirrors xstate's private `createInertActorScope`, except that it reuses the actor's `system` where
 * xstate makes a fresh one (procedures cannot invoke or spawn actors — validation refuses `invoke` — so nothing
 * registers in it). tests/engine/xstate-scope.test.ts pins this against the installed xstate: the same members as
 * xstate's own scope, and the same snapshots and actions as its public `transition()` on real procedures.
 */
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

export interface PureRunner {
  initial(input: unknown): [AnyMachineSnapshot, unknown[]];
  transition(snapshot: AnyMachineSnapshot, event: unknown): [AnyMachineSnapshot, unknown[]];
}

/** An inert actor scope over `self` that collects the actions XState would execute into `actions`. */
export function inertScope(self: AnyActorRef, actions: unknown[]) {
  return {
    self, defer: () => {}, id: '', logger: () => {}, sessionId: '', stopChild: () => {},
    system: self.system, emit: () => {}, actionExecutor: (a: unknown) => { actions.push(a); },
  };
}

export function pureRunner(machine: AnyStateMachine): PureRunner {
  // building the actor runs the initial state once with empty input and no step's rule answers (guards answer false)
  const self = createActor(machine, { input: {} });
  return {
    initial(input) {
      const actions: unknown[] = [];
      const snap = machine.getInitialSnapshot(inertScope(self, actions) as never, input) as AnyMachineSnapshot;
      return [snap, actions];
    },
    transition(snapshot, event) {
      const actions: unknown[] = [];
      const snap = machine.transition(snapshot, event as never, inertScope(self, actions) as never) as AnyMachineSnapshot;
      return [snap, actions];
    },
  };
}
