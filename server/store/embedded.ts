/**
 * The seam (seam.ts) over the embedded stores: case records in an `InstanceStore` (the file store under
 * `DATA_DIR/instances`, or its in-memory twin), the server-wide data in the registry (`DATA_DIR/registry.json`) and
 * published versions in `DATA_DIR/versions/` (or in memory).
 *
 * One process owns an embedded store, so a transaction is the case's in-process lock, and the timer and outbox
 * queues are indexes kept in memory beside the records (rebuilt at open from the stored cases): a deadline is armed
 * while its instance says so, a delivery is pending while its row is in the case's outbox. Leases exist here too, so
 * the scheduler and the deliverer use every store the same way.
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
import type { CaseRecord, InstanceStore, OutboxRow } from './types';
import { keptIdempotency } from './idempotency';
import {
  StoreConflict, stateMatches, timerDelta,
  type CaseDelta, type CaseQuery, type CaseState, type CaseStore, type CaseSummaryRow, type CaseTx, type CatalogChange,
  type CatalogStore, type ChangeTopic, type Changes, type DeliveryClaim, type DeliveryOutcome, type DeliveryRow, type Draft, type DraftStore,
  type OutboxQueue, type SettingsStore, type StatsCounts, type StatsQuery, type Store, type StoreKind, type TimerQueue,
  type TimerRef, type TokenRow, type TokenStore, type VersionEntry, type WebhookStore,
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
    id: i.id, pack: i.pack, procedure: i.procedure, version: i.version, state: i.state, status: i.status, overdue: i.overdue,
    ...(i.businessKey ? { businessKey: i.businessKey } : {}), createdAt: i.createdAt, updatedAt: i.updatedAt,
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
      this.heap.push({ at: Date.parse(t.dueAt), key: EmbeddedTimers.key(caseId, t.name, t.dueAt), caseId, name: t.name, dueAt: t.dueAt });
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

interface Job {
  caseId: string;
  row: OutboxRow;
  attempts: number;
  nextAt: number;
  lease?: { owner: string; until: number };
}

/** Pending deliveries in commit order (so per case, in history order); attempts and back-off are kept in memory. */
class EmbeddedOutbox implements OutboxQueue {
  readonly jobs = new Map<string, Job>();

  constructor(
    private readonly settleRow: (caseId: string, rowId: string, dead?: NonNullable<OutboxRow['dead']>) => Promise<void>,
    private readonly rowsOf: (caseId: string) => Promise<OutboxRow[]>,
  ) {}

  async ofCase(caseId: string): Promise<DeliveryRow[]> {
    return (await this.rowsOf(caseId)).map((r) => ({
      id: r.id, webhook: r.webhook, type: r.type, status: r.dead ? 'dead' as const : 'pending' as const,
      attempts: r.dead?.attempts ?? this.jobs.get(r.id)?.attempts ?? 0, ...(r.dead ? { lastError: r.dead.lastError } : {}),
    }));
  }

  add(caseId: string, rows: OutboxRow[]): void {
    for (const row of rows) if (!row.dead && !this.jobs.has(row.id)) this.jobs.set(row.id, { caseId, row, attempts: 0, nextAt: 0 });
  }

  async claim(opts: { now: number; limit: number; leaseMs: number; owner: string }): Promise<DeliveryClaim[]> {
    const out: DeliveryClaim[] = [];
    const blocked = new Set<string>();
    for (const job of this.jobs.values()) {
      if (out.length >= opts.limit) break;
      const pair = `${job.caseId}\u0000${job.row.webhook}`;
      if (blocked.has(pair)) continue;
      blocked.add(pair);
      if (job.nextAt > opts.now || (job.lease && job.lease.until > opts.now)) continue;
      job.lease = { owner: opts.owner, until: opts.now + opts.leaseMs };
      const r = job.row;
      out.push({ id: r.id, caseId: job.caseId, webhook: r.webhook, type: r.type, createdAt: r.createdAt, body: r.body, attempts: job.attempts });
    }
    return out;
  }

  async settle(claim: DeliveryClaim, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
    const job = this.jobs.get(claim.id);
    if (!job || job.lease?.owner !== owner) return false;
    if (outcome.status === 'retry') {
      job.attempts++;
      job.nextAt = outcome.nextAt;
      job.lease = undefined;
      return true;
    }
    const dead = outcome.status === 'dead' ? { at: outcome.at, attempts: job.attempts + 1, lastError: outcome.error } : undefined;
    await this.settleRow(job.caseId, claim.id, dead);
    this.jobs.delete(claim.id);
    return true;
  }

  async nextAt(): Promise<number | null> {
    let next: number | null = null;
    const blocked = new Set<string>();
    for (const job of this.jobs.values()) {
      const pair = `${job.caseId}\u0000${job.row.webhook}`;
      if (blocked.has(pair)) continue;
      blocked.add(pair);
      if (job.lease && job.lease.until > Date.now()) continue;
      if (next === null || job.nextAt < next) next = job.nextAt;
    }
    return next;
  }

  async pending(): Promise<number> {
    return this.jobs.size;
  }
}

/** Cases over an InstanceStore: the record is read and replaced whole under the case's lock. */
class EmbeddedCases implements CaseStore {
  readonly lock = new KeyedLock();

  constructor(
    private readonly records: InstanceStore,
    private readonly timers: EmbeddedTimers,
    private readonly outbox: EmbeddedOutbox,
    private readonly changes: LocalChanges,
    /** How long Idempotency-Key answers are kept (store/idempotency.ts). */
    private readonly idempotencyRetentionMs?: number,
  ) {}

  async transact<T>(id: string, fn: (tx: CaseTx) => Promise<T>): Promise<T> {
    return this.lock.run(id, async () => {
      const rec = await this.records.get(id);
      const current: CaseState | null = rec ? { instance: rec.instance, ...(rec.satisfaction ? { satisfaction: rec.satisfaction } : {}) } : null;
      let delta: CaseDelta | null = null;
      const taken: TimerRef[] = [];
      const tx: CaseTx = {
        current,
        idempotency: async (key) => rec?.idempotency.find((r) => r.key === key),
        takeTimer: async (name, dueAt) => {
          if (!this.timers.isLive(id, name, dueAt) || taken.some((t) => t.name === name)) return false;
          taken.push({ caseId: id, name, dueAt });
          return true;
        },
        commit: async (d) => {
          if (delta) throw new Error('a case transaction commits once');
          const rev = rec?.instance.rev ?? 0;
          if (d.instance.id !== id || d.instance.rev !== rev + 1) {
            throw new StoreConflict('revision', `case ${id}: expected revision ${rev + 1}, got ${d.instance.rev}`);
          }
          const bk = d.instance.businessKey;
          if (!rec && bk && this.records.byBusinessKey(d.instance.pack, bk)) {
            throw new StoreConflict('businessKey', `business key ${bk} of pack ${d.instance.pack} is taken`);
          }
          delta = d;
        },
      };
      const out = await fn(tx);
      if (delta) await this.write(id, rec, delta, taken);
      return out;
    });
  }

  private async write(id: string, rec: CaseRecord | null, d: CaseDelta, taken: TimerRef[]): Promise<void> {
    const idem = keptIdempotency(rec?.idempotency ?? [], d.idempotency, d.instance.updatedAt, this.idempotencyRetentionMs);
    const satisfaction = d.satisfaction ?? rec?.satisfaction;
    const next: CaseRecord = {
      instance: d.instance,
      history: [...(rec?.history ?? []), d.history],
      outbox: d.outbox.length ? [...(rec?.outbox ?? []), ...d.outbox] : (rec?.outbox ?? []),
      idempotency: idem,
      ...(satisfaction ? { satisfaction } : {}),
    };
    await this.records.put(next);
    for (const t of taken) this.timers.forget(t);
    // the instance is the truth about its deadlines: arm and cancel what changed between the two instances
    this.timers.apply(id, timerDelta(rec?.instance ?? null, d.instance));
    if (d.outbox.length) this.outbox.add(id, d.outbox);
    if (d.timers.arm.length) this.changes.emit('timers');
    if (d.outbox.length) this.changes.emit('outbox');
  }

  /** Removes a delivered row from its case, or marks it dead. */
  async settleRow(id: string, rowId: string, dead?: NonNullable<OutboxRow['dead']>): Promise<void> {
    await this.lock.run(id, async () => {
      const rec = await this.records.get(id);
      if (!rec || !rec.outbox.some((r) => r.id === rowId)) return;
      const outbox = dead ? rec.outbox.map((r) => (r.id === rowId ? { ...r, dead } : r)) : rec.outbox.filter((r) => r.id !== rowId);
      await this.records.put({ ...rec, outbox });
    });
  }

  async get(id: string): Promise<CaseState | null> {
    const rec = await this.records.get(id);
    return rec ? { instance: rec.instance, ...(rec.satisfaction ? { satisfaction: rec.satisfaction } : {}) } : null;
  }

  async summary(id: string): Promise<CaseSummaryRow | null> {
    const s = this.records.summary(id);
    return s ? { id: s.id, pack: s.pack, procedure: s.procedure, version: s.version, state: s.state, status: s.status, overdue: s.overdue, ...(s.businessKey ? { businessKey: s.businessKey } : {}), createdAt: s.createdAt, updatedAt: s.updatedAt } : null;
  }

  async history(id: string): Promise<CaseRecord['history']> {
    return (await this.records.get(id))?.history ?? [];
  }

  async list(q: CaseQuery): Promise<{ items: Instance[]; next: string | null }> {
    const items: Instance[] = [];
    const source = q.businessKey !== undefined
      ? [q.pack ? this.records.byBusinessKey(q.pack, q.businessKey) : undefined].filter((x): x is string => !!x).map((id) => this.records.summary(id)!).filter((s) => !q.after || s.id > q.after)
      : this.records.summariesAfter(q.after);
    for (const s of source) {
      if (!visibleIn(q.packs, s.pack)) continue;
      if (q.pack && s.pack !== q.pack) continue;
      if (q.procedure && s.procedure !== q.procedure) continue;
      if (q.status && s.status !== q.status) continue;
      if (q.overdue !== undefined && s.overdue !== q.overdue) continue;
      if (q.businessKey !== undefined && s.businessKey !== q.businessKey) continue;
      if (q.state && !stateMatches(s.state, q.state)) continue;
      if (items.length === q.limit) return { items, next: items[items.length - 1].id };
      const rec = await this.records.get(s.id);
      if (rec) items.push(rec.instance);
    }
    return { items, next: null };
  }

  async byBusinessKey(pack: string, key: string): Promise<string | null> {
    return this.records.byBusinessKey(pack, key) ?? null;
  }

  async stats(q: StatsQuery): Promise<StatsCounts> {
    const c: StatsCounts = { opened: 0, closed: 0, onTime: 0, overdue: 0, byState: {}, satisfied: 0, total: 0, rated: 0 };
    for (const s of this.records.summaries()) {
      if (!visibleIn(q.packs, s.pack)) continue;
      if (q.pack && s.pack !== q.pack) continue;
      if (q.procedure && s.procedure !== q.procedure) continue;
      const day = calendar.shanghaiDate(new Date(s.createdAt));
      if ((q.from && day < q.from) || (q.to && day > q.to)) continue;
      c.opened++;
      c.byState[s.state] = (c.byState[s.state] ?? 0) + 1;
      if (s.status === 'done') {
        c.closed++;
        if (!s.everOverdue) c.onTime++;
      } else if (s.overdue) c.overdue++;
      if (s.satisfaction) {
        c.rated++;
        c.satisfied += s.satisfaction.satisfied;
        c.total += s.satisfaction.total;
      }
    }
    return c;
  }

  async count(): Promise<number> {
    return this.records.size;
  }

  async withDeadlinesFrom(packs: string[], since: string): Promise<{ id: string; pack: string }[]> {
    const set = new Set(packs);
    return this.records.summaries()
      .filter((s) => set.has(s.pack) && s.status === 'active' && s.timers.some((t) => t.dueAt >= since))
      .map((s) => ({ id: s.id, pack: s.pack }));
  }
}


/** Pack sources, version bookkeeping and drafts in the registry; version documents in files (or memory). */
class EmbeddedCatalog implements CatalogStore {
  private readonly memory = new Map<string, PublishedVersion>();
  private readonly lock = new KeyedLock();

  constructor(private readonly registry: Registry, private readonly dir: string | null, private readonly fsync: boolean, private readonly changes: LocalChanges) {}

  /** `versions/<pack>/<procedure>/<n>.json`: only ever built from strict ids, so it cannot leave `versions/`. */
  private file(pack: string, procedure: string, version: number): string {
    if (!isSlug(pack) || !isSlug(procedure) || !Number.isInteger(version)) throw new Error(`refusing a version path for ${JSON.stringify([pack, procedure, version])}`);
    return join(this.dir!, pack, procedure, `${version}.json`);
  }

  async packs() {
    return structuredClone(this.registry.data.packs);
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
        if (taken || change.versions.filter((o) => o.record.pack === v.pack && o.record.procedure === v.procedure && o.record.version === v.version).length > 1) {
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
        if (!existsSync(file) || !(this.registry.data.versions[v.pack]?.[v.procedure] ?? []).some((x) => x.version === v.version)) {
          await writeAtomic(file, JSON.stringify(v), this.fsync);
        }
      }
      await this.registry.update((reg) => {
        Object.assign(reg.packs, structuredClone(change.packs));
        for (const { record: v, info } of change.versions) ((reg.versions[v.pack] ??= {})[v.procedure] ??= []).push(structuredClone(info));
        const d = change.dropDraft;
        if (d && reg.drafts[d.pack]) delete reg.drafts[d.pack][d.procedure];
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
      async get(pack, procedure) {
        const d = reg.data.drafts[pack]?.[procedure];
        return d ? (structuredClone(d) as Draft) : null;
      },
      async save(pack, procedure, draft) {
        await reg.update((r) => {
          (r.drafts[pack] ??= {})[procedure] = structuredClone(draft);
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
          else (r.settings ??= {})[key] = v;
          return v;
        });
        changes.emit(key === 'clock' ? 'clock' : 'registry');
        return out;
      },
    };
    this.tokens = {
      async create(t) {
        await reg.update((r) => {
          r.tokens.push(structuredClone(t));
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
          for (const t of r.tokens) if (tokenId(t) === id) t.lastUsedAt = at;
        });
      },
    };
    this.webhooks = {
      async create(w: Webhook) {
        await reg.update((r) => {
          r.webhooks.push(structuredClone(w));
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
    this.outbox = new EmbeddedOutbox((c, r, dead) => this.cases.settleRow(c, r, dead), async (c) => (await o.records.get(c))?.outbox ?? []);
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
