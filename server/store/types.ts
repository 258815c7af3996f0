/**
 * What the server stores per case, and the interface every store implements (the embedded lowdb store, its
 * in-memory twin for tests, and any other store such as PostgreSQL).
 *
 * One case = one record: the instance, its append-only history, its pending webhook deliveries (the outbox) and
 * the answers kept for idempotency keys. A step replaces the record in ONE atomic write, so the history entry, the
 * outbox rows and the timers (the instance's deadlines) can never be out of step with each other.
 */
import type { CaseFigures } from './stats-index';
import type { Actor, Instance, InstanceStatus } from '../../engine';

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
  /** JSON pointers of the transitions taken (the designer highlights them). */
  transitions?: string[];
}

/** One webhook delivery waiting to be made (at least once). */
export interface OutboxRow {
  id: string;
  webhook: string;
  type: string;
  createdAt: string;
  body: Record<string, unknown>;
  /** Set when the delivery gave up after its last retry; the row is kept for inspection and redelivery. */
  dead?: { at: string; attempts: number; lastError: string };
  /** X-Request-Id of the call that caused it (passed on to the receiver). */
  requestId?: string;
}

/** The first answer to an `Idempotency-Key`, replayed for the same key (the last few keys of a case are kept). */
export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  status: number;
  at: string;
  instance: Instance;
}

/** The first answer to a start made with an `Idempotency-Key`, per token subject. */
export type StartRecord = IdempotencyRecord & { subject: string };

export interface CaseRecord {
  instance: Instance;
  history: StoredHistoryEntry[];
  outbox: OutboxRow[];
  idempotency: IdempotencyRecord[];
  /** The latest satisfaction the procedure recorded (its `metrics.satisfaction`). */
  satisfaction?: { satisfied: number; total: number };
  /** The first answer to a start made with an `Idempotency-Key` (kept for the case's life). */
  start?: StartRecord;
  /** What the figures read besides the instance (store/stats-index.ts). */
  figures?: CaseFigures;
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
  status: InstanceStatus;
  overdue: boolean;
  everOverdue: boolean;
  createdAt: string;
  updatedAt: string;
  businessKey?: string;
  /** `<subject>\u0000<Idempotency-Key>` of the start that created the case, when it had one. */
  startKey?: string;
  /** Armed deadlines: the scheduler's work. */
  timers: { name: string; dueAt: string }[];
  /** Outbox rows kept: still to deliver, or dead (given up, kept for redelivery). */
  pending: number;
  /** Satisfaction recorded by the procedure (see `metrics` in the procedure document), if any. */
  satisfaction?: { satisfied: number; total: number };
  /** The case's figures (store/stats-index.ts). */
  figures?: CaseFigures;
  /** The earliest due time of its deadlines while it runs (the `dueAt` order of listings). */
  dueAt?: string;
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
  /** The cases of every pack with this business key. */
  withBusinessKey(key: string): string[];
  /** The case a start with an Idempotency-Key created (`<subject>\u0000<key>`, see `CaseSummary.startKey`). */
  byStartKey(key: string): string | undefined;
  /** Calls `fn` with the previous and the new summary after every change of a case (for indexes kept elsewhere). */
  observe(fn: SummaryObserver): void;
  readonly size: number;
}

export type Summarize = (record: CaseRecord) => CaseSummary;

export type SummaryObserver = (prev: CaseSummary | undefined, next: CaseSummary) => void;
