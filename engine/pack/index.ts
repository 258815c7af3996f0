export { resolvePacks, type ResolveResult, type ResolveOptions } from './resolve';
export { mergePatch } from './merge-patch';
export { diffProcedure, diffProcedures, diffParameters, diffData } from './diff';
export {
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
  type PatchConflict,
  type OverlayResult,
} from './overlay';
export { retestPack } from './retest';
export { mergeData, mergeDataFile, isItemList } from './data';
