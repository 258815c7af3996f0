/** Packs and procedures: read, drafts, publish, simulate, import and export bundles. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { isSlug, own, validateProcedure, type ProcedureDoc, type ResolvedPack } from '../../engine';
import type { AppDeps } from '../deps';
import { operations as ops } from '../contract';
import { mount } from '../http/route';
import { DomainError, fail, notFound } from '../errors';
import { canReadPack, canSeePack, requireDesigner, type Auth } from '../auth/tokens';
import { bundleOf, sourceOf, type Bundle } from '../packs/bundle';
import { simulate } from '../packs/simulate';
import { iso, isoOf } from '../time/iso';

const packNotFound = (id: string) => notFound({ 'zh-CN': `配置包「${id}」不存在`, en: `pack '${id}' does not exist` });

/** What keeps a draft from being published: the engine's checks, and an id that is not the procedure's. */
function draftProblems(p: ResolvedPack, proc: string, doc: unknown) {
  const problems = validateProcedure(doc, { parameters: p.parameters });
  if (doc && typeof doc === 'object' && (doc as ProcedureDoc).id !== proc) {
    problems.push({
      path: '/id',
      code: 'ID_MISMATCH',
      message: { 'zh-CN': `流程编号应为「${proc}」`, en: `the id must be '${proc}'` },
    });
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
    if (!isSlug(value))
      throw notFound({ 'zh-CN': `流程「${value}」不存在`, en: `procedure '${value}' does not exist` });
    return next();
  });
  const pack = (ctx: Context): ResolvedPack => {
    const id = ctx.params.pack;
    const p = d.catalog.resolved(id);
    const auth = ctx.state.auth as Auth;
    // a base of the token's packs may be read (the county's staff see what their changes are laid over), not changed
    const readable =
      ctx.method === 'GET' || ctx.method === 'HEAD'
        ? canReadPack(auth, id, (x) => d.catalog.resolved(x)?.extends)
        : canSeePack(auth, id);
    if (!p || !readable) throw packNotFound(id);
    return p;
  };
  const procedureOf = async (ctx: Context) => {
    const p = pack(ctx);
    const id = ctx.params.proc;
    if (!own(p.procedures, id) && !(await d.catalog.draft(p.id, id)))
      throw notFound({ 'zh-CN': `流程「${id}」不存在`, en: `procedure '${id}' does not exist` });
    return { pack: p, id };
  };
  const withVersion = (p: ResolvedPack, id: string, doc: ProcedureDoc) => ({
    ...doc,
    version: d.catalog.latestVersion(p.id, id),
  });

  mount(r, ops.listPacks, (ctx) => {
    const auth = ctx.state.auth as Auth;
    const body = d.catalog
      .packIds()
      .filter((id) => canSeePack(auth, id))
      .map((id) => {
        const p = d.catalog.resolved(id)!;
        return {
          id,
          title: p.title,
          extends: p.extends ?? null,
          procedures: Object.entries(p.procedures).map(([pid, doc]) => ({
            id: pid,
            version: d.catalog.latestVersion(id, pid) ?? null,
            title: doc.title,
          })),
        };
      });
    return { status: 200, body };
  });

  mount(r, ops.importPack, async (ctx, { body: raw }) => {
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const bundle: Bundle = raw;
    const id = (bundle.manifest as { id?: unknown }).id;
    if (typeof id === 'string' && !canSeePack(auth, id))
      throw fail('FORBIDDEN', `令牌无权导入配置包「${id}」`, `the token may not import pack '${id}'`);
    if (typeof id !== 'string') {
      throw new DomainError(
        'INVALID_DEFINITION',
        { 'zh-CN': '配置包校验未通过(1 个问题)', en: 'the bundle does not validate (1 problem)' },
        [
          {
            path: '/manifest/id',
            code: 'SCHEMA',
            message: { 'zh-CN': '缺少配置包编号', en: 'the manifest has no id' },
          },
        ],
      );
    }
    // a pack is built on a base the token may read, or the import would show the base's content through it;
    // answered as for a base that does not exist (its existence is not revealed)
    const base = (bundle.manifest as { extends?: unknown }).extends;
    if (typeof base === 'string' && !canSeePack(auth, base)) {
      throw new DomainError(
        'INVALID_DEFINITION',
        { 'zh-CN': '配置包校验未通过(1 个问题)', en: 'the bundle does not validate (1 problem)' },
        [
          {
            path: '/manifest/extends',
            code: 'UNKNOWN_BASE_PACK',
            message: { 'zh-CN': `继承的配置包「${base}」不存在`, en: `base pack '${base}' does not exist` },
          },
        ],
      );
    }
    // commit validates the bundle with every pack built on it: 422 with every problem, nothing written
    const existing = d.catalog.stored(id);
    const res = await d.catalog.commit(
      {
        [id]: {
          source: sourceOf(bundle),
          origin: 'import',
          ...(existing?.diskHash ? { diskHash: existing.diskHash } : {}),
        },
      },
      'import',
      { now: iso(d.clock.now()) },
    );
    const p = d.catalog.resolved(id)!;
    return {
      status: 201,
      body: {
        id,
        procedures: Object.keys(p.procedures).map((pid) => ({
          id: pid,
          version: d.catalog.latestVersion(id, pid) ?? null,
        })),
        published: res.published,
      },
    };
  });

  mount(r, ops.getPack, (ctx) => {
    const p = pack(ctx);
    // what the bases lock (their manifests' lists), so the designer can refuse those edits before publish does
    const locks: Record<'parameters' | 'rules' | 'states' | 'deadlines', string[]> = {
      parameters: [],
      rules: [],
      states: [],
      deadlines: [],
    };
    for (const base of p.lineage.filter((x) => x !== p.id)) {
      const listed = d.catalog.source(base)?.manifest.locked ?? {};
      for (const k of Object.keys(locks) as (keyof typeof locks)[])
        locks[k].push(...(listed[k] ?? []).map((e) => (typeof e === 'string' ? e : e.item)));
    }
    // a county follows its base: 'conflicted' when the base's last change did not apply cleanly (what, and which
    // procedures stay on their published versions until it is settled)
    const following = p.extends ? d.catalog.following(p.id) : { status: 'ok' as const, conflicts: [], held: [] };
    const procedures = Object.fromEntries(
      Object.entries(p.procedures).map(([id, doc]) => [id, withVersion(p, id, doc)]),
    );
    const baseTitle = p.extends ? (d.catalog.resolved(p.extends)?.title ?? null) : null;
    return {
      status: 200,
      body: {
        ...p,
        baseLocks: locks,
        baseTitle,
        extends: p.extends ?? null,
        procedures,
        status: following.status,
        conflicts: following.conflicts,
        held: following.held,
      },
    };
  });

  mount(r, ops.exportPack, (ctx) => ({ status: 200, body: bundleOf(d.catalog.source(pack(ctx).id)!) }));

  mount(r, ops.getProcedure, async (ctx, { query }) => {
    const { pack: p, id } = await procedureOf(ctx);
    return { status: 200, body: (await d.catalog.version(p.id, id, query.version)).doc };
  });

  mount(r, ops.listVersions, async (ctx) => {
    const { pack: p, id } = await procedureOf(ctx);
    const body = d.catalog.versions(p.id, id).map(({ version, publishedAt, source, by, note, followed }) => ({
      version,
      publishedAt: isoOf(publishedAt),
      source,
      ...(by ? { by } : {}),
      ...(note ? { note } : {}),
      ...(followed ? { followed } : {}),
    }));
    return { status: 200, body };
  });

  // `?ifExists=1`: 204 when there is no draft (the designer asks on every open; "no draft" is not an error there)
  mount(r, ops.getDraft, async (ctx, { query }) => {
    const p = pack(ctx);
    requireDesigner(ctx.state.auth);
    const draft = await d.catalog.draft(p.id, ctx.params.proc);
    if (!draft && query.ifExists !== undefined) return { status: 204, body: undefined };
    if (!draft)
      throw notFound({
        'zh-CN': `流程「${ctx.params.proc}」没有草稿`,
        en: `procedure '${ctx.params.proc}' has no draft`,
      });
    ctx.set('Last-Modified', new Date(draft.savedAt).toUTCString());
    // a county's draft follows its base: laid on the base as it is now
    return { status: 200, body: (await d.catalog.draftView(p.id, ctx.params.proc))?.doc ?? draft.doc };
  });

  // A draft is kept whatever its state (DESIGN.md 5): the answer lists its problems; only publishing needs a valid document.
  mount(r, ops.putDraft, async (ctx, { body: doc, query }) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    if (!doc || typeof doc !== 'object' || Array.isArray(doc))
      throw fail('BAD_REQUEST', '草稿应为一个流程定义对象', 'a draft must be a procedure document object');
    // unfinished is fine; another procedure's document (or none at all) is not a draft of this one
    if ((doc as ProcedureDoc).id !== ctx.params.proc) {
      throw new DomainError(
        'INVALID_DEFINITION',
        { 'zh-CN': '草稿不是本流程的定义', en: 'the draft is not a document of this procedure' },
        [
          {
            path: '/id',
            code: 'ID_MISMATCH',
            message: { 'zh-CN': `流程编号应为「${ctx.params.proc}」`, en: `the id must be '${ctx.params.proc}'` },
          },
        ],
      );
    }
    const now = iso(d.clock.now());
    // a county's draft is kept as an overlay on the base version the designer had (`?baseVersion=N`)
    await d.catalog.saveDraft(p.id, ctx.params.proc, doc as ProcedureDoc, auth.subject, now, query.baseVersion);
    const view = await d.catalog.draftView(p.id, ctx.params.proc);
    return {
      status: 200,
      body: {
        saved: true as const,
        savedAt: now,
        procedure: ctx.params.proc,
        problems: draftProblems(p, ctx.params.proc, doc),
        conflicts: view?.conflicts ?? [],
      },
    };
  });

  mount(r, ops.publish, async (ctx, { body }) => {
    const p = pack(ctx);
    const auth = ctx.state.auth as Auth;
    requireDesigner(auth);
    const draft = await d.catalog.draft(p.id, ctx.params.proc);
    const problems = draft ? draftProblems(p, ctx.params.proc, draft.doc) : [];
    if (problems.length) {
      throw new DomainError(
        'INVALID_DEFINITION',
        {
          'zh-CN': `流程定义有 ${problems.length} 个问题,不能发布`,
          en: `the definition has ${problems.length} problem(s) and cannot be published`,
        },
        problems,
      );
    }
    const version = await d.catalog.publishDraft(p.id, ctx.params.proc, iso(d.clock.now()), {
      by: auth.subject,
      ...(body?.note ? { note: body.note } : {}),
    });
    return { status: 201, body: { version } };
  });

  mount(r, ops.simulate, async (ctx, { body }) => {
    const { pack: p, id } = await procedureOf(ctx);
    const doc =
      (body.definition as ProcedureDoc | undefined) ??
      (await d.catalog.draft(p.id, id))?.doc ??
      (await d.catalog.version(p.id, id)).doc;
    return { status: 200, body: await simulate(doc, p, body, d.clock.now()) };
  });
}
