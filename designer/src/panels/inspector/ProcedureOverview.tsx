/** Nothing selected: the procedure's title and its catalogues (events, rules, deadlines, roles, parameters). */
import { useState } from 'react';
import { commands as C, deadlineText, paramValueText, stateAt, text } from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Field, LinkButton, Section, TitleInputs, identifierFrom } from '../widgets';
import { freshKey } from '../../model';

export function ProcedureOverview() {
  const { doc, parameters, locks, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const [eventTitle, setEventTitle] = useState('');
  const [roleTitle, setRoleTitle] = useState('');
  const [roleName, setRoleName] = useState('');

  const addEvent = () => {
    const zh = eventTitle.trim();
    if (!zh) return;
    const name = identifierFrom('', 'EVENT_', Object.keys(doc.events ?? {})).toUpperCase();
    if (run(C.addEvent(name, { 'zh-CN': zh, en: zh }))) {
      setEventTitle('');
      select({ kind: 'event', name });
    }
  };
  const addRole = () => {
    if (!roleTitle.trim()) return;
    const name = roleName.trim() || freshKey('role', Object.keys(doc.roles ?? {}));
    if (run(C.addRole(name, { 'zh-CN': roleTitle.trim(), en: roleTitle.trim() }))) {
      setRoleName('');
      setRoleTitle('');
    }
  };

  return (
    <div className="gz-inspector" data-testid="procedure-overview">
      <Section title={t('procedureTitle')}>
        <TitleInputs value={doc.title} testId="procedure-title" onCommit={(v) => run(C.setProcedureTitle(v))} />
      </Section>
      <Section title={t('events')} testId="events-list">
        <ul className="gz-list">
          {Object.entries(doc.events ?? {}).map(([k, e]) => (
            <li key={k}>
              <LinkButton onClick={() => select({ kind: 'event', name: k })}>{text(e.title, lang) || k}</LinkButton>{' '}
              <span className="gz-muted">
                {ids ? `${k} · ` : ''}
                {e.system ? t('systemEventShort') : ''}
              </span>
            </li>
          ))}
        </ul>
        <div className="gz-row">
          <input
            placeholder={t('newEventTitle')}
            value={eventTitle}
            data-testid="new-event-title"
            onChange={(e) => setEventTitle(e.target.value)}
          />
          <button type="button" data-testid="new-event-add" onClick={addEvent}>
            {t('addEvent')}
          </button>
        </div>
      </Section>
      <Section
        title={t('rules')}
        testId="rules-list"
        actions={
          <button type="button" data-testid="new-rule" onClick={() => select({ kind: 'rule', name: null })}>
            {t('addRule')}
          </button>
        }
      >
        <ul className="gz-list">
          {Object.entries(doc.rules ?? {}).map(([k, r]) => (
            <li key={k}>
              <LinkButton onClick={() => select({ kind: 'rule', name: k })}>
                {text(r.description, lang) || k}
              </LinkButton>
              {locks.rules.has(k) && <span className="gz-pill">{t('lockedShort')}</span>}
              {ids && <span className="gz-muted"> {k}</span>}
            </li>
          ))}
        </ul>
      </Section>
      <Section
        title={t('deadlines')}
        testId="deadlines-list"
        actions={
          <button type="button" onClick={() => select({ kind: 'deadline', name: null })}>
            {t('addDeadline')}
          </button>
        }
      >
        <ul className="gz-list">
          {Object.entries(doc.deadlines ?? {}).map(([k, d]) => (
            <li key={k}>
              <LinkButton onClick={() => select({ kind: 'deadline', name: k })}>
                {deadlineText(doc, k, parameters, lang)}
              </LinkButton>{' '}
              <span className="gz-muted">
                {text(stateAt(doc.machine, d.state)?.meta?.title, lang) || (ids ? d.state : '')}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('roles')} testId="roles-list">
        <ul className="gz-list">
          {Object.entries(doc.roles ?? {}).map(([k, r]) => (
            <li key={k}>
              {text(r.title, lang)}
              {ids && <span className="gz-muted"> {k}</span>}
            </li>
          ))}
        </ul>
        <div className="gz-row">
          {ids && (
            <Field label={t('name')}>
              <input value={roleName} onChange={(e) => setRoleName(e.target.value)} />
            </Field>
          )}
          <Field label={t('titleZh')}>
            <input value={roleTitle} onChange={(e) => setRoleTitle(e.target.value)} />
          </Field>
          <button type="button" onClick={addRole}>
            {t('addRole')}
          </button>
        </div>
      </Section>
      <Section title={t('parameters')}>
        <table className="gz-table">
          <tbody>
            {Object.entries(parameters).map(([k, p]) => (
              <tr key={k}>
                <td>
                  {text(p.title, lang) || k}
                  {p.sample ? t('sampleValue') : ''}
                </td>
                <td>{paramValueText(p, lang)}</td>
                {ids && <td className="gz-muted">{k}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
