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
 *
 * This file holds that state and the order of changes; the concepts are apart: what a change would do (plan.ts),
 * versions and their effective content (versions.ts), drafts (drafts.ts), the start-up load from a folder (disk.ts),
 * counties following their base (follow.ts) and county drafts as overlays (county.ts).
 */
import {
  calendar,
  compileProcedure,
  own,
  resolvePacks,
  type CompiledProcedure,
  type PackSource,
  type ProblemDetail,
  type ProcedureDoc,
  type ResolvedPack,
} from '../../engine';
import type { StoredPack, VersionInfo } from '../registry';
import { StoreConflict, type Draft, type Store } from '../store/seam';
import { assess, upgradedSource, type Assessment } from './follow';
import { PACK_DRAFT, type draftOnBase } from './county';
import { sha256, stableStringify } from '../util/ids';
import { DomainError as ApiError, notFound } from '../errors';
import {
  calendarKey,
  newVersions,
  packOfVersion,
  type NewVersions,
  type PublishedVersion,
  type VersionSource,
} from './versions';
import { planChange, resolveInTurns, type PackChange, type Plan } from './plan';
import { baseOf, draftRecord, draftView, packDraftChange, procedureDraftChange } from './drafts';
import { changedOnDisk, leaveOutBroken } from './disk';

export type { PublishedVersion, VersionSource } from './versions';
export type { PackChange } from './plan';

type Source = Omit<PackSource, 'folder'>;

/** The registry setting holding the calendars loaded through the API (JSON: pack → year → calendar file). */
export const IMPORTED_CALENDARS = 'calendars';

export interface CommitResult {
  packs: string[];
  published: NewVersions['published'];
}

/** How a change is committed: `force` publishes that procedure even when unchanged; `dropDrafts` removes its draft. */
export interface CommitOptions {
  force?: { pack: string; procedure: string };
  now: string;
  dropDrafts?: { pack: string; procedure: string };
  by?: string;
  note?: string;
}

export class PackCatalog {
  private resolvedPacks: Record<string, ResolvedPack> = {};
  private readonly versionCache = new Map<string, PublishedVersion>();
  private readonly compiledCache = new Map<
    string,
    { compiled: CompiledProcedure; calendar: string; live?: ResolvedPack['calendar'] }
  >();
  /** The stored pack sources and version lists, as last read from the store. */
  private packsData: Record<string, StoredPack> = {};
  private packsKey = '';
  /** The calendars loaded through the API, as stored (settings: IMPORTED_CALENDARS). */
  private importedRaw: string | undefined;
  private versionData: Record<string, Record<string, VersionInfo[]>> = {};
  private reloading: Promise<void> | null = null;
  /** The resolution of what a commit under way stores (its plan's), taken by the reload that reads it back. */
  private committing: Record<string, ResolvedPack> | null = null;
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
    const [packs, versions, imported] = await Promise.all([
      this.store.catalog.packs(),
      this.store.catalog.versions(),
      this.store.settings.get(IMPORTED_CALENDARS),
    ]);
    const byPack: Record<string, Record<string, VersionInfo[]>> = {};
    for (const { pack, procedure, ...info } of versions) ((byPack[pack] ??= {})[procedure] ??= []).push(info);
    for (const procs of Object.values(byPack))
      for (const list of Object.values(procs)) list.sort((a, b) => a.version - b.version);
    this.versionData = byPack;
    // the embedded store answers the same (frozen) object while the packs are unchanged: a draft saved, a token used
    // or the clock moved changes the registry, not them, and hashing every pack's source for it kept the event loop
    // busy in proportion to all the packs
    if (packs === this.packsData && imported === this.importedRaw) return;
    const key = sha256(stableStringify({ packs, imported: imported ?? null }));
    if (key !== this.packsKey) {
      // what this process just committed it has resolved already (its plan); otherwise resolved a pack at a time
      // (other requests answered in between), then everything swapped at once
      const resolved = this.committing ?? (await resolveInTurns(sourcesOf(packs, {}, parseCalendars(imported))));
      this.packsData = packs;
      this.importedRaw = imported;
      this.packsKey = key;
      this.resolvedPacks = resolved;
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
    return parseCalendars(this.importedRaw);
  }

  /** The packs as they would resolve with `extra` imported calendars too (a dry run), without changing anything. */
  resolveWithCalendars(extra: Record<string, Record<string, calendar.CalendarFile>>): Record<string, ResolvedPack> {
    const imported = this.importedCalendars();
    for (const [pack, years] of Object.entries(extra)) imported[pack] = { ...(imported[pack] ?? {}), ...years };
    return resolvePacks(this.sources({}, imported)).packs;
  }

  private sources(overrides: Record<string, Source> = {}, calendars = this.importedCalendars()): PackSource[] {
    return sourcesOf(this.packsData, overrides, calendars);
  }

  /**
   * What a change would do, without doing it (plan.ts): the resolution, the problems of the changed packs, those of
   * the packs extending them, and the changed sources with copies and merge patches turned into overlays.
   */
  plan(changes: Record<string, Source>): Promise<Plan> {
    return planChange(this.sources(changes), this.resolvedPacks, changes);
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
    changes: Record<string, PackChange>,
    versionSource: VersionSource,
    opts: CommitOptions,
  ): Promise<CommitResult> {
    return this.exclusive(() => this.commitRetrying(changes, versionSource, opts));
  }

  private async commitRetrying(
    changes: Record<string, PackChange>,
    versionSource: VersionSource,
    opts: CommitOptions,
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
    changes: Record<string, PackChange>,
    versionSource: VersionSource,
    opts: CommitOptions,
  ): Promise<CommitResult> {
    const plain = Object.fromEntries(Object.entries(changes).map(([id, c]) => [id, c.source]));
    const { packs, problems, affected, descendants, sources } = await this.plan(plain);
    if (problems.length) {
      throw new ApiError(
        'INVALID_DEFINITION',
        {
          'zh-CN': `配置包校验未通过(${problems.length} 个问题)`,
          en: `the pack does not validate (${problems.length} problem(s))`,
        },
        problems,
      );
    }
    // the packs extending a changed one follow it: re-resolved, re-tested; what conflicts is held on its versions
    const following = new Map<string, Assessment>();
    for (const [id, probs] of Object.entries(descendants)) {
      // a county with no conflict re-tests only what the change can touch (follow.ts scenariosToRetest)
      const before = own(this.packsData, id)?.conflicts?.length ? undefined : own(this.resolvedPacks, id);
      if (packs[id]) following.set(id, await assess(packs[id], probs, this.source(id), before));
    }
    const { versions, published } = newVersions(
      packs,
      affected,
      Object.keys(changes),
      (pack, procedure) => this.versions(pack, procedure),
      (pack) => following.get(pack)?.held ?? [],
      versionSource,
      opts,
    );
    const stored: Record<string, StoredPack> = {};
    for (const [id, c] of Object.entries(changes)) {
      stored[id] = {
        source: sources[id],
        origin: c.origin,
        ...(c.diskHash ? { diskHash: c.diskHash } : {}),
        updatedAt: opts.now,
      };
    }
    for (const [id, a] of following) {
      const rec = own(this.packsData, id);
      if (!rec || (!a.conflicts.length && !rec.conflicts?.length)) continue;
      const { conflicts: _c, held: _h, ...rest } = rec;
      stored[id] = { ...rest, ...(a.conflicts.length ? { conflicts: a.conflicts, held: a.held } : {}) };
    }
    this.committing = packs;
    try {
      await this.store.catalog.commit({
        packs: stored,
        versions,
        ...(opts.dropDrafts ? { dropDraft: opts.dropDrafts } : {}),
      });
      await this.reload();
    } finally {
      this.committing = null;
    }
    this.resolvedPacks = packs;
    for (const fn of this.listeners) await fn();
    return { packs: [...affected], published };
  }

  /**
   * Loads the packs of a folder at start-up. A pack whose files are unchanged since the last start keeps what the
   * registry holds (designer publishes included); a changed or new one replaces it. Packs that do not validate are
   * left out (with their problems reported) so one broken county cannot stop the others.
   */
  loadFromDisk(
    sources: PackSource[],
    now: string,
  ): Promise<{ loaded: string[]; problems: ProblemDetail[]; published: CommitResult['published'] }> {
    return this.exclusive(() => this.loadFromDiskNow(sources, now));
  }

  private async loadFromDiskNow(
    sources: PackSource[],
    now: string,
  ): Promise<{ loaded: string[]; problems: ProblemDetail[]; published: CommitResult['published'] }> {
    const changes = changedOnDisk(sources, this.packsData);
    const problems = await leaveOutBroken(changes, (c) => this.plan(c));
    const result = Object.keys(changes).length
      ? await this.commitRetrying(changes, 'pack', { now })
      : { packs: [], published: [] };
    return { loaded: Object.keys(changes), problems, published: result.published };
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
  following(id: string): {
    status: 'ok' | 'conflicted';
    conflicts: NonNullable<StoredPack['conflicts']>;
    held: string[];
  } {
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
      throw notFound({
        'zh-CN': `流程「${procedure}」没有版本 ${version ?? ''}`.trim(),
        en: `procedure '${procedure}' has no version ${version ?? ''}`.trim(),
      });
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
    const hit = this.compiledCache.get(key);
    const live = own(this.resolvedPacks, pack)?.calendar;
    // every step asks: the same live calendar object as at the last call (a calendar is never changed in place, a
    // notice loaded makes a new one) and the version still listed give the same answer as the full path below
    if (
      hit &&
      live !== undefined &&
      hit.live === live &&
      this.versions(pack, procedure).some((x) => x.version === version)
    )
      return hit.compiled;
    const v = await this.version(pack, procedure, version);
    const packCtx = this.packOfVersion(v);
    const cal = calendarKey(packCtx.calendar);
    if (hit && hit.calendar === cal) {
      hit.live = live;
      return hit.compiled;
    }
    const compiled = compileProcedure(v.doc, packCtx);
    this.compiledCache.set(key, { compiled, calendar: cal, live });
    return compiled;
  }

  packOfVersion(v: PublishedVersion): ResolvedPack {
    return packOfVersion(v, own(this.resolvedPacks, v.pack));
  }

  // ---- drafts (drafts.ts) ----

  draft(pack: string, procedure: string): Promise<Draft | null> {
    return this.store.drafts.get(pack, procedure);
  }

  /** The base pack's procedure a county draft is made against (the version the designer had, else the base now). */
  baseOf(
    pack: string,
    procedure: string,
    version?: number,
  ): Promise<{ pack: string; version: number | null; doc: ProcedureDoc } | null> {
    return baseOf(this, pack, procedure, version);
  }

  /** Saves a draft (a county's draft of a base procedure with its overlay on the base it was made against). */
  async saveDraft(
    pack: string,
    procedure: string,
    doc: ProcedureDoc,
    by: string,
    now: string,
    baseVersion?: number,
  ): Promise<void> {
    await this.store.drafts.save(pack, procedure, await draftRecord(this, pack, procedure, doc, by, now, baseVersion));
  }

  /** A draft as the designer should see it: a county's draft laid on its base as it is now. */
  async draftView(
    pack: string,
    procedure: string,
  ): Promise<{ draft: Draft; doc: ProcedureDoc; conflicts: ReturnType<typeof draftOnBase>['conflicts'] } | null> {
    const draft = await this.draft(pack, procedure);
    return draft ? draftView(this, procedure, draft) : null;
  }

  /**
   * The draft becomes a new version (a county's draft of a base procedure as its patch). The draft is read inside the
   * catalogue's turn: of publishes racing on one draft, one publishes it.
   */
  publishDraft(
    pack: string,
    procedure: string,
    now: string,
    meta: { by?: string; note?: string } = {},
  ): Promise<number> {
    return this.exclusive(async () => {
      const change = procedureDraftChange(this, pack, procedure, await this.draft(pack, procedure));
      const r = await this.commitRetrying(change, 'designer', {
        now,
        force: { pack, procedure },
        dropDrafts: { pack, procedure },
        ...meta,
      });
      return r.published.find((p) => p.pack === pack && p.procedure === procedure)!.version;
    });
  }

  /** Publishes a pack draft (parameter overrides, list items): every procedure whose effective content changes gets a version. */
  publishPackDraft(
    pack: string,
    now: string,
    meta: { by?: string; note?: string } = {},
  ): Promise<CommitResult['published']> {
    return this.exclusive(async () => {
      const change = packDraftChange(this, pack, await this.draft(pack, PACK_DRAFT));
      const r = await this.commitRetrying(change, 'designer', {
        now,
        dropDrafts: { pack, procedure: PACK_DRAFT },
        ...meta,
      });
      return r.published.filter((p) => p.pack === pack);
    });
  }
}

type Calendars = Record<string, Record<string, calendar.CalendarFile>>;

/** The imported calendars as stored (JSON text), by pack and year. */
function parseCalendars(raw: string | null | undefined): Calendars {
  return raw ? (JSON.parse(raw) as Calendars) : {};
}

/** The stored packs' sources (with `overrides` in place of some), each with its imported calendars laid over its data. */
function sourcesOf(
  packsData: Record<string, StoredPack>,
  overrides: Record<string, Source>,
  calendars: Calendars,
): PackSource[] {
  const all: Record<string, Source> = {};
  for (const [id, p] of Object.entries(packsData)) all[id] = p.source;
  Object.assign(all, overrides);
  return Object.entries(all).map(([id, s]) => {
    const cal = Object.fromEntries(Object.entries(calendars[id] ?? {}).map(([year, f]) => [`calendar-${year}`, f]));
    return { ...s, data: { ...s.data, ...cal }, folder: id };
  });
}
