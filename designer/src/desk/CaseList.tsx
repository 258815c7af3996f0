/**
 * 督办台 · 案件列表: cases filtered by pack, procedure, state, status, overdue, the day opened and business key,
 * sorted, a page at a time (keyset paging: the server's `next`); each row in the reader's language, overdue in
 * red, provisional deadlines marked 暂定; a click opens the case; the list (every page) exports as .xlsx.
 */
import './desk.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { walkStates } from '../../../engine/browser';
import { stateTitleOf } from '../../../engine/browser-desk';
import { ApiError, type Api, type InstanceBody, type PackSummary } from '../api';
import type { Route } from '../app/route';
import { useDeskI18n, type DeskKey } from '../i18n/desk';
import { useI18n, type StringKey } from '../i18n';
import { formatDue, formatInstant, text } from '../model';
import { loadDoc, PackPicker, PeriodPicker, saveBlob, useToday } from './common';
import { listParams, readFilters, SORTS, withPeriod, writeFilters, type CaseFilters } from './query';
import { caseRow, docKey, type CaseRow, type DocIndex } from './rows';

export const PAGE_SIZE = 50;

interface Page {
  items: InstanceBody[];
  next: string | null;
}

export function CaseList({
  api,
  packs,
  params,
  onNavigate,
}: {
  api: Api;
  packs: PackSummary[];
  params: string;
  onNavigate(r: Route): void;
}) {
  const { t, lang, pick, dt } = useDeskI18n();
  const filters = useMemo(() => readFilters(new URLSearchParams(params)), [params]);
  const today = useToday(api);
  const set = (f: CaseFilters) => onNavigate({ view: 'cases', params: writeFilters(f).toString() });

  // keyset paging: the cursors of the pages before this one
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), [params]);
  const cursor = cursors[cursors.length - 1];

  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const docs = useRef<DocIndex>(new Map());
  const [, setDocsLoaded] = useState(0);
  useEffect(() => {
    let live = true;
    setPage(null);
    setError(null);
    api.instances(listParams(filters, PAGE_SIZE, cursor)).then(
      async (p) => {
        const missing = [...new Set(p.items.map(docKey))].filter((k) => !docs.current.has(k));
        await Promise.all(
          missing.map(async (k) => {
            const i = p.items.find((x) => docKey(x) === k)!;
            try {
              docs.current.set(k, await loadDoc(api, i.pack, i.procedure, i.version));
            } catch {
              /* titles fall back to names */
            }
          }),
        );
        if (live) {
          setDocsLoaded((n) => n + 1);
          setPage(p);
        }
      },
      (e) => live && setError(e instanceof ApiError ? pick(e.i18n) : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, params, cursor]);

  // the chosen procedure's states, for the state filter
  const [stateDoc, setStateDoc] = useState<ProcedureDoc | null>(null);
  useEffect(() => {
    setStateDoc(null);
    if (filters.pack && filters.procedure) loadDoc(api, filters.pack, filters.procedure).then(setStateDoc, () => {});
  }, [api, filters.pack, filters.procedure]);

  const [key, setKey] = useState(filters.key ?? '');
  useEffect(() => setKey(filters.key ?? ''), [filters.key]);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const exportList = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const q = listParams(filters, PAGE_SIZE);
      q.delete('limit');
      q.set('lang', lang);
      const { blob, name } = await api.download(`/api/exports/cases.xlsx?${q}`);
      saveBlob(blob, name);
    } catch (e) {
      setExportError(e instanceof ApiError ? pick(e.i18n) : String(e));
    } finally {
      setExporting(false);
    }
  };

  const rows: CaseRow[] = page ? page.items.map((i) => caseRow(i, docs.current, packs, lang)) : [];
  return (
    <div className="gz-desk" data-testid="case-list">
      <form
        className="gz-desk-filters"
        data-testid="case-filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ ...filters, key: key.trim() || undefined });
        }}
      >
        <PackPicker
          packs={packs}
          pack={filters.pack}
          procedure={filters.procedure}
          onChange={(pack, procedure) => set({ ...filters, pack, procedure, state: undefined })}
        />
        <label className="gz-inline">
          {dt('caseState')}
          <select
            value={filters.state ?? ''}
            data-testid="desk-state"
            disabled={!stateDoc}
            onChange={(e) => set({ ...filters, state: e.target.value || undefined })}
          >
            <option value="">{dt('allStates')}</option>
            {stateDoc &&
              walkStates(stateDoc.machine).map((s) => (
                <option key={s.path} value={s.path}>
                  {'\u3000'.repeat(s.path.split('.').length - 1)}
                  {text(stateTitleOf(stateDoc.machine, s.path), lang).split(' · ').pop()}
                </option>
              ))}
          </select>
        </label>
        <label className="gz-inline">
          {dt('caseStatus')}
          <select
            value={filters.status ?? ''}
            data-testid="desk-status"
            onChange={(e) => set({ ...filters, status: (e.target.value || undefined) as CaseFilters['status'] })}
          >
            <option value="">{dt('allStatuses')}</option>
            {(['active', 'done', 'cancelled'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`status_${s}` as StringKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="gz-inline">
          {dt('overdueFilter')}
          <select
            value={filters.overdue === undefined ? '' : String(filters.overdue)}
            data-testid="desk-overdue"
            onChange={(e) =>
              set({ ...filters, overdue: e.target.value === '' ? undefined : e.target.value === 'true' })
            }
          >
            <option value="">{dt('allCases')}</option>
            <option value="true">{dt('onlyOverdue')}</option>
            <option value="false">{dt('notOverdue')}</option>
          </select>
        </label>
        <PeriodPicker
          period={filters.period}
          from={filters.from}
          to={filters.to}
          onPeriod={(p) => set(withPeriod(filters, p, today))}
          onDates={(from, to) => set({ ...filters, from, to, period: undefined })}
        />
        <span className="gz-inline">
          <input
            type="search"
            value={key}
            data-testid="desk-key"
            placeholder={dt('searchBusinessKey')}
            aria-label={t('businessKey')}
            onChange={(e) => setKey(e.target.value)}
          />
          <button type="submit" data-testid="desk-search">
            {dt('searchButton')}
          </button>
        </span>
        <label className="gz-inline">
          {dt('sortBy')}
          <select
            value={filters.sort}
            data-testid="desk-sort"
            onChange={(e) => set({ ...filters, sort: e.target.value as CaseFilters['sort'] })}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {dt(`sort_${s}` as DeskKey)}
              </option>
            ))}
          </select>
        </label>
        <span className="gz-spacer" />
        <button type="button" data-testid="desk-clear" onClick={() => set({ sort: 'newest' })}>
          {dt('clearFilters')}
        </button>
        <button type="button" data-testid="export-cases" disabled={exporting} onClick={() => void exportList()}>
          {exporting ? dt('exporting') : dt('exportXlsx')}
        </button>
      </form>
      {exportError && (
        <div className="gz-error" data-testid="export-error">
          {exportError}
        </div>
      )}
      {error && (
        <div className="gz-error" data-testid="case-list-error">
          {error}
        </div>
      )}
      <div className="gz-desk-body">
        <table className="gz-table gz-case-table" data-testid="case-table" data-loading={page ? 'false' : 'true'}>
          <thead>
            <tr>
              <th>{t('businessKey')}</th>
              <th>{t('procedure')}</th>
              <th>{dt('caseState')}</th>
              <th>{dt('caseStatus')}</th>
              <th>{t('deadline')}</th>
              <th>{dt('openedAt')}</th>
              <th>{t('pack')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className={`gz-case-row${r.overdue ? ' is-overdue' : ''}`}
                data-testid="case-row"
                data-instance={r.id}
                data-overdue={String(r.overdue)}
                tabIndex={0}
                onClick={() => onNavigate({ instance: r.id })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') onNavigate({ instance: r.id });
                }}
              >
                <td>
                  <a
                    href={`/?instance=${encodeURIComponent(r.id)}`}
                    data-testid="case-open"
                    onClick={(e) => e.preventDefault()}
                  >
                    {r.businessKey || t('noBusinessKey')}
                  </a>
                </td>
                <td>{r.procedureTitle}</td>
                <td data-testid="case-state">{r.stateTitle}</td>
                <td>{t(`status_${r.status}` as StringKey)}</td>
                <td data-testid="case-deadline">
                  {r.deadline ? (
                    <>
                      {r.deadline.title} {formatDue(r.deadline.dueAt, lang)}
                      {r.deadline.provisional && (
                        <span className="gz-pill gz-provisional" data-testid="case-provisional">
                          {t('provisional')}
                        </span>
                      )}
                      {r.deadline.overdue && (
                        <span className="gz-overdue-mark" data-testid="case-overdue">
                          {t('overdue')}
                        </span>
                      )}
                    </>
                  ) : (
                    <span className="gz-muted">—</span>
                  )}
                </td>
                <td>{formatInstant(r.createdAt)}</td>
                <td>{r.packTitle}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && rows.length === 0 && (
          <div className="gz-muted gz-desk-empty" data-testid="case-list-empty">
            {dt('noCases')}
          </div>
        )}
        {!page && !error && <div className="gz-muted gz-desk-empty">{t('loading')}</div>}
        <div className="gz-pager" data-testid="pager">
          <button
            type="button"
            data-testid="page-prev"
            disabled={cursors.length < 2}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            {dt('prevPage')}
          </button>
          <span data-testid="page-number">{dt('pageN', { n: cursors.length })}</span>
          <button
            type="button"
            data-testid="page-next"
            disabled={!page?.next}
            onClick={() => page?.next && setCursors([...cursors, page.next])}
          >
            {dt('nextPage')}
          </button>
        </div>
      </div>
    </div>
  );
}
