/**
 * The HTTP API (server/API.md, server/README.md). Every call carries the bearer token; error bodies
 * `{error: {code, message: {zh-CN, en}, details}}` become ApiError with the bilingual message. Request and answer
 * types are the server's own contract (server/contract: the same definitions the routes validate and the OpenAPI
 * document is built from), imported as types only: nothing of the server enters the bundle.
 */
import type { I18n, ProblemDetail, ProcedureDoc } from '../../../engine/browser';
import type {
  BatchMigratedBody,
  CalendarLoadResultBody,
  CalendarYearBody,
  CaseMigrationBody,
  DraftSavedBody,
  HistoryEntryBody,
  InstanceBody,
  InstanceStartBody,
  InstanceListBody,
  MeBody,
  PackConflictBody,
  PackDetailBody,
  PackDraftBody,
  PackDraftEditBody,
  PackDraftSavedBody,
  PackPublishedBody,
  PackSummaryBody,
  PublishedBody,
  SimulateRequestBody,
  StatsBody,
  VersionInfoBody,
} from '../../../server/contract';
import type { TraceEntry } from '../model/simulation';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly i18n: I18n,
    readonly details?: unknown,
  ) {
    super(i18n.en);
  }
  /** Problems with paths (INVALID_DEFINITION / INVALID_PAYLOAD details). */
  get problems(): ProblemDetail[] {
    return Array.isArray(this.details)
      ? (this.details as ProblemDetail[]).filter((p) => p && typeof p.path === 'string')
      : [];
  }
}

export type PackSummary = PackSummaryBody;
export type PackDetail = PackDetailBody;
export type VersionInfo = VersionInfoBody;
export type { InstanceBody };
export type HistoryEntry = HistoryEntryBody;
export type PackConflict = PackConflictBody;
/** A county's pending parameter overrides and list items (the pack draft). */
export type PackDraft = PackDraftBody;
/** One running case as a migration moves it (or would, in a dry run). */
export type CaseMigration = CaseMigrationBody;

/** An item of a pack data list (a duty list entry). */
export interface ListItem {
  id: string;
  title?: I18n;
  sample?: boolean;
  removed?: boolean;
  [k: string]: unknown;
}

/** One page of cases (`GET /api/instances`). */
export type InstancePage = InstanceListBody;
/** `GET /api/stats` (definitions: engine/figures.ts, the same text as the OpenAPI document). */
export type Stats = StatsBody;

/** One year of a pack's legal calendar (API.md "Legal calendar"). */
export type CalendarYear = CalendarYearBody;
/** The answer to loading a notice (or its dry run): the year and every running deadline it moves. */
export type CalendarLoad = CalendarLoadResultBody;
export type SimulateRequest = SimulateRequestBody;

const enc = encodeURIComponent;

export class Api {
  constructor(
    readonly token: string,
    readonly base = '',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
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
      const err = (json as { error?: { code?: string; message?: I18n | string; details?: unknown } } | undefined)
        ?.error;
      const message = typeof err?.message === 'string' ? { 'zh-CN': err.message, en: err.message } : err?.message;
      throw new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        message ?? { 'zh-CN': `请求失败(${res.status})`, en: `Request failed (${res.status})` },
        err?.details,
      );
    }
    return json as T;
  }

  me = () => this.request<MeBody>('GET', '/api/me');
  packs = () => this.request<PackSummary[]>('GET', '/api/packs');
  pack = (pack: string) => this.request<PackDetail>('GET', `/api/packs/${enc(pack)}`);

  private proc = (pack: string, proc: string) => `/api/packs/${enc(pack)}/procedures/${enc(proc)}`;
  procedure = (pack: string, proc: string, version?: number) =>
    this.request<ProcedureDoc>('GET', this.proc(pack, proc) + (version !== undefined ? `?version=${version}` : ''));
  versions = (pack: string, proc: string) => this.request<VersionInfo[]>('GET', `${this.proc(pack, proc)}/versions`);
  /** The draft, or null when there is none (asked so that "no draft" is not an error). */
  draft = (pack: string, proc: string) =>
    this.request<ProcedureDoc | null>('GET', `${this.proc(pack, proc)}/draft?ifExists=1`);
  /**
   * Saved whatever its state; the answer lists what keeps it from being published. A county's draft is kept as
   * changes to the base version it was made on (`baseVersion`); `conflicts` lists those the base no longer allows.
   */
  saveDraft = (pack: string, proc: string, doc: ProcedureDoc, baseVersion?: number) =>
    this.request<DraftSavedBody>(
      'PUT',
      `${this.proc(pack, proc)}/draft${baseVersion ? `?baseVersion=${baseVersion}` : ''}`,
      doc,
    );
  publish = (pack: string, proc: string, note?: string) =>
    this.request<PublishedBody>('POST', `${this.proc(pack, proc)}/publish`, note ? { note } : {});
  packDraft = (pack: string) => this.request<PackDraft | null>('GET', `/api/packs/${enc(pack)}/draft?ifExists=1`);
  savePackDraft = (pack: string, draft: PackDraftEditBody) =>
    this.request<PackDraftSavedBody>('PUT', `/api/packs/${enc(pack)}/draft`, draft);
  publishPack = (pack: string, note?: string) =>
    this.request<PackPublishedBody>('POST', `/api/packs/${enc(pack)}/publish`, note ? { note } : {});
  /** Running cases moved to `toVersion` (admin); a dry run unless `dryRun: false`. */
  migrate = (
    pack: string,
    proc: string,
    body: { toVersion?: number; dryRun?: boolean; stateMap?: Record<string, string> },
  ) => this.request<BatchMigratedBody>('POST', `${this.proc(pack, proc)}/migrate`, body);
  simulate = (pack: string, proc: string, body: SimulateRequest) =>
    this.request<TraceEntry[] | { trace: TraceEntry[] }>('POST', `${this.proc(pack, proc)}/simulate`, body);

  calendar = (pack: string, year?: number) =>
    this.request<CalendarYear>('GET', `/api/packs/${enc(pack)}/calendar${year ? `?year=${year}` : ''}`);
  loadNotice = (pack: string, year: number, notice: string, dryRun: boolean) =>
    this.request<CalendarLoad>('PUT', `/api/packs/${enc(pack)}/calendar/${year}${dryRun ? '?dryRun=1' : ''}`, {
      notice,
    });

  /** One page of cases (`GET /api/instances`); `next` continues after the page, null at the end. */
  instances = (query: URLSearchParams) => this.request<InstancePage>('GET', `/api/instances?${query}`);
  stats = (query: URLSearchParams) => this.request<Stats>('GET', `/api/stats?${query}`);
  /** A file the server makes (an export): its bytes and the name it suggests. */
  async download(path: string): Promise<{ blob: Blob; name: string }> {
    const res = await fetch(this.base + path, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!res.ok) {
      const err = (
        (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: I18n } } | undefined
      )?.error;
      throw new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? { 'zh-CN': `请求失败(${res.status})`, en: `Request failed (${res.status})` },
      );
    }
    const cd = res.headers.get('content-disposition') ?? '';
    const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) ?? /filename="([^"]+)"/i.exec(cd);
    return { blob: await res.blob(), name: m ? decodeURIComponent(m[1]) : 'export.xlsx' };
  }
  instance = (id: string) => this.request<InstanceBody>('GET', `/api/instances/${enc(id)}`);
  history = (id: string) => this.request<HistoryEntry[]>('GET', `/api/instances/${enc(id)}/history`);
  startInstance = (pack: string, procedure: string, data: InstanceStartBody['data']) =>
    this.request<InstanceBody>('POST', '/api/instances', { pack, procedure, data });
}

/** The draft, or (none yet) the latest published version; `version` is dropped so it saves as a draft. */
export async function loadEditable(
  api: Api,
  pack: string,
  proc: string,
): Promise<{ doc: ProcedureDoc; fromDraft: boolean; version?: number }> {
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

export const traceOf = (r: TraceEntry[] | { trace: TraceEntry[] }): TraceEntry[] =>
  Array.isArray(r) ? r : (r?.trace ?? []);
