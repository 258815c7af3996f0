/**
 * The built-in action registry: the only things a procedure can do. One file per action (see action.ts); the
 * procedure schema's action types and params, the validation of a document and the compiled machine are all
 * derived from this list.
 */
import type { BuiltinAction } from './action';
import { save } from './save';
import { set } from './set';
import { increment } from './increment';
import { assignIds } from './assign-ids';
import { recordDecision } from './record-decision';
import { emit } from './emit';
import { extendDeadline } from './extend-deadline';
import { cancelDeadline } from './cancel-deadline';

export const BUILTIN_ACTIONS: readonly BuiltinAction[] = [
  save,
  set,
  increment,
  assignIds,
  recordDecision,
  emit,
  extendDeadline,
  cancelDeadline,
];

export const ACTIONS: ReadonlyMap<string, BuiltinAction> = new Map(BUILTIN_ACTIONS.map((a) => [a.type, a]));
export const ACTION_TYPES: readonly string[] = BUILTIN_ACTIONS.map((a) => a.type);

export type {
  BuiltinAction,
  DataAction,
  EffectAction,
  EffectStep,
  EngineEvent,
  ActionParams,
  CaseData,
  ParamsProblem,
} from './action';
