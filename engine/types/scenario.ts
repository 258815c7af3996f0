/** Scenario files (configs/packs/<id>/scenarios/*.json). */

import type { I18n } from './common';
import type { Actor } from './instance';
import type { Refusal, RefusalCode } from './step';

/** A scenario: configs/packs/<id>/scenarios/*.json */
export interface Scenario {
  title: I18n | string;
  procedure: string;
  /** Start time, ISO 8601. */
  at: string;
  data: Record<string, unknown>;
  /** Expected after start. */
  expect?: ScenarioExpect;
  steps: ScenarioStep[];
  /** Other instances the scenario's rules may look up (the `instance` fact), by id. */
  instances?: Record<string, { status: 'active' | 'done'; procedure: string }>;
}

export interface ScenarioStep {
  /** When the event is sent (ISO 8601) — or `advanceTo` to move the clock and fire due deadlines. */
  at?: string;
  advanceTo?: string;
  event?: { type: string; payload?: unknown; actor?: Actor };
  expect?: ScenarioExpect;
}

export interface ScenarioExpect {
  /** The state reached, or a state containing it (`mediation` holds in `mediation.people`). */
  state?: string;
  status?: 'active' | 'done';
  data?: Record<string, unknown>;
  overdue?: boolean;
  /** Refusal expected: the error code, and for GUARD_REJECTED the failing rule names. */
  refused?: { code: RefusalCode; rules?: string[] };
  /** Effects expected by name, or by name and a subset of their params (`{ "name": "notice.publish", "params": { "minPostingDays": 15 } }`). */
  effects?: (string | { name: string; params?: Record<string, unknown> })[];
  deadlines?: Record<string, string>;
  /** Per deadline, the years without a holiday notice it read (`[]`: official). */
  provisional?: Record<string, number[]>;
  /** The legal basis each named rule was judged by in this step (or its refusal): a text its Chinese version contains. */
  bases?: Record<string, string>;
}
