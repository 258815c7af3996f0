/** Health, the published schemas and OpenAPI document, the calling token, tokens, the controlled clock, stats. */
import type Router from '@koa/router';
import { packSchema, procedureSchema } from '../../engine';
import type { AppDeps } from '../deps';
import { openapi } from '../http/openapi';
import { readJson } from '../http/body';
import { fail, notFound } from '../http/errors';
import { dateParam, instant, stringParam, validateBody } from '../http/validate';
import { canSeePack, requireAdmin, type Auth } from '../auth/tokens';
import { ClockBackwards, ControlledClock } from '../time/clock';
import { statsBody } from '../cases/stats';
import { KeyedLock } from '../util/keyed-lock';

export function systemRoutes(r: Router, d: AppDeps): void {
  const clockLock = new KeyedLock();

  r.get('/api/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  r.get('/api/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  r.get('/api/schemas/procedure.json', (ctx) => {
    ctx.body = procedureSchema;
  });
  r.get('/api/schemas/pack.json', (ctx) => {
    ctx.body = packSchema;
  });
  r.get('/api/me', (ctx) => {
    ctx.body = ctx.state.auth;
  });

  r.post('/api/admin/tokens', async (ctx) => {
    requireAdmin(ctx.state.auth);
    const body = validateBody<Auth>('TokenCreate', await readJson(ctx));
    ctx.status = 201;
    ctx.body = await d.tokens.create(body, d.clock.now().toISOString());
  });

  const controlled = () => {
    if (!(d.clock instanceof ControlledClock)) {
      throw notFound({ 'zh-CN': '受控时钟未开启(GONGZHI_CONTROLLED_CLOCK=1)', en: 'the controlled clock is off (GONGZHI_CONTROLLED_CLOCK=1)' });
    }
    return d.clock;
  };
  r.get('/api/admin/clock', (ctx) => {
    ctx.body = { now: controlled().now().toISOString() };
  });
  r.put('/api/admin/clock', async (ctx) => {
    const clock = controlled();
    requireAdmin(ctx.state.auth);
    const body = validateBody<{ now: string }>('ClockSet', await readJson(ctx));
    const to = instant(body.now, '/now');
    ctx.body = await clockLock.run('clock', async () => {
      const backwards = (cur: Date) => fail('CLOCK_BACKWARDS', `时钟只能向前拨动(当前 ${cur.toISOString()})`, `the clock only moves forward (now ${cur.toISOString()})`, { now: cur.toISOString() });
      const cur = clock.now();
      if (to < cur) throw backwards(cur);
      try {
        await clock.set(to);
      } catch (e) {
        if (e instanceof ClockBackwards) throw backwards(e.current); // another process moved it further
        throw e;
      }
      // every deadline due by then fires before the reply (some perhaps on other processes sharing the store)
      const fired = await d.scheduler.settle(to);
      return { now: to.toISOString(), fired };
    });
  });

  r.get('/api/stats', async (ctx) => {
    const auth = ctx.state.auth as Auth;
    const q = {
      pack: stringParam(ctx.query.pack, 'pack'), procedure: stringParam(ctx.query.procedure, 'procedure'),
      from: dateParam(ctx.query.from, 'from'), to: dateParam(ctx.query.to, 'to'),
    };
    if (q.pack && !canSeePack(auth, q.pack)) throw notFound({ 'zh-CN': `配置包「${q.pack}」不存在`, en: `pack '${q.pack}' does not exist` });
    ctx.body = statsBody(await d.store.cases.stats({ ...q, packs: auth.packs }), q);
  });
}
