/**
 * The OpenAPI 3.1 document of the HTTP contract (shared/API.md), served at GET /api/openapi.json.
 * A test checks that every route of the router is here and every path here has a route.
 */
import { schemas } from './schemas';

type Op = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, ...json(ref('Error')) });
const E = {
  400: err('BAD_REQUEST: malformed JSON, wrong types or unknown fields (details: [{path, message}])'),
  401: err('UNAUTHORIZED: missing or unknown token'),
  403: err('FORBIDDEN: the token lacks a role'),
  404: err('NOT_FOUND (also for packs and cases outside the token’s packs)'),
  409: err('EVENT_NOT_ALLOWED (details.allowed) / GUARD_REJECTED (details.rules) / REVISION_CONFLICT / MIGRATION_REFUSED (a case that cannot be moved to the version: details = [{path, code, message}], e.g. NO_COUNTERPART for a state the version does not have)'),
  413: err('PAYLOAD_TOO_LARGE: body over 1 MiB'),
  415: err('UNSUPPORTED_MEDIA_TYPE: body not JSON'),
  422: err('INVALID_PAYLOAD / INVALID_DEFINITION (details: [{path, message}]) / CALENDAR_RANGE (a period reads a year without a State Council notice in a pack whose calendarPolicy is "refuse", or a year the 2024 holiday statute does not govern; details: {date, years, reason: {zh-CN, en}}) / INVALID_PERIOD (a period cannot be computed: invalid date, amount or unit; details: {field, value, reason: {zh-CN, en}}) / INVALID_CALENDAR (a holiday notice or calendar that cannot be read or contradicts the statute; details: [{path, message: {zh-CN, en}, date?}])'),
  507: err('STORAGE_FULL: the store could not write (a full disk); nothing was acknowledged or kept'),
};
const pick = (...codes: (keyof typeof E)[]) => Object.fromEntries(codes.map((c) => [c, E[c]]));
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const PACK = path('pack', 'pack id, e.g. national');
const PROC = path('proc', 'procedure id, e.g. dispute-mediation');
const ID = path('id', 'case id');

function op(operationId: string, summary: string, extra: Op = {}): Op {
  return { operationId, summary, ...extra };
}

const withBody = (schemaName: string) => ({ requestBody: { required: true, ...json(ref(schemaName)) } });
const ok = (description: string, schema: unknown = {}) => ({ description, ...json(schema) });

const paths: Record<string, Record<string, Op>> = {
  '/api/health': { get: op('health', '健康检查 / health', { security: [], responses: { 200: ok('ok', { type: 'object', properties: { status: { const: 'ok' } } }) } }) },
  '/api/openapi.json': { get: op('openapi', '本文档 / this document', { security: [], responses: { 200: ok('OpenAPI 3.1') } }) },
  '/api/schemas/procedure.json': { get: op('procedureSchema', '流程定义的 JSON Schema / procedure document schema', { security: [], responses: { 200: ok('JSON Schema draft 2020-12') } }) },
  '/api/schemas/pack.json': { get: op('packSchema', '配置包清单的 JSON Schema / pack manifest schema', { security: [], responses: { 200: ok('JSON Schema draft 2020-12') } }) },
  '/api/me': { get: op('me', '当前令牌 / the calling token', { responses: { 200: ok('{subject, roles, packs}'), ...pick(401) } }) },
  '/api/admin/tokens': {
    post: op('createToken', '创建令牌(管理员)/ create a token (admin)', { ...withBody('TokenCreate'), responses: { 201: ok('created; the token is shown only now', ref('Token')), ...pick(400, 401, 403) } }),
  },
  '/api/admin/clock': {
    get: op('getClock', '受控时钟 / the controlled clock (GONGZHI_CONTROLLED_CLOCK=1 only; 404 otherwise)', { responses: { 200: ok('{now}'), ...pick(401, 404) } }),
    put: op('setClock', '拨动受控时钟(管理员)/ move the controlled clock forward (admin)', {
      description: 'Time only moves forward (earlier → 409 CLOCK_BACKWARDS). Deadlines due by the new time fire, in due order, before the reply.',
      ...withBody('ClockSet'), responses: { 200: ok('{now, fired}'), ...pick(400, 401, 403, 404, 409) },
    }),
  },
  '/api/packs': {
    get: op('listPacks', '配置包列表 / packs the token may see', { responses: { 200: ok('[{id, title, extends, procedures: [{id, version, title}]}]'), ...pick(401) } }),
    post: op('importPack', '导入配置包(gongzhi-pack/1)/ import a pack bundle', {
      description: 'Validated whole (with every pack built on it); a bad bundle changes nothing (422 with every problem). Procedures whose content changed get new versions; running cases stay on theirs.',
      ...withBody('Bundle'), responses: { 201: ok('{id, procedures: [{id, version}], published}'), ...pick(401, 403, 404, 413, 422) },
    }),
  },
  '/api/packs/{pack}': { get: op('getPack', '解析后的配置包及其改动 / the resolved pack with its overrides', { parameters: [PACK], responses: { 200: ok('resolved pack'), ...pick(401, 404) } }) },
  '/api/packs/{pack}/export': { get: op('exportPack', '导出配置包 / export a pack as a bundle', { parameters: [PACK], responses: { 200: ok('gongzhi-pack/1 bundle', ref('Bundle')), ...pick(401, 404) } }) },
  '/api/packs/{pack}/procedures/{proc}': {
    get: op('getProcedure', '已发布的流程定义 / the latest published definition', { parameters: [PACK, PROC, query('version', 'a published version number', { type: 'integer', minimum: 1 })], responses: { 200: ok('procedure document'), ...pick(400, 401, 404) } }),
  },
  '/api/packs/{pack}/procedures/{proc}/versions': {
    get: op('listVersions', '版本列表 / published versions', { parameters: [PACK, PROC], responses: { 200: ok('[{version, publishedAt, source}]'), ...pick(401, 404) } }),
  },
  '/api/packs/{pack}/procedures/{proc}/draft': {
    get: op('getDraft', '草稿 / the draft (404 when none; with `?ifExists=1`, 204 when none)', { parameters: [PACK, PROC], responses: { 200: ok('procedure document'), 204: { description: 'no draft (with ?ifExists=1)' }, ...pick(401, 403, 404) } }),
    put: op('putDraft', '保存草稿(无论是否有问题)/ save a draft, valid or not: 200 `{saved, savedAt, problems}`', { parameters: [PACK, PROC], requestBody: { required: true, ...json({ $ref: '/api/schemas/procedure.json' }) }, responses: { 200: ok('saved'), ...pick(400, 401, 403, 404, 413, 422) } }),
  },
  '/api/packs/{pack}/procedures/{proc}/publish': {
    post: op('publish', '发布草稿 / publish the draft as an immutable version (body `{note?}`; 422 when the draft has problems)', { parameters: [PACK, PROC], responses: { 201: ok('{version}'), ...pick(401, 403, 404, 422) } }),
  },
  '/api/packs/{pack}/draft': {
    get: op('getPackDraft', '县级草稿 / a county’s draft of parameter overrides and list items (404 when none; with `?ifExists=1`, 204)', { parameters: [PACK], responses: { 200: ok('{parameters, data, savedAt, savedBy}'), 204: { description: 'no draft (with ?ifExists=1)' }, ...pick(401, 403, 404) } }),
    put: op('putPackDraft', '保存县级草稿 / save a county’s parameter overrides and list items as a draft', {
      description: 'The whole set of pending changes. `parameters`: name → {value, basis?, title?, unit?, sample?} (the base’s title, unit and basis unless given) or null to drop the county’s override; each records the base value it replaces (`baseValue`). `data`: data file → list → items added or changed by id (`removed: true` takes a base item out); published, the county’s own data file holds only these, merged over the base’s. A parameter the base does not have, a value of another kind, a dated table, one the base locks, a list the base does not have, an item without a bilingual title: 422 INVALID_DEFINITION (UNKNOWN_PARAMETER, PARAMETER_TYPE, PARAMETER_TABLE, PACK_LOCKED, UNKNOWN_LIST, ITEM_TITLE, DUPLICATE_ID).',
      parameters: [PACK], ...withBody('PackDraft'), responses: { 200: ok('{saved, savedAt, parameters, data}'), ...pick(400, 401, 403, 404, 422) },
    }),
  },
  '/api/packs/{pack}/publish': {
    post: op('publishPack', '发布县级参数草稿 / publish the pack draft (body `{note?}`)', { parameters: [PACK], responses: { 201: ok('{published: [{pack, procedure, version}]}'), ...pick(401, 403, 404, 422) } }),
  },
  '/api/packs/{pack}/procedures/{proc}/migrate': {
    post: op('migrateCases', '批量迁移运行中的案件(管理员,默认预演)/ move running cases to a version (admin; a dry run unless dryRun: false)', {
      description: 'Selects the running cases of the procedure (on versions before the target, or `fromVersions`; `state`, `ids`), up to `limit` per call (`next` continues). Each is moved as POST /api/instances/{id}/migrate would, or refused with its problems (the others still move). A dry run lists every selected case with what would change and changes nothing.',
      parameters: [PACK, PROC], ...withBody('MigrateBatch'), responses: { 200: ok('{toVersion, dryRun, cases: [{id, fromVersion, toVersion, state: {from, to}, deadlines, problems, moved}], moved, refused, next}'), ...pick(400, 401, 403, 404) },
    }),
  },
  '/api/packs/{pack}/procedures/{proc}/simulate': {
    post: op('simulate', '模拟运行(不保存)/ simulate, nothing stored', {
      description: 'Runs the given definition, else the draft, else the latest version. Deadlines due before an event’s `at` fire first. A refused event stays in the trace with `refused` and the case stays where it was.',
      parameters: [PACK, PROC], ...withBody('Simulate'), responses: { 200: ok('[{event, at, from, to, state, rules, effects, deadlines, data, refused?}]'), ...pick(400, 401, 404, 413, 422) },
    }),
  },
  '/api/packs/{pack}/calendar': {
    get: op('getCalendar', '法定节假日日历(某一年)/ the legal calendar of one year', {
      description: 'A year with a loaded State Council notice answers `official: true` with its holidays and make-up working days (调休上班). A year without one answers `official: false` with the days derived from 《全国年节及纪念日放假办法》(2024) Art. 2 (the 13 statutory days; lunar dates and 清明 from a calendar library) and Art. 6 (a provisional substitute day for a statutory day on a weekend), each `provisional: true`; no make-up working days are assumed. `policy` is the pack’s calendarPolicy (`refuse`: periods reading such a year are refused with CALENDAR_RANGE). `officialYears` lists the years with a notice.',
      parameters: [PACK, query('year', 'YYYY; default: the current year (Asia/Shanghai)', { type: 'string', pattern: '^\\d{4}$' })],
      responses: { 200: ok('{year, official, source, holidays: [{date, name, provisional?, kind?, for?}], workdays: [{date, name}], policy, officialYears}', ref('CalendarYear')), ...pick(400, 401, 404) },
    }),
  },
  '/api/packs/{pack}/calendar/{year}': {
    put: op('loadCalendar', '载入国务院办公厅节假日安排通知(管理员)/ load a year’s State Council holiday notice (admin)', {
      description: 'Body `{"notice": "<the notice text>"}` (read and checked: every Art. 2 day of the year must be a rest day) or `{"source", "holidays", "workdays"}`. The year becomes official for the pack and every pack extending it; every pending deadline of running cases that read the year is recomputed from its own period start (a DEADLINE_RECALCULATED history entry naming the notice, a `deadline` webhook per deadline moved with `change: "recalculated"` and `previousDueAt`, timers re-armed; a deadline now past fires at once). `recalculated` lists every change. `?dryRun=1` answers the same and changes nothing. 422 INVALID_CALENDAR (details: [{path, code, message, date?}], e.g. STATUTORY_DAY_MISSING naming the day, NOTICE_UNREADABLE, WEEKDAY_MISMATCH, DAY_COUNT_MISMATCH, YEAR_MISMATCH).',
      parameters: [PACK, path('year', 'YYYY'), query('dryRun', '1: answer what would change, change nothing', { enum: ['1', '0', 'true', 'false'] })],
      ...withBody('CalendarLoad'),
      responses: { 200: ok('{year, official, source, holidays, workdays, recalculated: [{instance, deadline, from, to, provisional, provisionalYears?, pack, procedure, overdueNow}], dryRun?}', ref('CalendarLoadResult')), ...pick(400, 401, 403, 404, 413, 422) },
    }),
  },
  '/api/instances': {
    get: op('listInstances', '案件列表 / list cases', {
      parameters: [query('pack', 'pack id'), query('procedure', 'procedure id'), query('state', 'state path; a compound state matches its children'),
        query('status', 'active | done', { enum: ['active', 'done'] }), query('overdue', 'true | false', { enum: ['true', 'false'] }),
        query('limit', '1–500, default 50', { type: 'integer', minimum: 1, maximum: 500 }), query('cursor', 'the `next` of the previous page')],
      responses: { 200: ok('{items: [Instance], next: string | null}'), ...pick(400, 401) },
    }),
    post: op('startInstance', '立案 / start a case', {
      description: 'The same businessKey in the same pack → 200 with the existing case.',
      ...withBody('InstanceStart'), responses: { 201: ok('created', ref('Instance')), 200: ok('the existing case (same businessKey)', ref('Instance')), ...pick(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
  },
  '/api/instances/{id}': { get: op('getInstance', '案件 / a case', { parameters: [ID], responses: { 200: ok('case', ref('Instance')), ...pick(401, 404) } }) },
  '/api/instances/{id}/events': {
    post: op('sendEvent', '发送事件 / send an event', {
      parameters: [ID, { name: 'Idempotency-Key', in: 'header', required: false, description: 'the same key replays the first answer; nothing is applied twice', schema: { type: 'string', maxLength: 200 } },
        { name: 'If-Match', in: 'header', required: false, description: '"<rev>"; stale → 409 REVISION_CONFLICT', schema: { type: 'string' } }],
      ...withBody('EventSend'), responses: { 200: ok('the case after the event', ref('Instance')), ...pick(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
  },
  '/api/instances/{id}/migrate': {
    post: op('migrateInstance', '迁移案件到另一版本(管理员)/ move a running case to another published version (admin)', {
      description: 'States map by id, or by `stateMap` (a key may name an ancestor state); deadlines are recomputed from their own period start under the version’s period (extensions kept; an expired one stays; one the version no longer has is dropped; one it adds to an active state is armed from the day the state was entered). A MIGRATED history entry records it. `dryRun` answers the same and changes nothing. A state with no counterpart: 409 MIGRATION_REFUSED with the problems.',
      parameters: [ID], ...withBody('Migrate'), responses: { 200: ok('{id, fromVersion, toVersion, state: {from, to}, deadlines: [{name, change, from?, to?, period?}], problems: [], moved, dryRun}'), ...pick(400, 401, 403, 404, 409) },
    }),
  },
  '/api/instances/{id}/history': { get: op('getHistory', '办理记录 / history', { parameters: [ID], responses: { 200: ok('entries', { type: 'array', items: ref('HistoryEntry') }), ...pick(401, 404) } }) },
  '/api/webhooks': {
    get: op('listWebhooks', 'Webhook 订阅 / subscriptions (admin)', { responses: { 200: ok('[Webhook]', { type: 'array', items: ref('Webhook') }), ...pick(401, 403) } }),
    post: op('createWebhook', '订阅 / subscribe (admin)', {
      description: 'Deliveries: POST url, JSON {id, type, at, instance, transition?, effect?, deadline?}; `deadline` is {name, dueAt, state, provisional, provisionalYears?} when a deadline expires, and {name, change: "recalculated", previousDueAt, dueAt, state, provisional, provisionalYears?, notice} when a loaded holiday notice moved it; headers Gongzhi-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with secret>, Idempotency-Key (the delivery id, the same on every retry). Non-2xx → retried with exponential back-off; at least once.',
      ...withBody('WebhookCreate'), responses: { 201: ok('created', ref('Webhook')), ...pick(400, 401, 403, 404) },
    }),
  },
  '/api/webhooks/{id}': { delete: op('deleteWebhook', '取消订阅 / unsubscribe (admin)', { parameters: [path('id', 'webhook id')], responses: { 204: { description: 'deleted' }, ...pick(401, 403, 404) } }) },
  '/api/stats': {
    get: op('stats', '统计 / statistics', {
      description: [
        'Over the cases the token may see, filtered by pack and procedure; the window [from, to] (YYYY-MM-DD, Asia/Shanghai, inclusive) selects cases by the day they were opened.',
        '`opened`: cases opened in the window. `closed`: of those, cases done (办结). `active`: of those, still open. `byState`: of those, how many are in each current state.',
        '`overdue`: of those, open cases with a deadline expired now. `completionRate` (办结率) = closed ÷ opened.',
        '`onTimeRate` (按期办结率) = closed cases none of whose deadlines ever expired ÷ closed.',
        '`satisfactionRate` (满意率) = satisfied ÷ total over cases whose procedure records satisfaction (`metrics.satisfaction`: grid-event RATE, consultation EVALUATE), from each case’s latest such event; `rated` is the number of such cases.',
        'Rates are null when their denominator is 0.',
      ].join(' '),
      parameters: [query('pack', 'pack id'), query('procedure', 'procedure id'), query('from', 'YYYY-MM-DD', { type: 'string', format: 'date' }), query('to', 'YYYY-MM-DD', { type: 'string', format: 'date' })],
      responses: { 200: ok('{opened, closed, active, overdue, byState, completionRate, onTimeRate, satisfactionRate, rated}'), ...pick(400, 401) },
    }),
  },
};

// every call that writes can meet a full disk
for (const ops of Object.values(paths)) {
  for (const [method, o] of Object.entries(ops)) {
    if (method !== 'get') (o.responses as Record<string, unknown>)[507] ??= E[507];
  }
}

export const openapi = {
  openapi: '3.1.0',
  info: {
    title: '共治 Gongzhi API',
    version: '1.0.0',
    description: '社区治理流程与规则引擎的 HTTP 接口 / HTTP contract of the Gongzhi community-governance workflow engine. Errors: {error: {code, message: {zh-CN, en}, details}}; a failed call changes nothing.',
  },
  servers: [{ url: 'http://127.0.0.1:3000' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token: subject, roles, packs' } },
    schemas,
  },
  paths,
};
