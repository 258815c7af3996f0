/**
 * Gongzhi engine types: the shapes every other part (server, designer, packs, bench) relies on.
 * The procedure document format itself is defined by `engine/schema/procedure.schema.json`;
 * these TypeScript types mirror it. See `engine/FORMAT.md` for the prose description.
 */

/** A bilingual text: Chinese first, English alongside. */
export interface I18n {
  'zh-CN': string;
  en: string;
}

export type JSONSchema = Record<string, unknown>;

/**
 * One version of a legal basis: the text in force from `from` (inclusive) until `until` (exclusive), both
 * YYYY-MM-DD. The first version may omit `from`, the last `until`; versions are ordered and do not overlap.
 */
export interface BasisVersion extends I18n {
  from?: string;
  until?: string;
}

/** A legal basis as written in DOMAIN.md: one text, or its versions by date when the law changed (engine/basis.ts). */
export type Basis = I18n | BasisVersion[];

/** A value that is either literal or names a pack parameter: `{ "param": "mediationDays" }`. */
export type ParamRef = { param: string };
export type Amount = number | ParamRef;

export type PeriodUnit = 'calendarDays' | 'naturalDays' | 'workingDays' | 'months';

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
  events: Record<string, EventDef>;
  rules: Record<string, RuleDef>;
  deadlines: Record<string, DeadlineDef>;
  /** Rules the start data must satisfy; otherwise START is refused with GUARD_REJECTED and nothing is created. */
  startRules?: string[];
  /** Rules the start data must satisfy (read after the initial entry actions); otherwise START is refused with 422 INVALID_PAYLOAD. */
  dataRules?: string[];
  /** Figures recorded for statistics: satisfaction read from an event's payload (paths like `$.satisfied`). */
  metrics?: { satisfaction?: { event: string; satisfied: string; total?: string } };
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

export type GuardJSON =
  | string
  | { type: string; params?: Record<string, unknown> };

export interface TransitionJSON {
  target?: string | string[];
  guard?: GuardJSON;
  actions?: ActionJSON | ActionJSON[];
  reenter?: boolean;
  description?: string;
  meta?: Record<string, unknown>;
}

export type ActionJSON = string | { type: string; params?: Record<string, unknown> };

/** Pack manifest: configs/packs/<id>/pack.json */
export interface PackParameter {
  /** The value rules and deadlines read (`{ "param": name }`); with a `table`, the value of its last row. */
  value: unknown;
  title: I18n;
  unit?: string;
  basis: Basis;
  /**
   * A dated table: each row is the value in force from `from` (the first row may omit it) until the next row.
   * Rules read the row in force on a date with the `paramOn` fact (e.g. the small-claims cap by `filedOn`).
   */
  table?: ParameterRow[];
  /** 示例: a sample value, not an official figure. */
  sample?: boolean;
  locked?: boolean;
  /**
   * In a county pack that overrides its base's parameter: the base's value when the county set its own. When the
   * base's value has moved since, the override is a conflict to settle, not applied silently.
   */
  baseValue?: unknown;
}

export interface ParameterRow {
  from?: string;
  value: unknown;
  /** Where the figure is published; for a sample (示例), say so. */
  source: I18n;
  sample?: boolean;
}

/** A locked item: its name, or the name with the legal basis of the lock (cited when a county tries to change it). */
export type LockEntry = string | { item: string; basis: Basis };

export interface PackManifest {
  id: string;
  title: I18n;
  description?: I18n;
  extends?: string;
  parameters?: Record<string, PackParameter>;
  /**
   * A year without a State Council holiday notice: `provisional` (default) derives its rest days from the statute and
   * marks what depends on them; `refuse` refuses such periods with CALENDAR_RANGE. Inherited by extending packs.
   */
  calendarPolicy?: CalendarPolicy;
  /** Items extending packs may not change: parameter names, `procedure/rule`, `procedure/state`, `procedure/deadline`. */
  locked?: { parameters?: LockEntry[]; rules?: LockEntry[]; states?: LockEntry[]; deadlines?: LockEntry[] };
}

/** A pack as loaded from disk or a bundle, before resolution. */
export interface PackSource {
  manifest: PackManifest;
  procedures: Record<string, ProcedureDoc>;
  /**
   * Changes to the base pack's procedures, keyed by procedure id: overlay operations that record what they expected
   * of the base (engine/pack/overlay.ts), or — in older files and bundles — a JSON merge patch (RFC 7386) object.
   */
  patches?: Record<string, PatchSource>;
  data: Record<string, unknown>;
  scenarios?: Record<string, Scenario>;
  /** Where it came from (a folder), for error messages. */
  origin?: string;
}

/** One change of an overlay: JSON-Patch-like, with the base's value when the change was made (`was`). */
export type OverlayOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; was: unknown; value: unknown }
  | { op: 'remove'; path: string; was: unknown };

export type PatchSource = OverlayOp[] | Record<string, unknown>;

/**
 * Why a county no longer follows its base cleanly: a patch operation or a parameter override whose base moved
 * (`removed`, `changed`, `added`), a problem of the re-resolved pack, or a scenario that now fails.
 */
export interface PackConflict {
  kind: 'patch' | 'parameter' | 'problem' | 'scenario';
  /** The procedure concerned (absent for a parameter read by several, or a pack-level problem). */
  procedure?: string;
  /** patch: the operation's pointer in the procedure; parameter: its name; problem: its JSON path; scenario: its name. */
  path: string;
  reason: 'removed' | 'changed' | 'added' | 'invalid' | 'failed';
  /** patch: the operation's index and kind. */
  index?: number;
  op?: OverlayOp['op'];
  /** What the county expected of the base, what the base holds now (absent: nothing), and the county's value. */
  expected?: unknown;
  base?: unknown;
  county?: unknown;
  message: I18n;
  /** scenario: each failed expectation. */
  details?: string[];
}

export interface Override {
  kind: 'parameter' | 'procedure' | 'rule' | 'state' | 'event' | 'deadline' | 'title' | 'data' | 'basis';
  change: 'added' | 'removed' | 'changed';
  procedure?: string;
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface ResolvedPack {
  id: string;
  title: I18n;
  description?: I18n;
  extends?: string;
  /** Chain from the root base to this pack, e.g. ['national', 'nanchang-county']. */
  lineage: string[];
  parameters: Record<string, PackParameter>;
  procedures: Record<string, ProcedureDoc>;
  data: Record<string, unknown>;
  calendar: CalendarData;
  /** The pack's own `calendarPolicy`, else its base's; `provisional` by default. */
  calendarPolicy?: CalendarPolicy;
  overrides: Override[];
  /** Patch operations and parameter overrides that no longer apply to the base (not applied); absent or empty: none. */
  conflicts?: PackConflict[];
}

export type CalendarPolicy = 'provisional' | 'refuse';

/** Legal calendar data: configs/packs/national/data/calendar-<year>.json merged. */
export interface CalendarData {
  /** Years with an official notice, e.g. [2025, 2026]. Other years are provisional (statute) or refused, by `policy`. */
  years: number[];
  /** YYYY-MM-DD dates that are public holidays (rest days). */
  holidays: string[];
  /** YYYY-MM-DD weekend dates that are working days (调休补班). */
  workdays: string[];
  /** Absent: `provisional`. */
  policy?: CalendarPolicy;
}

/** How a deadline's due day was computed (DESIGN decision 3), so it can be recomputed when a notice arrives. */
export interface DeadlineComputation {
  /** The period start (not counted). */
  from: string;
  amount: number;
  unit: PeriodUnit;
  /** Extensions applied after it, in order; each runs from the previous due day. */
  extensions?: { amount: number; unit: PeriodUnit }[];
  /** Calendar years whose days the computation read, ascending. */
  years: number[];
  /** Of those, the years without a loaded notice (days derived from the statute); empty when official. */
  provisional: number[];
}

export interface Actor {
  subject: string;
  roles: string[];
}

export interface DeadlineState {
  name: string;
  state: string;
  /** ISO 8601 with +08:00, end of the due day (23:59:59+08:00). */
  dueAt: string;
  /** The due day, YYYY-MM-DD. */
  dueDate: string;
  armedAt: string;
  overdue: boolean;
  /** How many times it was extended. */
  extensions?: number;
  /** How it was computed (absent on deadlines stored before it was recorded). */
  computed?: DeadlineComputation;
}

export interface Instance {
  id: string;
  pack: string;
  procedure: string;
  version: number;
  rev: number;
  status: 'active' | 'done';
  /** Dotted path of the active leaf state, e.g. `fastTrackCourt.trial`. */
  state: string;
  stateValue: unknown;
  data: Record<string, unknown>;
  deadlines: DeadlineState[];
  /** Whether a deadline of the current configuration has expired (overdue now). */
  overdue: boolean;
  /** Whether any deadline of this instance ever expired (for on-time rates). */
  everOverdue?: boolean;
  createdAt: string;
  updatedAt: string;
  businessKey?: string;
}

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
  | 'INVALID_PERIOD';

export interface ProblemDetail {
  path: string;
  message: I18n;
  code?: string;
}

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: I18n;
  details?: unknown;
}

export type StepResult = StepOk | Refusal;

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
