/** Cases: start, read, list, send events, cancel, history, statistics. Handlers translate; the case service works. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AppDeps } from '../deps';
import { operations as ops } from '../contract';
import { mount } from '../http/route';
import type { CallMeta } from '../cases/service';

function meta(ctx: Context): CallMeta {
  const key = ctx.get('idempotency-key');
  const ifMatch = ctx.get('if-match');
  return { requestId: ctx.state.requestId, ...(key ? { idempotencyKey: key } : {}), ...(ifMatch ? { ifMatch } : {}) };
}

export function instanceRoutes(r: Router, d: AppDeps): void {
  mount(r, ops.startInstance, async (ctx, { body }) => {
    const { created, instance } = await d.cases.start(ctx.state.auth, body, meta(ctx));
    ctx.set('ETag', `"${instance.rev}"`);
    ctx.set('Location', `/api/instances/${instance.id}`);
    return created ? { status: 201, body: instance } : { status: 200, body: instance };
  });

  mount(r, ops.listInstances, async (ctx, { query }) => ({
    status: 200,
    body: await d.cases.list(ctx.state.auth, query),
  }));

  mount(r, ops.getInstance, async (ctx, { params }) => {
    const instance = await d.cases.get(ctx.state.auth, params.id);
    ctx.set('ETag', `"${instance.rev}"`);
    return { status: 200, body: instance };
  });

  mount(r, ops.sendEvent, async (ctx, { params, body }) => {
    const instance = await d.cases.send(ctx.state.auth, params.id, body, meta(ctx));
    ctx.set('ETag', `"${instance.rev}"`);
    return { status: 200, body: instance };
  });

  mount(r, ops.cancelInstance, async (ctx, { params, body }) => {
    const instance = await d.cases.cancel(ctx.state.auth, params.id, body, meta(ctx));
    ctx.set('ETag', `"${instance.rev}"`);
    return { status: 200, body: instance };
  });

  mount(r, ops.getHistory, async (ctx, { params }) => ({
    status: 200,
    body: await d.cases.history(ctx.state.auth, params.id),
  }));

  mount(r, ops.stats, async (ctx, { query }) => ({
    status: 200,
    body: await d.cases.statistics(ctx.state.auth, query),
  }));
}
