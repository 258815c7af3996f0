/**
 * The HTTP API (shared/API.md, server/README.md). Every call carries the bearer token; error bodies
 * `{error: {code, message: {zh-CN, en}, details}}` become ApiError with the bilingual message.
 */
import type { CalendarData, I18n, Instance, HistoryEntry, Override, PackConflict, PackParameter, ProblemDetail, ProcedureDoc } from '../../../engine/browser';
import type { TraceEntry } from '../model/simulation';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly i18n: I18n, readonly details?: unknown) {
    super(i18n.en);
  }
  /** Problems with paths (INVALID_DEFINITION / INVALID_PAYLOAD details). */
  get problems(): ProblemDetail[] {
    return Array.isArray(this.details) ? (this.details as ProblemDetail[]).filter((p) => p && typeof p.path === 'string') : [];
  }
}

export interface PackSummary {
  id: string;
  title: I18n;
  extends?: string;
  procedures: { id: string; version: number; title: I18n }[];
}

export interface PackDetail {
  id: string;
  title: I18n;
  extends?: string;
  lineage?: string[];
  parameters: Record<string, PackParameter>;
  procedures?: Record<string, ProcedureDoc>;
  overrides?: Override[];
  /** What the base packs' manifests lock (`procedure/item` names). */
  /** The base pack's title. */
  baseTitle?: I18n | null;
  baseLocks?: { parameters?: string[]; rules?: string[]; states?: string[]; deadlines?: string[] };
  calendar?: CalendarData;
  data?: Record<string, unknown>;
  /** A county: 'conflicted' when its base's last change did not apply cleanly; what conflicts; the procedures held on their versions. */
  status?: 'ok' | 'conflicted';
  conflicts?: PackConflict[];
  held?: string[];
}

/** A county's pending parameter overrides (the pack draft): name → the override, or null to drop it. */
export interface PackDraft {
  parameters: Record<string, PackParameter | null>;
  /** List items added or changed: data file → list → items (by id). */
  data?: Record<string, Record<string, ListItem[]>>;
  savedAt?: string;
  savedBy?: string;
}

/** An item of a pack data list (a duty list entry). */
export interface ListItem {
  id: string;
  title?: I18n;
  sample?: boolean;
  removed?: boolean;
  [k: string]: unknown;
}

/** One running case as a migration moves it (or would, in a dry run). */
export interface CaseMigration {
  id: string;
  fromVersion: number;
  toVersion: number;
  state: { from: string; to: string };
  deadlines: { name: string; change: string; from?: string; to?: string }[];
  problems: ProblemDetail[];
  moved: boolean;
}

export interface VersionInfo {
  version: number;
  publishedAt?: string;
  source?: string;
  by?: string;
  note?: string;
  /** The base pack whose change this version follows (not the pack's own publish). */
  followed?: string;
}

export interface InstanceBody extends Omit<Instance, 'deadlines'> {
  events?: { type: string; title: I18n; roles: string[] }[];
  deadlines: { name: string; state?: string; dueAt: string; dueDate?: string; overdue?: boolean }[];
}

/** One year of a pack's legal calendar (API.md "Legal calendar"). */
export interface CalendarYear {
  year: number;
  official: boolean;
  source: I18n | null;
  holidays: { date: string; name: string; provisional?: boolean; kind?: string; for?: string }[];
  workdays: { date: string; name: string }[];
  officialYears?: number[];
}

/** The answer to loading a notice (or its dry run): the year and every running deadline it moves. */
export interface CalendarLoad extends CalendarYear {
  dryRun?: boolean;
  recalculated: { instance: string; procedure?: string; deadline: string; from: string; to: string; provisional?: boolean; overdueNow?: boolean }[];
}

export interface SimulateRequest {
  data: unknown;
  events: { type: string; payload?: unknown; actor?: { subject: string; roles: string[] }; at?: string }[];
  at?: string;
  definition?: ProcedureDoc;
}

const enc = encodeURIComponent;

export class Api {
  constructor(readonly token: string, readonly base = '') {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (res.status === 204) return null as T;
    const textBody = await res.text();
    let json: unknown = undefined;
    try {
      json = textBody ? JSON.parse(textBody) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: I18n | string; details?: unknown } } | undefined)?.error;
      const message = typeof err?.message === 'string' ? { 'zh-CN': err.message, en: err.message } : err?.message;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, message ?? { 'zh-CN': `请求失败(${res.status})`, en: `Request failed (${res.status})` }, err?.details);
    }
    return json as T;
  }

  me = () => this.request<{ subject: string; roles: string[]; packs: string[] | '*' }>('GET', '/api/me');
  packs = () => this.request<PackSummary[]>('GET', '/api/packs');
  pack = (pack: string) => this.request<PackDetail>('GET', `/api/packs/${enc(pack)}`);

  private proc = (pack: string, proc: string) => `/api/packs/${enc(pack)}/procedures/${enc(proc)}`;
  procedure = (pack: string, proc: string, version?: number) =>
    this.request<ProcedureDoc>('GET', this.proc(pack, proc) + (version !== undefined ? `?version=${version}` : ''));
  versions = (pack: string, proc: string) => this.request<VersionInfo[]>('GET', `${this.proc(pack, proc)}/versions`);
  /** The draft, or null when there is none (asked so that "no draft" is not an error). */
  draft = (pack: string, proc: string) => this.request<ProcedureDoc | null>('GET', `${this.proc(pack, proc)}/draft?ifExists=1`);
  /**
   * Saved whatever its state; the answer lists what keeps it from being published. A county's draft is kept as
   * changes to the base version it was made on (`baseVersion`); `conflicts` lists those the base no longer allows.
   */
  saveDraft = (pack: string, proc: string, doc: ProcedureDoc, baseVersion?: number) =>
    this.request<{ saved: boolean; problems?: ProblemDetail[]; conflicts?: PackConflict[] }>('PUT', `${this.proc(pack, proc)}/draft${baseVersion ? `?baseVersion=${baseVersion}` : ''}`, doc);
  publish = (pack: string, proc: string, note?: string) => this.request<{ version: number }>('POST', `${this.proc(pack, proc)}/publish`, note ? { note } : {});
  packDraft = (pack: string) => this.request<PackDraft | null>('GET', `/api/packs/${enc(pack)}/draft?ifExists=1`);
  savePackDraft = (pack: string, draft: { parameters: Record<string, { value: unknown; basis?: unknown } | null>; data?: PackDraft['data'] }) =>
    this.request<{ saved: boolean; parameters: PackDraft['parameters']; data: PackDraft['data'] }>('PUT', `/api/packs/${enc(pack)}/draft`, draft);
  publishPack = (pack: string, note?: string) =>
    this.request<{ published: { pack: string; procedure: string; version: number }[] }>('POST', `/api/packs/${enc(pack)}/publish`, note ? { note } : {});
  /** Running cases moved to `toVersion` (admin); a dry run unless `dryRun: false`. */
  migrate = (pack: string, proc: string, body: { toVersion?: number; dryRun?: boolean; stateMap?: Record<string, string> }) =>
    this.request<{ toVersion: number; dryRun: boolean; cases: CaseMigration[]; moved: number; refused: number; next: string | null }>('POST', `${this.proc(pack, proc)}/migrate`, body);
  simulate = (pack: string, proc: string, body: SimulateRequest) => this.request<TraceEntry[] | { trace: TraceEntry[] }>('POST', `${this.proc(pack, proc)}/simulate`, body);

  calendar = (pack: string, year?: number) => this.request<CalendarYear>('GET', `/api/packs/${enc(pack)}/calendar${year ? `?year=${year}` : ''}`);
  loadNotice = (pack: string, year: number, notice: string, dryRun: boolean) =>
    this.request<CalendarLoad>('PUT', `/api/packs/${enc(pack)}/calendar/${year}${dryRun ? '?dryRun=1' : ''}`, { notice });

  instance = (id: string) => this.request<InstanceBody>('GET', `/api/instances/${enc(id)}`);
  history = (id: string) => this.request<HistoryEntry[]>('GET', `/api/instances/${enc(id)}/history`);
  startInstance = (pack: string, procedure: string, data: unknown) => this.request<InstanceBody>('POST', '/api/instances', { pack, procedure, data });
}

/** The draft, or (none yet) the latest published version; `version` is dropped so it saves as a draft. */
export async function loadEditable(api: Api, pack: string, proc: string): Promise<{ doc: ProcedureDoc; fromDraft: boolean; version?: number }> {
  // Both asked at once: most procedures have no draft, and the answer is then the latest version.
  const latest = api.procedure(pack, proc);
  latest.catch(() => {});
  const draft = await api.draft(pack, proc);
  if (draft) {
    const { version: _v, ...rest } = draft;
    return { doc: rest as ProcedureDoc, fromDraft: true };
  }
  const { version, ...rest } = await latest;
  return { doc: rest as ProcedureDoc, fromDraft: false, version };
}

export const traceOf = (r: TraceEntry[] | { trace: TraceEntry[] }): TraceEntry[] => (Array.isArray(r) ? r : r?.trace ?? []);
