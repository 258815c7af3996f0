/** Health, the published schemas and OpenAPI document, metrics, the calling token, tokens, the controlled clock. */
import type Router from '@koa/router';
import { packSchema, procedureSchema } from '../../engine';
import type { AppDeps } from '../deps';
import { operations as ops } from '../contract';
import { mount } from '../http/route';
import { buildOpenApi, procedureTypes } from '../http/openapi';
import { fail } from '../errors';
import { canSeePack, isAdmin, requireAdmin } from '../auth/tokens';
import { ClockControl } from '../time/advance';
import { instant, iso } from '../time/iso';

export function systemRoutes(r: Router, d: AppDeps): void {
  const clock = new ClockControl(d.clock, d.scheduler);

  mount(r, ops.health, () => ({ status: 200, body: { status: 'ok' as const } }));
  // public; with a token, the start-data and payload types of the packs it may see are added
  mount(r, ops.openapi, async (ctx) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1];
    const auth = bearer ? await d.tokens.lookup(bearer) : null;
    const procedures = auth ? procedureTypes(d.catalog).filter((p) => canSeePack(auth, p.pack)) : [];
    return { status: 200, body: buildOpenApi({ serverUrl: `${ctx.protocol}://${ctx.host}`, procedures }) };
  });
  mount(r, ops.procedureSchema, () => ({ status: 200, body: procedureSchema }));
  mount(r, ops.packSchema, () => ({ status: 200, body: packSchema }));
  mount(r, ops.metrics, async (ctx) => {
    const auth = ctx.state.auth;
    if (!isAdmin(auth) && !auth.roles.includes('metrics'))
      throw fail('FORBIDDEN', '需要 metrics 角色或管理员权限', 'the metrics or admin role is required');
    ctx.type = d.metrics.contentType;
    return { status: 200, body: await d.metrics.text() };
  });
  mount(r, ops.me, (ctx) => {
    const { subject, roles, packs, tokenId } = ctx.state.auth;
    // `now`: the server's clock (a controlled one in demos and tests), so that "this week" is the server's week
    return { status: 200, body: { subject, roles, packs, tokenId, now: iso(d.clock.now()) } };
  });

  mount(r, ops.createToken, async (ctx, { body }) => {
    requireAdmin(ctx.state.auth);
    return { status: 201, body: await d.tokens.create(body) };
  });
  mount(r, ops.listTokens, async (ctx) => {
    requireAdmin(ctx.state.auth);
    return { status: 200, body: await d.tokens.list() };
  });
  mount(r, ops.revokeToken, async (ctx, { params }) => {
    requireAdmin(ctx.state.auth);
    await d.tokens.revoke(params.id);
    return { status: 204, body: undefined };
  });

  mount(r, ops.getClock, () => ({ status: 200, body: clock.now() }));
  mount(r, ops.setClock, async (ctx, { body }) => {
    requireAdmin(ctx.state.auth);
    return { status: 200, body: await clock.advance(instant(body.now, '/now')) };
  });
}
