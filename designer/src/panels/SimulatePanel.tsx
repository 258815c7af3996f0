/**
 * Simulate the procedure being edited (the server's simulate endpoint with the unsaved document):
 * start data, events with payloads, the active state on the chart, each rule's result and basis, deadlines as dates.
 */
import { useEffect, useRef, useState } from 'react';
import type { I18n } from '../../../engine/browser';
import { ApiError, traceOf } from '../api';
import { failedConditions } from '../model/explain';
import {
  acceptedEvents,
  activeAfter,
  effectTitle,
  humanizeMessage,
  eventType,
  ruleShortTitle,
  stateAt,
  formatDue,
  formatInstant,
  text,
  type TraceEntry,
} from '../model';
import { ClockIcon } from '../canvas/icons';
import { useI18n } from '../i18n';
import { useWorkspace, useWorkspaceMaybe } from '../workspace/context';
import { DataForm } from './DataForm';
import { Field, Section, Select } from './widgets';

type SentEvent = {
  type: string;
  payload?: Record<string, unknown>;
  actor: { subject: string; roles: string[] };
  at?: string;
};

/** `2025-09-26T09:00` (datetime-local) → `2025-09-26T09:00:00+08:00`. */
export const localToIso = (v: string) => (v ? `${v.length === 16 ? `${v}:00` : v}+08:00` : undefined);

export function SimulatePanel({ onTrace }: { onTrace(trace: TraceEntry[] | null, refusal: TraceEntry | null): void }) {
  const { api, packId, procId, doc } = useWorkspace();
  const { t, lang, pick, ids } = useI18n();
  const lastRefusedPayload = useRef<unknown>(undefined);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [at, setAt] = useState('');
  const [events, setEvents] = useState<SentEvent[]>([]);
  const [trace, setTrace] = useState<TraceEntry[] | null>(null);
  const [refusal, setRefusal] = useState<TraceEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [evType, setEvType] = useState('');
  const [payload, setPayload] = useState<Record<string, unknown>>({});
  const [role, setRole] = useState('');
  const [evAt, setEvAt] = useState('');

  useEffect(() => () => onTrace(null, null), []); // eslint-disable-line react-hooks/exhaustive-deps

  const simulate = async (list: SentEvent[]) => {
    setBusy(true);
    setError(null);
    try {
      // The server compiles the definition with its version (see designer/SERVER-REQUESTS.md #1): a draft has none yet.
      const definition = { ...doc, version: doc.version ?? 1 };
      const res = traceOf(
        await api.simulate(packId, procId, { data, events: list, definition, ...(at ? { at: localToIso(at) } : {}) }),
      );
      const last = res[res.length - 1];
      if (list.length && last?.refused) {
        lastRefusedPayload.current = list[list.length - 1].payload;
        setRefusal(last);
        const kept = res.slice(0, -1);
        setTrace(kept);
        onTrace(kept, last);
        return;
      }
      setRefusal(null);
      setEvents(list);
      setTrace(res);
      onTrace(res, null);
      setEvType('');
      setPayload({});
      setEvAt('');
    } catch (e) {
      const err = e as ApiError;
      const details = err instanceof ApiError ? err.problems.map((p) => `${p.path}: ${pick(p.message)}`).join(';') : '';
      setError(`${err instanceof ApiError ? pick(err.i18n) : String(e)}${details ? `(${details})` : ''}`);
    } finally {
      setBusy(false);
    }
  };

  const active = trace ? activeAfter(trace) : null;
  const accepted = acceptedEvents(doc, active);
  const ev = evType ? doc.events?.[evType] : undefined;
  const finished = active ? stateAt(doc.machine, active)?.type === 'final' : false;

  return (
    <div className="gz-simulate" data-testid="simulate-panel">
      <Section title={t('startData')}>
        <DataForm schema={doc.data} value={data} onChange={setData} testId="sim-data" />
        <Field label={t('startAt')}>
          <input type="datetime-local" value={at} data-testid="sim-at" onChange={(e) => setAt(e.target.value)} />
        </Field>
        <div className="gz-row">
          <button
            type="button"
            className="gz-primary"
            data-testid="sim-start"
            disabled={busy}
            onClick={() => {
              setEvents([]);
              void simulate([]);
            }}
          >
            {trace ? t('resetSimulation') : t('startSimulation')}
          </button>
        </div>
        {error && (
          <div className="gz-error" data-testid="sim-error">
            {error}
          </div>
        )}
      </Section>

      {trace && (
        <Section
          title={`${t('activeState')}:${active ? text(findTitle(doc, active), lang) || active : '—'}`}
          testId="sim-state"
        >
          <div data-testid="sim-active" data-state={active ?? ''} hidden={!ids}>
            {active}
          </div>
          {finished ? (
            <p className="gz-ok" data-testid="sim-finished">
              {t('finished')}
            </p>
          ) : accepted.length === 0 ? (
            <p className="gz-muted">{t('noEvents')}</p>
          ) : (
            <div className="gz-subform" data-testid="sim-send">
              <Field label={t('sendEvent')}>
                <Select
                  value={evType}
                  testId="sim-event"
                  placeholder={t('choose')}
                  onChange={(v) => {
                    setEvType(v);
                    setPayload({});
                    setRole(doc.events?.[v]?.roles?.[0] ?? '');
                  }}
                  options={accepted.map((e) => ({
                    value: e,
                    label: `${text(doc.events?.[e]?.title, lang) || e}${ids ? ` (${e})` : ''}`,
                  }))}
                />
              </Field>
              {ev && (
                <>
                  <DataForm schema={ev.payload} value={payload} onChange={setPayload} testId="sim-payload" />
                  <Field label={t('actorRole')}>
                    <Select
                      value={role}
                      testId="sim-role"
                      onChange={setRole}
                      options={(ev.roles ?? []).map((r) => ({
                        value: r,
                        label: text(doc.roles?.[r]?.title, lang) || r,
                      }))}
                    />
                  </Field>
                  <Field label={t('eventTime')}>
                    <input
                      type="datetime-local"
                      value={evAt}
                      data-testid="sim-event-at"
                      onChange={(e) => setEvAt(e.target.value)}
                    />
                  </Field>
                </>
              )}
              <button
                type="button"
                className="gz-primary"
                data-testid="sim-send-button"
                disabled={!evType || busy}
                onClick={() =>
                  void simulate([
                    ...events,
                    {
                      type: evType,
                      payload,
                      actor: { subject: 'designer', roles: role ? [role] : [] },
                      ...(evAt ? { at: localToIso(evAt) } : {}),
                    },
                  ])
                }
              >
                {t('send')}
              </button>
            </div>
          )}
          {refusal && <RefusalBox entry={refusal} payload={lastRefusedPayload.current} />}
        </Section>
      )}

      {trace && (
        <Section title={t('history')} testId="sim-trace">
          <ol className="gz-trace">
            {trace.map((e, i) => (
              <TraceItem key={i} entry={e} />
            ))}
          </ol>
        </Section>
      )}
    </div>
  );
}

function findTitle(doc: ReturnType<typeof useWorkspace>['doc'], path: string) {
  let states = doc.machine.states;
  let title;
  for (const k of path.split('.')) {
    const s = states?.[k];
    title = s?.meta?.title;
    states = s?.states ?? {};
  }
  return title;
}

function RefusalBox({ entry, payload }: { entry: TraceEntry; payload: unknown }) {
  const { doc, pack, parameters, catalog } = useWorkspace();
  const { t, pick, lang } = useI18n();
  const rules = refusedRules(entry);
  const ctx = { doc, catalog, parameters, lang };
  return (
    <div className="gz-error" data-testid="sim-refused">
      <strong>{t('refused')}:</strong>
      {entry.refused ? humanizeMessage(pick(entry.refused.message), doc, lang) : ''}
      <ul className="gz-rules" data-testid="rule-results">
        {rules
          .filter((r) => !r.result)
          .map((r, i) => {
            const failed = failedConditions(
              {
                doc,
                rule: r.rule,
                data: entry.data,
                payload,
                at: entry.at,
                parameters,
                calendar: pack.calendar,
                packData: pack.data,
              },
              ctx,
            );
            return (
              <li
                key={`${r.rule}|${i}`}
                className="is-fail"
                data-testid="sim-rule"
                data-rule={r.rule}
                data-result="false"
              >
                <strong>{pick(r.description) || ruleShortTitle(doc, r.rule, lang)}</strong>
                {failed.length > 0 && (
                  <ul className="gz-failed" data-testid="sim-failed">
                    <li className="gz-muted">{t('failedBecause')}:</li>
                    {failed.map((f, j) => (
                      <li key={j} data-testid="sim-failed-condition">
                        {f.sentence}
                        <span className="gz-actual">
                          ({t('actualValue')} <b>{f.actual}</b>)
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
                <div className="gz-basis">
                  {t('basis')}:{pick(r.basis)}
                </div>
              </li>
            );
          })}
      </ul>
    </div>
  );
}

/** GUARD_REJECTED lists the failing rules in its details. */
function refusedRules(entry: TraceEntry): TraceEntry['rules'] {
  const details = entry.refused?.details as { rules?: TraceEntry['rules'] } | undefined;
  return entry.rules?.length
    ? entry.rules
    : Array.isArray(details?.rules)
      ? details!.rules.map((r) => ({ ...r, result: r.result ?? false }))
      : [];
}

/** A rule's result as a simulation trace (engine) or a case's history (server) gives it. */
type RuleShown = { rule: string; result: boolean; description?: I18n; basis?: I18n };

/** Rule results of a step: a rule that holds is marked ✓; one that does not is shown plainly (that is an answer, not an error). */
export function RuleList({ rules }: { rules: RuleShown[] | undefined }) {
  const { t, pick } = useI18n();
  const { doc } = useWorkspaceMaybe();
  if (!rules?.length) return null;
  return (
    <ul className="gz-rules" data-testid="rule-results">
      {rules.map((r, i) => (
        <li
          key={`${r.rule}|${i}`}
          className={r.result ? 'is-pass' : 'is-no'}
          data-testid="sim-rule"
          data-rule={r.rule}
          data-result={String(r.result)}
        >
          <span className="gz-rule-mark">{r.result ? t('ruleHeld') : t('ruleNotHeld')}</span>{' '}
          <strong>{pick(r.description) || (doc ? ruleShortTitle(doc, r.rule, 'zh-CN') : '')}</strong>
          <div className="gz-basis">
            {t('basis')}:{pick(r.basis)}
          </div>
        </li>
      ))}
    </ul>
  );
}

function TraceItem({ entry }: { entry: TraceEntry }) {
  const { doc } = useWorkspace();
  const { t, lang, pick } = useI18n();
  const type = eventType(entry.event);
  const deadline = type.startsWith('DEADLINE:') ? type.slice(9) : null;
  const title =
    text(doc.events?.[type]?.title, lang) ||
    (deadline
      ? t('deadlineExpired', { name: text(doc.deadlines?.[deadline]?.title, lang) || deadline })
      : type === 'START' || !type
        ? t('start')
        : type);
  const to = entry.state ?? entry.to;
  return (
    <li className="gz-trace-item" data-testid="sim-step" data-event={type} data-to={to ?? ''}>
      <div>
        <strong>{title}</strong>{' '}
        <span className="gz-muted">
          {entry.from ? `${text(findTitle(doc, entry.from), lang) || entry.from} → ` : ''}
          {text(findTitle(doc, to ?? ''), lang) || to}
        </span>
        {entry.at && <span className="gz-muted"> · {formatInstant(entry.at)}</span>}
      </div>
      {entry.refused && <div className="gz-error">{humanizeMessage(pick(entry.refused.message), doc, lang)}</div>}
      <RuleList rules={entry.rules} />
      {entry.effects?.length > 0 && (
        <div className="gz-muted">
          {t('effects')}:{entry.effects.map((e) => effectTitle(typeof e === 'string' ? e : e.name, lang)).join('、')}
        </div>
      )}
      {entry.deadlines && entry.deadlines.length > 0 && (
        <ul className="gz-deadlines" data-testid="sim-deadlines">
          {entry.deadlines.map((d) => (
            <li
              key={d.name}
              data-testid="sim-deadline"
              data-deadline={d.name}
              data-provisional={d.provisional ? 'true' : 'false'}
            >
              <ClockIcon />{' '}
              {t('dueOn', {
                name: text(doc.deadlines?.[d.name]?.title, lang) || d.name,
                date: formatDue(d.dueAt, lang),
              })}
              {d.overdue ? ` · ${t('overdue')}` : ''}
              {d.provisional && (
                <span className="gz-pill gz-provisional" data-testid="sim-provisional">
                  {t('provisional')}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
