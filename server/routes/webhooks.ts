/** Webhook subscriptions (admin). Deliveries are made by webhooks/outbox.ts. */
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { notFound } from '../http/errors';
import { validateBody } from '../http/validate';
import { requireAdmin } from '../auth/tokens';
import type { Webhook } from '../registry';
import { newCaseId } from '../util/ids';

const publicView = ({ secret: _s, ...w }: Webhook) => w;

export function webhookRoutes(r: Router, d: AppDeps): void {
  r.get('/api/webhooks', (ctx) => {
    requireAdmin(ctx.state.auth);
    ctx.body = d.subscriptions.all().map(publicView);
  });

  r.post('/api/webhooks', async (ctx) => {
    requireAdmin(ctx.state.auth);
    const body = validateBody<Omit<Webhook, 'id' | 'createdAt' | 'createdBy'>>('WebhookCreate', await readJson(ctx));
    if (body.pack && !d.catalog.resolved(body.pack)) throw notFound({ 'zh-CN': `配置包「${body.pack}」不存在`, en: `pack '${body.pack}' does not exist` });
    const hook: Webhook = { id: `wh${newCaseId()}`, ...body, createdAt: d.clock.now().toISOString(), createdBy: ctx.state.auth.subject };
    await d.subscriptions.create(hook);
    ctx.status = 201;
    ctx.body = publicView(hook);
  });

  r.delete('/api/webhooks/:id', async (ctx) => {
    requireAdmin(ctx.state.auth);
    if (!(await d.subscriptions.remove(ctx.params.id))) throw notFound();
    ctx.status = 204;
  });
}
