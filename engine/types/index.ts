/**
 * Gongzhi engine types: the shapes every other part (server, designer, packs, bench) relies on.
 * The procedure document format itself is defined by `engine/schema/procedure.schema.json`;
 * these TypeScript types mirror it (engine/FORMAT.md describes it in prose). One file per concept:
 *   common (texts, bases, amounts, problems) · procedure (the document) · pack (manifests, resolution, calendar)
 *   · instance (a case as stored) · step (results and refusals) · scenario (scenario files)
 */
export type * from './common';
export type * from './procedure';
export type * from './pack';
export type * from './instance';
export type * from './step';
export type * from './scenario';
