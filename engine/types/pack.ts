/** Packs: the manifest and its parameters, a pack as loaded, overlays and conflicts, the resolved pack, the legal calendar. */

import type { Basis, I18n } from './common';
import type { ProcedureDoc } from './procedure';
import type { Scenario } from './scenario';

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
  /** The folder it was loaded from (the pack's id for a stored pack), for error messages. */
  folder?: string;
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
