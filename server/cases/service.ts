/**
 * Cases: start, send an event, cancel, fire a deadline, read, list, count. Each change is one store transaction
 * (store/seam.ts): the case is locked and read, the pure engine computes the step, and the step's delta (instance,
 * history entry, timers, outbox rows, idempotency answer) is committed against the revision that was read. A refused
 * step writes nothing. The scheduler and the deliverer learn of new timers and deliveries from the store. Errors are
 * domain errors (server/errors.ts); this file knows nothing of HTTP.
 */
import {
  calendar,
  cancel,
  expireDeadline,
  MIGRATED,
  own,
  start,
  step,
  type Actor,
  type CompiledProcedure,
  type Instance,
  type Refusal,
  type StepEnv,
  type StepOk,
} from '../../engine';
import {
  StoreConflict,
  type CaseState,
  type CaseSummaryRow,
  type CaseTx,
  type Store,
  type TimerRef,
} from '../store/seam';
import type { PackCatalog } from '../packs/catalog';
import type { Webhook } from '../registry';
import type { Clock } from '../time/clock';
import { fail, fromRefusal, notFound } from '../errors';
import { canSeePack, isAdmin, type Auth } from '../auth/tokens';
import { KeyedLock } from '../util/keyed-lock';
import { newCaseId, sha256, stableStringify } from '../util/ids';
import { stepDelta, type CommitContext } from './commit';
import { historyView, instanceView, type InstanceView } from './view';
import { decodeCursor, encodeCursor, listFilters } from './query';
import { statsBody, type StatsQuery } from './stats';
import type { HistoryEntryBody, StatsBody } from '../contract';

/** Measures of the case service (server/metrics.ts). */
export interface CaseHooks {
  /** A step was applied or refused (with its code), computed in `ms`. */
  stepped?(s: { pack: string; procedure: string; type: string; ms: number; refused?: string }): void;
  /** A case write took `ms` to be acknowledged by the store. */
  stored?(ms: number): void;
  /** A deadline due at `dueAt` fired. */
  fired?(dueAt: string): void;
}

export interface CaseDeps {
  store: Store;
  catalog: PackCatalog;
  /** The webhook subscriptions now (kept current by the server). */
  webhooks: () => readonly Webhook[];
  clock: Clock;
  log: (msg: string) => void;
  hooks?: CaseHooks;
}

export interface StartBody {
  pack: string;
  procedure: string;
  data: Record<string, unknown>;
  businessKey?: string;
}

export interface EventBody {
  type: string;
  payload?: Record<string, unknown>;
  actor?: { subject?: string; roles?: string[] };
}

/** What a call brings besides its body: headers that matter to the case. */
export interface CallMeta {
  requestId?: string;
  idempotencyKey?: string;
  ifMatch?: string;
}

export interface ListQuery {
  pack?: string;
  procedure?: string;
  state?: string;
  status?: Instance['status'];
  overdue?: boolean;
  businessKey?: string;
  limit?: number;
  cursor?: string;
}

const caseNotFound = (id: string) =>
  notFound({ 'zh-CN': `案件「${id}」不存在`, en: `instance '${id}' does not exist` });
const packNotFound = (id: string) => notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });

/** `If-Match: "<rev>"` (quotes and a weak prefix tolerated) → the revision number, or NaN. */
export function parseIfMatch(header: string): number {
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
}

type Commit = (proc: CompiledProcedure, res: StepOk, c: CommitContext) => Promise<void>;

export class CaseService {
  /** Starts with the same business key or Idempotency-Key wait for each other in this process (other processes: the store's unique keys). */
  readonly lock = new KeyedLock();

  constructor(private readonly d: CaseDeps) {}

  /** A step's instance lookup, one per pack (made once: a closure made per step costs its `__name` under tsx). */
  private readonly lookups = new Map<string | undefined, NonNullable<StepEnv['lookupInstance']>>();

  private env(inst?: { pack: string }): StepEnv {
    const pack = inst?.pack;
    let lookupInstance = this.lookups.get(pack);
    if (!lookupInstance) {
      lookupInstance = async (id) => {
        const s = await this.d.store.cases.summary(id);
        return s && (pack === undefined || s.pack === pack) ? { status: s.status, procedure: s.procedure } : null;
      };
      this.lookups.set(pack, lookupInstance);
    }
    return { now: this.d.clock.now(), lookupInstance };
  }

  /** The case's summary if the token may see it; NOT_FOUND otherwise (existence is not revealed). */
  async visible(auth: Auth, id: string): Promise<CaseSummaryRow> {
    const s = await this.d.store.cases.summary(id);
    if (!s || !canSeePack(auth, s.pack)) throw caseNotFound(id);
    return s;
  }

  private async record(auth: Auth, id: string): Promise<{ state: CaseState; proc: CompiledProcedure }> {
    await this.visible(auth, id);
    const state = await this.d.store.cases.get(id);
    if (!state) throw caseNotFound(id);
    const i = state.instance;
    return { state, proc: await this.d.catalog.compiled(i.pack, i.procedure, i.version) };
  }

  async get(auth: Auth, id: string): Promise<InstanceView> {
    const { state, proc } = await this.record(auth, id);
    return instanceView(proc, state.instance);
  }

  async history(auth: Auth, id: string): Promise<HistoryEntryBody[]> {
    const { proc, state } = await this.record(auth, id);
    const history = await this.d.store.cases.history(id);
    // a migrated case: each entry is read with the version it was made on
    const i = state.instance;
    const migrations = history
      .filter((h) => h.type === MIGRATED)
      .map((h) => h.payload as { fromVersion: number; toVersion: number });
    let version = migrations.length ? migrations[0].fromVersion : i.version;
    const views: HistoryEntryBody[] = [];
    for (const h of history) {
      const p = version === i.version ? proc : await this.d.catalog.compiled(i.pack, i.procedure, version);
      views.push(historyView(p, h));
      if (h.type === MIGRATED) version = (h.payload as { toVersion: number }).toVersion;
    }
    return views;
  }

  /** A page of the cases the token may see, oldest first unless sorted otherwise. A pack it may not see is NOT_FOUND (as everywhere). */
  async list(auth: Auth, q: ListQuery): Promise<{ items: InstanceView[]; next: string | null }> {
    if (q.pack && (!this.d.catalog.resolved(q.pack) || !canSeePack(auth, q.pack))) throw packNotFound(q.pack);
    const filters = listFilters(q, auth.packs);
    const sort = filters.sort ?? 'id';
    const { items, next, nextKey } = await this.d.store.cases.list({
      ...filters,
      limit: q.limit ?? 50,
      ...decodeCursor(q.cursor, sort),
    });
    const views: InstanceView[] = [];
    for (const i of items) views.push(instanceView(await this.d.catalog.compiled(i.pack, i.procedure, i.version), i));
    return { items: views, next: next === null ? null : encodeCursor(next, sort, nextKey) };
  }

  /** Statistics over the cases the token may see (definitions: the OpenAPI description of GET /api/stats). */
  async statistics(auth: Auth, q: StatsQuery): Promise<StatsBody> {
    if (q.pack && (!this.d.catalog.resolved(q.pack) || !canSeePack(auth, q.pack))) throw packNotFound(q.pack);
    return statsBody(
      await this.d.store.cases.stats({ ...q, packs: auth.packs }),
      q,
      calendar.shanghaiDate(this.d.clock.now()),
    );
  }

  /** One store transaction on a case; `commit` writes a step's delta, and the store's acknowledgement is measured. */
  private async transact<T>(id: string, fn: (tx: CaseTx, commit: Commit) => Promise<T>): Promise<T> {
    let t0: number | null = null;
    const out = await this.d.store.cases.transact(id, (tx) =>
      fn(tx, async (proc, res, c) => {
        t0 = performance.now();
        await tx.commit(stepDelta(proc, tx.current, res, this.d.webhooks(), c));
      }),
    );
    if (t0 !== null) this.d.hooks?.stored?.(performance.now() - t0);
    return out;
  }

  /** Runs an engine computation, measuring it; a refusal becomes a domain error. */
  private async measured<T extends { ok: true } | Refusal>(
    inst: { pack: string; procedure: string },
    type: string,
    run: () => Promise<T> | T,
  ): Promise<Exclude<T, Refusal>> {
    const t0 = performance.now();
    const res = await run();
    this.d.hooks?.stepped?.({
      pack: inst.pack,
      procedure: inst.procedure,
      type,
      ms: performance.now() - t0,
      ...(res.ok ? {} : { refused: res.code }),
    });
    if (!res.ok) throw fromRefusal(res);
    return res as Exclude<T, Refusal>;
  }

  private actorOf(auth: Auth, body?: EventBody['actor']): { actor: Actor; onBehalfOf?: string } {
    let roles = auth.roles;
    if (body?.roles) {
      const extra = body.roles.filter((r) => !auth.roles.includes(r));
      if (extra.length && !isAdmin(auth)) {
        throw fail(
          'FORBIDDEN',
          `令牌没有角色:${extra.join('、')}`,
          `the token does not hold the role(s): ${extra.join(', ')}`,
          { roles: extra },
        );
      }
      roles = body.roles;
    }
    return { actor: { subject: auth.subject, roles }, ...(body?.subject ? { onBehalfOf: body.subject } : {}) };
  }

  /**
   * Starts a case. With a businessKey already used in the pack: the same procedure and start data answer the
   * existing case (created: false); anything else is BUSINESS_KEY_CONFLICT. With an Idempotency-Key already used by
   * the same subject: the first answer again, or BAD_REQUEST when the request differs. Races between processes are
   * settled by the store's unique keys: the loser answers with the winner's case.
   */
  async start(auth: Auth, body: StartBody, meta: CallMeta = {}): Promise<{ created: boolean; instance: InstanceView }> {
    const pack = this.d.catalog.resolved(body.pack);
    if (!pack || !canSeePack(auth, body.pack)) throw packNotFound(body.pack);
    const version = this.d.catalog.latestVersion(body.pack, body.procedure);
    if (!own(pack.procedures, body.procedure) || version === undefined) {
      throw notFound({
        'zh-CN': `流程「${body.procedure}」不存在`,
        en: `procedure '${body.procedure}' does not exist`,
      });
    }
    const proc = await this.d.catalog.compiled(body.pack, body.procedure, version);
    const roles = Object.keys(proc.doc.roles);
    if (!isAdmin(auth) && !auth.roles.some((r) => roles.includes(r))) {
      throw fail(
        'FORBIDDEN',
        `只有该流程的角色可以立案(${roles.join('、')})`,
        `only the procedure's roles may start a case (${roles.join(', ')})`,
        { roles },
      );
    }
    const key = meta.idempotencyKey;
    // only a start with an Idempotency-Key is compared with a first one
    const fingerprint =
      key === undefined
        ? ''
        : sha256(
            stableStringify({
              pack: body.pack,
              procedure: body.procedure,
              data: body.data,
              businessKey: body.businessKey ?? null,
            }),
          );
    type Answer = { created: boolean; instance: InstanceView };
    // the first answer to this subject's Idempotency-Key
    const replay = async (): Promise<Answer | null> => {
      const id = key === undefined ? null : await this.d.store.cases.byStartKey(auth.subject, key);
      if (!id) return null;
      const { state } = await this.record(auth, id);
      const first = state.start;
      if (!first || first.fingerprint !== fingerprint) {
        throw fail(
          'BAD_REQUEST',
          '同一个 Idempotency-Key 已用于内容不同的立案请求',
          'this Idempotency-Key was already used for a different start',
          { key, instance: id },
        );
      }
      const p = await this.d.catalog.compiled(first.instance.pack, first.instance.procedure, first.instance.version);
      return { created: first.status === 201, instance: instanceView(p, first.instance) };
    };
    const existing = async (): Promise<Answer | null> => {
      const id = body.businessKey ? await this.d.store.cases.byBusinessKey(body.pack, body.businessKey) : null;
      return id ? { created: false, instance: await this.sameBusinessKey(auth, id, body) } : null;
    };
    const run = async (): Promise<Answer> => {
      const found = (await replay()) ?? (await existing());
      if (found) return found;
      const id = newCaseId();
      const res = await this.measured(body, 'START', () =>
        start(
          proc,
          { id, data: body.data, actor: { subject: auth.subject, roles: auth.roles }, businessKey: body.businessKey },
          this.env(body),
        ),
      );
      const first =
        key === undefined
          ? undefined
          : {
              key,
              subject: auth.subject,
              fingerprint,
              status: 201,
              at: res.instance.createdAt,
              instance: res.instance,
            };
      try {
        await this.transact(id, (_tx, commit) => commit(proc, res, { requestId: meta.requestId, start: first }));
      } catch (e) {
        // another process started a case with this business key or Idempotency-Key first: answer as if it came first here
        if (e instanceof StoreConflict && (e.kind === 'businessKey' || e.kind === 'startKey')) {
          const other = (await replay()) ?? (await existing());
          if (other) return other;
        }
        throw e;
      }
      return { created: true, instance: instanceView(proc, res.instance) };
    };
    const byKey = body.businessKey ? () => this.lock.run(`bk\u0000${body.pack}\u0000${body.businessKey}`, run) : run;
    return key === undefined ? byKey() : this.lock.run(`ik\u0000${auth.subject}\u0000${key}`, byKey);
  }

  /** The existing case of a business key, if this start asks for the same thing; BUSINESS_KEY_CONFLICT otherwise. */
  private async sameBusinessKey(auth: Auth, id: string, body: StartBody): Promise<InstanceView> {
    const { state, proc } = await this.record(auth, id);
    const inst = state.instance;
    if (inst.procedure !== body.procedure) {
      throw fail(
        'BUSINESS_KEY_CONFLICT',
        `业务编号「${body.businessKey}」已用于流程「${inst.procedure}」的案件 ${id}`,
        `business key '${body.businessKey}' already names case ${id} of procedure '${inst.procedure}'`,
        { instance: id, procedure: inst.procedure },
      );
    }
    const first = (await this.d.store.cases.history(id))[0];
    const startData = first?.type === 'START' ? first.payload : undefined;
    if (stableStringify(startData ?? null) !== stableStringify(body.data)) {
      throw fail(
        'BUSINESS_KEY_CONFLICT',
        `业务编号「${body.businessKey}」已用于案件 ${id},其立案数据不同`,
        `business key '${body.businessKey}' already names case ${id}, started with other data`,
        { instance: id, procedure: inst.procedure },
      );
    }
    return instanceView(proc, inst);
  }

  async send(auth: Auth, id: string, body: EventBody, meta: CallMeta = {}): Promise<InstanceView> {
    await this.visible(auth, id);
    const { actor, onBehalfOf } = this.actorOf(auth, body.actor);
    const key = meta.idempotencyKey;
    const fingerprint =
      key === undefined
        ? ''
        : sha256(
            stableStringify({ type: body.type, payload: body.payload ?? null, actor, onBehalfOf: onBehalfOf ?? null }),
          );
    return this.transact(id, async (tx, commit) => {
      if (!tx.current) throw caseNotFound(id);
      const inst = tx.current.instance;
      const proc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      if (key !== undefined) {
        const seen = await tx.idempotency(key);
        if (seen) {
          if (seen.fingerprint !== fingerprint) {
            throw fail(
              'BAD_REQUEST',
              '同一个 Idempotency-Key 已用于内容不同的请求',
              'this Idempotency-Key was already used for a different request',
              { key },
            );
          }
          return instanceView(proc, seen.instance);
        }
      }
      if (meta.ifMatch !== undefined) {
        const want = parseIfMatch(meta.ifMatch);
        if (Number.isNaN(want))
          throw fail('BAD_REQUEST', 'If-Match 应为 "<rev>"', 'If-Match must be "<rev>"', { ifMatch: meta.ifMatch });
        if (want !== inst.rev) {
          throw fail(
            'REVISION_CONFLICT',
            `案件已被修改(当前版本 ${inst.rev},请求基于 ${want})`,
            `the case has changed (current rev ${inst.rev}, request was based on ${want})`,
            { rev: inst.rev, ifMatch: want },
          );
        }
      }
      const res = await this.measured(inst, body.type, () =>
        step(proc, inst, { type: body.type, payload: body.payload, actor }, this.env(inst), {
          anyRole: isAdmin(actor),
        }),
      );
      const idempotency =
        key === undefined
          ? undefined
          : { key, fingerprint, status: 200, at: res.instance.updatedAt, instance: res.instance };
      await commit(proc, res, { onBehalfOf, idempotency, requestId: meta.requestId });
      return instanceView(proc, res.instance);
    });
  }

  /**
   * Withdraws a running case (admins, or a role the procedure lists in `cancelRoles`), in one transaction: the
   * instance becomes `cancelled`, its deadlines leave the timer queue, the history entry and a `cancelled` delivery
   * per matching subscription are written with it.
   */
  async cancel(
    auth: Auth,
    id: string,
    body: { reason: string; actor?: EventBody['actor'] },
    meta: CallMeta = {},
  ): Promise<InstanceView> {
    await this.visible(auth, id);
    const { actor, onBehalfOf } = this.actorOf(auth, body.actor);
    return this.transact(id, async (tx, commit) => {
      if (!tx.current) throw caseNotFound(id);
      const inst = tx.current.instance;
      const proc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      const res = await this.measured(inst, 'CANCEL', () =>
        cancel(proc, inst, { actor, reason: body.reason }, { now: this.d.clock.now() }, { anyRole: isAdmin(actor) }),
      );
      await commit(proc, res, { onBehalfOf, cancelled: true, requestId: meta.requestId });
      return instanceView(proc, res.instance);
    });
  }

  /**
   * Expires one deadline if it is still armed with that due time, taking its timer inside the case's transaction, so
   * a deadline claimed by two processes (a lease that ran out) still expires once. The step happens at the due
   * instant (or at the case's last change, if later), as if the timer had fired on time. Returns whether something
   * was written.
   */
  async expireTimer(ref: TimerRef): Promise<boolean> {
    const { caseId: id, name, dueAt } = ref;
    const fired = await this.transact(id, async (tx, commit) => {
      if (!(await tx.takeTimer(name, dueAt))) return false;
      const inst = tx.current?.instance;
      if (!inst || inst.status !== 'active') return false;
      if (!inst.deadlines.some((x) => x.name === name && x.dueAt === dueAt && !x.overdue)) return false;
      const proc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      const at = new Date(Math.max(Date.parse(dueAt), Date.parse(inst.updatedAt)));
      const res = await expireDeadline(proc, inst, name, { ...this.env(inst), now: at });
      if (res.ok) {
        await commit(proc, res, { deadline: name });
        return true;
      }
      // The expiry event was refused (e.g. the calendar ran out): still mark the deadline expired, once, and say why.
      this.d.log(`! 期限到期事件被拒绝 / deadline expiry refused: ${id} ${name}: ${res.code} ${res.message.en}`);
      await commit(proc, expiryRefused(inst, name, at, res), { deadline: name });
      return true;
    });
    if (fired) this.d.hooks?.fired?.(dueAt);
    return fired;
  }

  /**
   * Writes a change the server itself computes for a stored case (the legal calendar's recalculation) in the case's
   * transaction, from the case as it is then; `change` returning null writes nothing. Returns what was written.
   */
  async amend<T>(
    id: string,
    change: (rec: CaseState, proc: CompiledProcedure) => { res: StepOk; opts?: CommitContext; out: T } | null,
  ): Promise<T | null> {
    return this.transact(id, async (tx, commit) => {
      if (!tx.current) return null;
      const i = tx.current.instance;
      const proc = await this.d.catalog.compiled(i.pack, i.procedure, i.version);
      const c = change(tx.current, proc);
      if (!c) return null;
      await commit(proc, c.res, c.opts ?? {});
      return c.out;
    });
  }
}

/** The step recorded when a deadline expires but its expiry event is refused: the deadline marked overdue, once, with why. */
function expiryRefused(inst: Instance, name: string, at: Date, why: Refusal): StepOk {
  const now = calendar.toShanghaiISO(at);
  const rev = inst.rev + 1;
  const instance: Instance = {
    ...inst,
    rev,
    overdue: true,
    everOverdue: true,
    updatedAt: now,
    deadlines: inst.deadlines.map((d) => (d.name === name ? { ...d, overdue: true } : d)),
  };
  return {
    ok: true,
    instance,
    effects: [],
    timers: { arm: [], cancel: [name] },
    history: {
      seq: rev,
      at: now,
      type: 'DEADLINE_EXPIRED',
      payload: { deadline: name, refused: { code: why.code, message: why.message } },
      from: inst.state,
      to: inst.state,
      rules: [],
      effects: [],
    },
  };
}
