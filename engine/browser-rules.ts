/**
 * The heavier browser-safe part of the engine: validation (ajv and the procedure schema) and rule evaluation with
 * the legal calendar. Loaded only where needed in the designer (the validation worker, the simulation's "which
 * condition failed"), so opening a procedure does not pay for it.
 */
export { validateProcedure } from './validate';
export {
  compileCondition,
  explainCondition,
  type ConditionTrace,
  type LeafTrace,
  type SyncFacts,
} from './rules/compiled';
export { addPeriod } from './calendar';
// the fact registry implements the facts (with the legal calendar): its names come with it
export { FACTS, STATIC_FACTS, DERIVED_FACTS, type FactDef } from './rules/facts';
