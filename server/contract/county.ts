/** A county's own changes besides its procedures: the pack draft (parameter overrides, list items), and moving running cases to a version. */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, I18n, Nullable, Problem, Time, named } from './common';
import { PackParameter } from './packs';

export { PackConflict } from './packs';

const slugKey = { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' };
const ListItem = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    title: Type.Optional(I18n),
    removed: Type.Optional(Type.Boolean()),
    sample: Type.Optional(Type.Boolean()),
  },
  { maxProperties: 20, additionalProperties: true },
);
/** data file → list → items by id (`removed: true` takes a base item out). */
const ListEdits = Type.Unsafe<Record<string, Record<string, (Static<typeof ListItem> & Record<string, unknown>)[]>>>({
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
  description:
    'list items the county adds or changes: data file → list → items by id (`removed: true` takes a base item out)',
  additionalProperties: {
    type: 'object',
    maxProperties: 20,
    propertyNames: slugKey,
    additionalProperties: Type.Array(ListItem, { maxItems: 500 }),
  },
});
const ParameterEdit = Type.Object(
  {
    value: Type.Unknown(),
    basis: Type.Optional(Type.Unknown()),
    title: Type.Optional(I18n),
    unit: Type.Optional(Type.String({ maxLength: 50 })),
    sample: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PackDraftBody = named(
  'PackDraftEdit',
  Type.Object(
    {
      data: Type.Optional(ListEdits),
      parameters: Type.Optional(
        Type.Unsafe<Record<string, Static<typeof ParameterEdit> | null>>({
          type: 'object',
          maxProperties: 200,
          propertyNames: slugKey,
          description:
            'a county’s parameter overrides: name → {value, basis?, title?, unit?, sample?} (base title, unit and basis when not given), or null to drop the override',
          additionalProperties: Type.Union([Type.Null(), ParameterEdit]),
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const PackDraft = named(
  'PackDraft',
  Type.Object({
    parameters: Dict(Nullable(PackParameter), {
      description: 'name → the override (with the base value it replaces), or null: the override is dropped',
    }),
    data: ListEdits,
    savedAt: Time(),
    savedBy: Type.Optional(Type.String()),
  }),
);
export const PackDraftSaved = named(
  'PackDraftSaved',
  Type.Object({
    saved: Type.Literal(true),
    savedAt: Time(),
    parameters: Dict(Nullable(PackParameter)),
    data: ListEdits,
  }),
);
export const PackPublished = named(
  'PackPublished',
  Type.Object({
    published: Type.Array(Type.Object({ pack: Type.String(), procedure: Type.String(), version: Type.Integer() })),
  }),
);

const StateMap = Type.Unsafe<Record<string, string>>({
  type: 'object',
  maxProperties: 200,
  propertyNames: { maxLength: 200 },
  additionalProperties: { type: 'string', maxLength: 200 },
  description:
    'state (dotted path, or an ancestor) in the case’s version → state in the target version; states not named map by id',
});
export const MigrateBody = named(
  'Migrate',
  Type.Object(
    {
      toVersion: Type.Optional(
        Type.Integer({ minimum: 1, description: 'a published version of the procedure (default: the latest)' }),
      ),
      stateMap: Type.Optional(StateMap),
      dryRun: Type.Optional(Type.Boolean({ description: 'report what would change, change nothing' })),
    },
    { additionalProperties: false },
  ),
);
export const MigrateBatchBody = named(
  'MigrateBatch',
  Type.Object(
    {
      toVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the latest published version' })),
      fromVersions: Type.Optional(
        Type.Array(Type.Integer({ minimum: 1 }), {
          maxItems: 1000,
          uniqueItems: true,
          description: 'only cases on these versions (default: every version before the target)',
        }),
      ),
      state: Type.Optional(Type.String({ maxLength: 200, description: 'only cases in this state or its sub-states' })),
      ids: Type.Optional(
        Type.Array(Type.String({ maxLength: 200 }), {
          maxItems: 1000,
          uniqueItems: true,
          description: 'only these cases',
        }),
      ),
      stateMap: Type.Optional(StateMap),
      dryRun: Type.Optional(
        Type.Boolean({
          description: 'default true: a dry run lists every selected case and what would change; false moves them',
        }),
      ),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'cases per call (default 200)' })),
      cursor: Type.Optional(Type.String({ maxLength: 400, description: '`next` of the previous answer' })),
    },
    { additionalProperties: false },
  ),
);

const Period = Type.Object({ amount: Type.Number(), unit: Type.String() });
export const CaseMigration = named(
  'CaseMigration',
  Type.Object({
    id: Type.String(),
    fromVersion: Type.Integer(),
    toVersion: Type.Integer(),
    state: Type.Object({ from: Type.String(), to: Type.String() }),
    deadlines: Type.Array(
      Type.Object({
        name: Type.String(),
        change: Type.Union(['recomputed', 'unchanged', 'expired', 'dropped', 'armed'].map((c) => Type.Literal(c))),
        from: Type.Optional(Time()),
        to: Type.Optional(Time()),
        period: Type.Optional(Type.Object({ from: Type.Optional(Period), to: Type.Optional(Period) })),
      }),
    ),
    problems: Type.Array(Problem),
    moved: Type.Boolean({ description: 'false in a dry run, or when refused' }),
  }),
);
export const CaseMigrated = named(
  'CaseMigrated',
  Type.Composite([CaseMigration, Type.Object({ dryRun: Type.Boolean() })]),
);
export const BatchMigrated = named(
  'BatchMigrated',
  Type.Object({
    toVersion: Type.Integer(),
    dryRun: Type.Boolean(),
    cases: Type.Array(CaseMigration),
    moved: Type.Integer(),
    refused: Type.Integer(),
    next: Nullable(Type.String({ description: 'the cursor of the next page' })),
  }),
);
