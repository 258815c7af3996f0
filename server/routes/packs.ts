/** Packs and procedures: read, drafts, publish, simulate, import and export bundles. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { isSlug, own, validateProcedure, type ProcedureDoc, type ResolvedPack } from '../../engine';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { ApiError, fail, notFound } from '../http/errors';
import { intParam, validateBody } from '../http/validate';
import { canReadPack, canSeePack, requireDesigner, type Auth } from '../auth/tokens';
import { bundleOf, sourceOf, type Bundle } from '../packs/bundle';
import { simulate, type SimulateBody } from '../packs/simulate';

const packNotFound = (id: string) => notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });

/** What keeps a draft from being published: the engine's checks, and an id that is not the procedure's. */
function draftProblems(p: ResolvedPack, proc: string, doc: unknown) {
  const problems = validateProcedure(doc, { parameters: p.parameters });
  if (doc && typeof doc === 'object' && (doc as ProcedureDoc).id !== proc) {
    problems.push({ path: '/id', code: 'ID_MISMATCH', message: { 'zh-CN': `流程编号应为「${proc}」`, en: `the id must be '${proc}'` } });
  }
  return problems;
}

export function packRoutes(r: Router, d: AppDeps): void {
  // ids in the path are checked before any route sees them: a pack or procedure that cannot exist is 404
  r.param('pack', (value, ctx, next) => {
    if (!isSlug(value)) throw packNotFound(value);
    return next();
  });
  r.param('proc', (value, ctx, next) => {
    if (!isSlug(value)) throw notFound({ 'zh-CN': `流程「${value}」不存在`, en: `procedure '${value}' does not exist` });
    return next();
  });
  const pack = (ctx: Context): ResolvedPack => {
    const id = ctx.params.pack;
    const p = d.catalog.resolved(id);
    const auth = ctx.state.auth as Auth;
    // a base of the token's packs may be read (the county's staff see what their changes are laid over), not changed
    const readable = ctx.method === 'GET' || ctx.method === 'HEAD'
      ? canReadPack(auth, id, (x) => d.catalog.resolved(x)?.extends)
      : canSeePack(auth, id);
    if (!p || !readable) throw packNotFound(id);
    return p;
  };
  const procedureOf = async (ctx: Context) => {
    const p = pack(ctx);
    const id = ctx.params.proc;
    if (!own(p.procedures, id) && !(await d.catalog.draft(p.id, id))) throw notFound({ 'zh-CN': `流程「${id}」不存在`, en: `procedure '${id}' does not exist` });
    return { pack: p, id };
  };
  const withVersion = (p: ResolvedPack, id: string, doc: ProcedureDoc) => ({ ...doc, version: d.catalog.latestVersion(p.id, id) });

  r.get('/api/packs', (ctx) => {
    const auth = ctx.state.auth as Auth;
    ctx.body = d.catalog.packIds().filter((id) => canSeePack(auth, id)).map((id) => {
      const p = d.catalog.resolved(id)!;
      return {
        id, title: p.title, extends: p.extends ?? null,
        procedures: Object.entries(p.procedures).map(([pid, doc]) => ({ id: pid, version: d.catalog.latestVersion(id, pid) ?? null, title: doc.title })),
      };
    });
  });

  r.post('/api/packs', async (ctx) => {
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const bundle = validateBody<Bundle>('Bundle', await readJson(ctx), 'INVALID_DEFINITION');
    const id = (bundle.manifest as { id?: unknown }).id;
    if (typeof id === 'string' && !canSeePack(auth, id)) throw fail('FORBIDDEN', `令牌无权导入配置包「${id}」`, `the token may not import pack '${id}'`);
    if (typeof id !== 'string') {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': '配置包校验未通过(1 个问题)', en: 'the bundle does not validate (1 problem)' },
        [{ path: '/manifest/id', code: 'SCHEMA', message: { 'zh-CN': '缺少配置包编号', en: 'the manifest has no id' } }]);
    }
    // a pack is built on a base the token may read, or the import would show the base's content through it;
    // answered as for a base that does not exist (its existence is not revealed)
    const base = (bundle.manifest as { extends?: unknown }).extends;
    if (typeof base === 'string' && !canSeePack(auth, base)) {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': '配置包校验未通过(1 个问题)', en: 'the bundle does not validate (1 problem)' },
        [{ path: '/manifest/extends', code: 'UNKNOWN_BASE_PACK', message: { 'zh-CN': `继承的配置包「${base}」不存在`, en: `base pack '${base}' does not exist` } }]);
    }
    // commit validates the bundle with every pack built on it: 422 with every problem, nothing written
    const existing = d.catalog.stored(id);
    const res = await d.catalog.commit(
      { [id]: { source: sourceOf(bundle), origin: 'import', ...(existing?.diskHash ? { diskHash: existing.diskHash } : {}) } },
      'import', { now: d.clock.now().toISOString() },
    );
    const p = d.catalog.resolved(id)!;
    ctx.status = 201;
    ctx.body = {
      id,
      procedures: Object.keys(p.procedures).map((pid) => ({ id: pid, version: d.catalog.latestVersion(id, pid) })),
      published: res.published,
    };
  });

  r.get('/api/packs/:pack', (ctx) => {
    const p = pack(ctx);
    // what the bases lock (their manifests' lists), so the designer can refuse those edits before publish does
    const locks: Record<'parameters' | 'rules' | 'states' | 'deadlines', string[]> = { parameters: [], rules: [], states: [], deadlines: [] };
    for (const base of p.lineage.filter((x) => x !== p.id)) {
      const listed = d.catalog.source(base)?.manifest.locked ?? {};
      for (const k of Object.keys(locks) as (keyof typeof locks)[]) locks[k].push(...(listed[k] ?? []).map((e) => (typeof e === 'string' ? e : e.item)));
    }
    // a county follows its base: 'conflicted' when the base's last change did not apply cleanly (what, and which
    // procedures stay on their published versions until it is settled)
    const following = p.extends ? d.catalog.following(p.id) : { status: 'ok' as const, conflicts: [], held: [] };
    ctx.body = {
      ...p,
      baseLocks: locks,
      baseTitle: p.extends ? d.catalog.resolved(p.extends)?.title ?? null : null,
      extends: p.extends ?? null,
      procedures: Object.fromEntries(Object.entries(p.procedures).map(([id, doc]) => [id, withVersion(p, id, doc)])),
      status: following.status, conflicts: following.conflicts, held: following.held,
    };
  });

  r.get('/api/packs/:pack/export', (ctx) => {
    const p = pack(ctx);
    ctx.body = bundleOf(d.catalog.source(p.id)!);
  });

  r.get('/api/packs/:pack/procedures/:proc', async (ctx) => {
    const { pack: p, id } = await procedureOf(ctx);
    const version = ctx.query.version === undefined ? undefined : intParam(ctx.query.version, 'version', 1, 1, 1_000_000);
    ctx.body = (await d.catalog.version(p.id, id, version)).doc;
  });

  r.get('/api/packs/:pack/procedures/:proc/versions', async (ctx) => {
    const { pack: p, id } = await procedureOf(ctx);
    ctx.body = d.catalog.versions(p.id, id).map(({ version, publishedAt, source, by, note, followed }) => ({ version, publishedAt, source, by, note, followed }));
  });

  // `?ifExists=1`: 204 when there is no draft (the designer asks on every open; "no draft" is not an error there)
  r.get('/api/packs/:pack/procedures/:proc/draft', async (ctx) => {
    const p = pack(ctx);
    requireDesigner(ctx.state.auth);
    const draft = await d.catalog.draft(p.id, ctx.params.proc);
    if (!draft && ctx.query.ifExists !== undefined) {
      ctx.status = 204;
      return;
    }
    if (!draft) throw notFound({ 'zh-CN': `流程「${ctx.params.proc}」没有草稿`, en: `procedure '${ctx.params.proc}' has no draft` });
    ctx.set('Last-Modified', new Date(draft.savedAt).toUTCString());
    // a county's draft follows its base: laid on the base as it is now
    ctx.body = (await d.catalog.draftView(p.id, ctx.params.proc))?.doc ?? draft.doc;
  });

  // A draft is kept whatever its state (DESIGN.md 5): the answer lists its problems; only publishing needs a valid document.
  r.put('/api/packs/:pack/procedures/:proc/draft', async (ctx) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const doc = await readJson(ctx);
    if (doc === undefined) throw fail('BAD_REQUEST', '缺少请求体', 'the request body is missing');
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw fail('BAD_REQUEST', '草稿应为一个流程定义对象', 'a draft must be a procedure document object');
    // unfinished is fine; another procedure's document (or none at all) is not a draft of this one
    if ((doc as ProcedureDoc).id !== ctx.params.proc) {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': '草稿不是本流程的定义', en: 'the draft is not a document of this procedure' },
        [{ path: '/id', code: 'ID_MISMATCH', message: { 'zh-CN': `流程编号应为「${ctx.params.proc}」`, en: `the id must be '${ctx.params.proc}'` } }]);
    }
    const now = d.clock.now().toISOString();
    // a county's draft is kept as an overlay on the base version the designer had (`?baseVersion=N`)
    const baseVersion = ctx.query.baseVersion === undefined ? undefined : intParam(ctx.query.baseVersion, 'baseVersion', 1, 1, 1_000_000);
    await d.catalog.saveDraft(p.id, ctx.params.proc, doc as ProcedureDoc, auth.subject, now, baseVersion);
    const view = await d.catalog.draftView(p.id, ctx.params.proc);
    ctx.body = { saved: true, savedAt: now, procedure: ctx.params.proc, problems: draftProblems(p, ctx.params.proc, doc), conflicts: view?.conflicts ?? [] };
  });

  r.post('/api/packs/:pack/procedures/:proc/publish', async (ctx) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const draft = await d.catalog.draft(p.id, ctx.params.proc);
    const problems = draft ? draftProblems(p, ctx.params.proc, draft.doc) : [];
    if (problems.length) {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': `流程定义有 ${problems.length} 个问题,不能发布`, en: `the definition has ${problems.length} problem(s) and cannot be published` }, problems);
    }
    const body = (await readJson(ctx)) as { note?: unknown } | undefined;
    const note = typeof body?.note === 'string' ? body.note.slice(0, 2000) : undefined;
    const version = await d.catalog.publishDraft(p.id, ctx.params.proc, d.clock.now().toISOString(), { by: auth.subject, ...(note ? { note } : {}) });
    ctx.status = 201;
    ctx.body = { version };
  });

  r.post('/api/packs/:pack/procedures/:proc/simulate', async (ctx) => {
    const { pack: p, id } = await procedureOf(ctx);
    const body = validateBody<SimulateBody>('Simulate', await readJson(ctx));
    const doc = (body.definition as ProcedureDoc | undefined) ?? (await d.catalog.draft(p.id, id))?.doc ?? (await d.catalog.version(p.id, id)).doc;
    ctx.body = await simulate(doc, p, body, d.clock.now());
  });
}
