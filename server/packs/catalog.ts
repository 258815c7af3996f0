/**
 * The pack catalogue: the current source of every pack, their resolution, and the published procedure versions.
 *
 * Every change (packs loaded from disk at start, a bundle imported, a designer publish) goes through `commit`:
 * the changed sources are resolved together with every other pack, any problem in a changed pack or in a pack
 * extending it refuses the whole change (422, nothing written), and every procedure whose effective content (its
 * document, the pack's parameters and data) differs from its latest version gets a new immutable version written
 * through the store (store/seam.ts, `CatalogStore`: `DATA_DIR/versions/` for the embedded store, an immutable table
 * for PostgreSQL). Instances stay pinned to the version they started on.
 *
 * The catalogue keeps the pack sources and the version list in memory and reloads them when the store says the
 * registry changed (another process published); a publish that finds its version number taken reloads and tries
 * again, so concurrent publishes get distinct numbers.
 */
import {
  calendar, compileProcedure, own, resolvePacks, type CompiledProcedure, type PackParameter, type PackSource,
  type ProblemDetail, type ProcedureDoc, type ResolvedPack,
} from '../../engine';
import type { StoredPack, VersionInfo } from '../registry';
import { StoreConflict, type Draft, type Store } from '../store/seam';
import { assess, conflictProblem, upgradedSource, type Assessment } from './follow';
import { countyDraftSource, draftOnBase, listDraftSource, overlayOf, parameterDraftSource, PACK_DRAFT } from './county';
import { sha256, stableStringify } from '../util/ids';
import { DomainError as ApiError, fail, notFound } from '../errors';

type Source = Omit<PackSource, 'origin'>;

/** The registry setting holding the calendars loaded through the API (JSON: pack → year → calendar file). */
export const IMPORTED_CALENDARS = 'calendars';
export type VersionSource = VersionInfo['source'];

/** A published version as stored: the document and the pack context it was resolved with, frozen. */
export interface PublishedVersion {
  pack: string;
  procedure: string;
  version: number;
  publishedAt: string;
  source: VersionSource;
  doc: ProcedureDoc;
  context: { title: ResolvedPack['title']; lineage: string[]; parameters: Record<string, PackParameter>; data: Record<string, unknown> };
}

export interface CommitResult {
  packs: string[];
  published: { pack: string; procedure: string; version: number }[];
}

function strip(src: PackSource): Source {
  const { origin: _origin, ...rest } = src;
  return rest;
}

/** A holiday notice is not a change of procedure: calendar files are left out of a version's effective content. */
function withoutCalendars(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !/^calendar-\d{4}$/.test(k)));
}

/**
 * What a version is made of: the document, and the pack parameters and data files it names (a county's change of a
 * parameter or a list another procedure reads does not make a new version of this one).
 */
function effectiveHash(doc: ProcedureDoc, pack: ResolvedPack): string {
  const { version: _v, ...body } = doc;
  const text = JSON.stringify(body);
  const named = <T,>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([name]) => text.includes(JSON.stringify(name))));
  return sha256(stableStringify({ doc: body, parameters: named(pack.parameters), data: named(withoutCalendars(pack.data)) }));
}

/** The hash as versions published before it named only the parameters read (every parameter of the pack). */
function effectiveHashWithAllParameters(doc: ProcedureDoc, pack: ResolvedPack): string {
  const { version: _v, ...body } = doc;
  return sha256(stableStringify({ doc: body, parameters: pack.parameters, data: withoutCalendars(pack.data) }));
}

const calendarKeys = new WeakMap<object, string>();
function calendarKey(cal: ResolvedPack['calendar']): string {
  let k = calendarKeys.get(cal);
  if (k === undefined) {
    k = stableStringify(cal);
    calendarKeys.set(cal, k);
  }
  return k;
}

export class PackCatalog {
  private resolvedPacks: Record<string, ResolvedPack> = {};
  private readonly versionCache = new Map<string, PublishedVersion>();
  private readonly compiledCache = new Map<string, { compiled: CompiledProcedure; calendar: string }>();
  /** The stored pack sources and version lists, as last read from the store. */
  private packsData: Record<string, StoredPack> = {};
  private packsKey = '';
  /** The calendars loaded through the API, as stored (settings: IMPORTED_CALENDARS). */
  private importedRaw: string | undefined;
  private versionData: Record<string, Record<string, VersionInfo[]>> = {};
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private off: (() => void) | null = null;

  /** Called after every committed change (the legal calendar follows calendar files that came with it). */
  private readonly listeners: (() => Promise<unknown>)[] = [];

  onCommitted(fn: () => Promise<unknown>): void {
    this.listeners.push(fn);
  }

  constructor(private readonly store: Store) {}

  /** Reads and resolves what the store holds, and follows changes made by other processes. */
  async open(): Promise<void> {
    await this.load();
    await this.upgradeStored();
    this.off = this.store.changes.on((t) => {
      if (t === 'registry') void this.reload().catch(() => undefined);
    });
  }

  close(): void {
    this.off?.();
  }

  /**
   * Stored packs that still hold copies of base procedures or merge patches (kept by an older server) become
   * overlays against the base as it is now, once; their resolution, and so their versions, do not change.
   */
  private async upgradeStored(): Promise<void> {
    const { upgraded } = resolvePacks(this.sources(), { upgrade: true });
    const packs: Record<string, StoredPack> = {};
    for (const [id, up] of Object.entries(upgraded)) {
      const rec = own(this.packsData, id);
      if (rec) packs[id] = { ...rec, source: upgradedSource(rec.source, up) };
    }
    if (!Object.keys(packs).length) return;
    await this.store.catalog.commit({ packs, versions: [] });
    await this.reload();
  }

  private async load(): Promise<void> {
    const [packs, versions, imported] = await Promise.all([this.store.catalog.packs(), this.store.catalog.versions(), this.store.settings.get(IMPORTED_CALENDARS)]);
    const byPack: Record<string, Record<string, VersionInfo[]>> = {};
    for (const { pack, procedure, ...info } of versions) ((byPack[pack] ??= {})[procedure] ??= []).push(info);
    for (const procs of Object.values(byPack)) for (const list of Object.values(procs)) list.sort((a, b) => a.version - b.version);
    this.versionData = byPack;
    const key = sha256(stableStringify({ packs, imported: imported ?? null }));
    if (key !== this.packsKey) {
      this.packsData = packs;
      this.importedRaw = imported;
      this.packsKey = key;
      this.resolvedPacks = resolvePacks(this.sources()).packs;
    }
  }

  /** Reads the store again (coalescing calls made while a read is under way). */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        await this.load();
      } while (this.reloadAgain);
    })().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /** The stored record of a pack (its source, origin and disk hash). */
  stored(id: string): StoredPack | undefined {
    return own(this.packsData, id);
  }

  /**
   * Holiday calendars loaded through the API (`PUT /api/packs/:pack/calendar/:year`), by pack and year. They are kept
   * apart from the packs' own files (a later change of the pack on disk does not drop them) and laid over the pack's
   * data when it is resolved: the pack and every pack extending it see the year as official.
   */
  importedCalendars(): Record<string, Record<string, calendar.CalendarFile>> {
    const raw = this.importedRaw;
    return raw ? (JSON.parse(raw) as Record<string, Record<string, calendar.CalendarFile>>) : {};
  }

  /** The packs as they would resolve with `extra` imported calendars too (a dry run), without changing anything. */
  resolveWithCalendars(extra: Record<string, Record<string, calendar.CalendarFile>>): Record<string, ResolvedPack> {
    const imported = this.importedCalendars();
    for (const [pack, years] of Object.entries(extra)) imported[pack] = { ...(imported[pack] ?? {}), ...years };
    return resolvePacks(this.sources({}, imported)).packs;
  }

  private sources(overrides: Record<string, Source> = {}, calendars = this.importedCalendars()): PackSource[] {
    const all: Record<string, Source> = {};
    for (const [id, p] of Object.entries(this.packsData)) all[id] = p.source;
    Object.assign(all, overrides);
    return Object.entries(all).map(([id, s]) => {
      const cal = Object.fromEntries(Object.entries(calendars[id] ?? {}).map(([year, f]) => [`calendar-${year}`, f]));
      return { ...s, data: { ...s.data, ...cal }, origin: id };
    });
  }

  /** The ids of `ids` and of every pack that extends one of them, directly or not. */
  private withDescendants(ids: string[], sources: PackSource[]): Set<string> {
    const out = new Set(ids);
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of sources) {
        const base = s.manifest?.extends;
        if (base && out.has(base) && !out.has(s.manifest.id)) {
          out.add(s.manifest.id);
          grew = true;
        }
      }
    }
    return out;
  }

  /**
   * What a change would do, without doing it: the resolution, the problems of the changed packs (their own
   * conflicts with their bases included: a change must apply cleanly), those of the packs extending them (which
   * become conflicted, not refused), and the changed sources with copies and merge patches turned into overlays.
   * Only the packs the change touches are resolved and validated again (the others keep their resolution), one
   * pack at a time, bases first, letting the server answer other requests in between.
   */
  async plan(changes: Record<string, Source>): Promise<{
    packs: Record<string, ResolvedPack>; problems: ProblemDetail[]; affected: Set<string>;
    descendants: Record<string, ProblemDetail[]>; sources: Record<string, Source>;
  }> {
    const sources = this.sources(changes);
    const affected = this.withDescendants(Object.keys(changes), sources);
    const byId = new Map(sources.map((s) => [s.manifest?.id, s]));
    const depth = (id: string): number => {
      let n = 0;
      for (let cur = byId.get(id)?.manifest?.extends; cur && n < 64; cur = byId.get(cur)?.manifest?.extends) n++;
      return n;
    };
    let packs: Record<string, ResolvedPack> = { ...this.resolvedPacks };
    const all: ProblemDetail[] = [];
    const upgraded: ReturnType<typeof resolvePacks>['upgraded'] = {};
    for (const id of [...affected].sort((a, b) => depth(a) - depth(b))) {
      delete packs[id];
      const r = resolvePacks(sources, { reuse: packs, only: new Set([id]), upgrade: true });
      packs = r.packs;
      if (Object.hasOwn(r.upgraded, id)) upgraded[id] = r.upgraded[id];
      all.push(...r.problems.filter((p) => !all.some((q) => q.path === p.path && q.code === p.code)));
      await new Promise<void>((res) => setImmediate(res));
    }
    for (const id of Object.keys(packs)) if (!byId.has(id)) delete packs[id];
    const of = (id: string) => all.filter((p) => p.path === `/packs/${id}` || p.path.startsWith(`/packs/${id}/`));
    const problems: ProblemDetail[] = [];
    const descendants: Record<string, ProblemDetail[]> = {};
    for (const id of affected) {
      if (id in changes) problems.push(...of(id), ...(packs[id]?.conflicts ?? []).map((c) => conflictProblem(id, c)));
      else descendants[id] = of(id);
    }
    const upgradedSources = Object.fromEntries(Object.entries(changes).map(([id, src]) => [id, upgradedSource(src, upgraded[id])]));
    return { packs, problems, affected, descendants, sources: upgradedSources };
  }

  /**
   * Changes to the catalogue in this process run one at a time: each numbers its versions from what the one before
   * it wrote, and a publish reads its draft in its turn, so of publishes racing on one draft one publishes it (the
   * store refuses a version number taken by another process; see commit).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private serial: Promise<unknown> = Promise.resolve();

  /**
   * Applies a change: refuses it (422 INVALID_DEFINITION, every problem listed) when a touched pack does not
   * resolve cleanly; otherwise publishes new versions where the effective content changed.
   * `force` publishes these procedures even when unchanged (an explicit publish from the designer).
   */
  commit(
    changes: Record<string, { source: Source; origin: StoredPack['origin']; diskHash?: string }>,
    versionSource: VersionSource,
    opts: { force?: { pack: string; procedure: string }; now: string; dropDrafts?: { pack: string; procedure: string }; by?: string; note?: string },
  ): Promise<CommitResult> {
    return this.exclusive(() => this.commitRetrying(changes, versionSource, opts));
  }

  private async commitRetrying(
    changes: Record<string, { source: Source; origin: StoredPack['origin']; diskHash?: string }>,
    versionSource: VersionSource,
    opts: { force?: { pack: string; procedure: string }; now: string; dropDrafts?: { pack: string; procedure: string }; by?: string; note?: string },
  ): Promise<CommitResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.commitOnce(changes, versionSource, opts);
      } catch (e) {
        // another process published a version with the number we chose: read again and number after it
        if (!(e instanceof StoreConflict) || attempt >= 5) throw e;
        await this.reload();
      }
    }
  }

  private async commitOnce(
    changes: Record<string, { source: Source; origin: StoredPack['origin']; diskHash?: string }>,
    versionSource: VersionSource,
    opts: { force?: { pack: string; procedure: string }; now: string; dropDrafts?: { pack: string; procedure: string }; by?: string; note?: string },
  ): Promise<CommitResult> {
    const plain = Object.fromEntries(Object.entries(changes).map(([id, c]) => [id, c.source]));
    const { packs, problems, affected, descendants, sources } = await this.plan(plain);
    if (problems.length) {
      throw new ApiError('INVALID_DEFINITION', { 'zh-CN': `配置包校验未通过(${problems.length} 个问题)`, en: `the pack does not validate (${problems.length} problem(s))` }, problems);
    }
    // the packs extending a changed one follow it: re-resolved, re-tested; what conflicts is held on its versions
    const following = new Map<string, Assessment>();
    for (const [id, probs] of Object.entries(descendants)) {
      if (packs[id]) following.set(id, await assess(packs[id], probs, this.source(id)));
    }
    const published: CommitResult['published'] = [];
    const versions: { record: PublishedVersion; info: VersionInfo }[] = [];
    for (const packId of affected) {
      const pack = packs[packId];
      if (!pack) continue;
      const held = new Set(following.get(packId)?.held ?? []);
      for (const [procId, doc] of Object.entries(pack.procedures)) {
        if (held.has(procId)) continue;
        const history = this.versions(packId, procId);
        const latest = history[history.length - 1];
        const hash = effectiveHash(doc, pack);
        const forced = opts.force?.pack === packId && opts.force.procedure === procId;
        if (latest && (latest.hash === hash || latest.hash === effectiveHashWithAllParameters(doc, pack)) && !forced) continue;
        const version = (latest?.version ?? 0) + 1;
        const own = packId in changes;
        const info: VersionInfo = {
          version, hash, publishedAt: opts.now, source: versionSource,
          ...(own && opts.by ? { by: opts.by } : {}), ...(own && opts.note ? { note: opts.note } : {}),
          ...(own ? {} : { followed: Object.keys(changes).join(',') }),
        };
        versions.push({
          info,
          record: {
            pack: packId, procedure: procId, version, publishedAt: opts.now, source: versionSource,
            doc: { ...doc, version },
            context: { title: pack.title, lineage: pack.lineage, parameters: pack.parameters, data: pack.data },
          },
        });
        published.push({ pack: packId, procedure: procId, version });
      }
    }
    const stored: Record<string, StoredPack> = {};
    for (const [id, c] of Object.entries(changes)) {
      stored[id] = { source: sources[id], origin: c.origin, ...(c.diskHash ? { diskHash: c.diskHash } : {}), updatedAt: opts.now };
    }
    for (const [id, a] of following) {
      const rec = own(this.packsData, id);
      if (!rec || (!a.conflicts.length && !rec.conflicts?.length)) continue;
      const { conflicts: _c, held: _h, ...rest } = rec;
      stored[id] = { ...rest, ...(a.conflicts.length ? { conflicts: a.conflicts, held: a.held } : {}) };
    }
    await this.store.catalog.commit({ packs: stored, versions, ...(opts.dropDrafts ? { dropDraft: opts.dropDrafts } : {}) });
    await this.reload();
    this.resolvedPacks = packs;
    for (const fn of this.listeners) await fn();
    return { packs: [...affected], published };
  }

  /**
   * Loads the packs of a folder at start-up. A pack whose files are unchanged since the last start keeps what the
   * registry holds (designer publishes included); a changed or new one replaces it. Packs that do not validate are
   * left out (with their problems reported) so one broken county cannot stop the others.
   */
  loadFromDisk(sources: PackSource[], now: string): Promise<{ loaded: string[]; problems: ProblemDetail[]; published: CommitResult['published'] }> {
    return this.exclusive(() => this.loadFromDiskNow(sources, now));
  }

  private async loadFromDiskNow(sources: PackSource[], now: string): Promise<{ loaded: string[]; problems: ProblemDetail[]; published: CommitResult['published'] }> {
    const changes: Record<string, { source: Source; origin: 'disk'; diskHash: string }> = {};
    for (const src of sources) {
      const source = strip(src);
      const diskHash = sha256(stableStringify(source));
      const id = source.manifest?.id;
      if (typeof id !== 'string') continue;
      if (own(this.packsData, id)?.diskHash === diskHash) continue;
      changes[id] = { source, origin: 'disk', diskHash };
    }
    // leave out the packs with problems (an unchanged pack built on a changed one follows it, conflicted if need be), then commit the rest
    const plain = () => Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.source]));
    const allProblems: ProblemDetail[] = [];
    for (let round = 0; Object.keys(changes).length; round++) {
      const { problems } = await this.plan(plain());
      if (!problems.length) break;
      allProblems.push(...problems.filter((p) => !allProblems.some((q) => q.path === p.path && q.code === p.code)));
      if (round === 20) {
        for (const id of Object.keys(changes)) delete changes[id];
        break;
      }
      for (const id of new Set(problems.map((p) => p.path.split('/')[2]))) delete changes[id];
    }
    const result = Object.keys(changes).length
      ? await this.commitRetrying(changes, 'pack', { now })
      : { packs: [], published: [] };
    return { loaded: Object.keys(changes), problems: allProblems, published: result.published };
  }

  // ---- reading ----

  packIds(): string[] {
    return Object.keys(this.resolvedPacks).sort();
  }

  resolved(id: string): ResolvedPack | undefined {
    return own(this.resolvedPacks, id);
  }

  source(id: string): Source | undefined {
    return own(this.packsData, id)?.source;
  }

  /** Whether a county follows its base: its conflicts (as found when its base last changed) and held procedures. */
  following(id: string): { status: 'ok' | 'conflicted'; conflicts: NonNullable<StoredPack['conflicts']>; held: string[] } {
    const rec = own(this.packsData, id);
    const conflicts = rec?.conflicts ?? [];
    return { status: conflicts.length ? 'conflicted' : 'ok', conflicts, held: rec?.held ?? [] };
  }

  versions(pack: string, procedure: string): VersionInfo[] {
    return own(own(this.versionData, pack), procedure) ?? [];
  }

  latestVersion(pack: string, procedure: string): number | undefined {
    const v = this.versions(pack, procedure);
    return v[v.length - 1]?.version;
  }

  /** A published version (the latest when `version` is omitted); 404 when there is none. */
  async version(pack: string, procedure: string, version?: number): Promise<PublishedVersion> {
    const v = version ?? this.latestVersion(pack, procedure);
    if (v === undefined || !this.versions(pack, procedure).some((x) => x.version === v)) {
      throw notFound({ 'zh-CN': `流程「${procedure}」没有版本 ${version ?? ''}`.trim(), en: `procedure '${procedure}' has no version ${version ?? ''}`.trim() });
    }
    const key = `${pack}/${procedure}@${v}`;
    const hit = this.versionCache.get(key);
    if (hit) return hit;
    const rec = await this.store.catalog.version(pack, procedure, v);
    if (!rec) throw new Error(`version file missing: ${key}`);
    this.versionCache.set(key, rec);
    return rec;
  }

  /**
   * The compiled procedure of a published version, with the pack context frozen at publication — except the legal
   * calendar, which is the pack's current one (a notice loaded later applies to running cases too).
   */
  async compiled(pack: string, procedure: string, version: number): Promise<CompiledProcedure> {
    const key = `${pack}/${procedure}@${version}`;
    const v = await this.version(pack, procedure, version);
    const packCtx = this.packOfVersion(v);
    const cal = calendarKey(packCtx.calendar);
    const hit = this.compiledCache.get(key);
    if (hit && hit.calendar === cal) return hit.compiled;
    const compiled = compileProcedure(v.doc, packCtx);
    this.compiledCache.set(key, { compiled, calendar: cal });
    return compiled;
  }

  packOfVersion(v: PublishedVersion): ResolvedPack {
    const live = own(this.resolvedPacks, v.pack);
    return {
      id: v.pack, title: v.context.title, lineage: v.context.lineage, parameters: v.context.parameters,
      procedures: {}, data: v.context.data, calendar: live?.calendar ?? calendar.calendarOfPackData(v.context.data), overrides: [],
      ...(live?.calendarPolicy ? { calendarPolicy: live.calendarPolicy } : {}),
    };
  }

  // ---- drafts ----

  draft(pack: string, procedure: string): Promise<Draft | null> {
    return this.store.drafts.get(pack, procedure);
  }

  /**
   * The base pack's procedure a county draft is made against: the published version the designer had (`version`),
   * else the base as it resolves now. Null for a pack extending none, or a procedure its base does not have.
   */
  async baseOf(pack: string, procedure: string, version?: number): Promise<{ pack: string; version: number | null; doc: ProcedureDoc } | null> {
    const baseId = own(this.resolvedPacks, pack)?.extends;
    const now = baseId ? own(this.resolvedPacks, baseId)?.procedures[procedure] : undefined;
    if (!baseId || !now) return null;
    if (version !== undefined && this.versions(baseId, procedure).some((v) => v.version === version)) {
      return { pack: baseId, version, doc: (await this.version(baseId, procedure, version)).doc };
    }
    return { pack: baseId, version: this.latestVersion(baseId, procedure) ?? null, doc: now };
  }

  /**
   * Saves a draft. A county's draft of a base procedure is kept with the operations that turn the base it was made
   * against into it (so it follows the base, and publishes as a patch).
   */
  async saveDraft(pack: string, procedure: string, doc: ProcedureDoc, by: string, now: string, baseVersion?: number): Promise<void> {
    const base = await this.baseOf(pack, procedure, baseVersion);
    const overlay = base ? { overlay: overlayOf(base.doc, doc), base: { pack: base.pack, version: base.version } } : {};
    await this.store.drafts.save(pack, procedure, { doc, savedAt: now, savedBy: by, ...overlay });
  }

  /**
   * A draft as the designer should see it: a county's draft laid on its base as it is now (a base that moved on since
   * is followed; operations that no longer apply are its conflicts).
   */
  async draftView(pack: string, procedure: string): Promise<{ draft: Draft; doc: ProcedureDoc; conflicts: ReturnType<typeof draftOnBase>['conflicts'] } | null> {
    const draft = await this.draft(pack, procedure);
    if (!draft) return null;
    const baseNow = draft.overlay && draft.base ? own(this.resolvedPacks, draft.base.pack)?.procedures[procedure] : undefined;
    if (!draft.overlay || !draft.base || !baseNow || draft.base.version === (this.latestVersion(draft.base.pack, procedure) ?? null)) {
      return { draft, doc: draft.doc, conflicts: [] };
    }
    const r = draftOnBase(baseNow, draft.overlay, procedure);
    return { draft, doc: { ...r.doc, id: procedure }, conflicts: r.conflicts };
  }

  /**
   * The draft becomes a new version: a county's draft of a base procedure as its patch (the operations, with what
   * each expected of the base: one the base no longer satisfies refuses the publish), any other as the pack's own
   * procedure document. The draft is read inside the catalogue's turn: of publishes racing on one draft, one
   * publishes it.
   */
  publishDraft(pack: string, procedure: string, now: string, meta: { by?: string; note?: string } = {}): Promise<number> {
    return this.exclusive(() => this.publishDraftNow(pack, procedure, now, meta));
  }

  private async publishDraftNow(pack: string, procedure: string, now: string, meta: { by?: string; note?: string }): Promise<number> {
    const draft = await this.draft(pack, procedure);
    if (!draft) throw fail('NOT_FOUND', `流程「${procedure}」没有草稿可发布`, `procedure '${procedure}' has no draft to publish`);
    const src = this.source(pack);
    if (!src) throw notFound();
    const overlay = draft.overlay && own(this.resolvedPacks, pack)?.extends ? draft.overlay : undefined;
    const source = countyDraftSource(src, procedure, draft.doc, overlay);
    const stored = own(this.packsData, pack)!;
    const origin = stored.origin === 'disk' ? 'designer' : stored.origin;
    const diskHash = stored.diskHash;
    const r = await this.commitRetrying({ [pack]: { source, origin, diskHash } }, 'designer', { now, force: { pack, procedure }, dropDrafts: { pack, procedure }, ...meta });
    return r.published.find((p) => p.pack === pack && p.procedure === procedure)!.version;
  }

  /** Publishes a pack draft (parameter overrides, list items): every procedure whose effective content changes gets a version. */
  publishPackDraft(pack: string, now: string, meta: { by?: string; note?: string } = {}): Promise<CommitResult['published']> {
    return this.exclusive(() => this.publishPackDraftNow(pack, now, meta));
  }

  private async publishPackDraftNow(pack: string, now: string, meta: { by?: string; note?: string }): Promise<CommitResult['published']> {
    const draft = await this.draft(pack, PACK_DRAFT);
    if (!draft || (!draft.parameters && !draft.data)) throw fail('NOT_FOUND', `配置包「${pack}」没有草稿可发布`, `pack '${pack}' has no draft to publish`);
    const src = this.source(pack);
    if (!src) throw notFound();
    const source = listDraftSource(parameterDraftSource(src, draft.parameters ?? {}), draft.data ?? {});
    const origin = own(this.packsData, pack)!.origin === 'disk' ? 'designer' : own(this.packsData, pack)!.origin;
    const diskHash = own(this.packsData, pack)!.diskHash;
    const r = await this.commitRetrying({ [pack]: { source, origin, diskHash } }, 'designer', { now, dropDrafts: { pack, procedure: PACK_DRAFT }, ...meta });
    return r.published.filter((p) => p.pack === pack);
  }
}
