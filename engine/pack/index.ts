export { resolvePacks, type ResolveResult } from './resolve';
export { mergePatch } from './merge-patch';
export { diffProcedure, diffProcedures, diffParameters, diffData } from './diff';
