/**
 * The JSON Schemas (draft 2020-12) of procedure documents and pack manifests. The procedure schema's action
 * definitions are derived from the built-in action registry (engine/actions): `$defs/action` allows exactly the
 * registered types, and `$defs/actionParams/<type>` is each action's params schema.
 */
import procedureSchemaJson from './procedure.schema.json';
import packSchemaJson from './pack.schema.json';
import { BUILTIN_ACTIONS, ACTION_TYPES } from '../actions';

export const PROCEDURE_SCHEMA_ID = procedureSchemaJson.$id;

/** `$defs/action` and `$defs/actionParams` from the registry. */
function actionDefs(): Record<string, unknown> {
  return {
    action: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      description: 'A built-in action (engine/actions): its type, and params as that type defines them.',
      properties: { type: { enum: [...ACTION_TYPES] }, params: { type: 'object' } },
      allOf: BUILTIN_ACTIONS.map((a) => ({
        if: { properties: { type: { const: a.type } }, required: ['type'] },
        then: {
          properties: { params: { $ref: `#/$defs/actionParams/${a.type}` } },
          ...((a.paramsSchema.required as string[] | undefined)?.length ? { required: ['params'] } : {}),
        },
      })),
    },
    actionParams: Object.fromEntries(
      BUILTIN_ACTIONS.map((a) => [a.type, { description: a.doc.does.en, ...a.paramsSchema }]),
    ),
  };
}

export const procedureSchema: Record<string, unknown> = {
  ...procedureSchemaJson,
  $defs: { ...procedureSchemaJson.$defs, ...actionDefs() },
};
export const packSchema: Record<string, unknown> = packSchemaJson;

export { ACTION_TYPES };
/** Guard combinators; every other guard name must be a rule of the procedure. */
export const GUARD_COMBINATORS = ['allOf', 'anyOf', 'not'] as const;
