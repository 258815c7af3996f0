/**
 * A county's own changes besides its procedures (DESIGN decision 6): the pack draft of parameter overrides, saved and
 * published like a procedure's; and moving running cases to a newer version (one case, or a batch, dry run first).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { ApiError, fail, notFound } from '../http/errors';
import { validateBody } from '../http/validate';
import { canSeePack, requireAdmin, requireDesigner, type Auth } from '../auth/tokens';
import { listDraft, parameterDraft, PACK_DRAFT, type ListEdits, type ParameterEdit } from '../packs/county';
import type { BatchBody, Migrations, MigrateBody } from '../cases/migrate';
import { checkBasis } from '../../engine/basis';

const packNotFound = (id: string) => notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });

export function countyRoutes(r: Router, d: AppDeps, migrations: Migrations): void {
  const pack = (ctx: Context) => {
    const p = d.catalog.resolved(ctx.params.pack);
    if (!p || !canSeePack(ctx.state.auth as Auth, p.id)) throw packNotFound(ctx.params.pack);
    return p;
  };
  /** What the bases lock (parameters), from their manifests and their own `locked` flags. */
  const lockedParameters = (id: string) => {
    const out = new Set<string>();
    for (const b of d.catalog.resolved(id)?.lineage.filter((x) => x !== id) ?? []) {
      for (const e of d.catalog.source(b)?.manifest.locked?.parameters ?? []) out.add(typeof e === 'string' ? e : e.item);
    }
    return out;
  };

  // `?ifExists=1`: 204 when there is none
  r.get('/api/packs/:pack/draft', async (ctx) => {
    const p = pack(ctx);
    requireDesigner(ctx.state.auth);
    const draft = await d.catalog.draft(p.id, PACK_DRAFT);
    if (!draft || (!draft.parameters && !draft.data)) {
      if (ctx.query.ifExists !== undefined) {
        ctx.status = 204;
        return;
      }
      throw notFound({ 'zh-CN': `配置包「${p.id}」没有草稿`, en: `pack '${p.id}' has no draft` });
    }
    ctx.body = { parameters: draft.parameters ?? {}, data: draft.data ?? {}, savedAt: draft.savedAt, savedBy: draft.savedBy };
  });

  // The whole set of the county's pending changes: parameter overrides (each records the base value it replaces) and list items.
  r.put('/api/packs/:pack/draft', async (ctx) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    if (!p.extends) throw fail('BAD_REQUEST', '只有继承上级的配置包有县级参数草稿', 'only a pack extending a base has a draft of parameter overrides');
    const body = validateBody<{ parameters?: Record<string, ParameterEdit | null>; data?: ListEdits }>('PackDraft', await readJson(ctx));
    const base = d.catalog.resolved(p.extends);
    const { parameters, problems } = parameterDraft(p, base, body.parameters ?? {}, lockedParameters(p.id));
    for (const [name, e] of Object.entries(body.parameters ?? {})) if (e?.basis !== undefined) problems.push(...checkBasis(e.basis, `/parameters/${name}/basis`));
    problems.push(...listDraft(base, body.data ?? {}));
    if (problems.length) {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': `参数草稿有 ${problems.length} 个问题`, en: `the parameter draft has ${problems.length} problem(s)` }, problems);
    }
    const now = d.clock.now().toISOString();
    const data = body.data ?? {};
    await d.store.drafts.save(p.id, PACK_DRAFT, { doc: { id: PACK_DRAFT } as never, parameters, data, savedAt: now, savedBy: auth.subject });
    ctx.body = { saved: true, savedAt: now, parameters, data };
  });

  r.post('/api/packs/:pack/publish', async (ctx) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const body = (await readJson(ctx)) as { note?: unknown } | undefined;
    const note = typeof body?.note === 'string' ? body.note.slice(0, 2000) : undefined;
    const published = await d.catalog.publishPackDraft(p.id, d.clock.now().toISOString(), { by: auth.subject, ...(note ? { note } : {}) });
    ctx.status = 201;
    ctx.body = { published };
  });

  r.post('/api/instances/:id/migrate', async (ctx) => {
    requireAdmin(ctx.state.auth);
    const body = validateBody<MigrateBody>('Migrate', (await readJson(ctx)) ?? {});
    ctx.body = await migrations.migrateCase(ctx.state.auth, ctx.params.id, body);
  });

  r.post('/api/packs/:pack/procedures/:proc/migrate', async (ctx) => {
    const p = pack(ctx);
    requireAdmin(ctx.state.auth);
    if (!p.procedures[ctx.params.proc] && !d.catalog.latestVersion(p.id, ctx.params.proc)) {
      throw notFound({ 'zh-CN': `流程「${ctx.params.proc}」不存在`, en: `procedure '${ctx.params.proc}' does not exist` });
    }
    const body = validateBody<BatchBody>('MigrateBatch', (await readJson(ctx)) ?? {});
    ctx.body = await migrations.migrateBatch(ctx.state.auth, p.id, ctx.params.proc, body);
  });
}
