/**
 * Subscriptions: who may make, see and remove them, which event names they may ask for, where they may point; and
 * their deliveries (listed from the store's outbox queue, redelivered through it). Admins see every subscription; a
 * token with the `integrator` role makes and sees subscriptions for its own packs.
 */
import type { ProcedureDoc } from '../../engine';
import type { PackCatalog } from '../packs/catalog';
import type { Webhook } from '../registry';
import type { DeliveryInfo, DeliveryStatus, OutboxQueue } from '../store/seam';
import type { DeliveryBody, WebhookBody } from '../contract';
import { fail, notFound } from '../errors';
import { canSeePack, isAdmin, type Auth } from '../auth/tokens';
import { newId } from '../util/ids';
import { iso, isoOf } from '../time/iso';
import type { Subscriptions } from './subscriptions';
import { refusedAddresses, type AllowList } from './destinations';

export interface WebhookCreate {
  url: string;
  pack?: string;
  procedure?: string;
  events: string[];
  secret: string;
}

/** Every effect name a procedure can emit: its `emit` actions and its deadlines' expiry effects. */
export function effectsOf(doc: ProcedureDoc): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'emit' && o.params && typeof (o.params as Record<string, unknown>).effect === 'string')
        out.add((o.params as { effect: string }).effect);
      Object.values(o).forEach(walk);
    }
  };
  walk(doc.machine);
  for (const d of Object.values(doc.deadlines ?? {})) for (const e of d.onExpiry?.effects ?? []) out.add(e);
  return out;
}

const publicView = ({ secret: _s, ...w }: Webhook): WebhookBody => ({ ...w, createdAt: isoOf(w.createdAt) });

const deliveryView = (d: DeliveryInfo): DeliveryBody => ({
  id: d.id,
  webhook: d.webhook,
  instance: d.caseId,
  type: d.type,
  status: d.status,
  createdAt: isoOf(d.createdAt),
  attempts: d.attempts,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt === null ? null : isoOf(d.lastAttemptAt),
  nextAttemptAt: d.nextAttemptAt === null ? null : iso(new Date(d.nextAttemptAt)),
  deliveredAt: d.deliveredAt === null ? null : isoOf(d.deliveredAt),
  requestId: d.requestId,
});
const hookNotFound = (id: string) =>
  notFound({ 'zh-CN': `订阅「${id}」不存在`, en: `subscription '${id}' does not exist` });

export class WebhookService {
  constructor(
    private readonly d: {
      subscriptions: Subscriptions;
      catalog: PackCatalog;
      outbox: OutboxQueue;
      now: () => Date;
      allow: AllowList;
    },
  ) {}

  /** Admins manage every subscription; integrators those of their packs. */
  private mayManage(auth: Auth): void {
    if (!isAdmin(auth) && !auth.roles.includes('integrator'))
      throw fail('FORBIDDEN', '需要管理员或对接方(integrator)权限', 'the admin or integrator role is required');
  }

  private visibleTo(auth: Auth, w: Webhook): boolean {
    return isAdmin(auth) || (w.pack !== undefined ? canSeePack(auth, w.pack) : auth.packs === '*');
  }

  private hook(auth: Auth, id: string): Webhook {
    this.mayManage(auth);
    const w = this.d.subscriptions.get(id);
    if (!w || !this.visibleTo(auth, w)) throw hookNotFound(id);
    return w;
  }

  list(auth: Auth): WebhookBody[] {
    this.mayManage(auth);
    return this.d.subscriptions
      .all()
      .filter((w) => this.visibleTo(auth, w))
      .map(publicView);
  }

  async create(auth: Auth, body: WebhookCreate): Promise<WebhookBody> {
    this.mayManage(auth);
    if (body.pack !== undefined && (!this.d.catalog.resolved(body.pack) || !canSeePack(auth, body.pack))) {
      throw notFound({ 'zh-CN': `配置包「${body.pack}」不存在`, en: `pack '${body.pack}' does not exist` });
    }
    if (body.pack === undefined && auth.packs !== '*') {
      throw fail(
        'FORBIDDEN',
        '令牌只能订阅自己的配置包:请填写 pack',
        'this token may subscribe to its own packs only: give `pack`',
        [{ path: '/pack', message: { 'zh-CN': '必填', en: 'required for this token' } }],
      );
    }
    const problems = [...this.unknownEvents(body), ...(await this.badDestination(body.url))];
    if (problems.length)
      throw fail(
        'INVALID_WEBHOOK',
        `订阅有 ${problems.length} 个问题`,
        `the subscription has ${problems.length} problem(s)`,
        problems,
      );
    const hook: Webhook = { id: newId('wh'), ...body, createdAt: iso(this.d.now()), createdBy: auth.subject };
    await this.d.subscriptions.create(hook);
    return publicView(hook);
  }

  async remove(auth: Auth, id: string): Promise<void> {
    this.hook(auth, id);
    if (!(await this.d.subscriptions.remove(id))) throw hookNotFound(id);
  }

  /** The latest `limit` deliveries of a subscription (of one status), oldest first. */
  async deliveries(auth: Auth, id: string, q: { status?: DeliveryStatus; limit?: number }): Promise<DeliveryBody[]> {
    this.hook(auth, id);
    return (await this.d.outbox.list(id, { status: q.status, limit: q.limit ?? 200 })).map(deliveryView);
  }

  async redeliver(auth: Auth, id: string, delivery: string): Promise<{ id: string; status: 'pending' }> {
    this.hook(auth, id);
    if (!(await this.d.outbox.redeliver(id, delivery))) {
      throw notFound({
        'zh-CN': `投递「${delivery}」不存在或已不保留`,
        en: `delivery '${delivery}' does not exist or is no longer kept`,
      });
    }
    return { id: delivery, status: 'pending' as const };
  }

  /** Event names no procedure in the subscription's scope can produce. */
  private unknownEvents(body: WebhookCreate) {
    const packs = body.pack !== undefined ? [body.pack] : this.d.catalog.packIds();
    const effects = new Set<string>();
    let procedures = 0;
    for (const p of packs) {
      for (const [id, doc] of Object.entries(this.d.catalog.resolved(p)?.procedures ?? {})) {
        if (body.procedure !== undefined && id !== body.procedure) continue;
        procedures++;
        for (const e of effectsOf(doc)) effects.add(e);
      }
    }
    const out: { path: string; message: { 'zh-CN': string; en: string } }[] = [];
    if (body.procedure !== undefined && procedures === 0) {
      out.push({
        path: '/procedure',
        message: { 'zh-CN': `流程「${body.procedure}」不存在`, en: `procedure '${body.procedure}' does not exist` },
      });
    }
    body.events.forEach((e, i) => {
      if (!e.startsWith('effect:') || effects.has(e.slice(7))) return;
      out.push({
        path: `/events/${i}`,
        message: {
          'zh-CN': `没有流程会产生效果「${e.slice(7)}」`,
          en: `no procedure in scope emits the effect '${e.slice(7)}'`,
        },
      });
    });
    return out;
  }

  private async badDestination(url: string) {
    const refused = await refusedAddresses(url, this.d.allow);
    if (!refused.length) return [];
    return [
      {
        path: '/url',
        message: {
          'zh-CN': `目标地址 ${refused.join('、')} 属于本机、内网或链路本地地址,未被允许(GONGZHI_WEBHOOK_ALLOW)`,
          en: `the destination ${refused.join(', ')} is a loopback, private or link-local address not allowed by GONGZHI_WEBHOOK_ALLOW`,
        },
      },
    ];
  }
}
