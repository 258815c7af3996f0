/** Cases: start, read, list, send events, history. */
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { enumParam, intParam, stringParam, validateBody } from '../http/validate';
import type { EventBody, StartBody } from '../cases/service';
import { historyView, instanceView } from '../cases/view';
import { decodeCursor } from '../cases/query';
import { MIGRATED } from '../../engine';

export function instanceRoutes(r: Router, d: AppDeps): void {
  r.post('/api/instances', async (ctx) => {
    const body = validateBody<StartBody>('InstanceStart', await readJson(ctx));
    const reply = await d.cases.start(ctx.state.auth, body);
    ctx.status = reply.status;
    ctx.set('ETag', `"${reply.body.rev}"`);
    ctx.set('Location', `/api/instances/${reply.body.id}`);
    ctx.body = reply.body;
  });

  r.get('/api/instances', async (ctx) => {
    const overdue = enumParam(ctx.query.overdue, 'overdue', ['true', 'false'] as const);
    const { items, next } = await d.store.cases.list({
      packs: ctx.state.auth.packs,
      pack: stringParam(ctx.query.pack, 'pack'), procedure: stringParam(ctx.query.procedure, 'procedure'),
      state: stringParam(ctx.query.state, 'state'), status: enumParam(ctx.query.status, 'status', ['active', 'done'] as const),
      overdue: overdue === undefined ? undefined : overdue === 'true',
      limit: intParam(ctx.query.limit, 'limit', 50, 1, 500), after: decodeCursor(stringParam(ctx.query.cursor, 'cursor')),
    });
    const views = [];
    for (const i of items) views.push(instanceView(await d.catalog.compiled(i.pack, i.procedure, i.version), i));
    ctx.body = { items: views, next: next === null ? null : Buffer.from(next).toString('base64url') };
  });

  r.get('/api/instances/:id', async (ctx) => {
    const { state, proc } = await d.cases.record(ctx.state.auth, ctx.params.id);
    ctx.set('ETag', `"${state.instance.rev}"`);
    ctx.body = instanceView(proc, state.instance);
  });

  r.post('/api/instances/:id/events', async (ctx) => {
    await d.cases.visible(ctx.state.auth, ctx.params.id);
    const body = validateBody<EventBody>('EventSend', await readJson(ctx));
    const key = ctx.get('idempotency-key');
    const ifMatch = ctx.get('if-match');
    const reply = await d.cases.send(ctx.state.auth, ctx.params.id, body, {
      ...(key ? { idempotencyKey: key } : {}), ...(ifMatch ? { ifMatch } : {}),
    });
    ctx.status = reply.status;
    ctx.set('ETag', `"${reply.body.rev}"`);
    ctx.body = reply.body;
  });

  r.get('/api/instances/:id/history', async (ctx) => {
    const { proc, state } = await d.cases.record(ctx.state.auth, ctx.params.id);
    const history = await d.store.cases.history(ctx.params.id);
    // a migrated case: each entry is read with the version it was made on
    const i = state.instance;
    const migrations = history.filter((h) => h.type === MIGRATED).map((h) => h.payload as { fromVersion: number; toVersion: number });
    let version = migrations.length ? migrations[0].fromVersion : i.version;
    const views = [];
    for (const h of history) {
      const p = version === i.version ? proc : await d.catalog.compiled(i.pack, i.procedure, version);
      views.push(historyView(p, h));
      if (h.type === MIGRATED) version = (h.payload as { toVersion: number }).toVersion;
    }
    ctx.body = views;
  });
}
