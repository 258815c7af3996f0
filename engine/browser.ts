/**
 * The browser-safe part of the engine: pure functions with no xstate, no json-rules-engine at run time and no
 * node built-ins. The designer imports the engine through this file only (a test walks its imports).
 */
export type * from './types';
export { walkStates, allTransitions, guardRules, targetsOf, resolveTarget, ancestors } from './machine';
export { validateProcedure } from './validate';
export { diffProcedure } from './pack/diff';
export { ALL_OPERATORS, BUILTIN_OPERATORS, OPERATORS, UNARY_OPERATORS } from './rules/operators';
export { FACTS, STATIC_FACTS, DERIVED_FACTS, type FactDef } from './rules/facts';
export { collectParamRefs, inlineParams } from './rules/params';
export { compileCondition, explainCondition, type ConditionTrace, type LeafTrace, type SyncFacts } from './rules/compiled';
export { addPeriod, isValidDate, shanghaiDate } from './calendar';
export { basisOn, basisVersions, currentBasis, editCurrentBasis, formatBasis, mapBasis } from './basis';
