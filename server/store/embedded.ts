/**
 * The seam (seam.ts) over the embedded stores: case records in an `InstanceStore` (the file store under
 * `DATA_DIR/instances`, or its in-memory twin), the server-wide data in the registry (`DATA_DIR/registry.json`) and
 * published versions in `DATA_DIR/versions/` (or in memory).
 *
 * One process owns an embedded store, so a transaction is the case's in-process lock, and the timer and outbox
 * queues are indexes kept in memory beside the records (rebuilt at open from the stored cases): a deadline is armed
 * while its instance says so, a delivery is pending while its row is in the case's outbox (and dead while the row is
 * marked so). Statistics are counters per pack, procedure and day kept beside them (stats-index.ts). Leases exist
 * here too, so the scheduler and the deliverer use every store the same way.
 */
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calendar, isSlug, type Instance } from '../../engine';
import { KeyedLock } from '../util/keyed-lock';
import { MinHeap, type HeapItem } from '../time/heap';
import { Registry, type StoredToken, type Webhook } from '../registry';
import type { PublishedVersion } from '../packs/catalog';
import { readJsonFile, writeAtomic } from './atomic-file';
import type { CaseRecord, CaseSummary, InstanceStore, OutboxRow } from './types';
import { keptIdempotency } from './idempotency';
import { StatsIndex } from './stats-index';
import {
  StoreConflict,
  stateMatches,
  timerDelta,
  sortKey,
  type CaseDelta,
  type CaseQuery,
  type CaseState,
  type CaseStore,
  type CaseSummaryRow,
  type CaseTx,
  type CatalogChange,
  type CatalogStore,
  type ChangeTopic,
  type Changes,
  type DeliveryClaim,
  type DeliveryInfo,
  type DeliveryOutcome,
  type DeliveryRow,
  type DeliveryStatus,
  type Draft,
  type DraftStore,
  type OpenCount,
  type OutboxQueue,
  type SettingsStore,
  type StatsCounts,
  type StatsQuery,
  type Store,
  type StoreKind,
  type TimerQueue,
  type TimerRef,
  type TokenRow,
  type TokenStore,
  type VersionEntry,
  type WebhookStore,
} from './seam';

export class LocalChanges implements Changes {
  private readonly fns = new Set<(t: ChangeTopic) => void>();

  on(fn: (t: ChangeTopic) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(t: ChangeTopic): void {
    for (const fn of this.fns) fn(t);
  }
}

const visibleIn = (packs: string[] | '*', pack: string) => packs === '*' || packs.includes(pack);

function summaryOf(i: Instance): CaseSummaryRow {
  return {
    id: i.id,
    pack: i.pack,
    procedure: i.procedure,
    version: i.version,
    state: i.state,
    status: i.status,
    overdue: i.overdue,
    ...(i.businessKey ? { businessKey: i.businessKey } : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

function stateOf(rec: CaseRecord): CaseState {
  return {
    instance: rec.instance,
    ...(rec.satisfaction ? { satisfaction: rec.satisfaction } : {}),
    ...(rec.start ? { start: rec.start } : {}),
    ...(rec.figures ? { figures: rec.figures } : {}),
  };
}

interface TimerEntry extends HeapItem {
  caseId: string;
  name: string;
  dueAt: string;
}

/** Armed deadlines: the live set per case, a heap of due times (with stale entries skipped), and leases. */
class EmbeddedTimers implements TimerQueue {
  private readonly heap = new MinHeap<TimerEntry>();
  readonly live = new Map<string, Map<string, string>>();
  private readonly leased = new Map<string, { entry: TimerEntry; owner: string; until: number }>();
  private count = 0;

  private static key(caseId: string, name: string, dueAt: string): string {
    return `${dueAt}\u0000${caseId}\u0000${name}`;
  }

  isLive(caseId: string, name: string, dueAt: string): boolean {
    return this.live.get(caseId)?.get(name) === dueAt;
  }

  apply(caseId: string, d: CaseDelta['timers']): void {
    let m = this.live.get(caseId);
    for (const n of d.cancel) if (m?.delete(n)) this.count--;
    for (const t of d.arm) {
      m ??= new Map();
      if (!m.has(t.name)) this.count++;
      m.set(t.name, t.dueAt);
      this.heap.push({
        at: Date.parse(t.dueAt),
        key: EmbeddedTimers.key(caseId, t.name, t.dueAt),
        caseId,
        name: t.name,
        dueAt: t.dueAt,
      });
    }
    if (m?.size) this.live.set(caseId, m);
    else this.live.delete(caseId);
    if (this.heap.size > 2 * this.count + 1000) {
      this.heap.retain((e) => this.isLive(e.caseId, e.name, e.dueAt) && !this.leased.has(e.key));
    }
  }

  private top(): TimerEntry | undefined {
    for (let e = this.heap.peek(); e; e = this.heap.peek()) {
      if (this.isLive(e.caseId, e.name, e.dueAt) && !this.leased.has(e.key)) return e;
      this.heap.pop();
    }
    return undefined;
  }

  async nextDue(): Promise<number | null> {
    this.expireLeases();
    return this.top()?.at ?? null;
  }

  private expireLeases(): void {
    const now = Date.now();
    for (const [key, l] of this.leased) {
      if (l.until > now) continue;
      this.leased.delete(key);
      if (this.isLive(l.entry.caseId, l.entry.name, l.entry.dueAt)) this.heap.push(l.entry);
    }
  }

  async claimDue(until: Date, opts: { limit: number; leaseMs: number; owner: string }): Promise<TimerRef[]> {
    this.expireLeases();
    const out: TimerRef[] = [];
    const end = until.getTime();
    for (let e = this.top(); e && e.at <= end && out.length < opts.limit; e = this.top()) {
      this.heap.pop();
      this.leased.set(e.key, { entry: e, owner: opts.owner, until: Date.now() + opts.leaseMs });
      out.push({ caseId: e.caseId, name: e.name, dueAt: e.dueAt });
    }
    return out;
  }

  async release(ref: TimerRef, owner: string, retryMs: number): Promise<void> {
    const l = this.leased.get(EmbeddedTimers.key(ref.caseId, ref.name, ref.dueAt));
    if (l && l.owner === owner) l.until = Date.now() + retryMs;
  }

  /** A deadline fired (or was cancelled): its lease goes with it. */
  forget(ref: TimerRef): void {
    this.leased.delete(EmbeddedTimers.key(ref.caseId, ref.name, ref.dueAt));
  }

  async counts(until: Date): Promise<{ armed: number; due: number }> {
    let due = 0;
    const end = until.getTime();
    for (const m of this.live.values()) for (const at of m.values()) if (Date.parse(at) <= end) due++;
    return { armed: this.count, due };
  }
}

/** A lane (case and subscription) in the outbox's heap, by when its first job (`key`, a row id) is next due. */
interface LaneEntry extends HeapItem {
  lane: string;
}

interface Job {
  caseId: string;
  row: OutboxRow;
  attempts: number;
  nextAt: number;
  lease?: { owner: string; until: number };
  lastError?: string;
  lastAttemptAt?: string;
}

/** What becomes of an outbox row in its case record. */
export type RowChange =
  | { kind: 'delivered' }
  | { kind: 'dead'; dead: NonNullable<OutboxRow['dead']> }
  | { kind: 'revive' }
  | { kind: 'readd'; row: OutboxRow };

/** How many delivered deliveries are listed per subscription (kept in memory: delivered rows leave the case record). */
export const DELIVERED_KEPT = 200;

/**
 * Pending deliveries in commit order (so per case, in history order); attempts and back-off are kept in memory. Dead
 * rows stay in their case records (listed and redeliverable, also after a restart); delivered rows leave them, and
 * the latest of each subscription are remembered here for listing and redelivery.
 */
class EmbeddedOutbox implements OutboxQueue {
  readonly jobs = new Map<string, Job>();
  /**
   * The pending jobs of each case and subscription, oldest first: only the first of a lane may go out. A heap holds the
   * lanes by when their first job is next due, so a claim or a settle costs O(log lanes), never a walk over every
   * pending delivery (20,000 pending to a dead receiver made each claim walk them all).
   */
  private readonly lanes = new Map<string, string[]>();
  private readonly ready = new MinHeap<LaneEntry>();
  /** Jobs out for delivery and when their lease ends. */
  private readonly leased = new Map<string, number>();
  /** Dead rows by subscription, then id. */
  private readonly deadRows = new Map<string, Map<string, { caseId: string; row: OutboxRow }>>();
  /** The latest delivered rows of each subscription, oldest first. */
  private readonly delivered = new Map<
    string,
    { caseId: string; row: OutboxRow; attempts: number; at: string; lastAttemptAt: string }[]
  >();

  constructor(
    private readonly changeRow: (caseId: string, rowId: string, change: RowChange) => Promise<boolean>,
    private readonly rowsOf: (caseId: string) => Promise<OutboxRow[]>,
    /** Tells the deliverer a delivery became due. */
    private readonly due: () => void,
  ) {}

  private static lane(job: Job): string {
    return `${job.caseId}\u0000${job.row.webhook}`;
  }

  /** Puts a lane's first job in the heap (entries whose job is no longer first, or moved, are skipped when met). */
  private offer(lane: string): void {
    const id = this.lanes.get(lane)?.[0];
    const job = id === undefined ? undefined : this.jobs.get(id);
    if (!job || job.lease) return;
    this.ready.push({ at: job.nextAt, key: job.row.id, lane });
    if (this.ready.size > 2 * this.lanes.size + 1000) this.ready.retain((e) => this.current(e));
  }

  private current(e: LaneEntry): boolean {
    const job = this.lanes.get(e.lane)?.[0] === e.key ? this.jobs.get(e.key) : undefined;
    return !!job && !job.lease && job.nextAt === e.at;
  }

  /** The earliest lane whose first job may go out (stale entries dropped on the way). */
  private top(): LaneEntry | undefined {
    for (let e = this.ready.peek(); e; e = this.ready.peek()) {
      if (this.current(e)) return e;
      this.ready.pop();
    }
    return undefined;
  }

  /** A delivery whose lease ran out without an answer may go out again. */
  private expireLeases(now: number): void {
    for (const [id, until] of this.leased) {
      if (until > now) continue;
      this.leased.delete(id);
      const job = this.jobs.get(id);
      if (!job) continue;
      job.lease = undefined;
      this.offer(EmbeddedOutbox.lane(job));
    }
  }

  async ofCase(caseId: string): Promise<DeliveryRow[]> {
    return (await this.rowsOf(caseId)).map((r) => ({
      id: r.id,
      webhook: r.webhook,
      type: r.type,
      status: r.dead ? ('dead' as const) : ('pending' as const),
      attempts: r.dead?.attempts ?? this.jobs.get(r.id)?.attempts ?? 0,
      ...(r.dead ? { lastError: r.dead.lastError } : {}),
    }));
  }

  add(caseId: string, rows: OutboxRow[]): void {
    for (const row of rows) {
      if (row.dead) this.noteDead(caseId, row);
      else if (!this.jobs.has(row.id)) this.enqueue({ caseId, row, attempts: 0, nextAt: 0 });
    }
  }

  /** A job joins its lane in creation order (row ids sort by it): a redelivered older row goes before later ones. */
  private enqueue(job: Job): void {
    this.jobs.set(job.row.id, job);
    const lane = EmbeddedOutbox.lane(job);
    const ids = this.lanes.get(lane) ?? [];
    this.lanes.set(lane, ids);
    let i = ids.length;
    while (i > 0 && ids[i - 1] > job.row.id) i--;
    ids.splice(i, 0, job.row.id);
    if (i === 0) this.offer(lane);
  }

  /** A job leaves its lane (delivered or dead): the next one of the lane may go out. */
  private dequeue(job: Job): void {
    this.jobs.delete(job.row.id);
    this.leased.delete(job.row.id);
    const lane = EmbeddedOutbox.lane(job);
    const ids = this.lanes.get(lane);
    if (!ids) return;
    const i = ids.indexOf(job.row.id);
    if (i >= 0) ids.splice(i, 1);
    if (!ids.length) this.lanes.delete(lane);
    else if (i === 0) this.offer(lane);
  }

  private noteDead(caseId: string, row: OutboxRow): void {
    const m = this.deadRows.get(row.webhook) ?? new Map<string, { caseId: string; row: OutboxRow }>();
    this.deadRows.set(row.webhook, m);
    m.set(row.id, { caseId, row });
  }

  async claim(opts: { now: number; limit: number; leaseMs: number; owner: string }): Promise<DeliveryClaim[]> {
    this.expireLeases(opts.now);
    const out: DeliveryClaim[] = [];
    for (let e = this.top(); e && e.at <= opts.now && out.length < opts.limit; e = this.top()) {
      this.ready.pop();
      const job = this.jobs.get(e.key)!;
      job.lease = { owner: opts.owner, until: opts.now + opts.leaseMs };
      this.leased.set(e.key, job.lease.until);
      const r = job.row;
      out.push({
        id: r.id,
        caseId: job.caseId,
        webhook: r.webhook,
        type: r.type,
        createdAt: r.createdAt,
        body: r.body,
        attempts: job.attempts,
        ...(r.requestId ? { requestId: r.requestId } : {}),
      });
    }
    return out;
  }

  async settle(claim: DeliveryClaim, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
    const job = this.jobs.get(claim.id);
    if (!job || job.lease?.owner !== owner) return false;
    if (outcome.status === 'retry') {
      job.attempts++;
      job.nextAt = outcome.nextAt;
      job.lastError = outcome.error;
      job.lastAttemptAt = outcome.at ?? new Date().toISOString();
      job.lease = undefined;
      this.leased.delete(claim.id);
      this.offer(EmbeddedOutbox.lane(job));
      return true;
    }
    if (outcome.status === 'dead') {
      const dead = { at: outcome.at, attempts: job.attempts + 1, lastError: outcome.error };
      await this.changeRow(job.caseId, claim.id, { kind: 'dead', dead });
      this.noteDead(job.caseId, { ...job.row, dead });
    } else {
      await this.changeRow(job.caseId, claim.id, { kind: 'delivered' });
      const list = this.delivered.get(job.row.webhook) ?? [];
      this.delivered.set(job.row.webhook, list);
      list.push({
        caseId: job.caseId,
        row: job.row,
        attempts: job.attempts + 1,
        at: outcome.at,
        lastAttemptAt: outcome.at,
      });
      if (list.length > DELIVERED_KEPT) list.shift();
    }
    this.dequeue(job);
    return true;
  }

  async nextAt(): Promise<number | null> {
    this.expireLeases(Date.now());
    return this.top()?.at ?? null;
  }

  async pending(): Promise<number> {
    return this.jobs.size;
  }

  async dead(): Promise<number> {
    let n = 0;
    for (const m of this.deadRows.values()) n += m.size;
    return n;
  }

  async list(webhook: string, opts: { status?: DeliveryStatus; limit: number }): Promise<DeliveryInfo[]> {
    const out: DeliveryInfo[] = [];
    const base = (caseId: string, r: OutboxRow) => ({
      id: r.id,
      webhook: r.webhook,
      caseId,
      type: r.type,
      createdAt: r.createdAt,
      requestId: r.requestId ?? null,
    });
    for (const j of this.jobs.values()) {
      if (j.row.webhook !== webhook) continue;
      out.push({
        ...base(j.caseId, j.row),
        status: j.attempts ? 'failed' : 'pending',
        attempts: j.attempts,
        lastError: j.lastError ?? null,
        lastAttemptAt: j.lastAttemptAt ?? null,
        nextAttemptAt: j.nextAt,
        deliveredAt: null,
      });
    }
    for (const { caseId, row } of this.deadRows.get(webhook)?.values() ?? []) {
      out.push({
        ...base(caseId, row),
        status: 'dead',
        attempts: row.dead!.attempts,
        lastError: row.dead!.lastError,
        lastAttemptAt: row.dead!.at,
        nextAttemptAt: null,
        deliveredAt: null,
      });
    }
    for (const d of this.delivered.get(webhook) ?? []) {
      out.push({
        ...base(d.caseId, d.row),
        status: 'delivered',
        attempts: d.attempts,
        lastError: null,
        lastAttemptAt: d.lastAttemptAt,
        nextAttemptAt: null,
        deliveredAt: d.at,
      });
    }
    // ids sort by creation: the latest `limit`, oldest first
    return out
      .filter((d) => !opts.status || d.status === opts.status)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(-opts.limit);
  }

  async redeliver(webhook: string, id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (job) return job.row.webhook === webhook;
    const dead = this.deadRows.get(webhook)?.get(id);
    if (dead) {
      if (!(await this.changeRow(dead.caseId, id, { kind: 'revive' }))) return false;
      this.deadRows.get(webhook)!.delete(id);
      const { dead: _d, ...alive } = dead.row;
      this.requeue(dead.caseId, alive);
      return true;
    }
    const list = this.delivered.get(webhook) ?? [];
    const done = list.find((d) => d.row.id === id);
    if (!done) return false;
    await this.changeRow(done.caseId, id, { kind: 'readd', row: done.row });
    list.splice(list.indexOf(done), 1);
    this.requeue(done.caseId, done.row);
    return true;
  }

  /** Queues an older row again in its place: jobs stay in creation order (row ids sort by it), so its case's later rows wait behind it. */
  private requeue(caseId: string, row: OutboxRow): void {
    this.add(caseId, [row]);
    this.due();
  }
}

/** Compares two ISO 8601 instants (with or without milliseconds) by time. */
const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);

/**
 * One transaction on a case of an InstanceStore: what `fn` sees and commits. A class, not an object of closures made
 * per transaction (the server runs under tsx, which names each such closure when it is made).
 */
class EmbeddedTx implements CaseTx {
  readonly current: CaseState | null;
  delta: CaseDelta | null = null;
  readonly taken: TimerRef[] = [];

  constructor(
    private readonly id: string,
    private readonly rec: CaseRecord | null,
    private readonly records: InstanceStore,
    private readonly timers: EmbeddedTimers,
  ) {
    this.current = rec ? stateOf(rec) : null;
  }

  async idempotency(key: string) {
    return this.rec?.idempotency.find((r) => r.key === key);
  }

  async takeTimer(name: string, dueAt: string): Promise<boolean> {
    if (!this.timers.isLive(this.id, name, dueAt) || this.taken.some((t) => t.name === name)) return false;
    this.taken.push({ caseId: this.id, name, dueAt });
    return true;
  }

  async commit(d: CaseDelta): Promise<void> {
    const { id, rec } = this;
    if (this.delta) throw new Error('a case transaction commits once');
    const rev = rec?.instance.rev ?? 0;
    if (d.instance.id !== id || d.instance.rev !== rev + 1) {
      throw new StoreConflict('revision', `case ${id}: expected revision ${rev + 1}, got ${d.instance.rev}`);
    }
    const bk = d.instance.businessKey;
    if (!rec && bk && this.records.byBusinessKey(d.instance.pack, bk)) {
      throw new StoreConflict('businessKey', `business key ${bk} of pack ${d.instance.pack} is taken`);
    }
    if (!rec && d.start && this.records.byStartKey(`${d.start.subject}\u0000${d.start.key}`)) {
      throw new StoreConflict('startKey', `the start key ${d.start.key} of ${d.start.subject} is taken`);
    }
    this.delta = d;
  }
}

/** Cases over an InstanceStore: the record is read and replaced whole under the case's lock. */
class EmbeddedCases implements CaseStore {
  readonly lock = new KeyedLock();
  private readonly statsIndex = new StatsIndex();

  constructor(
    private readonly records: InstanceStore,
    private readonly timers: EmbeddedTimers,
    private readonly outbox: EmbeddedOutbox,
    private readonly changes: LocalChanges,
    /** How long Idempotency-Key answers are kept (store/idempotency.ts). */
    private readonly idempotencyRetentionMs?: number,
  ) {
    records.observe((prev, next) => this.statsIndex.apply(prev, next));
  }

  async transact<T>(id: string, fn: (tx: CaseTx) => Promise<T>): Promise<T> {
    return this.lock.run(id, async () => {
      const rec = await this.records.get(id);
      const tx = new EmbeddedTx(id, rec, this.records, this.timers);
      const out = await fn(tx);
      if (tx.delta) await this.write(id, rec, tx.delta, tx.taken);
      return out;
    });
  }

  private async write(id: string, rec: CaseRecord | null, d: CaseDelta, taken: TimerRef[]): Promise<void> {
    const prevIdem = rec?.idempotency ?? [];
    let idem = keptIdempotency(prevIdem, d.idempotency, d.instance.updatedAt, this.idempotencyRetentionMs);
    // nothing added or dropped (most events): the same array, so the record shares it and the journal line leaves it out
    if (rec && idem.length === prevIdem.length && idem.every((r, i) => r === prevIdem[i])) idem = rec.idempotency;
    const satisfaction = d.satisfaction ?? rec?.satisfaction;
    const figures = d.figures ?? rec?.figures;
    const next: CaseRecord = {
      instance: d.instance,
      history: [...(rec?.history ?? []), d.history],
      outbox: d.outbox.length ? [...(rec?.outbox ?? []), ...d.outbox] : (rec?.outbox ?? []),
      idempotency: idem,
      ...(satisfaction ? { satisfaction } : {}),
      ...((rec?.start ?? d.start) ? { start: rec?.start ?? d.start } : {}),
      ...(figures ? { figures } : {}),
    };
    await this.records.put(next);
    for (const t of taken) this.timers.forget(t);
    // the instance is the truth about its deadlines: arm and cancel what changed between the two instances
    this.timers.apply(id, timerDelta(rec?.instance ?? null, d.instance));
    if (d.outbox.length) this.outbox.add(id, d.outbox);
    if (d.timers.arm.length) this.changes.emit('timers');
    if (d.outbox.length) this.changes.emit('outbox');
  }

  /**
   * Changes an outbox row in its case: a delivered row leaves it, a dead one is marked, a revived one unmarked, a
   * redelivered one added back. False when there was nothing to change.
   */
  async changeRow(id: string, rowId: string, c: RowChange): Promise<boolean> {
    return this.lock.run(id, async () => {
      const rec = await this.records.get(id);
      if (!rec) return false;
      const has = rec.outbox.some((r) => r.id === rowId);
      let outbox: OutboxRow[];
      if (c.kind === 'readd') {
        if (has) return false;
        outbox = [...rec.outbox, c.row];
      } else {
        if (!has) return false;
        outbox =
          c.kind === 'delivered'
            ? rec.outbox.filter((r) => r.id !== rowId)
            : rec.outbox.map((r) => {
                if (r.id !== rowId) return r;
                if (c.kind === 'dead') return { ...r, dead: c.dead };
                const { dead: _d, ...alive } = r;
                return alive;
              });
      }
      await this.records.put({ ...rec, outbox });
      return true;
    });
  }

  async get(id: string): Promise<CaseState | null> {
    const rec = await this.records.get(id);
    return rec ? stateOf(rec) : null;
  }

  async summary(id: string): Promise<CaseSummaryRow | null> {
    const s = this.records.summary(id);
    return s
      ? {
          id: s.id,
          pack: s.pack,
          procedure: s.procedure,
          version: s.version,
          state: s.state,
          status: s.status,
          overdue: s.overdue,
          ...(s.businessKey ? { businessKey: s.businessKey } : {}),
          createdAt: s.createdAt,
          updatedAt: s.updatedAt,
        }
      : null;
  }

  async history(id: string): Promise<CaseRecord['history']> {
    return (await this.records.get(id))?.history ?? [];
  }

  async list(q: CaseQuery): Promise<{ items: Instance[]; next: string | null; nextKey?: string }> {
    const sort = q.sort ?? 'id';
    const fromMs = q.from ? Date.parse(`${q.from}T00:00:00+08:00`) : undefined;
    const toMs = q.to ? Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000 : undefined;
    const match = (s: CaseSummary) =>
      visibleIn(q.packs, s.pack) &&
      (!q.pack || s.pack === q.pack) &&
      (!q.procedure || s.procedure === q.procedure) &&
      (!q.status || s.status === q.status) &&
      (q.overdue === undefined || s.overdue === q.overdue) &&
      (q.businessKey === undefined || s.businessKey === q.businessKey) &&
      (q.businessKeyPrefix === undefined || (s.businessKey ?? '').startsWith(q.businessKeyPrefix)) &&
      (!q.state || stateMatches(s.state, q.state)) &&
      (fromMs === undefined || Date.parse(s.createdAt) >= fromMs) &&
      (toMs === undefined || Date.parse(s.createdAt) < toMs);
    let source: Iterable<CaseSummary>;
    // a business key names at most one case per pack
    if (q.businessKey !== undefined)
      source = this.records
        .withBusinessKey(q.businessKey)
        .slice()
        .sort()
        .map((id) => this.records.summary(id)!);
    else source = sort === 'id' ? this.records.summariesAfter(q.after) : this.records.summaries();
    const picked: CaseSummary[] = [];
    if (sort === 'id') {
      for (const s of source) {
        if ((q.after && s.id <= q.after) || !match(s)) continue;
        picked.push(s);
        if (picked.length > q.limit) break;
      }
    } else {
      // (key, id) order; a dueAt order puts cases without a deadline last (key '')
      const key = (s: CaseSummary) => (sort === 'dueAt' ? (s.dueAt ?? '') : s.createdAt);
      const cmpKey = (a: string, b: string) => (a === b ? 0 : a === '' ? 1 : b === '' ? -1 : byTime(a, b));
      const dir = sort === '-createdAt' ? -1 : 1;
      const cmp = (a: CaseSummary, b: CaseSummary) =>
        dir * (cmpKey(key(a), key(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const afterS = q.after !== undefined ? { id: q.after, key: q.afterKey ?? '' } : undefined;
      const past = (s: CaseSummary) =>
        !afterS || dir * (cmpKey(key(s), afterS.key) || (s.id < afterS.id ? -1 : s.id > afterS.id ? 1 : 0)) > 0;
      for (const s of source) if (match(s) && past(s)) picked.push(s);
      picked.sort(cmp);
      picked.length = Math.min(picked.length, q.limit + 1);
    }
    const more = picked.length > q.limit;
    const page = picked.slice(0, q.limit);
    const items: Instance[] = [];
    for (const s of page) {
      const rec = await this.records.get(s.id);
      if (rec) items.push(rec.instance);
    }
    const last = items[items.length - 1];
    return more && last
      ? { items, next: last.id, ...(sort === 'id' ? {} : { nextKey: sortKey(last, sort) }) }
      : { items, next: null };
  }

  async byBusinessKey(pack: string, key: string): Promise<string | null> {
    return this.records.byBusinessKey(pack, key) ?? null;
  }

  async byStartKey(subject: string, key: string): Promise<string | null> {
    return this.records.byStartKey(`${subject}\u0000${key}`) ?? null;
  }

  async stats(q: StatsQuery): Promise<StatsCounts> {
    return this.statsIndex.counts(q);
  }

  async openCases(): Promise<OpenCount[]> {
    return this.statsIndex.openCases();
  }

  async count(): Promise<number> {
    return this.records.size;
  }

  async withDeadlinesFrom(packs: string[], since: string): Promise<{ id: string; pack: string }[]> {
    const set = new Set(packs);
    return this.records
      .summaries()
      .filter((s) => set.has(s.pack) && s.status === 'active' && s.timers.some((t) => t.dueAt >= since))
      .map((s) => ({ id: s.id, pack: s.pack }));
  }
}

/** Pack sources, version bookkeeping and drafts in the registry; version documents in files (or memory). */
class EmbeddedCatalog implements CatalogStore {
  private readonly memory = new Map<string, PublishedVersion>();
  private readonly lock = new KeyedLock();

  constructor(
    private readonly registry: Registry,
    private readonly dir: string | null,
    private readonly fsync: boolean,
    private readonly changes: LocalChanges,
  ) {}

  /** `versions/<pack>/<procedure>/<n>.json`: only ever built from strict ids, so it cannot leave `versions/`. */
  private file(pack: string, procedure: string, version: number): string {
    if (!isSlug(pack) || !isSlug(procedure) || !Number.isInteger(version))
      throw new Error(`refusing a version path for ${JSON.stringify([pack, procedure, version])}`);
    return join(this.dir!, pack, procedure, `${version}.json`);
  }

  /** The registry's own (frozen) object: the same object for as long as no commit changed the packs. */
  async packs() {
    return this.registry.data.packs;
  }

  async versions(): Promise<VersionEntry[]> {
    const out: VersionEntry[] = [];
    for (const [pack, procs] of Object.entries(this.registry.data.versions)) {
      for (const [procedure, list] of Object.entries(procs)) for (const v of list) out.push({ pack, procedure, ...v });
    }
    return out;
  }

  async version(pack: string, procedure: string, version: number): Promise<PublishedVersion | null> {
    if (!(this.registry.data.versions[pack]?.[procedure] ?? []).some((v) => v.version === version)) return null;
    if (!this.dir) return this.memory.get(`${pack}/${procedure}@${version}`) ?? null;
    return readJsonFile<PublishedVersion>(this.file(pack, procedure, version));
  }

  commit(change: CatalogChange): Promise<void> {
    return this.lock.run('catalog', async () => {
      for (const { record: v } of change.versions) {
        const taken = (this.registry.data.versions[v.pack]?.[v.procedure] ?? []).some((x) => x.version === v.version);
        if (
          taken ||
          change.versions.filter(
            (o) => o.record.pack === v.pack && o.record.procedure === v.procedure && o.record.version === v.version,
          ).length > 1
        ) {
          throw new StoreConflict('exists', `version ${v.version} of ${v.pack}/${v.procedure} is taken`);
        }
      }
      // a version document is written (and never rewritten) before the registry names it
      for (const { record: v } of change.versions) {
        if (!this.dir) {
          this.memory.set(`${v.pack}/${v.procedure}@${v.version}`, structuredClone(v));
          continue;
        }
        const file = this.file(v.pack, v.procedure, v.version);
        await mkdir(dirname(file), { recursive: true });
        // a file no registry names is a leftover of a write cut short: it may be replaced
        if (
          !existsSync(file) ||
          !(this.registry.data.versions[v.pack]?.[v.procedure] ?? []).some((x) => x.version === v.version)
        ) {
          await writeAtomic(file, JSON.stringify(v), this.fsync);
        }
      }
      await this.registry.update((reg) => {
        reg.packs = { ...reg.packs, ...structuredClone(change.packs) };
        for (const { record: v, info } of change.versions) {
          const procs = reg.versions[v.pack] ?? {};
          const list = [...(procs[v.procedure] ?? []), structuredClone(info)];
          reg.versions = { ...reg.versions, [v.pack]: { ...procs, [v.procedure]: list } };
        }
        const d = change.dropDraft;
        if (d && reg.drafts[d.pack]?.[d.procedure]) {
          const { [d.procedure]: _dropped, ...kept } = reg.drafts[d.pack];
          reg.drafts = { ...reg.drafts, [d.pack]: kept };
        }
      });
      this.changes.emit('registry');
    });
  }
}

const tokenId = (t: StoredToken) => t.id ?? `tk${t.hash.slice(0, 16)}`;
const tokenRow = (t: StoredToken): TokenRow => ({ ...structuredClone(t), id: tokenId(t) });

class EmbeddedRegistryParts {
  readonly tokens: TokenStore;
  readonly webhooks: WebhookStore;
  readonly drafts: DraftStore;
  readonly settings: SettingsStore;

  constructor(registry: Registry, changes: LocalChanges) {
    const reg = registry;
    const emit = () => changes.emit('registry');
    this.drafts = {
      // the registry's own (frozen) object: a copy of a large draft (600 KB from the designer) was most of the time
      // its save's answer kept the event loop busy
      async get(pack, procedure) {
        return (reg.data.drafts[pack]?.[procedure] as Draft | undefined) ?? null;
      },
      async save(pack, procedure, draft) {
        await reg.update((r) => {
          r.drafts = { ...r.drafts, [pack]: { ...r.drafts[pack], [procedure]: structuredClone(draft) } };
        });
        emit();
      },
    };
    this.settings = {
      async get(key) {
        return key === 'clock' ? reg.data.clock?.now : reg.data.settings?.[key];
      },
      async update(key, fn) {
        const out = await reg.update((r) => {
          const v = fn(key === 'clock' ? r.clock?.now : r.settings?.[key]);
          if (key === 'clock') r.clock = { now: v };
          else r.settings = { ...r.settings, [key]: v };
          return v;
        });
        changes.emit(key === 'clock' ? 'clock' : 'registry');
        return out;
      },
    };
    this.tokens = {
      async create(t) {
        await reg.update((r) => {
          r.tokens = [...r.tokens, structuredClone(t)];
        });
        emit();
      },
      async byHash(hash) {
        const t = reg.data.tokens.find((x) => x.hash === hash);
        return t ? tokenRow(t) : null;
      },
      async list() {
        return reg.data.tokens.map(tokenRow);
      },
      async revoke(id) {
        if (!reg.data.tokens.some((t) => tokenId(t) === id)) return false;
        await reg.update((r) => {
          r.tokens = r.tokens.filter((t) => tokenId(t) !== id);
        });
        emit();
        return true;
      },
      async touch(id, at) {
        if (!reg.data.tokens.some((t) => tokenId(t) === id)) return;
        await reg.update((r) => {
          r.tokens = r.tokens.map((t) => (tokenId(t) === id ? { ...t, lastUsedAt: at } : t));
        });
      },
    };
    this.webhooks = {
      async create(w: Webhook) {
        await reg.update((r) => {
          r.webhooks = [...r.webhooks, structuredClone(w)];
        });
        emit();
      },
      async list() {
        return structuredClone(reg.data.webhooks) as Webhook[];
      },
      async get(id) {
        const w = reg.data.webhooks.find((x) => x.id === id);
        return w ? structuredClone(w) : null;
      },
      async remove(id) {
        if (!reg.data.webhooks.some((w) => w.id === id)) return false;
        await reg.update((r) => {
          r.webhooks = r.webhooks.filter((w) => w.id !== id);
        });
        emit();
        return true;
      },
    };
  }
}

export interface EmbeddedStoreOptions {
  kind: Extract<StoreKind, 'memory' | 'file'>;
  records: InstanceStore;
  registry: Registry;
  /** Where published versions are written (`DATA_DIR/versions`); null keeps them in memory. */
  versionsDir: string | null;
  fsync: boolean;
  /** How long Idempotency-Key answers are kept (default and minimum 24 h). */
  idempotencyRetentionMs?: number;
}

export class EmbeddedStore implements Store {
  readonly kind: EmbeddedStoreOptions['kind'];
  readonly shared = false;
  readonly changes = new LocalChanges();
  readonly cases: EmbeddedCases;
  readonly timers = new EmbeddedTimers();
  readonly outbox: EmbeddedOutbox;
  readonly catalog: CatalogStore;
  readonly drafts: DraftStore;
  readonly settings: SettingsStore;
  readonly tokens: TokenStore;
  readonly webhooks: WebhookStore;

  constructor(private readonly o: EmbeddedStoreOptions) {
    this.kind = o.kind;
    this.outbox = new EmbeddedOutbox(
      (c, r, change) => this.cases.changeRow(c, r, change),
      async (c) => (await o.records.get(c))?.outbox ?? [],
      () => this.changes.emit('outbox'),
    );
    this.cases = new EmbeddedCases(o.records, this.timers, this.outbox, this.changes, o.idempotencyRetentionMs);
    this.catalog = new EmbeddedCatalog(o.registry, o.versionsDir, o.fsync, this.changes);
    const parts = new EmbeddedRegistryParts(o.registry, this.changes);
    this.drafts = parts.drafts;
    this.settings = parts.settings;
    this.tokens = parts.tokens;
    this.webhooks = parts.webhooks;
  }

  /** The case records underneath (the file store's checkpoints and counters, for tests and benchmarks). */
  get records(): InstanceStore {
    return this.o.records;
  }

  async open(): Promise<void> {
    await this.o.registry.open();
    await this.o.records.open();
    for (const s of this.o.records.summaries()) {
      if (s.timers.length) this.timers.apply(s.id, { arm: s.timers, cancel: [] });
      if (s.pending) {
        const rec = await this.o.records.get(s.id);
        if (rec) this.outbox.add(s.id, rec.outbox);
      }
    }
  }

  async close(): Promise<void> {
    await this.cases.lock.idle();
    await this.o.records.close();
  }
}
