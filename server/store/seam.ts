/**
 * The store seam (DESIGN decision 7): everything the server keeps, behind async, transactional interfaces that the
 * embedded store (memory and file) and the PostgreSQL store implement alike, and that one contract suite checks
 * (tests/server/store-contract.test.ts).
 *
 * - `cases.transact(id, fn)`: one event is one transaction. The case is locked (the file store's in-process lock,
 *   PostgreSQL's `SELECT … FOR UPDATE` on the case row), `fn` reads it and commits the step's delta — the instance,
 *   the history entry, timers to arm and cancel, outbox rows, the idempotency answer — checked against the revision
 *   it read. A transaction that throws writes nothing.
 * - `timers`: the armed deadlines of every case, claimed when due with a lease (so a process that dies mid-claim
 *   only delays a firing); a firing deletes its row inside the case's transaction (`tx.takeTimer`), so it happens
 *   once.
 * - `outbox`: webhook deliveries, claimed with a lease, one at a time per case and subscription (in history order),
 *   settled as delivered, retried later, or dead.
 * - `catalog`, `drafts`, `tokens`, `webhooks`, `settings`: the small server-wide data.
 * - `changes`: tells this process that another one changed something (PostgreSQL: LISTEN/NOTIFY and polling).
 */
import type { Instance, OverlayOp, PackParameter } from '../../engine';
import type { IdempotencyRecord, OutboxRow, StartRecord, StoredHistoryEntry } from './types';
import type { StoredPack, VersionInfo, Webhook } from '../registry';
import type { PublishedVersion } from '../packs/catalog';
import type { CaseFigures, StatsCounts } from './stats-index';

export type StoreKind = 'memory' | 'file' | 'postgres';

/** What a case holds besides its history: the instance, its figures, a keyed start's answer. */
export interface CaseState {
  instance: Instance;
  satisfaction?: { satisfied: number; total: number };
  /** The first answer to the start that made the case, when it was made with an `Idempotency-Key`. */
  start?: StartRecord;
  /** What the figures read besides the instance (store/stats-index.ts); absent on cases stored before they were kept. */
  figures?: CaseFigures;
}

/** An armed deadline as the timer queue holds it. */
export interface TimerRef {
  caseId: string;
  name: string;
  /** The deadline's due time exactly as the instance holds it (ISO 8601 with +08:00). */
  dueAt: string;
}

/** The change one step makes to a case. */
export interface CaseDelta {
  /** The new instance; its `rev` must be the read revision + 1 (1 for a new case). */
  instance: Instance;
  /** The history entry the step appends (its `seq` follows the last one). */
  history: StoredHistoryEntry;
  /** Deadlines to arm (replacing one of the same name) and to cancel, by name. */
  timers: { arm: { name: string; dueAt: string }[]; cancel: string[] };
  /** New webhook deliveries. */
  outbox: OutboxRow[];
  idempotency?: IdempotencyRecord;
  /** Set when the step recorded a satisfaction figure. */
  satisfaction?: { satisfied: number; total: number };
  /** On a new case started with an `Idempotency-Key`: its first answer, kept for the case's life. */
  start?: StartRecord;
  /** The case's figures after the step (store/stats-index.ts `figuresAfter`). */
  figures?: CaseFigures;
}

export interface CaseTx {
  /** The case as it is now, locked for this transaction; null for an id not stored yet. */
  readonly current: CaseState | null;
  /** The answer kept for an `Idempotency-Key` on this case. */
  idempotency(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Removes the armed deadline `name` if it is still armed with `dueAt`: true when removed, false when it was fired
   * (or re-armed, or cancelled) already. Undone if the transaction does not commit.
   */
  takeTimer(name: string, dueAt: string): Promise<boolean>;
  /** Writes the delta (at most once per transaction); it becomes visible when `transact` resolves. */
  commit(delta: CaseDelta): Promise<void>;
}

/**
 * Thrown when a commit finds the case changed (another revision, or an id, a business key or a start's
 * Idempotency-Key already taken).
 */
export class StoreConflict extends Error {
  constructor(
    readonly kind: 'revision' | 'exists' | 'businessKey' | 'startKey',
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflict';
  }
}

/** What listing, stats and the case service read about a case without loading it whole. */
export interface CaseSummaryRow {
  id: string;
  pack: string;
  procedure: string;
  version: number;
  state: string;
  status: Instance['status'];
  overdue: boolean;
  businessKey?: string;
  createdAt: string;
  updatedAt: string;
}

/** Orders of a listing: by id (creation; the default), by the time opened either way, by the earliest deadline. */
export type CaseSort = 'id' | 'createdAt' | '-createdAt' | 'dueAt';

export interface CaseQuery {
  /** The packs the caller may see. */
  packs: string[] | '*';
  pack?: string;
  procedure?: string;
  /** A state id: matches it and its sub-states (`fastTrackCourt` matches `fastTrackCourt.trial`). */
  state?: string;
  status?: Instance['status'];
  overdue?: boolean;
  businessKey?: string;
  /** Business keys starting with this. */
  businessKeyPrefix?: string;
  /** Opened on or after this day (YYYY-MM-DD, Asia/Shanghai). */
  from?: string;
  /** Opened on or before this day. */
  to?: string;
  sort?: CaseSort;
  /** Keyset paging: cases after this one in the listing's order (its id, and for a sort other than `id` its key). */
  after?: string;
  /** The sort key of `after` (`createdAt`: the case's createdAt; `dueAt`: its earliest deadline, '' when none). */
  afterKey?: string;
  limit: number;
}

/** The sort key of a case in a listing order (what `afterKey` takes). */
export function sortKey(i: Pick<Instance, 'createdAt' | 'deadlines' | 'status'>, sort: CaseSort): string {
  if (sort === 'dueAt') return earliestDue(i) ?? '';
  return i.createdAt;
}

/** The earliest due time of a running case's deadlines; undefined when it has none. */
export function earliestDue(i: Pick<Instance, 'deadlines' | 'status'>): string | undefined {
  if (i.status !== 'active' || !i.deadlines.length) return undefined;
  let best: string | undefined;
  for (const d of i.deadlines) if (best === undefined || Date.parse(d.dueAt) < Date.parse(best)) best = d.dueAt;
  return best;
}

export interface StatsQuery {
  packs: string[] | '*';
  pack?: string;
  procedure?: string;
  /** Creation day window, `YYYY-MM-DD` in China time, inclusive. */
  from?: string;
  to?: string;
}

export type { StatsCounts };

/** Open cases (and of those, overdue ones) per pack and procedure, for /metrics. */
export interface OpenCount {
  pack: string;
  procedure: string;
  open: number;
  overdue: number;
}

export interface CaseStore {
  transact<T>(id: string, fn: (tx: CaseTx) => Promise<T>): Promise<T>;
  get(id: string): Promise<CaseState | null>;
  summary(id: string): Promise<CaseSummaryRow | null>;
  history(id: string): Promise<StoredHistoryEntry[]>;
  /**
   * Cases in the query's order (creation by default); `next` is the id to continue after (with `nextKey`, the sort
   * key, for a sort other than `id`), null at the end.
   */
  list(q: CaseQuery): Promise<{ items: Instance[]; next: string | null; nextKey?: string }>;
  byBusinessKey(pack: string, key: string): Promise<string | null>;
  /** The case a start with an Idempotency-Key made, by the token subject and the key. */
  byStartKey(subject: string, key: string): Promise<string | null>;
  stats(q: StatsQuery): Promise<StatsCounts>;
  openCases(): Promise<OpenCount[]>;
  count(): Promise<number>;
  /** Active cases of `packs` with an armed deadline due on or after the day `since` (`YYYY-MM-DD`, China time). */
  withDeadlinesFrom(packs: string[], since: string): Promise<{ id: string; pack: string }[]>;
}

export interface TimerQueue {
  /** The earliest due time of an armed deadline not leased to anyone (ms since the epoch), or null. */
  nextDue(): Promise<number | null>;
  /**
   * Leases up to `limit` deadlines due by `until`, earliest first, to `owner` for `leaseMs` (real time); a lease
   * that runs out (its holder died) makes the deadline claimable again.
   */
  claimDue(until: Date, opts: { limit: number; leaseMs: number; owner: string }): Promise<TimerRef[]>;
  /** Gives back a lease early (the firing failed and should be tried again after `retryMs`). */
  release(ref: TimerRef, owner: string, retryMs: number): Promise<void>;
  /** How many deadlines are armed, and how many of them are due by `until`. */
  counts(until: Date): Promise<{ armed: number; due: number }>;
}

/** A webhook delivery handed to the deliverer. */
export interface DeliveryClaim {
  id: string;
  caseId: string;
  webhook: string;
  type: string;
  createdAt: string;
  body: Record<string, unknown>;
  /** Attempts made before this one. */
  attempts: number;
  /** X-Request-Id of the call that caused it (passed on to the receiver). */
  requestId?: string;
}

/** How an attempt ended; `at` is when it was made (ISO 8601). */
export type DeliveryOutcome =
  | { status: 'delivered'; at: string }
  | { status: 'retry'; error: string; nextAt: number; at?: string }
  | { status: 'dead'; error: string; at: string };

/** pending: not tried yet or waiting for its turn; failed: tried, will be retried; dead: given up; delivered: 2xx. */
export type DeliveryStatus = 'pending' | 'failed' | 'dead' | 'delivered';

/** A delivery as GET /api/webhooks/:id/deliveries lists it (instants ISO 8601, `nextAttemptAt` ms since the epoch). */
export interface DeliveryInfo {
  id: string;
  webhook: string;
  caseId: string;
  type: string;
  status: DeliveryStatus;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: number | null;
  deliveredAt: string | null;
  requestId: string | null;
}

export interface OutboxQueue {
  /**
   * Leases deliveries due by `now` (ms), oldest first, at most one per case and subscription (the earliest one not
   * yet delivered: deliveries of one case to one subscription go out in history order).
   */
  claim(opts: { now: number; limit: number; leaseMs: number; owner: string }): Promise<DeliveryClaim[]>;
  /** Records an attempt's outcome (only by the lease's owner; a stale owner changes nothing and gets false). */
  settle(claim: DeliveryClaim, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
  /**
   * When the next delivery not leased to anyone may be attempted (ms), or null: a hint for sleeping (it may be past
   * when that delivery waits behind an earlier one of its case and subscription).
   */
  nextAt(): Promise<number | null>;
  /** Pending deliveries (not delivered, not dead). */
  pending(): Promise<number>;
  /** Dead deliveries (kept, redeliverable). */
  dead(): Promise<number>;
  /** The deliveries of a case that are pending or dead (and, where the store keeps them, delivered), in order. */
  ofCase(caseId: string): Promise<DeliveryRow[]>;
  /**
   * The latest `limit` deliveries of a subscription (of one status), oldest first. Pending, failed and dead ones are
   * kept until delivered; delivered ones as long as the store keeps them (PostgreSQL: all; embedded: the latest 200 per
   * subscription since the process started).
   */
  list(webhook: string, opts: { status?: DeliveryStatus; limit: number }): Promise<DeliveryInfo[]>;
  /**
   * Makes a dead or delivered delivery pending again (same body and id, attempts from 0), due now; a pending one is
   * left as it is. False when the subscription has no such delivery (or it is no longer kept).
   */
  redeliver(webhook: string, id: string): Promise<boolean>;
}

export interface DeliveryRow {
  id: string;
  webhook: string;
  type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError?: string;
}

export interface VersionEntry extends VersionInfo {
  pack: string;
  procedure: string;
}

export interface CatalogChange {
  packs: Record<string, StoredPack>;
  /** New versions; a number already taken refuses the whole change with a `StoreConflict` ('exists'). */
  versions: { record: PublishedVersion; info: VersionInfo }[];
  dropDraft?: { pack: string; procedure: string };
}

export interface CatalogStore {
  /** The stored packs; read-only (the embedded store answers its own frozen object, the same while they are unchanged). */
  packs(): Promise<Record<string, StoredPack>>;
  /** Every published version's bookkeeping, by pack, procedure, then version. */
  versions(): Promise<VersionEntry[]>;
  version(pack: string, procedure: string, version: number): Promise<PublishedVersion | null>;
  /** Writes pack sources, new versions and a dropped draft together (all or nothing). Versions are never rewritten. */
  commit(change: CatalogChange): Promise<void>;
}

export interface Draft {
  doc: PublishedVersion['doc'];
  savedAt: string;
  savedBy: string;
  /**
   * A county's draft of a base procedure: the operations that turn the base (as the designer had it) into the draft,
   * and which base version that was. A pack draft (procedure `$pack`) holds parameter overrides instead.
   */
  overlay?: OverlayOp[];
  base?: { pack: string; version: number | null };
  parameters?: Record<string, PackParameter | null>;
  /** A pack draft's list items: data file → list field → items added or changed (by id; `removed: true` takes one out). */
  data?: Record<string, Record<string, Record<string, unknown>[]>>;
}

export interface DraftStore {
  /** The draft as saved; read-only (the embedded store answers its own frozen object, not a copy). */
  get(pack: string, procedure: string): Promise<Draft | null>;
  save(pack: string, procedure: string, draft: Draft): Promise<void>;
}

export interface TokenRow {
  id: string;
  hash: string;
  subject: string;
  roles: string[];
  packs: string[] | '*';
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

export interface TokenStore {
  create(t: TokenRow): Promise<void>;
  byHash(hash: string): Promise<TokenRow | null>;
  list(): Promise<TokenRow[]>;
  /** True when a token was removed. */
  revoke(id: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}

export interface WebhookStore {
  create(w: Webhook): Promise<void>;
  list(): Promise<Webhook[]>;
  get(id: string): Promise<Webhook | null>;
  remove(id: string): Promise<boolean>;
}

export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  /**
   * Changes a setting under a lock: `fn` gets the stored value and returns the new one (or throws, changing
   * nothing). Returns what is stored afterwards.
   */
  update(key: string, fn: (old: string | undefined) => string): Promise<string>;
}

export type ChangeTopic = 'timers' | 'outbox' | 'registry' | 'clock';

export interface Changes {
  /** Calls `fn` when a change of `topic` was made (by this process or, for shared stores, another). */
  on(fn: (topic: ChangeTopic) => void): () => void;
}

export interface Store {
  readonly kind: StoreKind;
  /** Whether other processes may share this store (then caches must follow `changes`). */
  readonly shared: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  readonly cases: CaseStore;
  readonly timers: TimerQueue;
  readonly outbox: OutboxQueue;
  readonly catalog: CatalogStore;
  readonly drafts: DraftStore;
  readonly tokens: TokenStore;
  readonly webhooks: WebhookStore;
  readonly settings: SettingsStore;
  readonly changes: Changes;
}

/** The armed deadlines of an instance, name → due time. */
const armedOf = (i: Instance | null) =>
  new Map(
    i && i.status === 'active' ? i.deadlines.filter((d) => !d.overdue).map((d) => [d.name, d.dueAt] as const) : [],
  );

/** The timers a step arms and cancels: the difference between two instances' armed deadlines. */
export function timerDelta(prev: Instance | null, next: Instance): CaseDelta['timers'] {
  const before = armedOf(prev);
  const after = armedOf(next);
  const arm = [...after].filter(([n, at]) => before.get(n) !== at).map(([name, dueAt]) => ({ name, dueAt }));
  const cancel = [...before.keys()].filter((n) => !after.has(n));
  return { arm, cancel };
}

/** Whether `state` (a dotted path, or parallel paths joined by commas) is `filter` or inside it. */
export function stateMatches(state: string, filter: string): boolean {
  return state.split(',').some((s) => s === filter || s.startsWith(filter + '.'));
}
