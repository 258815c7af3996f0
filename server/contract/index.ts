/**
 * The HTTP contract, defined once: JSON Schemas built with TypeBox, from which the TypeScript types below are
 * derived. Browser-safe (no Node imports): the designer imports its types from here.
 */
import type { Static } from '@sinclair/typebox';
import type * as I from './instances';
import type * as P from './packs';
import type * as A from './admin';
import type * as W from './webhooks';
import type * as K from './calendar';
import type * as C from './common';
import type * as Y from './county';

export { ERROR_CODES, API_CODES, isApiCode, statusOf, type ApiCode } from './errors';
export { operations, XLSX, type Operation, type Operations, type OperationId } from './operations';

export type I18nText = Static<typeof C.I18n>;
export type ProblemBody = Static<typeof C.Problem>;
export type ErrorBody = { error: { code: string; message: I18nText; details?: unknown } };

export type InstanceStartBody = Static<typeof I.InstanceStart>;
export type EventSendBody = Static<typeof I.EventSend>;
export type CancelBody = Static<typeof I.CancelBody>;
export type InstanceBody = Static<typeof I.Instance>;
export type InstanceListBody = Static<typeof I.InstanceList>;
export type HistoryEntryBody = Static<typeof I.HistoryEntry>;
export type DeadlineBody = Static<typeof I.Deadline>;
export type AllowedEventBody = Static<typeof I.AllowedEvent>;
export type ListQuery = Static<typeof I.ListQuery>;
export type ExportCasesQuery = Static<typeof I.ExportCasesQuery>;

export type PackSummaryBody = Static<typeof P.PackSummary>;
export type PackDetailBody = Static<typeof P.PackDetail>;
export type VersionInfoBody = Static<typeof P.VersionInfo>;
export type DraftSavedBody = Static<typeof P.DraftSaved>;
export type PublishedBody = Static<typeof P.Published>;
export type SimulateRequestBody = Static<typeof P.SimulateBody>;
export type TraceEntryBody = Static<typeof P.TraceEntry>;
export type BundleBody = Static<typeof P.Bundle>;
export type OverrideBody = Static<typeof P.Override>;

export type PackConflictBody = Static<typeof P.PackConflict>;
export type PackDraftBody = Static<typeof Y.PackDraft>;
export type PackDraftEditBody = Static<typeof Y.PackDraftBody>;
export type PackDraftSavedBody = Static<typeof Y.PackDraftSaved>;
export type PackPublishedBody = Static<typeof Y.PackPublished>;
export type CaseMigrationBody = Static<typeof Y.CaseMigration>;
export type CaseMigratedBody = Static<typeof Y.CaseMigrated>;
export type BatchMigratedBody = Static<typeof Y.BatchMigrated>;

export type CalendarYearBody = Static<typeof K.CalendarYear>;
export type CalendarLoadResultBody = Static<typeof K.CalendarLoadResult>;
export type ImportedBody = Static<typeof P.Imported>;

export type TokenCreateBody = Static<typeof A.TokenCreate>;
export type TokenCreatedBody = Static<typeof A.TokenCreated>;
export type TokenInfoBody = Static<typeof A.TokenInfo>;
export type MeBody = Static<typeof A.Me>;
export type ClockBody = Static<typeof A.Clock>;
export type StatsBody = Static<typeof A.Stats>;
export type StatsQuery = Static<typeof A.StatsQuery>;
export type ExportFiguresQuery = Static<typeof A.ExportFiguresQuery>;

export type WebhookCreateBody = Static<typeof W.WebhookCreate>;
export type WebhookBody = Static<typeof W.Webhook>;
export type DeliveryBody = Static<typeof W.Delivery>;
export type DeliveryStatus = Static<typeof W.DeliveryStatus>;
