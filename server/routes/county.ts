/**
 * A county's own changes besides its procedures (DESIGN decision 6): the pack draft of parameter overrides, saved and
 * published like a procedure's; and moving running cases to a newer version (one case, or a batch, dry run first).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AppDeps } from '../deps';
import { operations as ops, type PackDraftBody } from '../contract';
import { mount } from '../http/route';
import { DomainError, fail, notFound } from '../errors';
import { iso, isoOf } from '../time/iso';
import { canSeePack, requireAdmin, requireDesigner, type Auth } from '../auth/tokens';
import { listDraft, parameterDraft, PACK_DRAFT, type ListEdits, type ParameterEdit } from '../packs/county';
import type { Migrations } from '../cases/migrate';
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
      for (const e of d.catalog.source(b)?.manifest.locked?.parameters ?? [])
        out.add(typeof e === 'string' ? e : e.item);
    }
    return out;
  };

  // `?ifExists=1`: 204 when there is none
  mount(r, ops.getPackDraft, async (ctx, { query }) => {
    const p = pack(ctx);
    requireDesigner(ctx.state.auth);
    const draft = await d.catalog.draft(p.id, PACK_DRAFT);
    if (!draft || (!draft.parameters && !draft.data)) {
      if (query.ifExists !== undefined) return { status: 204, body: undefined };
      throw notFound({ 'zh-CN': `配置包「${p.id}」没有草稿`, en: `pack '${p.id}' has no draft` });
    }
    return {
      status: 200,
      body: {
        parameters: draft.parameters ?? {},
        data: (draft.data ?? {}) as PackDraftBody['data'],
        savedAt: isoOf(draft.savedAt),
        ...(draft.savedBy ? { savedBy: draft.savedBy } : {}),
      },
    };
  });

  // The whole set of the county's pending changes: parameter overrides (each records the base value it replaces) and list items.
  mount(r, ops.putPackDraft, async (ctx, { body }) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    if (!p.extends)
      throw fail(
        'BAD_REQUEST',
        '只有继承上级的配置包有县级参数草稿',
        'only a pack extending a base has a draft of parameter overrides',
      );
    const base = d.catalog.resolved(p.extends);
    const { parameters, problems } = parameterDraft(
      p,
      base,
      (body.parameters ?? {}) as Record<string, ParameterEdit | null>,
      lockedParameters(p.id),
    );
    for (const [name, e] of Object.entries(body.parameters ?? {}))
      if (e?.basis !== undefined) problems.push(...checkBasis(e.basis, `/parameters/${name}/basis`));
    problems.push(...listDraft(base, (body.data ?? {}) as ListEdits));
    if (problems.length) {
      throw new DomainError(
        'INVALID_DEFINITION',
        {
          'zh-CN': `参数草稿有 ${problems.length} 个问题`,
          en: `the parameter draft has ${problems.length} problem(s)`,
        },
        problems,
      );
    }
    const now = iso(d.clock.now());
    const data = (body.data ?? {}) as ListEdits;
    await d.store.drafts.save(p.id, PACK_DRAFT, {
      doc: { id: PACK_DRAFT } as never,
      parameters,
      data,
      savedAt: now,
      savedBy: auth.subject,
    });
    return {
      status: 200,
      body: { saved: true as const, savedAt: now, parameters, data: data as PackDraftBody['data'] },
    };
  });

  mount(r, ops.publishPack, async (ctx, { body }) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const published = await d.catalog.publishPackDraft(p.id, iso(d.clock.now()), {
      by: auth.subject,
      ...(body?.note ? { note: body.note } : {}),
    });
    return { status: 201, body: { published } };
  });

  mount(r, ops.migrateInstance, async (ctx, { body }) => {
    requireAdmin(ctx.state.auth);
    return { status: 200, body: await migrations.migrateCase(ctx.state.auth, ctx.params.id, body ?? {}) };
  });

  mount(r, ops.migrateCases, async (ctx, { body }) => {
    const p = pack(ctx);
    requireAdmin(ctx.state.auth);
    if (!p.procedures[ctx.params.proc] && !d.catalog.latestVersion(p.id, ctx.params.proc)) {
      throw notFound({
        'zh-CN': `流程「${ctx.params.proc}」不存在`,
        en: `procedure '${ctx.params.proc}' does not exist`,
      });
    }
    return { status: 200, body: await migrations.migrateBatch(ctx.state.auth, p.id, ctx.params.proc, body ?? {}) };
  });
}
