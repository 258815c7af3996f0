export { RuleSet, type RuleObserver, type RuleOutcome } from './evaluate';
export { compileCondition, type SyncFacts } from './compiled';
export { OPERATORS, ALL_OPERATORS } from './operators';
export {
  ALL_FACTS,
  FACTS,
  FACT_DEFS,
  STATIC_FACTS,
  DERIVED_FACTS,
  type FactDef,
  type FactInput,
  type FactContext,
  type InstanceLookup,
} from './facts';
export { resolvePath, resolveFactRef, isValidPath } from './path';
export { inlineParams, collectParamRefs } from './params';
