/** The JSON Schemas (draft 2020-12) of procedure documents and pack manifests. */
import procedureSchemaJson from './procedure.schema.json';
import packSchemaJson from './pack.schema.json';

export const procedureSchema: Record<string, unknown> = procedureSchemaJson;
export const packSchema: Record<string, unknown> = packSchemaJson;

/** The built-in action types (the only actions a procedure may use). */
export const ACTION_TYPES = ['save', 'set', 'increment', 'recordDecision', 'emit', 'extendDeadline', 'cancelDeadline', 'assignIds'] as const;
/** Guard combinators; every other guard name must be a rule of the procedure. */
export const GUARD_COMBINATORS = ['allOf', 'anyOf', 'not'] as const;
