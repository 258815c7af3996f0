/**
 * Every error code the API answers with: its HTTP status and what it means (Chinese, then English). `ApiCode`, the status of each code and
 * the error text of the OpenAPI document are derived from this one table; adding a code is one line here.
 */
export const ERROR_CODES = {
  BAD_REQUEST: {
    status: 400,
    zh: '请求有误(JSON 格式、字段或查询参数不对,或幂等键已用于另一请求)',
    description:
      'malformed JSON, wrong or unknown fields or query parameters (details: [{path, message}]), or an Idempotency-Key already used for a different request',
  },
  UNAUTHORIZED: {
    status: 401,
    zh: '缺少令牌,或令牌未知、已吊销、已过期',
    description: 'missing, unknown, revoked or expired token',
  },
  FORBIDDEN: { status: 403, zh: '令牌缺少此操作所需的角色', description: 'the token lacks a role for this call' },
  NOT_FOUND: {
    status: 404,
    zh: '资源不存在,或配置包、案件不在令牌范围内(不透露是否存在)',
    description: 'no such resource, or a pack or case outside the token’s packs (their existence is not revealed)',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    zh: '该路径不支持此请求方法',
    description: 'the path exists but not with this method',
  },
  EVENT_NOT_ALLOWED: {
    status: 409,
    zh: '当前状态没有此事件的流转',
    description: 'the current state has no transition for this event (details.allowed lists the events that have one)',
  },
  GUARD_REJECTED: {
    status: 409,
    zh: '有流转,但所有条件均未满足',
    description:
      'transitions exist but every guard failed (details.rules: each failing rule with its description and legal basis)',
  },
  REVISION_CONFLICT: {
    status: 409,
    zh: 'If-Match 指向案件的旧版本',
    description: 'If-Match names an older revision of the case',
  },
  BUSINESS_KEY_CONFLICT: {
    status: 409,
    zh: '业务编号已用于另一流程的案件,或同一流程但立案数据不同',
    description: 'the businessKey names a case of another procedure, or of the same procedure started with other data',
  },
  CASE_CLOSED: {
    status: 409,
    zh: '案件已办结或已撤销,不能再撤销',
    description: 'the case is done or cancelled: it cannot be cancelled again',
  },
  MIGRATION_REFUSED: {
    status: 409,
    zh: '案件不能迁移到该版本(details 列出问题,如状态在该版本中没有对应)',
    description:
      'a case cannot be moved to the version (details: [{path, code, message}], e.g. NO_COUNTERPART for a state the version does not have)',
  },
  CLOCK_BACKWARDS: { status: 409, zh: '受控时钟只能向前拨', description: 'the controlled clock only moves forward' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体超过 1 MiB', description: 'the request body is over 1 MiB' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '请求体不是 JSON', description: 'the request body is not JSON' },
  INVALID_PAYLOAD: {
    status: 422,
    zh: '事件数据或立案数据不符合其 JSON Schema',
    description: 'an event’s payload or a case’s start data fails its JSON Schema (details: [{path, message}])',
  },
  INVALID_DEFINITION: {
    status: 422,
    zh: '流程定义或配置包校验未通过',
    description: 'a procedure definition or pack does not validate (details: [{path, message}])',
  },
  INVALID_WEBHOOK: {
    status: 422,
    zh: '订阅的事件在其范围内的流程中不会发生,或目标地址不被允许',
    description:
      'a subscription names an event no procedure of its scope can produce, or a destination that is not allowed',
  },
  INVALID_CALENDAR: {
    status: 422,
    zh: '节假日通知或日历无法读取,或与法定办法矛盾',
    description:
      'a holiday notice or calendar cannot be read or contradicts the statute (details: [{path, message, date?}])',
  },
  CALENDAR_RANGE: {
    status: 422,
    zh: '期限读到没有国务院通知的年份(配置包要求拒绝),或 2024 年放假办法不适用的年份',
    description:
      'a period reads a year without a State Council notice in a pack whose calendarPolicy is "refuse", or a year the 2024 holiday statute does not govern (details: {date, years, reason})',
  },
  INVALID_PERIOD: {
    status: 422,
    zh: '期限无法计算:日期、数量或单位无效',
    description: 'a period cannot be computed: invalid date, amount or unit (details: {field, value, reason})',
  },
  INTERNAL: {
    status: 500,
    zh: '服务器内部错误(details.id 为日志中的编号)',
    description: 'a fault of the server (details.id names it in the log)',
  },
  STORAGE_FULL: {
    status: 507,
    zh: '存储无法写入(磁盘已满),未确认也未保存任何内容',
    description: 'the store could not write; nothing was acknowledged',
  },
} as const satisfies Record<string, { status: number; zh: string; description: string }>;

export type ApiCode = keyof typeof ERROR_CODES;

export const isApiCode = (k: string): k is ApiCode => Object.hasOwn(ERROR_CODES, k);

export const API_CODES: ApiCode[] = Object.keys(ERROR_CODES).filter(isApiCode);

export function statusOf(code: ApiCode): number {
  return ERROR_CODES[code].status;
}
