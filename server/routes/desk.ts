/**
 * The supervision desk's downloads: the case list (`GET /api/exports/cases.xlsx`, the listing's filters and order)
 * and the figures (`GET /api/exports/figures.xlsx`, the stats' scope) as .xlsx workbooks (server/exports/desk.ts).
 */
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { operations as ops, XLSX } from '../contract';
import { mount } from '../http/route';
import { DeskExports } from '../exports/desk';

export function deskRoutes(r: Router, d: AppDeps): void {
  const exports = new DeskExports(d);
  mount(r, ops.exportCases, async (ctx, { query }) => {
    const file = await exports.cases(ctx.state.auth, query);
    ctx.set('Content-Type', XLSX);
    ctx.set('Content-Disposition', file.disposition);
    return { status: 200, body: file.body };
  });
  mount(r, ops.exportFigures, async (ctx, { query }) => {
    const file = await exports.figures(ctx.state.auth, query);
    ctx.set('Content-Type', XLSX);
    ctx.set('Content-Disposition', file.disposition);
    return { status: 200, body: file.body };
  });
}
