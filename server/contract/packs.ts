/** Packs and procedures: listing, the resolved pack, versions, drafts, publish, simulate, bundles. */
import { Type } from '@sinclair/typebox';
import {
  packSchema,
  procedureSchema,
  type Override as EngineOverride,
  type PackManifest,
  type ProcedureDoc,
} from '../../engine';
import { AnyObject, Dict, EventType, I18n, Id, Nullable, Problem, Time, named } from './common';
import { Actor, Deadline, RuleOutcome } from './instances';
import { bundleSchema, type Bundle as BundleType } from '../packs/bundle';

/** The procedure document (engine/schema/procedure.schema.json), published whole. */
export const Procedure = named('Procedure', Type.Unsafe<ProcedureDoc>(procedureSchema));
export const PackManifestSchema = named('PackManifest', Type.Unsafe<PackManifest>(packSchema));

export const PackSummary = named(
  'PackSummary',
  Type.Object({
    id: Type.String(),
    title: I18n,
    extends: Nullable(Type.String()),
    procedures: Type.Array(Type.Object({ id: Type.String(), version: Nullable(Type.Integer()), title: I18n })),
  }),
);
export const PackList = Type.Array(PackSummary);

/** What an override is about: the engine's `Override['kind']`, every one of them (checked below). */
const OVERRIDE_KINDS = [
  'parameter',
  'procedure',
  'rule',
  'state',
  'event',
  'deadline',
  'title',
  'data',
  'basis',
] as const satisfies readonly EngineOverride['kind'][];
type MissingKinds = Exclude<EngineOverride['kind'], (typeof OVERRIDE_KINDS)[number]>;
const everyKind: [MissingKinds] extends [never] ? true : MissingKinds = true;
void everyKind;

export const Override = named(
  'Override',
  Type.Object({
    kind: Type.Union(OVERRIDE_KINDS.map((k) => Type.Literal(k))),
    change: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
    procedure: Type.Optional(Type.String()),
    path: Type.String(),
    from: Type.Optional(Type.Unknown()),
    to: Type.Optional(Type.Unknown()),
  }),
);

/** A legal basis: one text, or its versions by date (from/until, YYYY-MM-DD) when the law changed. */
export const Basis = named(
  'Basis',
  Type.Union([
    I18n,
    Type.Array(
      Type.Object({
        'zh-CN': Type.String(),
        en: Type.String(),
        from: Type.Optional(Type.String({ format: 'date' })),
        until: Type.Optional(Type.String({ format: 'date' })),
      }),
    ),
  ]),
);

export const PackParameter = named(
  'PackParameter',
  Type.Object({
    value: Type.Unknown(),
    title: I18n,
    unit: Type.Optional(Type.String()),
    basis: Basis,
    sample: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
    table: Type.Optional(
      Type.Array(
        Type.Object({
          from: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
          value: Type.Unknown(),
          source: I18n,
          sample: Type.Optional(Type.Boolean()),
        }),
        {
          description:
            'a dated table: each row is the value in force from `from` until the next row; `value` is the last row’s',
        },
      ),
    ),
    baseValue: Type.Optional(Type.Unknown({ description: 'the base pack’s value, when this pack changed it' })),
  }),
);

/** What a county changed that its base no longer allows (GET /api/packs/{pack} `conflicts`, a county draft's `conflicts`). */
export const PackConflict = named(
  'PackConflict',
  Type.Object({
    kind: Type.Union([
      Type.Literal('patch'),
      Type.Literal('parameter'),
      Type.Literal('problem'),
      Type.Literal('scenario'),
    ]),
    procedure: Type.Optional(Type.String()),
    path: Type.String({
      description:
        'patch: the operation’s pointer in the procedure; parameter: its name; problem: its JSON path; scenario: its name',
    }),
    reason: Type.Union([
      Type.Literal('removed'),
      Type.Literal('changed'),
      Type.Literal('added'),
      Type.Literal('invalid'),
      Type.Literal('failed'),
    ]),
    index: Type.Optional(Type.Integer()),
    op: Type.Optional(Type.Union([Type.Literal('add'), Type.Literal('replace'), Type.Literal('remove')])),
    expected: Type.Optional(Type.Unknown({ description: 'what the county expected of the base' })),
    base: Type.Optional(Type.Unknown({ description: 'what the base holds now (absent: nothing)' })),
    county: Type.Optional(Type.Unknown({ description: 'the county’s value' })),
    message: I18n,
    details: Type.Optional(Type.Array(Type.String(), { description: 'scenario: each failed expectation' })),
  }),
);

const CalendarPolicy = Type.Union([Type.Literal('provisional'), Type.Literal('refuse')], {
  description: 'a year without a notice: derived from the statute (provisional) or refused',
});

export const PackDetail = named(
  'PackDetail',
  Type.Object({
    id: Type.String(),
    title: I18n,
    description: Type.Optional(I18n),
    extends: Nullable(Type.String()),
    lineage: Type.Array(Type.String()),
    parameters: Dict(PackParameter),
    procedures: Dict(Procedure, { description: 'resolved procedures, each with its latest published `version`' }),
    data: AnyObject({ description: 'pack data files (lists, calendars), by name' }),
    calendar: Type.Object({
      years: Type.Array(Type.Integer(), { description: 'years with an official notice' }),
      holidays: Type.Array(Type.String({ format: 'date' })),
      workdays: Type.Array(Type.String({ format: 'date' })),
      policy: Type.Optional(CalendarPolicy),
    }),
    calendarPolicy: Type.Optional(CalendarPolicy),
    overrides: Type.Array(Override),
    baseLocks: Type.Object(
      {
        parameters: Type.Array(Type.String()),
        rules: Type.Array(Type.String()),
        states: Type.Array(Type.String()),
        deadlines: Type.Array(Type.String()),
      },
      {
        description: 'what the bases lock (their manifests’ lists): edits the designer refuses before publishing does',
      },
    ),
    baseTitle: Nullable(I18n),
    status: Type.Union([Type.Literal('ok'), Type.Literal('conflicted')], {
      description: 'a county: conflicted when its base’s last change did not apply cleanly',
    }),
    conflicts: Type.Array(PackConflict),
    held: Type.Array(Type.String(), {
      description: 'procedures held on their published versions until the conflicts are settled',
    }),
  }),
);

export const VersionInfo = named(
  'VersionInfo',
  Type.Object({
    version: Type.Integer(),
    publishedAt: Time(),
    source: Type.Union([Type.Literal('pack'), Type.Literal('designer'), Type.Literal('import')]),
    by: Type.Optional(Type.String({ description: 'who published it from the designer' })),
    note: Type.Optional(Type.String({ description: 'the note they wrote' })),
    followed: Type.Optional(
      Type.String({ description: 'set when the version follows a change of its base pack: that pack’s id' }),
    ),
  }),
);
export const VersionList = Type.Array(VersionInfo);

export const DraftSaved = named(
  'DraftSaved',
  Type.Object({
    saved: Type.Literal(true),
    savedAt: Time(),
    procedure: Type.String(),
    problems: Type.Array(Problem, {
      description: 'what keeps the draft from being published (a draft is kept whatever its state)',
    }),
    conflicts: Type.Array(PackConflict, { description: 'a county’s draft: the changes its base no longer allows' }),
  }),
);
export const PublishBody = named(
  'PublishBody',
  Type.Object(
    { note: Type.Optional(Type.String({ maxLength: 2000, description: 'what changed, kept with the version' })) },
    { additionalProperties: false },
  ),
);
export const PutDraftQuery = Type.Object(
  {
    baseVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'a county: the base version the draft was made on (kept as changes to it)',
      }),
    ),
  },
  { additionalProperties: false },
);
export const DraftQuery = Type.Object(
  { ifExists: Type.Optional(Type.String({ description: 'any value: 204 instead of 404 when there is no draft' })) },
  { additionalProperties: false },
);
export const Published = named('Published', Type.Object({ version: Type.Integer() }));

export const SimulateBody = named(
  'Simulate',
  Type.Object(
    {
      data: AnyObject(),
      at: Type.Optional(Type.String({ format: 'date-time', description: 'the start instant (default: now)' })),
      events: Type.Optional(
        Type.Array(
          Type.Object(
            {
              type: EventType,
              payload: Type.Optional(AnyObject()),
              actor: Type.Optional(Actor),
              at: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          { maxItems: 500 },
        ),
      ),
      definition: Type.Optional(
        AnyObject({
          description: 'an unsaved procedure document to simulate instead of the draft or the published version',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const TraceEntry = named(
  'TraceEntry',
  Type.Object({
    event: Type.String(),
    at: Time(),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    state: Nullable(Type.String()),
    status: Type.Optional(Type.String()),
    rev: Type.Optional(Type.Integer()),
    rules: Type.Array(RuleOutcome),
    effects: Type.Array(Type.Object({ name: Type.String(), params: Type.Optional(AnyObject()) })),
    deadlines: Type.Array(Deadline),
    data: Nullable(AnyObject()),
    refused: Type.Optional(Type.Object({ code: Type.String(), message: I18n, details: Type.Optional(Type.Unknown()) })),
  }),
);
export const Trace = Type.Array(TraceEntry);

export const Bundle = named('Bundle', Type.Unsafe<BundleType>(bundleSchema));

export const Imported = named(
  'Imported',
  Type.Object({
    id: Type.String(),
    procedures: Type.Array(Type.Object({ id: Type.String(), version: Nullable(Type.Integer()) })),
    published: Type.Array(Type.Object({ pack: Type.String(), procedure: Type.String(), version: Type.Integer() })),
  }),
);

export const VersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) },
  { additionalProperties: false },
);
export const PackParams = Type.Object({ pack: Id });
export const ProcParams = Type.Object({ pack: Id, proc: Id });
