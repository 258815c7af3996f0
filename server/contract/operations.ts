/**
 * Every operation of the HTTP API, once: method, path, query, body, responses and the error codes it may answer.
 * The routes are mounted from these (server/http/route.ts validates and types their input and output), the OpenAPI
 * document is built from these (server/http/openapi.ts), and the designer's client types its calls with them.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { ApiCode } from './errors';
import * as I from './instances';
import * as P from './packs';
import * as A from './admin';
import * as W from './webhooks';
import * as K from './calendar';
import * as C from './county';
import { AnyObject } from './common';
import { figuresDescription } from '../../engine/figures';

export interface ResponseDef {
  description: string;
  schema?: TSchema;
  /** Default application/json. */
  contentType?: string;
}

export interface HeaderDef {
  name: string;
  description: string;
  schema: TSchema;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, e.g. `/api/instances/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** No token needed. */
  public?: boolean;
  query?: TObject;
  body?: TSchema;
  /** The body may be left out (the handler then gets undefined). */
  bodyOptional?: boolean;
  /** How a body that fails `body` is refused (default BAD_REQUEST); `none`: the handler validates it itself. */
  bodyCheck?: 'BAD_REQUEST' | 'INVALID_DEFINITION' | 'none';
  headers?: HeaderDef[];
  responses: Record<number, ResponseDef>;
  errors: ApiCode[];
}

const op = <const O extends Operation>(o: O): O => o;
const NoQuery = Type.Object({}, { additionalProperties: false });
const json = <S extends TSchema>(description: string, schema: S) => ({ description, schema });

const AUTH: ApiCode[] = ['UNAUTHORIZED', 'BAD_REQUEST'];
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** An .xlsx workbook's bytes. */
const Workbook = Type.Unsafe<Uint8Array>({ type: 'string', contentMediaType: XLSX });
const BODY: ApiCode[] = ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

export const operations = {
  health: op({
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    tag: 'system',
    summary: '健康检查 / health',
    public: true,
    query: NoQuery,
    responses: { 200: json('the server answers', A.Health) },
    errors: ['BAD_REQUEST'],
  }),
  openapi: op({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openapi',
    tag: 'system',
    summary: '本文档 / this document',
    public: true,
    query: NoQuery,
    description:
      'The OpenAPI 3.1 document, standalone (no external reference); `servers` names the address the request came to.',
    responses: { 200: json('OpenAPI 3.1', AnyObject()) },
    errors: ['BAD_REQUEST'],
  }),
  procedureSchema: op({
    method: 'get',
    path: '/api/schemas/procedure.json',
    operationId: 'procedureSchema',
    tag: 'system',
    public: true,
    query: NoQuery,
    summary: '流程定义的 JSON Schema / procedure document schema',
    responses: { 200: json('JSON Schema draft 2020-12', AnyObject()) },
    errors: ['BAD_REQUEST'],
  }),
  packSchema: op({
    method: 'get',
    path: '/api/schemas/pack.json',
    operationId: 'packSchema',
    tag: 'system',
    public: true,
    query: NoQuery,
    summary: '配置包清单的 JSON Schema / pack manifest schema',
    responses: { 200: json('JSON Schema draft 2020-12', AnyObject()) },
    errors: ['BAD_REQUEST'],
  }),
  metrics: op({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'system',
    query: NoQuery,
    summary: 'Prometheus 指标 / Prometheus metrics (role metrics or admin)',
    description:
      'Requests, steps and refusals by code per pack and procedure; step and store latency; timers due and timer lag; outbox pending, dead and delivery latency; open and overdue cases.',
    responses: {
      200: { description: 'Prometheus text exposition format 0.0.4', schema: Type.String(), contentType: 'text/plain' },
    },
    errors: [...AUTH, 'FORBIDDEN'],
  }),
  me: op({
    method: 'get',
    path: '/api/me',
    operationId: 'me',
    tag: 'auth',
    summary: '当前令牌 / the calling token',
    query: NoQuery,
    responses: { 200: json('subject, roles and packs of the token', A.Me) },
    errors: AUTH,
  }),
  createToken: op({
    method: 'post',
    path: '/api/admin/tokens',
    operationId: 'createToken',
    tag: 'auth',
    summary: '创建令牌(管理员)/ create a token (admin)',
    query: NoQuery,
    body: A.TokenCreate,
    responses: { 201: json('created; the token is shown only now', A.TokenCreated) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN'],
  }),
  listTokens: op({
    method: 'get',
    path: '/api/admin/tokens',
    operationId: 'listTokens',
    tag: 'auth',
    summary: '令牌列表(管理员)/ tokens (admin)',
    query: NoQuery,
    responses: { 200: json('every token made with POST /api/admin/tokens (never the token itself)', A.TokenList) },
    errors: [...AUTH, 'FORBIDDEN'],
  }),
  revokeToken: op({
    method: 'delete',
    path: '/api/admin/tokens/{id}',
    operationId: 'revokeToken',
    tag: 'auth',
    summary: '吊销令牌(管理员)/ revoke a token (admin)',
    query: NoQuery,
    description: 'The token stops working at once.',
    responses: { 204: { description: 'revoked' } },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  getClock: op({
    method: 'get',
    path: '/api/admin/clock',
    operationId: 'getClock',
    tag: 'system',
    query: NoQuery,
    summary: '受控时钟 / the controlled clock (GONGZHI_CONTROLLED_CLOCK=1 only; 404 otherwise)',
    responses: { 200: json('now', A.Clock) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  setClock: op({
    method: 'put',
    path: '/api/admin/clock',
    operationId: 'setClock',
    tag: 'system',
    query: NoQuery,
    summary: '拨动受控时钟(管理员)/ move the controlled clock forward (admin)',
    description:
      'Time only moves forward (earlier → 409 CLOCK_BACKWARDS). Deadlines due by the new time fire, in due order, before the reply.',
    body: A.ClockSet,
    responses: { 200: json('the new time and how many deadlines fired', A.Clock) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'CLOCK_BACKWARDS'],
  }),
  listPacks: op({
    method: 'get',
    path: '/api/packs',
    operationId: 'listPacks',
    tag: 'packs',
    summary: '配置包列表 / packs the token may see',
    query: NoQuery,
    responses: { 200: json('packs', P.PackList) },
    errors: AUTH,
  }),
  importPack: op({
    method: 'post',
    path: '/api/packs',
    operationId: 'importPack',
    tag: 'packs',
    summary: '导入配置包(gongzhi-pack/1)/ import a pack bundle',
    query: NoQuery,
    description:
      'Validated whole (with every pack built on it); a bad bundle changes nothing (422 with every problem). Procedures whose content changed get new versions; running cases stay on theirs.',
    body: P.Bundle,
    bodyCheck: 'INVALID_DEFINITION',
    responses: { 201: json('imported', P.Imported) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  getPack: op({
    method: 'get',
    path: '/api/packs/{pack}',
    operationId: 'getPack',
    tag: 'packs',
    summary: '解析后的配置包及其改动 / the resolved pack with its overrides',
    query: NoQuery,
    responses: { 200: json('the resolved pack', P.PackDetail) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  exportPack: op({
    method: 'get',
    path: '/api/packs/{pack}/export',
    operationId: 'exportPack',
    tag: 'packs',
    summary: '导出配置包 / export a pack as a bundle',
    query: NoQuery,
    responses: { 200: json('gongzhi-pack/1 bundle', P.Bundle) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  getProcedure: op({
    method: 'get',
    path: '/api/packs/{pack}/procedures/{proc}',
    operationId: 'getProcedure',
    tag: 'packs',
    summary: '已发布的流程定义 / the latest published definition',
    query: P.VersionQuery,
    responses: { 200: json('the procedure document', P.Procedure) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  listVersions: op({
    method: 'get',
    path: '/api/packs/{pack}/procedures/{proc}/versions',
    operationId: 'listVersions',
    tag: 'packs',
    summary: '版本列表 / published versions',
    query: NoQuery,
    responses: { 200: json('versions, oldest first', P.VersionList) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  getDraft: op({
    method: 'get',
    path: '/api/packs/{pack}/procedures/{proc}/draft',
    operationId: 'getDraft',
    tag: 'packs',
    summary: '草稿 / the draft (404 when none)',
    query: P.DraftQuery,
    responses: { 200: json('the draft', P.Procedure), 204: { description: 'no draft (with ?ifExists)' } },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  putDraft: op({
    method: 'put',
    path: '/api/packs/{pack}/procedures/{proc}/draft',
    operationId: 'putDraft',
    tag: 'packs',
    summary: '保存草稿 / save a draft',
    query: P.PutDraftQuery,
    description:
      'A draft is kept whatever its state: the answer lists its problems. A county’s draft is kept as the changes that turn the base version `baseVersion` (the designer’s) into it; `conflicts` lists those the base no longer allows.',
    body: P.Procedure,
    bodyCheck: 'none',
    responses: { 200: json('saved', P.DraftSaved) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  publish: op({
    method: 'post',
    path: '/api/packs/{pack}/procedures/{proc}/publish',
    operationId: 'publish',
    tag: 'packs',
    summary: '发布草稿 / publish the draft as an immutable version',
    query: NoQuery,
    body: P.PublishBody,
    bodyOptional: true,
    responses: { 201: json('the new version', P.Published) },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  getPackDraft: op({
    method: 'get',
    path: '/api/packs/{pack}/draft',
    operationId: 'getPackDraft',
    tag: 'packs',
    query: P.DraftQuery,
    summary:
      '县级草稿 / a county’s draft of parameter overrides and list items (404 when none; with `?ifExists=1`, 204)',
    responses: { 200: json('the pack draft', C.PackDraft), 204: { description: 'no draft (with ?ifExists)' } },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  putPackDraft: op({
    method: 'put',
    path: '/api/packs/{pack}/draft',
    operationId: 'putPackDraft',
    tag: 'packs',
    query: NoQuery,
    summary: '保存县级草稿 / save a county’s parameter overrides and list items as a draft',
    description:
      'The whole set of pending changes. `parameters`: name → {value, basis?, title?, unit?, sample?} (the base’s title, unit and basis unless given) or null to drop the county’s override; each records the base value it replaces (`baseValue`). `data`: data file → list → items added or changed by id (`removed: true` takes a base item out); published, the county’s own data file holds only these, merged over the base’s. A parameter the base does not have, a value of another kind, a dated table, one the base locks, a list the base does not have, an item without a bilingual title: 422 INVALID_DEFINITION (UNKNOWN_PARAMETER, PARAMETER_TYPE, PARAMETER_TABLE, PACK_LOCKED, UNKNOWN_LIST, ITEM_TITLE, DUPLICATE_ID).',
    body: C.PackDraftBody,
    responses: { 200: json('saved', C.PackDraftSaved) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  publishPack: op({
    method: 'post',
    path: '/api/packs/{pack}/publish',
    operationId: 'publishPack',
    tag: 'packs',
    query: NoQuery,
    summary: '发布县级参数草稿 / publish the pack draft (body `{note?}`)',
    body: P.PublishBody,
    bodyOptional: true,
    responses: { 201: json('the versions published', C.PackPublished) },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  migrateCases: op({
    method: 'post',
    path: '/api/packs/{pack}/procedures/{proc}/migrate',
    operationId: 'migrateCases',
    tag: 'packs',
    query: NoQuery,
    summary:
      '批量迁移运行中的案件(管理员,默认预演)/ move running cases to a version (admin; a dry run unless dryRun: false)',
    description:
      'Selects the running cases of the procedure (on versions before the target, or `fromVersions`; `state`, `ids`), up to `limit` per call (`next` continues). Each is moved as POST /api/instances/{id}/migrate would, or refused with its problems (the others still move). A dry run lists every selected case with what would change and changes nothing.',
    body: C.MigrateBatchBody,
    bodyOptional: true,
    responses: { 200: json('the cases selected, moved or refused', C.BatchMigrated) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  simulate: op({
    method: 'post',
    path: '/api/packs/{pack}/procedures/{proc}/simulate',
    operationId: 'simulate',
    tag: 'packs',
    summary: '模拟运行(不保存)/ simulate, nothing stored',
    query: NoQuery,
    description:
      'Runs the given definition, else the draft, else the latest version. Deadlines due before an event’s `at` fire first. A refused event stays in the trace with `refused` and the case stays where it was.',
    body: P.SimulateBody,
    responses: { 200: json('the trace', P.Trace) },
    errors: [...AUTH, ...BODY, 'NOT_FOUND', 'INVALID_DEFINITION'],
  }),
  getCalendar: op({
    method: 'get',
    path: '/api/packs/{pack}/calendar',
    operationId: 'getCalendar',
    tag: 'packs',
    summary: '法定节假日日历(某一年)/ the legal calendar of one year',
    description:
      'A year with a loaded State Council notice answers `official: true` with its holidays and make-up working days (调休上班). A year without one answers `official: false` with the days derived from 《全国年节及纪念日放假办法》(2024) Art. 2 (the 13 statutory days) and Art. 6 (a provisional substitute day for a statutory day on a weekend), each `provisional: true`; no make-up working days are assumed. `policy` is the pack’s calendarPolicy. `officialYears` lists the years with a notice.',
    query: K.CalendarQuery,
    responses: { 200: json('the year', K.CalendarYear) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  loadCalendar: op({
    method: 'put',
    path: '/api/packs/{pack}/calendar/{year}',
    operationId: 'loadCalendar',
    tag: 'packs',
    summary: '载入国务院办公厅节假日安排通知(管理员)/ load a year’s State Council holiday notice (admin)',
    description:
      'Body `{"notice": "<the notice text>"}` (read and checked: every Art. 2 day of the year must be a rest day) or `{"source", "holidays", "workdays"}`. The year becomes official for the pack and every pack extending it; every pending deadline of running cases that read the year is recomputed from its own period start (a DEADLINE_RECALCULATED history entry, a `deadline` webhook per deadline moved with `change: "recalculated"` and `previousDueAt`). `?dryRun=1` answers the same and changes nothing.',
    query: K.CalendarLoadQuery,
    body: K.CalendarLoad,
    bodyCheck: 'none',
    responses: { 200: json('the year and what was recalculated', K.CalendarLoadResult) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_CALENDAR'],
  }),
  listInstances: op({
    method: 'get',
    path: '/api/instances',
    operationId: 'listInstances',
    tag: 'instances',
    summary: '案件列表 / list cases',
    description:
      'Cases the token may see, oldest first unless `sort` says otherwise (keyset paging: `next` continues in the same order). A pack outside the token’s packs is 404, as everywhere; an unknown query parameter is 400.',
    query: I.ListQuery,
    responses: { 200: json('a page of cases', I.InstanceList) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  startInstance: op({
    method: 'post',
    path: '/api/instances',
    operationId: 'startInstance',
    tag: 'instances',
    summary: '立案 / start a case',
    query: NoQuery,
    description:
      'The same businessKey in the same pack, with the same procedure and start data, answers 200 with the existing case; ' +
      'another procedure or other data is 409 BUSINESS_KEY_CONFLICT. The same Idempotency-Key (per token subject) replays the first answer.',
    body: I.InstanceStart,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'the same key replays the first answer; nothing is created twice',
        schema: Type.String({ minLength: 1, maxLength: 200 }),
      },
    ],
    responses: { 201: json('created', I.Instance), 200: json('the existing case (same businessKey)', I.Instance) },
    errors: [
      ...AUTH,
      ...BODY,
      'FORBIDDEN',
      'NOT_FOUND',
      'BUSINESS_KEY_CONFLICT',
      'GUARD_REJECTED',
      'INVALID_PAYLOAD',
      'CALENDAR_RANGE',
      'INVALID_PERIOD',
      'INVALID_DEFINITION',
    ],
  }),
  getInstance: op({
    method: 'get',
    path: '/api/instances/{id}',
    operationId: 'getInstance',
    tag: 'instances',
    summary: '案件 / a case',
    query: NoQuery,
    responses: { 200: json('the case', I.Instance) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  sendEvent: op({
    method: 'post',
    path: '/api/instances/{id}/events',
    operationId: 'sendEvent',
    tag: 'instances',
    summary: '发送事件 / send an event',
    query: NoQuery,
    body: I.EventSend,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'the same key replays the first answer; nothing is applied twice',
        schema: Type.String({ minLength: 1, maxLength: 200 }),
      },
      { name: 'If-Match', description: '"<rev>"; stale → 409 REVISION_CONFLICT', schema: Type.String() },
    ],
    responses: { 200: json('the case after the event', I.Instance) },
    errors: [
      ...AUTH,
      ...BODY,
      'FORBIDDEN',
      'NOT_FOUND',
      'EVENT_NOT_ALLOWED',
      'GUARD_REJECTED',
      'REVISION_CONFLICT',
      'INVALID_PAYLOAD',
      'CALENDAR_RANGE',
      'INVALID_PERIOD',
      'INVALID_DEFINITION',
    ],
  }),
  cancelInstance: op({
    method: 'post',
    path: '/api/instances/{id}/cancel',
    operationId: 'cancelInstance',
    tag: 'instances',
    summary: '撤销案件 / cancel (withdraw) a case',
    query: NoQuery,
    description:
      'Admins, or a role the procedure lists in `cancelRoles`. The case becomes `cancelled`: its deadlines are dropped, its history and a `cancelled` webhook record who and why. A done or cancelled case is 409 CASE_CLOSED.',
    body: I.CancelBody,
    responses: { 200: json('the cancelled case', I.Instance) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'CASE_CLOSED'],
  }),
  migrateInstance: op({
    method: 'post',
    path: '/api/instances/{id}/migrate',
    operationId: 'migrateInstance',
    tag: 'instances',
    query: NoQuery,
    summary: '迁移案件到另一版本(管理员)/ move a running case to another published version (admin)',
    description:
      'States map by id, or by `stateMap` (a key may name an ancestor state); deadlines are recomputed from their own period start under the version’s period (extensions kept; an expired one stays; one the version no longer has is dropped; one it adds to an active state is armed from the day the state was entered). A MIGRATED history entry records it. `dryRun` answers the same and changes nothing. A state with no counterpart: 409 MIGRATION_REFUSED with the problems.',
    body: C.MigrateBody,
    bodyOptional: true,
    responses: { 200: json('what changed (or would)', C.CaseMigrated) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'MIGRATION_REFUSED', 'INVALID_DEFINITION'],
  }),
  getHistory: op({
    method: 'get',
    path: '/api/instances/{id}/history',
    operationId: 'getHistory',
    tag: 'instances',
    summary: '办理记录 / history',
    query: NoQuery,
    responses: { 200: json('entries, oldest first', I.History) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  listWebhooks: op({
    method: 'get',
    path: '/api/webhooks',
    operationId: 'listWebhooks',
    tag: 'webhooks',
    summary: 'Webhook 订阅 / subscriptions the token may see',
    query: NoQuery,
    responses: { 200: json('subscriptions', W.WebhookList) },
    errors: [...AUTH, 'FORBIDDEN'],
  }),
  createWebhook: op({
    method: 'post',
    path: '/api/webhooks',
    operationId: 'createWebhook',
    tag: 'webhooks',
    summary: '订阅 / subscribe (admin, or integrator for its packs)',
    query: NoQuery,
    description:
      'Deliveries: POST url, JSON {id, type, at, webhook, instance, transition?, effect?, deadline?, cancelled?}; headers ' +
      '`Gongzhi-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>`, `Gongzhi-Timestamp: <unix seconds>`, ' +
      '`Gongzhi-Signature-Timestamped: sha256=<hex HMAC of "<timestamp>.<raw body>">`, `Idempotency-Key` (the delivery id, the same on every retry), ' +
      '`X-Request-Id` (of the call that caused it). Non-2xx → retried with exponential back-off; after the last attempt the delivery is dead, ' +
      'listed and redeliverable. The deliveries of one case to one subscription arrive in the order of its history.',
    body: W.WebhookCreate,
    responses: { 201: json('created', W.Webhook) },
    errors: [...AUTH, ...BODY, 'FORBIDDEN', 'NOT_FOUND', 'INVALID_WEBHOOK'],
  }),
  deleteWebhook: op({
    method: 'delete',
    path: '/api/webhooks/{id}',
    operationId: 'deleteWebhook',
    tag: 'webhooks',
    summary: '取消订阅 / unsubscribe',
    query: NoQuery,
    responses: { 204: { description: 'deleted' } },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  listDeliveries: op({
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    operationId: 'listDeliveries',
    tag: 'webhooks',
    summary: '投递记录 / deliveries of a subscription',
    description:
      'The latest `limit` deliveries (of one `status`), oldest first. Pending, failed and dead deliveries are kept in the store until delivered (dead ones until redelivered); delivered ones are kept by the PostgreSQL store, while the embedded store lists the latest 200 per subscription since the server started.',
    query: W.DeliveriesQuery,
    responses: { 200: json('deliveries, oldest first', W.DeliveryList) },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  redeliver: op({
    method: 'post',
    path: '/api/webhooks/{id}/deliveries/{delivery}/redeliver',
    operationId: 'redeliver',
    tag: 'webhooks',
    summary: '重新投递 / deliver again',
    query: NoQuery,
    description: 'Queues the delivery again with its body and Idempotency-Key unchanged and a fresh attempt count.',
    responses: { 202: json('queued', W.Redelivered) },
    errors: [...AUTH, 'FORBIDDEN', 'NOT_FOUND'],
  }),
  stats: op({
    method: 'get',
    path: '/api/stats',
    operationId: 'stats',
    tag: 'instances',
    summary: '统计 / statistics',
    description: `${figuresDescription()}\n\nA pack outside the token’s packs is 404, as on /api/instances. \`byState\`: open cases per procedure and current state; \`active\` = opened − closed − cancelled.`,
    query: A.StatsQuery,
    responses: { 200: json('figures', A.Stats) },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  exportCases: op({
    method: 'get',
    path: '/api/exports/cases.xlsx',
    operationId: 'exportCases',
    tag: 'instances',
    summary: '导出案件列表(Excel)/ the case list as .xlsx',
    description:
      'Every case of the listing (the filters and order of GET /api/instances; no paging), at most 10,000 rows (a last row says when there were more). Headers in Chinese, or English with `lang=en`; titles of procedures and states, deadlines with 暂定 where provisional, overdue rows in red.',
    query: I.ExportCasesQuery,
    responses: { 200: { description: 'the workbook', schema: Workbook, contentType: XLSX } },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
  exportFigures: op({
    method: 'get',
    path: '/api/exports/figures.xlsx',
    operationId: 'exportFigures',
    tag: 'instances',
    summary: '导出统计(Excel)/ the figures as .xlsx',
    description:
      'The figures of GET /api/stats for the same scope: a sheet of figures with their definitions, one per week, one per state (open now, time in state).',
    query: A.ExportFiguresQuery,
    responses: { 200: { description: 'the workbook', schema: Workbook, contentType: XLSX } },
    errors: [...AUTH, 'NOT_FOUND'],
  }),
} as const satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationId = keyof Operations;
