/** Legal calendar routes (API.md "Legal calendar"): a pack's year, and loading a year's State Council notice. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { calendar, type ResolvedPack } from '../../engine';
import type { AppDeps } from '../deps';
import { fail, notFound } from '../errors';
import { operations as ops } from '../contract';
import { mount } from '../http/route';
import { canSeePack, requireAdmin, type Auth } from '../auth/tokens';
import type { CalendarService, LoadBody } from './service';

function yearParam(raw: unknown, name: string): number {
  if (typeof raw !== 'string' || !/^\d{4}$/.test(raw)) {
    throw fail('BAD_REQUEST', `${name} 应为四位年份`, `${name} must be a four-digit year`, [
      { path: `/${name}`, message: { 'zh-CN': '应为 YYYY', en: 'must be YYYY' } },
    ]);
  }
  return Number(raw);
}

export function calendarRoutes(r: Router, d: AppDeps, service: CalendarService): void {
  const pack = (ctx: Context): ResolvedPack => {
    const id = ctx.params.pack;
    const p = d.catalog.resolved(id);
    if (!p || !canSeePack(ctx.state.auth as Auth, id))
      throw notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });
    return p;
  };

  mount(r, ops.getCalendar, (ctx, { query }) => {
    const p = pack(ctx);
    const year =
      query.year === undefined
        ? Number(calendar.shanghaiDate(d.clock.now()).slice(0, 4))
        : yearParam(query.year, 'year');
    return { status: 200, body: service.year(p, year) };
  });

  mount(r, ops.loadCalendar, async (ctx, { query, body: raw }) => {
    const p = pack(ctx);
    requireAdmin(ctx.state.auth as Auth);
    const year = yearParam(ctx.params.year, 'year');
    const dry = query.dryRun;
    const body = raw as LoadBody | undefined;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw fail(
        'BAD_REQUEST',
        '请求体应为 {"notice": "<通知全文>"} 或 {"source", "holidays", "workdays"}',
        'the body must be {"notice": "<the notice text>"} or {"source", "holidays", "workdays"}',
      );
    }
    return { status: 200, body: await service.load(p.id, year, body, { dryRun: dry === '1' || dry === 'true' }) };
  });
}
