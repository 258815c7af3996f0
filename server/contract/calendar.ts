/** The legal calendar of a pack: one year's days, and loading a year's State Council notice. */
import { Type } from '@sinclair/typebox';
import { I18n, Nullable, named } from './common';

const CalendarDay = named(
  'CalendarDay',
  Type.Object({
    date: Type.String({ format: 'date' }),
    name: Type.String(),
    provisional: Type.Optional(Type.Boolean()),
    kind: Type.Optional(Type.Union([Type.Literal('statutory'), Type.Literal('substitute')])),
    for: Type.Optional(Type.String()),
  }),
);

export const CalendarYear = named(
  'CalendarYear',
  Type.Object({
    year: Type.Integer(),
    official: Type.Boolean({ description: 'whether the State Council notice for the year is loaded' }),
    source: Nullable(I18n),
    holidays: Type.Array(CalendarDay),
    workdays: Type.Array(CalendarDay),
    policy: Type.Union([Type.Literal('provisional'), Type.Literal('refuse')]),
    officialYears: Type.Array(Type.Integer()),
  }),
);

export const CalendarLoad = named(
  'CalendarLoad',
  Type.Union(
    [
      Type.Object({ notice: Type.String({ maxLength: 100000 }) }, { additionalProperties: false }),
      Type.Object(
        {
          year: Type.Optional(Type.Integer()),
          source: I18n,
          holidays: Type.Array(CalendarDay),
          workdays: Type.Array(CalendarDay),
        },
        { additionalProperties: false },
      ),
    ],
    {
      description:
        'Either the notice’s text, or the calendar as data (source naming the notice, holidays, make-up working days).',
    },
  ),
);

export const CalendarLoadResult = named(
  'CalendarLoadResult',
  Type.Object({
    year: Type.Integer(),
    official: Type.Optional(Type.Boolean()),
    source: Type.Optional(I18n),
    holidays: Type.Array(CalendarDay),
    workdays: Type.Array(CalendarDay),
    recalculated: Type.Array(
      Type.Object({
        instance: Type.String(),
        pack: Type.Optional(Type.String()),
        procedure: Type.Optional(Type.String()),
        deadline: Type.String(),
        from: Type.String({ description: 'due time before' }),
        to: Type.String({ description: 'due time after' }),
        provisional: Type.Boolean(),
        provisionalYears: Type.Optional(Type.Array(Type.Integer())),
        overdueNow: Type.Optional(
          Type.Boolean({ description: 'the new due time is past: the deadline fired at once' }),
        ),
      }),
    ),
    dryRun: Type.Optional(Type.Boolean()),
  }),
);

export const CalendarQuery = Type.Object(
  {
    year: Type.Optional(
      Type.String({ pattern: '^\\d{4}$', description: 'YYYY; default: the current year (Asia/Shanghai)' }),
    ),
  },
  { additionalProperties: false },
);
export const CalendarLoadQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
        description: '1: answer what would change, change nothing',
      }),
    ),
  },
  { additionalProperties: false },
);
