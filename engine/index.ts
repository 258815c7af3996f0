/** Gongzhi engine: pure functions over procedure documents and instances. No disk, no network, no clock. */
export * from './types';
export { procedureSchema, packSchema, ACTION_TYPES, GUARD_COMBINATORS, PROCEDURE_SCHEMA_ID } from './schema';
export {
  BUILTIN_ACTIONS,
  ACTIONS,
  type BuiltinAction,
  type DataAction,
  type EffectAction,
  type EngineEvent,
} from './actions';
export {
  validateProcedure,
  validatePackSchema,
  ajvProblems,
  createAjv,
  ajv,
  compileSchema,
  schemaCacheSize,
  SCHEMA_CACHE_LIMIT,
  type ValidateContext,
} from './validate';
export { compileProcedure, type CompiledProcedure } from './compile';
export { start, step, type StepEnv, type EventInput, type StepOptions } from './step';
export { cancel, type CancelInput } from './cancel';
export { expireDeadline } from './expire';
export { replay } from './replay';
export { allowedEvents, activeLeaves, type AllowedEvent } from './state';
export {
  resolvePacks,
  mergePatch,
  diffProcedure,
  diffProcedures,
  diffParameters,
  diffData,
  type ResolveResult,
  type ResolveOptions,
  applyOverlay,
  diffOverlay,
  overlayOfMergePatch,
  checkOverlay,
  settleConflict,
  jsonEqual,
  getAt,
  parsePointer,
  isMergePatch,
  OVERLAY_LIMITS,
  retestPack,
  type PatchConflict,
  type OverlayResult,
  mergeData,
  mergeDataFile,
  isItemList,
} from './pack';
export { DefinitionError, i18n, pointer, REFUSAL_CODES } from './errors';
export { PROTOTYPE_KEYS, isSlug, isIdentifier, isEventName, own } from './ids';
export * as calendar from './calendar';
export { CalendarError, CalendarRangeError, InvalidPeriodError } from './calendar';
export { recompute as recomputeDeadline, provisionalMarks } from './deadlines';
export { calendarRefusal } from './step';
export {
  recalculation,
  deadlineMoves,
  applyRecalculation,
  RECALCULATED,
  type DeadlineMove,
  type RecalculationPayload,
} from './recalculate';
export * as graph from './machine';
export {
  migrate,
  applyMigration,
  MIGRATED,
  type MigrationReport,
  type MigrationPayload,
  type MigrationResult,
  type DeadlineMigration,
  type MigrateOptions,
} from './migrate';
export { runScenario, type ScenarioReport } from './scenario';
export { coverage, percent, type Coverage } from './coverage';
export {
  basisOn,
  basisVersions,
  currentBasis,
  formatBasis,
  basisBoundaries,
  rowOn,
  mapBasis,
  editCurrentBasis,
} from './basis';
export {
  FIGURES,
  FIGURE,
  WINDOW_DEFINITION,
  rate,
  weekOf,
  weeksBetween,
  figuresDescription,
  type FigureDef,
  type FigureId,
} from './figures';
export { stateTitleOf, leadingDeadline, type DeadlineLike } from './titles';
