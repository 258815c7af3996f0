/**
 * What a built-in action is. A procedure names actions (`{ "type": "save", "params": {…} }`); each type is one file in
 * this folder holding everything about it: its params (a JSON Schema, from which the procedure schema and the
 * validation of a document are derived), whether it changes the case data or is an effect of the step, what it does,
 * and its documentation. Nothing here runs code from a document, and nothing here knows XState (compile.ts wires
 * data actions in as `assign`s; apply.ts runs effect actions over the step's result).
 */
import type { Effect, I18n, JSONSchema, PeriodUnit, ProcedureDoc } from '../types';

/** The event of one step as actions and rules see it. */
export interface EngineEvent {
  type: string;
  payload: Record<string, unknown>;
  actor?: { subject: string; roles: string[] };
  /** The step's instant, ISO 8601 in +08:00. */
  now: string;
  /** The step's date in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
}

export type CaseData = Record<string, unknown>;
export type ActionParams = Record<string, unknown>;

/** What an effect action may do to the step it runs in (engine/apply.ts implements it). */
export interface EffectStep {
  /** The case data after the step's data actions. */
  readonly data: CaseData;
  emit(effect: Effect): void;
  extendDeadline(name: string, amount: number, unit: PeriodUnit): void;
  cancelDeadline(name: string): void;
}

/** A problem with a name the params refer to (a deadline), its path relative to `params`. */
export interface ParamsProblem {
  path: string;
  code: string;
  message: I18n;
}

interface ActionBase {
  type: string;
  /**
   * JSON Schema (draft 2020-12) of `params`, placed in the procedure schema at `$defs/actionParams/<type>`: `$ref`s
   * such as `#/$defs/amount` refer to the procedure schema's own definitions.
   */
  paramsSchema: JSONSchema;
  doc: {
    /** What the action does, one line in each language (the designer shows it; FORMAT.md has its row). */
    does: I18n;
    /** Params as written in a procedure (checked against `paramsSchema` by tests/engine/actions.test.ts). */
    example: ActionParams;
  };
  /** Checks the names the params refer to against the document (e.g. that a deadline exists). */
  check?(params: ActionParams, doc: ProcedureDoc): ParamsProblem[];
}

/** Changes the case data: a pure function of the data, the params (parameters inlined) and the step's event. */
export interface DataAction extends ActionBase {
  kind: 'data';
  apply(data: CaseData, params: ActionParams, event: EngineEvent): CaseData;
}

/** An effect of the step (a message to send, a deadline moved), interpreted in order after the transition. */
export interface EffectAction extends ActionBase {
  kind: 'effect';
  apply(step: EffectStep, params: ActionParams): void;
}

export type BuiltinAction = DataAction | EffectAction;

/** `{ "$ref": "#/$defs/<name>" }` into the procedure schema. */
export const def = (name: string): JSONSchema => ({ $ref: `#/$defs/${name}` });

/** A dotted path into the case data, e.g. `agreement` or `meeting.result`. */
export const dataPath: JSONSchema = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}(\\.[A-Za-z_][A-Za-z0-9_]{0,63})*$',
};

/** A fact path an action reads: `event.x`, `data.x.y`, `today`, `now`. */
export const factPath: JSONSchema = {
  type: 'string',
  pattern: '^((data|event)(\\.[A-Za-z_][A-Za-z0-9_]{0,63})+|today|now)$',
};
