/** Tokens, the calling token, the controlled clock, health, statistics. */
import { Type } from '@sinclair/typebox';
import { Dict, Id, Nullable, Role, Time, named } from './common';

const Packs = Type.Union([Type.Literal('*'), Type.Array(Id, { maxItems: 500, uniqueItems: true })], {
  description: 'the packs the token may touch, or "*" for all',
});

export const TokenCreate = named(
  'TokenCreate',
  Type.Object(
    {
      subject: Type.String({ minLength: 1, maxLength: 200 }),
      roles: Type.Array(Role, { minItems: 1, maxItems: 50, uniqueItems: true }),
      packs: Packs,
      expiresAt: Type.Optional(
        Type.String({ format: 'date-time', description: 'when the token stops working (must be in the future)' }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const TokenInfo = named(
  'TokenInfo',
  Type.Object({
    id: Type.String(),
    subject: Type.String(),
    roles: Type.Array(Type.String()),
    packs: Packs,
    createdAt: Time(),
    expiresAt: Nullable(Time()),
    lastUsedAt: Nullable(Time({ description: 'the last call made with it (to the minute)' })),
  }),
);
export const TokenList = Type.Array(TokenInfo);

export const TokenCreated = named(
  'TokenCreated',
  Type.Object({
    id: Type.String(),
    token: Type.String({ description: 'shown once; only its SHA-256 is kept' }),
    subject: Type.String(),
    roles: Type.Array(Type.String()),
    packs: Packs,
    createdAt: Time(),
    expiresAt: Nullable(Time()),
  }),
);

export const Me = named(
  'Me',
  Type.Object({
    subject: Type.String(),
    roles: Type.Array(Type.String()),
    packs: Packs,
    tokenId: Nullable(
      Type.String({ description: 'null for the admin token of the environment or DATA_DIR/admin-token' }),
    ),
    now: Time({
      description: 'the server clock (a controlled one in demos and tests): "this week" is the server’s week',
    }),
  }),
);

export const ClockSet = named(
  'ClockSet',
  Type.Object({ now: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
);
export const Clock = named(
  'Clock',
  Type.Object({ now: Time(), fired: Type.Optional(Type.Integer({ description: 'deadlines fired by this move' })) }),
);

export const Health = named('Health', Type.Object({ status: Type.Literal('ok') }));

const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
export const Stats = named(
  'Stats',
  Type.Object({
    pack: Type.Optional(Type.String()),
    procedure: Type.Optional(Type.String()),
    from: Nullable(Type.String({ format: 'date' })),
    to: Nullable(Type.String({ format: 'date' })),
    window: Type.Object({
      start: Nullable(Time({ description: 'first instant of `from` in Asia/Shanghai' })),
      end: Nullable(Time({ description: 'last instant of `to` in Asia/Shanghai' })),
    }),
    opened: Type.Integer({ description: 'cases opened in the window' }),
    closed: Type.Integer({ description: 'of those, cases done (办结)' }),
    cancelled: Type.Integer({ description: 'of those, cases cancelled (撤销): neither open nor done' }),
    active: Type.Integer({ description: 'of those, cases still open' }),
    overdue: Type.Integer({ description: 'of those, open cases with a deadline expired' }),
    byState: Dict(Dict(Type.Integer()), {
      description:
        'procedure → current state → open cases (done and cancelled cases are counted in closed and cancelled)',
    }),
    completionRate: Rate,
    onTimeRate: Rate,
    satisfactionRate: Rate,
    rated: Type.Integer(),
    today: Type.String({ format: 'date', description: 'the server clock’s day (Asia/Shanghai)' }),
    resolved: Type.Integer({
      description: 'of those, cases resolved (化解) as the procedure’s metrics.resolution counts',
    }),
    resolutionRate: Rate,
    handedOff: Type.Integer({
      description: 'of those, cases that entered the procedure’s metrics.handoff state (移交速裁)',
    }),
    weekly: Type.Array(
      Type.Object({
        week: Type.String({ format: 'date', description: 'the Monday' }),
        opened: Type.Integer(),
        closed: Type.Integer(),
      }),
      { description: 'opened (by day opened) and closed (by day closed) per week that meets the window' },
    ),
    timeInState: Dict(Dict(Type.Object({ days: Type.Number({ minimum: 0 }), n: Type.Integer({ minimum: 1 }) })), {
      description: 'procedure → state → average days of the stays that ended, and their number',
    }),
  }),
);

const StatsScope = {
  pack: Type.Optional(Id),
  procedure: Type.Optional(Id),
  from: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD (Asia/Shanghai), inclusive' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD (Asia/Shanghai), inclusive' })),
};
export const StatsQuery = Type.Object(StatsScope, { additionalProperties: false });

/** The figures as a workbook: the scope of GET /api/stats. */
export const ExportFiguresQuery = Type.Object(
  {
    ...StatsScope,
    lang: Type.Optional(
      Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], {
        description: 'the language of headers and titles (default zh-CN)',
      }),
    ),
  },
  { additionalProperties: false },
);
