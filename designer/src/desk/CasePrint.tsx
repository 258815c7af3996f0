/**
 * A case's history laid out for A4 paper (the browser's print, or its "save as PDF"): the case, its data as a form,
 * the path it took, and every step with who acted, what was sent, the rules read and their legal basis. The
 * print style sheet (styles.css, `@page`) hides the header and the buttons.
 */
import './desk.css';
import type { ProcedureDoc } from '../../../engine/browser';
import { leadingDeadline, stateTitleOf } from '../../../engine/browser-desk';
import type { Api, HistoryEntry, InstanceBody, PackSummary } from '../api';
import type { Route } from '../app/route';
import { useLoad } from '../app/useLoad';
import { useDeskI18n, type DeskKey } from '../i18n/desk';
import { useI18n, type StringKey } from '../i18n';
import { formatDue, formatInstant, text } from '../model';
import { DataView, hasFields } from './DataView';

interface Loaded {
  instance: InstanceBody;
  history: HistoryEntry[];
  doc: ProcedureDoc;
}

export function CasePrint({
  api,
  id,
  packs,
  onNavigate,
}: {
  api: Api;
  id: string;
  packs: PackSummary[];
  onNavigate(r: Route): void;
}) {
  const { t, lang, pick, dt } = useDeskI18n();
  const { value, error } = useLoad<Loaded>(async () => {
    const [instance, history] = await Promise.all([api.instance(id), api.history(id)]);
    return { instance, history, doc: await api.procedure(instance.pack, instance.procedure, instance.version) };
  }, [api, id]);
  if (error)
    return (
      <div className="gz-error gz-center" data-testid="print-error">
        {error}
      </div>
    );
  if (!value) return <div className="gz-center gz-muted">{t('loading')}</div>;
  const { instance, history, doc } = value;
  const stateTitle = (p: string | null) => (p ? text(stateTitleOf(doc.machine, p), lang) : '—');
  const eventTitle = (type: string) =>
    text(doc.events?.[type]?.title, lang) ||
    (type === 'START' || type === 'start'
      ? t('start')
      : type.startsWith('DEADLINE:')
        ? t('deadlineExpired', { name: text(doc.deadlines?.[type.slice(9)]?.title, lang) || type.slice(9) })
        : type);
  const roleTitle = (r: string) => text(doc.roles?.[r]?.title, lang) || r;
  const d = leadingDeadline(instance.deadlines);
  const path = history.map((h) => stateTitle(h.to)).filter((x, i, a) => i === 0 || a[i - 1] !== x);
  return (
    <div className="gz-print-page" data-testid="case-print">
      <div className="gz-noprint gz-print-actions">
        <button type="button" data-testid="print-back" onClick={() => onNavigate({ instance: instance.id })}>
          {dt('backToCase')}
        </button>
        <button type="button" data-testid="print-now" onClick={() => window.print()}>
          {dt('print')}
        </button>
        <span className="gz-muted">{dt('printHint')}</span>
      </div>
      <article className="gz-print-sheet">
        <h1>{dt('historyOf', { procedure: pick(doc.title) })}</h1>
        <table className="gz-print-facts" data-testid="print-facts">
          <tbody>
            <tr>
              <th>{t('businessKey')}</th>
              <td>{instance.businessKey || t('noBusinessKey')}</td>
              <th>{t('instance')}</th>
              <td>{instance.id}</td>
            </tr>
            <tr>
              <th>{t('pack')}</th>
              <td>{pick(packs.find((p) => p.id === instance.pack)?.title) || instance.pack}</td>
              <th>{t('procedure')}</th>
              <td>
                {pick(doc.title)} · {t('version', { n: instance.version })}
              </td>
            </tr>
            <tr>
              <th>{dt('caseState')}</th>
              <td data-testid="print-state">{stateTitle(instance.state)}</td>
              <th>{dt('caseStatus')}</th>
              <td>
                {t(`status_${instance.status}` as StringKey)}
                {instance.overdue ? ` · ${t('overdue')}` : ''}
              </td>
            </tr>
            <tr>
              <th>{dt('openedAt')}</th>
              <td>{formatInstant(instance.createdAt)}</td>
              <th>{t('deadline')}</th>
              <td>
                {d
                  ? `${text(d.title ?? doc.deadlines?.[d.name]?.title, lang) || d.name} ${formatDue(d.dueAt, lang)}${d.provisional ? ` ${t('provisional')}` : ''}${d.overdue ? ` · ${t('overdue')}` : ''}`
                  : '—'}
              </td>
            </tr>
          </tbody>
        </table>
        <h2>{dt('pathTaken')}</h2>
        <p data-testid="print-path">{path.join(' → ')}</p>
        <h2>{t('caseData')}</h2>
        <DataView schema={doc.data} value={instance.data} testId="print-data" />
        <h2>{t('history')}</h2>
        <table className="gz-table gz-print-history" data-testid="print-history">
          <thead>
            <tr>
              <th>{dt('time')}</th>
              <th>{dt('step')}</th>
              <th>{dt('handledBy')}</th>
              <th>{dt('contentAndRules')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.seq} data-testid="print-step">
                <td>{formatInstant(h.at)}</td>
                <td>
                  <strong>{eventTitle(h.type)}</strong>
                  <div className="gz-muted">
                    {h.from ? `${stateTitle(h.from)} → ` : ''}
                    {stateTitle(h.to)}
                  </div>
                </td>
                <td>
                  {h.actor
                    ? `${h.actor.subject}${h.actor.roles?.length ? `(${h.actor.roles.map(roleTitle).join('、')})` : ''}`
                    : dt('system')}
                </td>
                <td>
                  {hasFields(h.payload) && <DataView schema={doc.events?.[h.type]?.payload} value={h.payload} />}
                  {h.rules?.length > 0 && (
                    <ul className="gz-print-rules">
                      {h.rules.map((r, i) => (
                        <li key={`${r.rule}|${i}`} data-testid="print-rule">
                          {r.result ? t('ruleHeld') : t('ruleNotHeld')} {pick(r.description)}
                          <span className="gz-muted">
                            ({t('basis')}:{pick(r.basis)})
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <footer className="gz-print-footer">{dt('printedAt', { at: formatInstant(new Date().toISOString()) })}</footer>
      </article>
    </div>
  );
}
