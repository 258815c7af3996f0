/** A procedure document (engine/schema/procedure.schema.json mirrored): events, rules, deadlines, the machine. */

import type { Amount, Basis, I18n, JSONSchema, PeriodUnit } from './common';

export interface EventDef {
  title: I18n;
  description?: I18n;
  /** Roles allowed to send this event. `system` events (deadline expiry) are never sent over HTTP. */
  roles: string[];
  system?: boolean;
  /** JSON Schema (draft 2020-12) of the payload. */
  payload?: JSONSchema;
  /** Rules the payload must satisfy (read with the case data): a failing one refuses the event with 422 INVALID_PAYLOAD. */
  payloadRules?: string[];
}

export interface RuleDef {
  description: I18n;
  /** Legal basis as written in DOMAIN.md, e.g. 人民调解法 第33条; versions by date where the law changed. */
  basis: Basis;
  /** json-rules-engine TopLevelCondition (all/any/not/condition). `{param}` values are inlined at compile time. */
  conditions: Record<string, unknown>;
  /** A base pack may lock a rule: county packs cannot change it. */
  locked?: boolean;
}

export interface DeadlineDef {
  title: I18n;
  /** Dotted state path the deadline belongs to; armed on entry, cancelled on exit. */
  state: string;
  amount: Amount;
  unit: PeriodUnit;
  /** Start date: `entry` (the day the state is entered, default) or a fact path like `data.filedOn`. */
  from?: string;
  /** Only armed when this rule holds on entry. */
  when?: string;
  onExpiry: {
    /** A system event sent to the instance at expiry (e.g. MEDIATION_EXPIRED). */
    event?: string;
    /** Effects emitted at expiry (e.g. supervision.notice). */
    effects?: string[];
  };
  basis: Basis;
  locked?: boolean;
}

export interface ProcedureDoc {
  $schema?: string;
  id: string;
  title: I18n;
  description?: I18n;
  /** Set when published; drafts have none. */
  version?: number;
  /** JSON Schema of the start data. */
  data: JSONSchema;
  roles: Record<string, { title: I18n }>;
  /** Roles that may cancel (withdraw) a running case, besides whoever the runner lets act for every role. */
  cancelRoles?: string[];
  events: Record<string, EventDef>;
  rules: Record<string, RuleDef>;
  deadlines: Record<string, DeadlineDef>;
  /** Rules the start data must satisfy; otherwise START is refused with GUARD_REJECTED and nothing is created. */
  startRules?: string[];
  /** Rules the start data must satisfy (read after the initial entry actions); otherwise START is refused with 422 INVALID_PAYLOAD. */
  dataRules?: string[];
  /** Figures recorded for statistics: satisfaction read from an event's payload (paths like `$.satisfied`). */
  metrics?: {
    satisfaction?: { event: string; satisfied: string; total?: string };
    /** 化解: a case done in one of these final states (dotted paths) counts as resolved. */
    resolution?: { states: string[] };
    /** A hand-off (e.g. to the fast-track court): a case that ever entered this state (or a sub-state). */
    handoff?: { state: string; title?: I18n };
  };
  /** XState v5 machine config as JSON. Guards, actions and delays are referenced by name only. */
  machine: MachineJSON;
  /** Designer positions, keyed by dotted state path. */
  layout?: { nodes?: Record<string, { x: number; y: number; width?: number; height?: number }> };
}

export interface MachineJSON {
  id?: string;
  initial?: string;
  states: Record<string, StateJSON>;
  [k: string]: unknown;
}

export interface StateJSON {
  type?: 'atomic' | 'compound' | 'final' | 'parallel';
  initial?: string;
  meta?: { title?: I18n; description?: I18n; roles?: string[]; [k: string]: unknown };
  description?: string;
  states?: Record<string, StateJSON>;
  on?: Record<string, TransitionJSON | TransitionJSON[] | string>;
  always?: TransitionJSON | TransitionJSON[] | string;
  entry?: ActionJSON | ActionJSON[];
  exit?: ActionJSON | ActionJSON[];
  [k: string]: unknown;
}

export type GuardJSON = string | { type: string; params?: Record<string, unknown> };

export interface TransitionJSON {
  target?: string | string[];
  guard?: GuardJSON;
  actions?: ActionJSON | ActionJSON[];
  reenter?: boolean;
  description?: string;
  meta?: Record<string, unknown>;
}

export type ActionJSON = string | { type: string; params?: Record<string, unknown> };
