/**
 * Published versions: what one is (the document and the pack context it was resolved with, frozen), what it is made
 * of (its effective content, hashed: a procedure gets a new version only when that changes), and which versions a
 * resolved change publishes.
 */
import { calendar, type PackParameter, type ProcedureDoc, type ResolvedPack } from '../../engine';
import type { VersionInfo } from '../registry';
import { sha256, stableStringify } from '../util/ids';

export type VersionSource = VersionInfo['source'];

/** A published version as stored: the document and the pack context it was resolved with, frozen. */
export interface PublishedVersion {
  pack: string;
  procedure: string;
  version: number;
  publishedAt: string;
  source: VersionSource;
  doc: ProcedureDoc;
  context: {
    title: ResolvedPack['title'];
    lineage: string[];
    parameters: Record<string, PackParameter>;
    data: Record<string, unknown>;
  };
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
  const named = <T>(m: Record<string, T>) =>
    Object.fromEntries(Object.entries(m).filter(([name]) => text.includes(JSON.stringify(name))));
  return sha256(
    stableStringify({ doc: body, parameters: named(pack.parameters), data: named(withoutCalendars(pack.data)) }),
  );
}

/** The hash as versions published before it named only the parameters read (every parameter of the pack). */
function effectiveHashWithAllParameters(doc: ProcedureDoc, pack: ResolvedPack): string {
  const { version: _v, ...body } = doc;
  return sha256(stableStringify({ doc: body, parameters: pack.parameters, data: withoutCalendars(pack.data) }));
}

const calendarKeys = new WeakMap<object, string>();
/** A key telling one legal calendar from another (computed once per calendar object). */
export function calendarKey(cal: ResolvedPack['calendar']): string {
  let k = calendarKeys.get(cal);
  if (k === undefined) {
    k = stableStringify(cal);
    calendarKeys.set(cal, k);
  }
  return k;
}

/**
 * The pack a published version runs with: the context frozen at publication — except the legal calendar, which is the
 * pack's current one (`live`; a notice loaded later applies to running cases too).
 */
export function packOfVersion(v: PublishedVersion, live: ResolvedPack | undefined): ResolvedPack {
  return {
    id: v.pack,
    title: v.context.title,
    lineage: v.context.lineage,
    parameters: v.context.parameters,
    procedures: {},
    data: v.context.data,
    calendar: live?.calendar ?? calendar.calendarOfPackData(v.context.data),
    overrides: [],
    ...(live?.calendarPolicy ? { calendarPolicy: live.calendarPolicy } : {}),
  };
}

export interface NewVersions {
  versions: { record: PublishedVersion; info: VersionInfo }[];
  published: { pack: string; procedure: string; version: number }[];
}

/**
 * The versions a change publishes: in every affected pack, each procedure (not held on its versions) whose effective
 * content differs from its latest version's, numbered after it — or, `force`d, even when unchanged. A version of a
 * pack the change did not name follows it (`followed`: the changed packs).
 */
export function newVersions(
  packs: Record<string, ResolvedPack>,
  affected: Iterable<string>,
  changed: string[],
  history: (pack: string, procedure: string) => VersionInfo[],
  held: (pack: string) => string[],
  versionSource: VersionSource,
  opts: { force?: { pack: string; procedure: string }; now: string; by?: string; note?: string },
): NewVersions {
  const published: NewVersions['published'] = [];
  const versions: NewVersions['versions'] = [];
  for (const packId of affected) {
    const pack = packs[packId];
    if (!pack) continue;
    const holding = new Set(held(packId));
    for (const [procId, doc] of Object.entries(pack.procedures)) {
      if (holding.has(procId)) continue;
      const list = history(packId, procId);
      const latest = list[list.length - 1];
      const hash = effectiveHash(doc, pack);
      const forced = opts.force?.pack === packId && opts.force.procedure === procId;
      if (latest && (latest.hash === hash || latest.hash === effectiveHashWithAllParameters(doc, pack)) && !forced)
        continue;
      const version = (latest?.version ?? 0) + 1;
      const own = changed.includes(packId);
      const info: VersionInfo = {
        version,
        hash,
        publishedAt: opts.now,
        source: versionSource,
        ...(own && opts.by ? { by: opts.by } : {}),
        ...(own && opts.note ? { note: opts.note } : {}),
        ...(own ? {} : { followed: changed.join(',') }),
      };
      versions.push({
        info,
        record: {
          pack: packId,
          procedure: procId,
          version,
          publishedAt: opts.now,
          source: versionSource,
          doc: { ...doc, version },
          context: { title: pack.title, lineage: pack.lineage, parameters: pack.parameters, data: pack.data },
        },
      });
      published.push({ pack: packId, procedure: procId, version });
    }
  }
  return { versions, published };
}
