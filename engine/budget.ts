/**
 * The step budget (DESIGN.md decision 9): a definition is untrusted input, so one step of it may take at most so
 * many microsteps (eventless `always` transitions included) and run at most so many actions. A definition that loops
 * (a targetless or self-re-entering `always`, a cycle of them, a deadline re-armed already due) is refused with
 * INVALID_DEFINITION instead of freezing the server. The counts are deterministic: the same definition and data are
 * refused the same way on any machine, however loaded.
 */
import { i18n } from './errors';
import type { ProblemDetail } from './types';

export const STEP_BUDGET = {
  /** Microsteps of one transition (XState's `maxIterations`): eventless chains longer than this are a loop. */
  microsteps: 200,
  /** Actions executed in one step (entry, exit, transition actions and the engine's own markers). */
  actions: 5_000,
} as const;

export class StepBudgetError extends Error {
  readonly code = 'STEP_BUDGET';
  constructor(readonly what: string) {
    super(`step budget exceeded: ${what}`);
  }

  problem(): ProblemDetail {
    return {
      path: '/machine',
      code: 'STEP_BUDGET',
      message: i18n(
        `流程在一步之内没有停下(${this.what}):请检查无条件的自动流转(always)是否构成循环`,
        `the procedure did not come to rest within one step (${this.what}): look for eventless (always) transitions that loop`,
      ),
    };
  }
}

/** XState's own infinite-loop error (thrown past `maxIterations`) as a StepBudgetError; anything else unchanged. */
export function asBudgetError(e: unknown): unknown {
  if (e instanceof Error && /^Infinite loop detected/.test(e.message))
    return new StepBudgetError(`more than ${STEP_BUDGET.microsteps} microsteps`);
  return e;
}
