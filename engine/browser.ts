/**
 * The browser-safe part of the engine: pure functions with no xstate, no json-rules-engine at run time and no
 * node built-ins. The designer imports the engine through this file (light: on the path that opens a procedure)
 * and `browser-rules.ts` (validation and rule evaluation, with ajv and the legal calendar: loaded by the
 * validation worker and the simulation only); a test walks their imports.
 */
export type * from './types';
export { walkStates, allTransitions, guardRules, targetsOf, resolveTarget, ancestors } from './machine';
export { diffProcedure } from './pack/diff';
export { ALL_OPERATORS, BUILTIN_OPERATORS, OPERATORS, UNARY_OPERATORS } from './rules/operators';
export { collectParamRefs, inlineParams } from './rules/params';
export { isValidDate, shanghaiDate } from './calendar/dates';
export { basisOn, basisVersions, currentBasis, editCurrentBasis, formatBasis, mapBasis } from './basis';
export { applyOverlay, diffOverlay, getAt, parsePointer } from './pack/overlay';
