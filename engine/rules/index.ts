export { RuleSet, type Facts } from './evaluate';
export { OPERATORS, ALL_OPERATORS } from './operators';
export { ALL_FACTS, type InstanceLookup } from './facts';
export { resolvePath, resolveFactRef, isValidPath } from './path';
export { inlineParams, collectParamRefs } from './params';
