/** A case (instance) as stored: its state, data and deadlines (with how each was computed). */

import type { PeriodUnit } from './common';

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

/** `done`: reached a final state; `cancelled`: withdrawn (see `cancel`). Neither takes events any more. */
export type InstanceStatus = 'active' | 'done' | 'cancelled';

export interface Instance {
  id: string;
  pack: string;
  procedure: string;
  version: number;
  rev: number;
  status: InstanceStatus;
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
  /** Set when the case was cancelled: when, by whom, why. */
  cancelled?: { at: string; by: string; reason: string };
}
