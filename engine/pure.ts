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
 *
 * Every run is bounded (DESIGN.md decision 9, engine/budget.ts): XState's `maxIterations` caps the microsteps, the
 * scope's action executor caps the actions, and either overrun comes out as a StepBudgetError. XState's `transition`
 * lets such an error through, but its `getInitialSnapshot` catches it and returns an `error` snapshot (the context
 * as the input left it): `initial` throws that snapshot's error instead, so a start that loops is refused, never
 * stored as a case.
 */
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { STEP_BUDGET, StepBudgetError, asBudgetError } from './budget';

export interface PureRunner {
  initial(input: unknown): [AnyMachineSnapshot, unknown[]];
  transition(snapshot: AnyMachineSnapshot, event: unknown): [AnyMachineSnapshot, unknown[]];
}

/**
 * An inert actor scope over `self` that collects the actions XState would execute into `actions`, at most
 * STEP_BUDGET.actions of them (every transition taken runs at least its `gz.transitionTaken` marker, so this also bounds the
 * microsteps).
 */
export function inertScope(self: AnyActorRef, actions: unknown[]) {
  return {
    self,
    defer: nothing,
    id: '',
    logger: nothing,
    sessionId: '',
    stopChild: nothing,
    system: self.system,
    emit: nothing,
    actionExecutor: collector(actions),
  };
}

/**
 * The executor that collects into `actions`, made by a function so that it gets no inferred name: under tsx (keepNames)
 * a closure named at a property would be wrapped in a `__name` call, a property definition, on every step.
 */
function collector(actions: unknown[]) {
  return function (a: unknown) {
    if (actions.length >= STEP_BUDGET.actions) throw new StepBudgetError(`more than ${STEP_BUDGET.actions} actions`);
    actions.push(a);
  };
}

/** The scope's members that do nothing: one function for all of them, not four new ones on every step. */
const nothing = () => {};

/** Runs one of XState's pure functions, XState's own infinite-loop error turned into a StepBudgetError. */
function bounded<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw asBudgetError(e);
  }
}

export function pureRunner(machine: AnyStateMachine): PureRunner {
  // building the actor runs the initial state once with empty input and no step's rule answers (guards answer false);
  // that run's snapshot is never used (the actor catches its errors: a loop there, say behind a `not` guard that real
  // data would stop, is no reason to refuse the definition), only the actor's `self` and `system`
  const self = createActor(machine, { input: {} });
  return {
    initial(input) {
      const actions: unknown[] = [];
      const snap = bounded(
        () => machine.getInitialSnapshot(inertScope(self, actions) as never, input) as AnyMachineSnapshot,
      );
      if (snap.status === 'error') throw asBudgetError(snap.error);
      return [snap, actions];
    },
    transition(snapshot, event) {
      const actions: unknown[] = [];
      const snap = bounded(
        () => machine.transition(snapshot, event as never, inertScope(self, actions) as never) as AnyMachineSnapshot,
      );
      return [snap, actions];
    },
  };
}
