/** Cases: start, events, cancel, the instance body, history. */
import { Type } from '@sinclair/typebox';
import { AnyObject, EventType, I18n, Id, Nullable, Role, Time, named } from './common';

export const Actor = named(
  'Actor',
  Type.Object(
    {
      subject: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'the person the calling system acts for (kept as onBehalfOf)',
        }),
      ),
      roles: Type.Optional(
        Type.Array(Role, {
          maxItems: 50,
          uniqueItems: true,
          description: 'narrows the token’s roles; a role the token lacks is 403',
        }),
      ),
    },
    { additionalProperties: false, description: 'Who acts. Roles come from the token; `roles` may narrow them.' },
  ),
);

export const InstanceStart = named(
  'InstanceStart',
  Type.Object(
    {
      pack: Id,
      procedure: Id,
      data: AnyObject({
        description: 'the start data, validated against the procedure’s `data` schema (422 INVALID_PAYLOAD)',
      }),
      businessKey: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description:
            'the caller’s own case number: the same key in the same pack with the same procedure and data returns the existing case (200); otherwise 409 BUSINESS_KEY_CONFLICT',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const EventSend = named(
  'EventSend',
  Type.Object(
    {
      type: EventType,
      payload: Type.Optional(
        AnyObject({ description: 'validated against the event’s payload schema (422 INVALID_PAYLOAD)' }),
      ),
      actor: Type.Optional(Actor),
    },
    { additionalProperties: false },
  ),
);

export const CancelBody = named(
  'CancelBody',
  Type.Object(
    {
      reason: Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'why the case is withdrawn (kept in its history and sent in the `cancelled` webhook)',
      }),
      actor: Type.Optional(Actor),
    },
    { additionalProperties: false },
  ),
);

export const AllowedEvent = named(
  'AllowedEvent',
  Type.Object({
    type: Type.String(),
    title: I18n,
    roles: Type.Array(Type.String()),
    payloadSchema: AnyObject({ description: 'JSON Schema of the payload' }),
  }),
);

const PeriodUnit = Type.Union([
  Type.Literal('calendarDays'),
  Type.Literal('naturalDays'),
  Type.Literal('workingDays'),
  Type.Literal('months'),
]);

export const DeadlineComputation = named(
  'DeadlineComputation',
  Type.Object(
    {
      from: Type.String({ format: 'date', description: 'the period start (not counted)' }),
      amount: Type.Number(),
      unit: PeriodUnit,
      extensions: Type.Optional(Type.Array(Type.Object({ amount: Type.Number(), unit: PeriodUnit }))),
      years: Type.Array(Type.Integer(), { description: 'calendar years the computation read' }),
      provisional: Type.Array(Type.Integer(), { description: 'of those, the years without a loaded notice' }),
    },
    { description: 'how a deadline was computed (simulation traces)' },
  ),
);

export const Deadline = named(
  'Deadline',
  Type.Object({
    name: Type.String(),
    state: Type.String(),
    dueAt: Time({ description: 'end of the due day, ISO 8601 with +08:00' }),
    dueDate: Type.String({ format: 'date' }),
    overdue: Type.Boolean(),
    provisional: Type.Optional(
      Type.Boolean({ description: 'true while it depends on a year whose holiday notice is not loaded' }),
    ),
    provisionalYears: Type.Optional(
      Type.Array(Type.Integer(), { description: 'the years whose notice was missing when it was computed' }),
    ),
    title: Type.Optional(I18n),
    extensions: Type.Optional(Type.Integer({ minimum: 0 })),
    armedAt: Type.Optional(Time({ description: 'when it was armed (simulation traces)' })),
    computed: Type.Optional(DeadlineComputation),
  }),
);

export const InstanceStatus = Type.Union([Type.Literal('active'), Type.Literal('done'), Type.Literal('cancelled')]);

export const Instance = named(
  'Instance',
  Type.Object({
    id: Type.String(),
    pack: Type.String(),
    procedure: Type.String(),
    version: Type.Integer(),
    rev: Type.Integer(),
    status: InstanceStatus,
    state: Type.String({ description: 'dotted path of the active leaf state (comma-joined for parallel states)' }),
    stateValue: Type.Unknown({ description: 'the XState state value' }),
    data: AnyObject(),
    events: Type.Array(AllowedEvent, { description: 'what may be sent now' }),
    deadlines: Type.Array(Deadline),
    overdue: Type.Boolean(),
    businessKey: Type.Optional(Type.String()),
    cancelled: Type.Optional(Type.Object({ at: Time(), by: Type.String(), reason: Type.String() })),
    createdAt: Time(),
    updatedAt: Time(),
  }),
);

export const InstanceList = named(
  'InstanceList',
  Type.Object({
    items: Type.Array(Instance),
    next: Nullable(Type.String({ description: 'pass as `cursor` for the next page' })),
  }),
);

export const HistoryActor = Type.Object({
  subject: Type.String(),
  roles: Type.Array(Type.String()),
  onBehalfOf: Type.Optional(
    Type.String({ description: 'the person the calling system acted for (actor.subject of the request)' }),
  ),
});

export const RuleOutcome = Type.Object({
  rule: Type.String(),
  result: Type.Boolean(),
  description: Type.Optional(I18n),
  basis: Type.Optional(I18n),
  provisional: Type.Optional(Type.Boolean({ description: 'the rule read a year whose holiday notice is not loaded' })),
  provisionalYears: Type.Optional(Type.Array(Type.Integer())),
});

export const HistoryEntry = named(
  'HistoryEntry',
  Type.Object({
    seq: Type.Integer(),
    at: Time(),
    type: Type.String(),
    payload: Type.Optional(Type.Unknown()),
    actor: Type.Optional(HistoryActor),
    from: Nullable(Type.String()),
    to: Type.String(),
    rules: Type.Array(RuleOutcome),
    effects: Type.Array(Type.Object({ name: Type.String(), params: Type.Optional(AnyObject()) })),
    transitions: Type.Optional(
      Type.Array(Type.String(), { description: 'JSON pointers of the transitions taken, in order' }),
    ),
    deadlines: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String(),
          dueAt: Time(),
          provisional: Type.Boolean(),
          provisionalYears: Type.Optional(Type.Array(Type.Integer())),
        }),
        { description: 'deadlines the step armed or moved' },
      ),
    ),
  }),
);

export const History = Type.Array(HistoryEntry);

/** The desk's filters and orders of a listing (issue 18). */
const ListFilters = {
  businessKeyPrefix: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'business keys starting with this (wildcards are plain characters)',
    }),
  ),
  from: Type.Optional(
    Type.String({ format: 'date', description: 'opened on or after this day (YYYY-MM-DD, Asia/Shanghai)' }),
  ),
  to: Type.Optional(
    Type.String({ format: 'date', description: 'opened on or before this day (YYYY-MM-DD, Asia/Shanghai)' }),
  ),
  sort: Type.Optional(
    Type.Union([Type.Literal('createdAt'), Type.Literal('-createdAt'), Type.Literal('dueAt')], {
      description:
        'order: creation (default), `createdAt` (oldest first), `-createdAt` (newest first), `dueAt` (the earliest deadline of a running case first; cases without one after, in creation order)',
    }),
  ),
};

export const ListQuery = Type.Object(
  {
    pack: Type.Optional(Id),
    procedure: Type.Optional(Id),
    state: Type.Optional(
      Type.String({ maxLength: 200, description: 'state path; a compound state matches its children' }),
    ),
    status: Type.Optional(InstanceStatus),
    overdue: Type.Optional(Type.Boolean()),
    businessKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...ListFilters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(
      Type.String({ maxLength: 400, description: 'the `next` of the previous page (of the same order)' }),
    ),
  },
  { additionalProperties: false },
);

/** The case list as a workbook: the listing's filters and order, no paging. */
export const ExportCasesQuery = Type.Object(
  {
    pack: Type.Optional(Id),
    procedure: Type.Optional(Id),
    state: Type.Optional(
      Type.String({ maxLength: 200, description: 'state path; a compound state matches its children' }),
    ),
    status: Type.Optional(InstanceStatus),
    overdue: Type.Optional(Type.Boolean()),
    businessKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...ListFilters,
    lang: Type.Optional(
      Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], {
        description: 'the language of headers and titles (default zh-CN)',
      }),
    ),
  },
  { additionalProperties: false },
);
