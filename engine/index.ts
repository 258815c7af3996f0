/** Gongzhi engine: pure functions over procedure documents and instances. No disk, no network, no clock. */
export * from './types';
export { procedureSchema, packSchema, ACTION_TYPES, GUARD_COMBINATORS } from './schema';
export { validateProcedure, validatePackSchema, ajvProblems, createAjv, ajv, compileSchema, schemaCacheSize, SCHEMA_CACHE_LIMIT, type ValidateContext } from './validate';
export { compileProcedure, type CompiledProcedure } from './compile';
export { start, step, type StepEnv, type EventInput } from './step';
export { fireDeadline } from './expire';
export { replay } from './replay';
export { allowedEvents, activeLeaves, type AllowedEvent } from './state';
export { resolvePacks, mergePatch, diffProcedure, diffProcedures, diffParameters, diffData, type ResolveResult } from './pack';
export { DefinitionError, i18n, pointer } from './errors';
export * as calendar from './calendar';
export { CalendarError, CalendarRangeError, InvalidPeriodError } from './calendar';
export { recompute as recomputeDeadline, provisionalMarks } from './deadlines';
export { calendarRefusal } from './step';
export * as graph from './machine';
export { runScenario, type ScenarioReport } from './scenario';
export { coverage, percent, type Coverage } from './coverage';
export { basisOn, basisVersions, currentBasis, formatBasis, basisBoundaries, rowOn, mapBasis, editCurrentBasis } from './basis';
