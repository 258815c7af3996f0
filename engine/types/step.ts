/** What a step gives: the next instance, its history entry, effects and timer changes — or a refusal. */

import type { BasisVersion, I18n } from './common';
import type { Actor, DeadlineState, Instance } from './instance';

export interface RuleResult {
  rule: string;
  result: boolean;
  description: I18n;
  /** The version of the rule's basis in force on the step's date (with its `from`/`until` when the basis has versions). */
  basis: BasisVersion;
  /** Years without a loaded holiday notice whose (statute-derived) days the evaluation read. */
  provisional?: number[];
}

export interface Effect {
  /** e.g. court.handoff, notice.publish, supervision.notice */
  name: string;
  params?: Record<string, unknown>;
  /** Snapshot of the case data when the effect was emitted (the case file). */
  data?: Record<string, unknown>;
}

export interface HistoryEntry {
  seq: number;
  at: string;
  type: string;
  payload?: unknown;
  actor?: Actor;
  from: string | null;
  to: string;
  rules: RuleResult[];
  effects: Effect[];
  /** JSON pointers of the transitions taken, in order (e.g. `/machine/states/mediation/on/AGREEMENT_SIGNED`). */
  transitions?: string[];
  /** Deadlines armed or moved by this step, with the years whose notice was missing when they were computed. */
  deadlines?: { name: string; dueAt: string; provisional?: number[] }[];
}

export interface TimerChanges {
  arm: DeadlineState[];
  cancel: string[];
}

export interface StepOk {
  ok: true;
  instance: Instance;
  history: HistoryEntry;
  effects: Effect[];
  timers: TimerChanges;
}

/**
 * The codes an engine refusal carries, and only those (engine/errors.ts `REFUSAL_CODES`): HTTP-only codes such as
 * UNAUTHORIZED or REVISION_CONFLICT belong to the server, which maps each refusal code to its status.
 */
export type RefusalCode =
  | 'EVENT_NOT_ALLOWED'
  | 'FORBIDDEN'
  | 'GUARD_REJECTED'
  | 'INVALID_PAYLOAD'
  | 'INVALID_DEFINITION'
  | 'NOT_FOUND'
  | 'CALENDAR_RANGE'
  | 'INVALID_PERIOD'
  | 'CASE_CLOSED';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: I18n;
  details?: unknown;
}

export type StepResult = StepOk | Refusal;
