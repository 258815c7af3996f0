/** One event: its titles, who may send it, whether it is a system event, and its payload fields as a table. */
import { useState } from 'react';
import { commands as C, fieldsOf, text, EDITABLE_KINDS, type FieldKind, type FieldSpec } from '../../model';
import { useI18n, type StringKey } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { CheckList, Field, LinkButton, Section, Select, TitleInputs } from '../widgets';

export function EventEditor({ name }: { name: string }) {
  const { doc, model, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const ev = doc.events?.[name];
  if (!ev) return <div className="gz-muted">{t('notFound')}</div>;
  const roleOptions = Object.entries(doc.roles ?? {}).map(([k, r]) => ({ value: k, label: text(r.title, lang) || k }));
  const fields = fieldsOf(ev.payload);
  const uses = model.edges.filter((e) => e.event === name);
  return (
    <div className="gz-inspector" data-testid="event-editor" data-event={name}>
      <Section title={`${t('event')} · ${text(ev.title, lang) || name}`}>
        {ids && <p className="gz-muted">{name}</p>}
        <TitleInputs value={ev.title} testId="event-title" onCommit={(v) => run(C.setEventTitle(name, v))} />
        <Field label={t('eventRoles')}>
          <CheckList
            options={roleOptions}
            value={ev.roles ?? []}
            testId="event-roles"
            onChange={(r) => run(C.setEventRoles(name, r))}
          />
        </Field>
        <label className="gz-check">
          <input
            type="checkbox"
            checked={!!ev.system}
            data-testid="event-system"
            onChange={(e) => run(C.setEventSystem(name, e.target.checked))}
          />
          {t('systemEvent')}
        </label>
        <ul className="gz-list">
          {uses.map((e) => (
            <li key={e.id}>
              <LinkButton onClick={() => select({ kind: 'edge', id: e.id })}>
                {text(model.byId.get(e.source)?.title, lang) || e.source} →{' '}
                {text(model.byId.get(e.target)?.title, lang) || e.target}
              </LinkButton>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('payloadFields')} testId="payload-fields">
        <table className="gz-table">
          <thead>
            <tr>
              <th>{t('field')}</th>
              <th>{t('fieldTitle')}</th>
              <th>{t('fieldKind')}</th>
              <th>{t('required')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <FieldRow key={JSON.stringify(f)} event={name} field={f} />
            ))}
          </tbody>
        </table>
        <NewFieldRow event={name} taken={fields.map((f) => f.name)} />
      </Section>
    </div>
  );
}

function kindOptions(t: (k: StringKey) => string, current: FieldKind) {
  const kinds = EDITABLE_KINDS.includes(current) ? EDITABLE_KINDS : [current, ...EDITABLE_KINDS];
  return kinds.map((k) => ({ value: k, label: t(`kind_${k}` as StringKey) }));
}

function FieldRow({ event, field }: { event: string; field: FieldSpec }) {
  const { run } = useWorkspace();
  const { t } = useI18n();
  const [draft, setDraft] = useState(field);
  const [choices, setChoices] = useState((field.choices ?? []).join(', '));
  const commit = (next: FieldSpec) => {
    setDraft(next);
    run(C.setPayloadField(event, next, field.name));
  };
  const advanced = field.kind === 'advanced' || field.kind === 'objectList';
  return (
    <>
      <tr data-testid="payload-field" data-field={field.name}>
        <td>
          <input
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            onBlur={() => draft.name !== field.name && commit(draft)}
          />
        </td>
        <td>
          <input
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
            onBlur={() => draft.title !== field.title && commit(draft)}
          />
        </td>
        <td>
          {advanced ? (
            <span className="gz-muted">{t(`kind_${field.kind}` as StringKey)}</span>
          ) : (
            <Select
              value={draft.kind}
              options={kindOptions(t, draft.kind)}
              onChange={(k) => commit({ ...draft, kind: k as FieldKind })}
            />
          )}
        </td>
        <td>
          <input
            type="checkbox"
            checked={draft.required}
            onChange={(e) => commit({ ...draft, required: e.target.checked })}
          />
        </td>
        <td>
          <button type="button" className="gz-link" onClick={() => run(C.removePayloadField(event, field.name))}>
            {t('remove')}
          </button>
        </td>
      </tr>
      {draft.kind === 'enum' && (
        <tr>
          <td colSpan={5}>
            <Field label={t('choices')}>
              <input
                value={choices}
                onChange={(e) => setChoices(e.target.value)}
                onBlur={() =>
                  commit({
                    ...draft,
                    choices: choices
                      .split(/[,,、]/)
                      .map((x) => x.trim())
                      .filter(Boolean),
                  })
                }
              />
            </Field>
          </td>
        </tr>
      )}
    </>
  );
}

function NewFieldRow({ event, taken }: { event: string; taken: string[] }) {
  const { run } = useWorkspace();
  const { t } = useI18n();
  const [f, setF] = useState<FieldSpec>({ name: '', title: '', kind: 'string', required: false });
  const add = () => {
    if (!f.name || taken.includes(f.name)) return;
    if (run(C.setPayloadField(event, f))) setF({ name: '', title: '', kind: 'string', required: false });
  };
  return (
    <div className="gz-subform gz-row" data-testid="new-payload-field">
      <input
        placeholder={t('field')}
        value={f.name}
        data-testid="new-field-name"
        onChange={(e) => setF({ ...f, name: e.target.value })}
      />
      <input
        placeholder={t('fieldTitle')}
        value={f.title}
        data-testid="new-field-title"
        onChange={(e) => setF({ ...f, title: e.target.value })}
      />
      <Select
        value={f.kind}
        options={kindOptions(t, 'string')}
        testId="new-field-kind"
        onChange={(k) => setF({ ...f, kind: k as FieldKind })}
      />
      <label className="gz-check">
        <input type="checkbox" checked={f.required} onChange={(e) => setF({ ...f, required: e.target.checked })} />
        {t('required')}
      </label>
      <button type="button" data-testid="new-field-add" disabled={!f.name} onClick={add}>
        {t('addField')}
      </button>
    </div>
  );
}
