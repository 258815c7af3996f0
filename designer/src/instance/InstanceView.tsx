/**
 * A running case on its chart (read-only, the designer's canvas): the current state highlighted, the
 * path taken, the history as a timeline with actors, what was sent (as a form) and rule results with their legal
 * basis, the deadlines as dates (暂定 where provisional), the case data as a form; a printable A4 history.
 */
import { useMemo, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import type { Api, HistoryEntry, InstanceBody } from '../api';
import { useLoad } from '../app/useLoad';
import { Chart, useChartLayout, type ChartSelection } from '../canvas';
import { stateTitleOf } from '../../../engine/browser-desk';
import { buildChart, formatDue, formatInstant, historyToSteps, pathTaken, text } from '../model';
import { ClockIcon } from '../canvas/icons';
import { useI18n, type StringKey } from '../i18n';
import { RuleList } from '../panels/SimulatePanel';
import { Section } from '../panels/widgets';
import { exportChart } from '../workspace/exportChart';
import type { Route } from '../app/route';
import { DataView, hasFields } from '../desk/DataView';

interface Loaded {
  instance: InstanceBody;
  history: HistoryEntry[];
  doc: ProcedureDoc;
}

export function InstanceView({ api, id, onNavigate }: { api: Api; id: string; onNavigate?(r: Route): void }) {
  const { t } = useI18n();
  const { value: loaded, error } = useLoad<Loaded>(async () => {
    const [instance, history] = await Promise.all([api.instance(id), api.history(id)]);
    const doc = await api.procedure(instance.pack, instance.procedure, instance.version);
    return { instance, history, doc };
  }, [api, id]);
  if (error)
    return (
      <div className="gz-error gz-center" data-testid="instance-error">
        {error}
      </div>
    );
  if (!loaded) return <div className="gz-center gz-muted">{t('loading')}</div>;
  return <LoadedInstance {...loaded} onNavigate={onNavigate} />;
}

function LoadedInstance({ instance, history, doc, onNavigate }: Loaded & { onNavigate?(r: Route): void }) {
  const { t, lang, pick, ids } = useI18n();
  const model = useMemo(() => buildChart(doc), [doc]);
  const layout = useChartLayout(model, doc, lang);
  const [selection, setSelection] = useState<ChartSelection | null>(null);
  const taken = useMemo(() => pathTaken(model, historyToSteps(history)), [model, history]);
  const overlay = useMemo(
    () => ({ active: instance.state, visitedNodes: taken.nodes, visitedEdges: taken.edges }),
    [instance.state, taken],
  );
  const stateTitle = (p: string | null) => (p ? text(stateTitleOf(doc.machine, p), lang) : '—');
  const roleTitle = (r: string) => text(doc.roles?.[r]?.title, lang) || r;

  return (
    <div className="gz-workspace" data-testid="instance-view" data-instance={instance.id} data-state={instance.state}>
      <div className="gz-toolbar">
        <div className="gz-group">
          {onNavigate && (
            <button
              type="button"
              data-testid="back-to-list"
              onClick={() => (window.history.length > 1 ? window.history.back() : onNavigate({ view: 'cases' }))}
            >
              {t('backToList')}
            </button>
          )}
          <strong>
            {instance.businessKey ? `${t('businessKey')} ${instance.businessKey}` : `${t('instance')} ${instance.id}`}
          </strong>
          <span className="gz-muted">
            {pick(doc.title)} · {t('version', { n: instance.version })}
            {ids ? ` · ${instance.pack} · ${instance.id}` : ''}
          </span>
        </div>
        <div className="gz-group gz-legend">
          <span className="gz-legend-active">
            <span className="gz-swatch" /> {t('legend_active')}
          </span>
          <span className="gz-legend-path">
            <span className="gz-swatch" /> {t('legend_path')}
          </span>
        </div>
        <div className="gz-group">
          {onNavigate && (
            <button
              type="button"
              data-testid="print-history"
              onClick={() => onNavigate({ instance: instance.id, print: true })}
            >
              {t('printHistory')}
            </button>
          )}
          {(['svg', 'png'] as const).map((k) => (
            <button
              key={k}
              type="button"
              data-testid={`export-${k}`}
              onClick={() =>
                void exportChart(k, {
                  doc,
                  model,
                  positions: layout.positions,
                  routes: layout.routes,
                  lang,
                  active: instance.state,
                  title: `${pick(doc.title)} ${t('flowchart')}`,
                  subtitle: `${t('instance')} ${instance.id} · ${stateTitle(instance.state)}`,
                  fileBase: `${instance.id}-${t('flowchart')}`,
                })
              }
            >
              {t(k === 'svg' ? 'exportSvg' : 'exportPng')}
            </button>
          ))}
        </div>
      </div>
      <div className="gz-main">
        <div className="gz-canvas-col">
          <div
            className="gz-canvas"
            data-testid="canvas"
            data-ready={layout.ready ? 'true' : 'false'}
            data-layout={layout.kind}
            data-view="read"
          >
            {layout.ready && (
              <Chart
                doc={doc}
                model={model}
                positions={layout.positions}
                routes={layout.routes}
                editable={false}
                selection={selection}
                onSelect={setSelection}
                overlay={overlay}
                layoutKind={layout.kind}
              />
            )}
          </div>
        </div>
        <aside className="gz-side">
          <div className="gz-side-body">
            <Section title={t('currentState')} testId="instance-summary">
              <div className="gz-current" data-testid="instance-current" data-state={instance.state}>
                {stateTitle(instance.state)}
                {ids && <span className="gz-muted"> ({instance.state})</span>}
              </div>
              <div className="gz-muted" data-testid="instance-status">
                {t(`status_${instance.status}` as StringKey)}
                {instance.overdue ? ` · ${t('overdue')}` : ''}
              </div>
            </Section>
            <Section title={t('caseDeadlines')} testId="instance-deadlines">
              <ul className="gz-deadlines">
                {instance.deadlines.map((d) => (
                  <li
                    key={d.name}
                    data-testid="instance-deadline"
                    data-deadline={d.name}
                    className={d.overdue ? 'is-overdue' : ''}
                  >
                    <ClockIcon />{' '}
                    {t('dueOn', {
                      name: text(doc.deadlines?.[d.name]?.title, lang) || d.name,
                      date: formatDue(d.dueAt, lang),
                    })}
                    {d.overdue ? ` · ${t('overdue')}` : ''}
                    {d.provisional && (
                      <span className="gz-pill gz-provisional" data-testid="instance-provisional">
                        {t('provisional')}
                      </span>
                    )}
                  </li>
                ))}
                {instance.deadlines.length === 0 && <li className="gz-muted">{t('none')}</li>}
              </ul>
            </Section>
            <Section title={t('history')} testId="instance-timeline">
              <ol className="gz-timeline">
                {history.map((h) => (
                  <li
                    key={h.seq}
                    className="gz-timeline-item"
                    data-testid="timeline-entry"
                    data-type={h.type}
                    data-to={h.to}
                  >
                    <div className="gz-timeline-time">{formatInstant(h.at)}</div>
                    <div>
                      <strong>
                        {text(doc.events?.[h.type]?.title, lang) ||
                          (h.type === 'START' || h.type === 'start' ? t('start') : h.type)}
                      </strong>{' '}
                      <span className="gz-muted">
                        {h.from ? `${stateTitle(h.from)} → ` : ''}
                        {stateTitle(h.to)}
                      </span>
                    </div>
                    {h.actor && (
                      <div className="gz-muted" data-testid="timeline-actor">
                        {t('actor')}:{h.actor.subject}
                        {h.actor.roles?.length ? `(${h.actor.roles.map(roleTitle).join('、')})` : ''}
                      </div>
                    )}
                    {hasFields(h.payload) && (
                      <DataView schema={doc.events?.[h.type]?.payload} value={h.payload} testId="timeline-payload" />
                    )}
                    <RuleList rules={h.rules} />
                  </li>
                ))}
              </ol>
            </Section>
            <Section title={t('caseData')}>
              <DataView schema={doc.data} value={instance.data} testId="instance-data" />
            </Section>
          </div>
        </aside>
      </div>
    </div>
  );
}
