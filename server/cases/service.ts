/**
 * Cases: start, send an event, fire a deadline. Each is one store transaction (store/seam.ts): the case is locked and
 * read, the pure engine computes the step, and the step's delta (instance, history entry, timers, outbox rows,
 * idempotency answer) is committed against the revision that was read. A refused step writes nothing. The scheduler
 * and the deliverer learn of new timers and deliveries from the store.
 */
import {
  calendar, fireDeadline, own, start, step, type Actor, type CompiledProcedure, type Instance, type Refusal, type StepEnv, type StepOk,
} from '../../engine';
import { StoreConflict, type CaseState, type CaseSummaryRow, type CaseTx, type Store, type TimerRef } from '../store/seam';
import type { PackCatalog } from '../packs/catalog';
import type { Webhook } from '../registry';
import type { Clock } from '../time/clock';
import { ApiError, fail, notFound, type ApiCode } from '../http/errors';
import { canSeePack, isAdmin, type Auth } from '../auth/tokens';
import { KeyedLock } from '../util/keyed-lock';
import { newCaseId, sha256, stableStringify } from '../util/ids';
import { stepDelta } from './commit';
import { instanceView, type InstanceView } from './view';

export interface CaseDeps {
  store: Store;
  catalog: PackCatalog;
  /** The webhook subscriptions now (kept current by the server). */
  webhooks: () => readonly Webhook[];
  clock: Clock;
  log: (msg: string) => void;
}

export interface StartBody {
  pack: string;
  procedure: string;
  data: unknown;
  businessKey?: string;
}

export interface EventBody {
  type: string;
  payload?: unknown;
  actor?: { subject?: string; roles?: string[] };
}

export interface Reply {
  status: number;
  body: InstanceView;
}

const caseNotFound = (id: string) => notFound({ 'zh-CN': `案件「${id}」不存在`, en: `instance '${id}' does not exist` });

export function refusalError(r: Refusal): ApiError {
  return new ApiError(r.code as ApiCode, r.message, r.details);
}

/** `If-Match: "<rev>"` (quotes and a weak prefix tolerated) → the revision number, or NaN. */
export function parseIfMatch(header: string): number {
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
}

export class CaseService {
  /** Starts with the same business key wait for each other in this process (other processes: the store's unique key). */
  readonly lock = new KeyedLock();

  constructor(private readonly d: CaseDeps) {}

  private env(inst?: { pack: string }): StepEnv {
    return {
      now: this.d.clock.now(),
      lookupInstance: async (id) => {
        const s = await this.d.store.cases.summary(id);
        return s && (!inst || s.pack === inst.pack) ? { status: s.status, procedure: s.procedure } : null;
      },
    };
  }

  /** The case's summary if the token may see it; 404 otherwise (existence is not revealed). */
  async visible(auth: Auth, id: string): Promise<CaseSummaryRow> {
    const s = await this.d.store.cases.summary(id);
    if (!s || !canSeePack(auth, s.pack)) throw caseNotFound(id);
    return s;
  }

  async record(auth: Auth, id: string): Promise<{ state: CaseState; proc: CompiledProcedure }> {
    await this.visible(auth, id);
    const state = await this.d.store.cases.get(id);
    if (!state) throw caseNotFound(id);
    const i = state.instance;
    return { state, proc: await this.d.catalog.compiled(i.pack, i.procedure, i.version) };
  }

  private async commit(tx: CaseTx, proc: CompiledProcedure, res: StepOk, opts: Parameters<typeof stepDelta>[4]): Promise<void> {
    await tx.commit(stepDelta(proc, tx.current, res, this.d.webhooks(), opts));
  }

  private actorOf(auth: Auth, body?: EventBody['actor']): { actor: Actor; onBehalfOf?: string } {
    let roles = auth.roles;
    if (body?.roles) {
      const extra = body.roles.filter((r) => !auth.roles.includes(r));
      if (extra.length && !isAdmin(auth)) {
        throw fail('FORBIDDEN', `令牌没有角色:${extra.join('、')}`, `the token does not hold the role(s): ${extra.join(', ')}`, { roles: extra });
      }
      roles = body.roles;
    }
    return { actor: { subject: auth.subject, roles }, ...(body?.subject ? { onBehalfOf: body.subject } : {}) };
  }

  async start(auth: Auth, body: StartBody): Promise<Reply> {
    const pack = this.d.catalog.resolved(body.pack);
    if (!pack || !canSeePack(auth, body.pack)) throw notFound({ 'zh-CN': `配置包「${body.pack}」不存在`, en: `pack '${body.pack}' does not exist` });
    const version = this.d.catalog.latestVersion(body.pack, body.procedure);
    if (!own(pack.procedures, body.procedure) || version === undefined) {
      throw notFound({ 'zh-CN': `流程「${body.procedure}」不存在`, en: `procedure '${body.procedure}' does not exist` });
    }
    const proc = await this.d.catalog.compiled(body.pack, body.procedure, version);
    const roles = Object.keys(proc.doc.roles);
    if (!isAdmin(auth) && !auth.roles.some((r) => roles.includes(r))) {
      throw fail('FORBIDDEN', `只有该流程的角色可以立案(${roles.join('、')})`, `only the procedure's roles may start a case (${roles.join(', ')})`, { roles });
    }
    const existing = async (): Promise<Reply | null> => {
      const id = body.businessKey ? await this.d.store.cases.byBusinessKey(body.pack, body.businessKey) : null;
      if (!id) return null;
      const { state, proc: p } = await this.record(auth, id);
      return { status: 200, body: instanceView(p, state.instance) };
    };
    const run = async (): Promise<Reply> => {
      const found = await existing();
      if (found) return found;
      const id = newCaseId();
      const res = await start(proc, { id, data: body.data, actor: { subject: auth.subject, roles: auth.roles }, businessKey: body.businessKey }, this.env(body));
      if (!res.ok) throw refusalError(res);
      try {
        await this.d.store.cases.transact(id, (tx) => this.commit(tx, proc, res, {}));
      } catch (e) {
        // another process started a case with this business key first: answer with that case
        if (e instanceof StoreConflict && e.kind === 'businessKey') {
          const other = await existing();
          if (other) return other;
        }
        throw e;
      }
      return { status: 201, body: instanceView(proc, res.instance) };
    };
    return body.businessKey ? this.lock.run(`bk\u0000${body.pack}\u0000${body.businessKey}`, run) : run();
  }

  async send(auth: Auth, id: string, body: EventBody, headers: { ifMatch?: string; idempotencyKey?: string }): Promise<Reply> {
    await this.visible(auth, id);
    const { actor, onBehalfOf } = this.actorOf(auth, body.actor);
    const key = headers.idempotencyKey;
    const fingerprint = key === undefined ? '' : sha256(stableStringify({ type: body.type, payload: body.payload ?? null, actor, onBehalfOf: onBehalfOf ?? null }));
    return this.d.store.cases.transact(id, async (tx) => {
      if (!tx.current) throw caseNotFound(id);
      const inst = tx.current.instance;
      const proc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      if (key !== undefined) {
        const seen = await tx.idempotency(key);
        if (seen) {
          if (seen.fingerprint !== fingerprint) {
            throw fail('BAD_REQUEST', '同一个 Idempotency-Key 已用于内容不同的请求', 'this Idempotency-Key was already used for a different request', { key });
          }
          return { status: seen.status, body: instanceView(proc, seen.instance) };
        }
      }
      if (headers.ifMatch !== undefined) {
        const want = parseIfMatch(headers.ifMatch);
        if (Number.isNaN(want)) throw fail('BAD_REQUEST', 'If-Match 应为 "<rev>"', 'If-Match must be "<rev>"', { ifMatch: headers.ifMatch });
        if (want !== inst.rev) {
          throw fail('REVISION_CONFLICT', `案件已被修改(当前版本 ${inst.rev},请求基于 ${want})`, `the case has changed (current rev ${inst.rev}, request was based on ${want})`, { rev: inst.rev, ifMatch: want });
        }
      }
      const res = await step(proc, inst, { type: body.type, payload: body.payload, actor }, this.env(inst));
      if (!res.ok) throw refusalError(res);
      const idempotency = key === undefined ? undefined : { key, fingerprint, status: 200, at: res.instance.updatedAt, instance: res.instance };
      await this.commit(tx, proc, res, { onBehalfOf, idempotency });
      return { status: 200, body: instanceView(proc, res.instance) };
    });
  }

  /**
   * Fires one deadline if it is still armed with that due time: the firing takes the timer inside the case's
   * transaction, so a deadline claimed by two processes (a lease that ran out) still fires once. The step happens at
   * the due instant (or at the case's last change, if later), as if the timer had fired on time. Returns whether
   * something was written.
   */
  async fireTimer(ref: TimerRef): Promise<boolean> {
    const { caseId: id, name, dueAt } = ref;
    return this.d.store.cases.transact(id, async (tx) => {
      if (!(await tx.takeTimer(name, dueAt))) return false;
      const inst = tx.current?.instance;
      if (!inst || inst.status !== 'active') return false;
      if (!inst.deadlines.some((x) => x.name === name && x.dueAt === dueAt && !x.overdue)) return false;
      const proc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      const at = new Date(Math.max(Date.parse(dueAt), Date.parse(inst.updatedAt)));
      const res = await fireDeadline(proc, inst, name, { ...this.env(inst), now: at });
      if (res.ok) {
        await this.commit(tx, proc, res, { deadline: name });
        return true;
      }
      // The expiry event was refused (e.g. the calendar ran out): still mark the deadline expired, once, and say why.
      this.d.log(`! 期限到期事件被拒绝 / deadline expiry refused: ${id} ${name}: ${res.code} ${res.message.en}`);
      await this.commit(tx, proc, markExpired(inst, name, at, res), { deadline: name });
      return true;
    });
  }

  /**
   * Writes a change the server itself computes for a stored case (the legal calendar's recalculation) in the case's
   * transaction, from the case as it is then; `change` returning null writes nothing. Returns what was written.
   */
  async amend<T>(id: string, change: (rec: CaseState, proc: CompiledProcedure) => { res: StepOk; opts?: Parameters<typeof stepDelta>[4]; out: T } | null): Promise<T | null> {
    return this.d.store.cases.transact(id, async (tx) => {
      if (!tx.current) return null;
      const i = tx.current.instance;
      const proc = await this.d.catalog.compiled(i.pack, i.procedure, i.version);
      const c = change(tx.current, proc);
      if (!c) return null;
      await this.commit(tx, proc, c.res, c.opts ?? {});
      return c.out;
    });
  }
}

function markExpired(inst: Instance, name: string, at: Date, why: Refusal): StepOk {
  const now = calendar.toShanghaiISO(at);
  const rev = inst.rev + 1;
  const instance: Instance = {
    ...inst, rev, overdue: true, everOverdue: true, updatedAt: now,
    deadlines: inst.deadlines.map((d) => (d.name === name ? { ...d, overdue: true } : d)),
  };
  return {
    ok: true, instance, effects: [], timers: { arm: [], cancel: [name] },
    history: { seq: rev, at: now, type: 'DEADLINE_EXPIRED', payload: { deadline: name, refused: { code: why.code, message: why.message } }, from: inst.state, to: inst.state, rules: [], effects: [] },
  };
}
