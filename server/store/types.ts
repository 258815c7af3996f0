/**
 * What the server stores per case, and the interface every store implements (the embedded lowdb store, its
 * in-memory twin for tests, and any other store such as PostgreSQL).
 *
 * One case = one record: the instance, its append-only history, its pending webhook deliveries (the outbox) and
 * the answers kept for idempotency keys. A step replaces the record in ONE atomic write, so the history entry, the
 * outbox rows and the timers (the instance's deadlines) can never be out of step with each other.
 */
import type { Actor, Instance } from '../../engine';

/** A history entry as stored: rule results by name only (descriptions and bases come from the pinned version). */
export interface StoredHistoryEntry {
  seq: number;
  at: string;
  type: string;
  payload?: unknown;
  actor?: Actor & { onBehalfOf?: string };
  from: string | null;
  to: string;
  /** [rule, result] or [rule, result, years without a loaded holiday notice that the evaluation read]. */
  rules: ([string, boolean] | [string, boolean, number[]])[];
  effects: { name: string; params?: Record<string, unknown> }[];
  /** Deadlines armed or moved by the step: due time and, when provisional, the years whose notice was missing. */
  deadlines?: { name: string; dueAt: string; provisional?: number[] }[];
}

/** One webhook delivery waiting to be made (at least once). */
export interface OutboxRow {
  id: string;
  webhook: string;
  type: string;
  createdAt: string;
  body: Record<string, unknown>;
  /** Set when the delivery gave up after its last retry; the row is kept for inspection. */
  dead?: { at: string; attempts: number; lastError: string };
}

/** The first answer to an `Idempotency-Key`, replayed for the same key (the last few keys of a case are kept). */
export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  status: number;
  at: string;
  instance: Instance;
}

export interface CaseRecord {
  instance: Instance;
  history: StoredHistoryEntry[];
  outbox: OutboxRow[];
  idempotency: IdempotencyRecord[];
  /** The latest satisfaction the procedure recorded (its `metrics.satisfaction`). */
  satisfaction?: { satisfied: number; total: number };
  /** The store's write sequence number (set by the file store; the later write of a case wins on recovery). */
  seq?: number;
}

/** What the server keeps in memory per case, for listing, stats, timers and the outbox. */
export interface CaseSummary {
  id: string;
  pack: string;
  procedure: string;
  version: number;
  state: string;
  status: 'active' | 'done';
  overdue: boolean;
  everOverdue: boolean;
  createdAt: string;
  updatedAt: string;
  businessKey?: string;
  /** Armed deadlines: the scheduler's work. */
  timers: { name: string; dueAt: string }[];
  /** Outbox rows still to deliver. */
  pending: number;
  /** Satisfaction recorded by the procedure (see `metrics` in the procedure document), if any. */
  satisfaction?: { satisfied: number; total: number };
}

export interface InstanceStore {
  /** Opens the store and builds the in-memory summaries. */
  open(): Promise<void>;
  close(): Promise<void>;
  get(id: string): Promise<CaseRecord | null>;
  /** Replaces the record atomically; resolves once the write reached the operating system. */
  put(record: CaseRecord): Promise<void>;
  summary(id: string): CaseSummary | undefined;
  /** Every summary in creation order (ids sort by creation). */
  summaries(): CaseSummary[];
  /** Summaries after `afterId` (exclusive), in creation order. */
  summariesAfter(afterId: string | undefined): Iterable<CaseSummary>;
  byBusinessKey(pack: string, key: string): string | undefined;
  readonly size: number;
}

export type Summarize = (record: CaseRecord) => CaseSummary;
