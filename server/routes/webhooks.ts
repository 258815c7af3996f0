/** Webhook subscriptions and their deliveries (webhooks/service.ts decides; webhooks/outbox.ts delivers). */
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { operations as ops } from '../contract';
import { mount } from '../http/route';

export function webhookRoutes(r: Router, d: AppDeps): void {
  mount(r, ops.listWebhooks, (ctx) => ({ status: 200, body: d.webhooks.list(ctx.state.auth) }));
  mount(r, ops.createWebhook, async (ctx, { body }) => ({
    status: 201,
    body: await d.webhooks.create(ctx.state.auth, body),
  }));
  mount(r, ops.deleteWebhook, async (ctx, { params }) => {
    await d.webhooks.remove(ctx.state.auth, params.id);
    return { status: 204, body: undefined };
  });
  mount(r, ops.listDeliveries, async (ctx, { params, query }) => ({
    status: 200,
    body: await d.webhooks.deliveries(ctx.state.auth, params.id, query),
  }));
  mount(r, ops.redeliver, async (ctx, { params }) => ({
    status: 202,
    body: await d.webhooks.redeliver(ctx.state.auth, params.id, params.delivery),
  }));
}
