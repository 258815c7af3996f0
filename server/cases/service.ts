/**
 * Cases: start, send an event, fire a deadline. Each runs under the case's lock: load the record, let the pure
 * engine compute the step, write the new record (instance, history, outbox rows, timers) in one atomic put, then
 * tell the scheduler and the outbox. A refused step writes nothing.
 */
import {
  calendar, fireDeadline, start, step, type Actor, type CompiledProcedure, type Instance, type Refusal, type StepEnv, type StepOk,
} from '../../engine';
import type { CaseRecord, InstanceStore, OutboxRow } from '../store';
import type { PackCatalog } from '../packs/catalog';
import type { Registry } from '../registry';
import type { Clock } from '../time/clock';
import { ApiError, fail, notFound, type ApiCode } from '../http/errors';
import { canSeePack, isAdmin, type Auth } from '../auth/tokens';
import { KeyedLock } from '../util/keyed-lock';
import { newCaseId, sha256, stableStringify } from '../util/ids';
import { nextRecord } from './commit';
import { instanceView, type InstanceView } from './view';

export interface CaseHooks {
  committed(record: CaseRecord, rows: OutboxRow[]): void;
}

export interface CaseDeps {
  store: InstanceStore;
  catalog: PackCatalog;
  registry: Registry;
  clock: Clock;
  hooks: CaseHooks;
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
  readonly lock = new KeyedLock();

  constructor(private readonly d: CaseDeps) {}

  private env(inst?: { pack: string }): StepEnv {
    return {
      now: this.d.clock.now(),
      lookupInstance: async (id) => {
        const s = this.d.store.summary(id);
        return s && (!inst || s.pack === inst.pack) ? { status: s.status, procedure: s.procedure } : null;
      },
    };
  }

  /** The case's summary if the token may see it; 404 otherwise (existence is not revealed). */
  visible(auth: Auth, id: string) {
    const s = this.d.store.summary(id);
    if (!s || !canSeePack(auth, s.pack)) throw caseNotFound(id);
    return s;
  }

  async record(auth: Auth, id: string): Promise<{ rec: CaseRecord; proc: CompiledProcedure }> {
    const s = this.visible(auth, id);
    const rec = await this.d.store.get(id);
    if (!rec) throw caseNotFound(id);
    return { rec, proc: await this.d.catalog.compiled(s.pack, s.procedure, s.version) };
  }

  private async commit(prev: CaseRecord | null, proc: CompiledProcedure, res: StepOk, opts: Parameters<typeof nextRecord>[4]): Promise<CaseRecord> {
    const { record, rows } = nextRecord(proc, prev, res, this.d.registry.data.webhooks, opts);
    await this.d.store.put(record);
    this.d.hooks.committed(record, rows);
    return record;
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
    if (!pack.procedures[body.procedure] || version === undefined) {
      throw notFound({ 'zh-CN': `流程「${body.procedure}」不存在`, en: `procedure '${body.procedure}' does not exist` });
    }
    const proc = await this.d.catalog.compiled(body.pack, body.procedure, version);
    const roles = Object.keys(proc.doc.roles);
    if (!isAdmin(auth) && !auth.roles.some((r) => roles.includes(r))) {
      throw fail('FORBIDDEN', `只有该流程的角色可以立案(${roles.join('、')})`, `only the procedure's roles may start a case (${roles.join(', ')})`, { roles });
    }
    const run = async (): Promise<Reply> => {
      if (body.businessKey) {
        const existing = this.d.store.byBusinessKey(body.pack, body.businessKey);
        if (existing) {
          const { rec, proc: p } = await this.record(auth, existing);
          return { status: 200, body: instanceView(p, rec.instance) };
        }
      }
      const id = newCaseId();
      const res = await start(proc, { id, data: body.data, actor: { subject: auth.subject, roles: auth.roles }, businessKey: body.businessKey }, this.env(body));
      if (!res.ok) throw refusalError(res);
      const rec = await this.lock.run(id, () => this.commit(null, proc, res, {}));
      return { status: 201, body: instanceView(proc, rec.instance) };
    };
    return body.businessKey ? this.lock.run(`bk\u0000${body.pack}\u0000${body.businessKey}`, run) : run();
  }

  async send(auth: Auth, id: string, body: EventBody, headers: { ifMatch?: string; idempotencyKey?: string }): Promise<Reply> {
    this.visible(auth, id);
    const { actor, onBehalfOf } = this.actorOf(auth, body.actor);
    const key = headers.idempotencyKey;
    const fingerprint = key === undefined ? '' : sha256(stableStringify({ type: body.type, payload: body.payload ?? null, actor, onBehalfOf: onBehalfOf ?? null }));
    return this.lock.run(id, async () => {
      const { rec, proc } = await this.record(auth, id);
      if (key !== undefined) {
        const seen = rec.idempotency.find((r) => r.key === key);
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
        if (want !== rec.instance.rev) {
          throw fail('REVISION_CONFLICT', `案件已被修改(当前版本 ${rec.instance.rev},请求基于 ${want})`, `the case has changed (current rev ${rec.instance.rev}, request was based on ${want})`, { rev: rec.instance.rev, ifMatch: want });
        }
      }
      const res = await step(proc, rec.instance, { type: body.type, payload: body.payload, actor }, this.env(rec.instance));
      if (!res.ok) throw refusalError(res);
      const idempotency = key === undefined ? undefined : { key, fingerprint, status: 200, at: res.instance.updatedAt, instance: res.instance };
      const next = await this.commit(rec, proc, res, { onBehalfOf, idempotency });
      return { status: 200, body: instanceView(proc, next.instance) };
    });
  }

  /**
   * Fires one deadline if it is still armed with that due time (the scheduler may hold stale entries). The step
   * happens at the due instant (or at the case's last change, if later), as if the timer had fired on time.
   * Returns whether something was written.
   */
  async fireTimer(id: string, name: string, dueAt: string): Promise<boolean> {
    return this.lock.run(id, async () => {
      const s = this.d.store.summary(id);
      if (!s) return false;
      const rec = await this.d.store.get(id);
      if (!rec || rec.instance.status === 'done') return false;
      const armed = rec.instance.deadlines.find((x) => x.name === name && x.dueAt === dueAt && !x.overdue);
      if (!armed) return false;
      const proc = await this.d.catalog.compiled(s.pack, s.procedure, s.version);
      const at = new Date(Math.max(Date.parse(dueAt), Date.parse(rec.instance.updatedAt)));
      const res = await fireDeadline(proc, rec.instance, name, { ...this.env(rec.instance), now: at });
      if (res.ok) {
        await this.commit(rec, proc, res, { deadline: name });
        return true;
      }
      // The expiry event was refused (e.g. the calendar ran out): still mark the deadline expired, once, and say why.
      this.d.log(`! 期限到期事件被拒绝 / deadline expiry refused: ${id} ${name}: ${res.code} ${res.message.en}`);
      await this.commit(rec, proc, markExpired(rec.instance, name, at, res), { deadline: name });
      return true;
    });
  }

  /**
   * Writes a change the server itself computes for a stored case (the legal calendar's recalculation) under the
   * case's lock, from the record as it is then; `change` returning null writes nothing. Returns what was written.
   */
  async amend<T>(id: string, change: (rec: CaseRecord, proc: CompiledProcedure) => { res: StepOk; opts?: Parameters<typeof nextRecord>[4]; out: T } | null): Promise<T | null> {
    return this.lock.run(id, async () => {
      const s = this.d.store.summary(id);
      const rec = s && (await this.d.store.get(id));
      if (!s || !rec) return null;
      const proc = await this.d.catalog.compiled(s.pack, s.procedure, s.version);
      const c = change(rec, proc);
      if (!c) return null;
      await this.commit(rec, proc, c.res, c.opts ?? {});
      return c.out;
    });
  }

  /** Removes delivered (or dropped) outbox rows from a case. */
  async settleOutbox(id: string, rowId: string, dead?: NonNullable<OutboxRow['dead']>): Promise<void> {
    await this.lock.run(id, async () => {
      const rec = await this.d.store.get(id);
      if (!rec || !rec.outbox.some((r) => r.id === rowId)) return;
      const outbox = dead ? rec.outbox.map((r) => (r.id === rowId ? { ...r, dead } : r)) : rec.outbox.filter((r) => r.id !== rowId);
      await this.d.store.put({ ...rec, outbox });
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
