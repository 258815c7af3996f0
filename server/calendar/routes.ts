/** Legal calendar routes (API.md "Legal calendar"): a pack's year, and loading a year's State Council notice. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { calendar, type ResolvedPack } from '../../engine';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { fail, notFound } from '../http/errors';
import { canSeePack, requireAdmin, type Auth } from '../auth/tokens';
import type { CalendarService, LoadBody } from './service';

function yearParam(raw: unknown, name: string): number {
  if (typeof raw !== 'string' || !/^\d{4}$/.test(raw)) {
    throw fail('BAD_REQUEST', `${name} 应为四位年份`, `${name} must be a four-digit year`, [{ path: `/${name}`, message: { 'zh-CN': '应为 YYYY', en: 'must be YYYY' } }]);
  }
  return Number(raw);
}

export function calendarRoutes(r: Router, d: AppDeps, service: CalendarService): void {
  const pack = (ctx: Context): ResolvedPack => {
    const id = ctx.params.pack;
    const p = d.catalog.resolved(id);
    if (!p || !canSeePack(ctx.state.auth as Auth, id)) throw notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });
    return p;
  };

  r.get('/api/packs/:pack/calendar', (ctx) => {
    const p = pack(ctx);
    for (const k of Object.keys(ctx.query)) {
      if (k !== 'year') throw fail('BAD_REQUEST', `未知的查询参数:${k}`, `unknown query parameter: ${k}`, [{ path: `/query/${k}`, message: { 'zh-CN': '未知参数', en: 'unknown parameter' } }]);
    }
    const year = ctx.query.year === undefined ? Number(calendar.shanghaiDate(d.clock.now()).slice(0, 4)) : yearParam(ctx.query.year, 'year');
    ctx.body = service.year(p, year);
  });

  r.put('/api/packs/:pack/calendar/:year', async (ctx) => {
    const p = pack(ctx);
    requireAdmin(ctx.state.auth as Auth);
    const year = yearParam(ctx.params.year, 'year');
    const dry = ctx.query.dryRun;
    if (dry !== undefined && dry !== '1' && dry !== 'true' && dry !== '0' && dry !== 'false') {
      throw fail('BAD_REQUEST', 'dryRun 应为 1 或 0', 'dryRun must be 1 or 0');
    }
    const body = (await readJson(ctx)) as LoadBody | undefined;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw fail('BAD_REQUEST', '请求体应为 {"notice": "<通知全文>"} 或 {"source", "holidays", "workdays"}', 'the body must be {"notice": "<the notice text>"} or {"source", "holidays", "workdays"}');
    }
    ctx.body = await service.load(p.id, year, body, { dryRun: dry === '1' || dry === 'true' });
  });
}
