/** Connect a state to another: pick (or create) the event, the target, and optionally a guard rule. */
import { useState } from 'react';
import {
  commands as C,
  text,
  statePaths,
  transitionPointer,
  ownerAt,
  transitionList,
  ruleShortTitle,
} from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { CommitInput, Field, Select } from '../widgets';
import { identifierFrom } from '../widgets';

const NEW = '__new__';
const AUTO = '__auto__';

export function NewTransitionForm({ source }: { source: string }) {
  const { doc, model, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const [event, setEvent] = useState('');
  const [newTitle, setNewTitle] = useState('');
  const [target, setTarget] = useState('');
  const [guard, setGuard] = useState('');

  const eventOptions = [
    ...Object.entries(doc.events ?? {}).map(([k, e]) => ({
      value: k,
      label: `${text(e.title, lang) || k}${ids ? ` (${k})` : ''}`,
    })),
    { value: AUTO, label: t('automatic') },
    { value: NEW, label: t('newEvent') },
  ];
  const targets = statePaths(doc).map((p) => ({
    value: p,
    label: `${text(model.byId.get(p)?.title, lang) || p}${ids ? ` (${p})` : ''}`,
  }));
  const rules = Object.keys(doc.rules ?? {}).map((k) => ({
    value: k,
    label: `${ruleShortTitle(doc, k, lang)}${ids ? ` (${k})` : ''}`,
  }));

  const submit = () => {
    if (!event || !target) return;
    let ev: string | null = event === AUTO ? null : event;
    let title;
    if (event === NEW) {
      const zh = newTitle.trim() || t('newEventDefault');
      ev = identifierFrom('', 'EVENT_', Object.keys(doc.events ?? {})).toUpperCase();
      title = { 'zh-CN': zh, en: zh };
    }
    const cmd = C.connect({ source, target, event: ev, newEventTitle: title, guard: guard || undefined });
    if (!run(cmd)) return;
    const next = cmd.apply(doc);
    const owner = ownerAt(next.machine, source)!;
    const index = transitionList(owner, ev).length - 1;
    select({ kind: 'edge', id: transitionPointer(next, { source, event: ev, index }) });
    setEvent('');
    setTarget('');
    setGuard('');
    setNewTitle('');
  };

  return (
    <div className="gz-subform" data-testid="new-transition">
      <h4>{t('newTransition')}</h4>
      <Field label={t('event')}>
        <Select
          value={event}
          options={eventOptions}
          placeholder={t('choose')}
          onChange={setEvent}
          testId="new-transition-event"
        />
      </Field>
      {event === NEW && (
        <Field label={t('newEventTitle')}>
          <CommitInput value={newTitle} onCommit={setNewTitle} testId="new-transition-event-title" />
        </Field>
      )}
      <Field label={t('target')}>
        <Select
          value={target}
          options={targets}
          placeholder={t('choose')}
          onChange={setTarget}
          testId="new-transition-target"
        />
      </Field>
      <Field label={t('guard')}>
        <Select
          value={guard}
          options={rules}
          placeholder={t('guardNone')}
          onChange={setGuard}
          testId="new-transition-guard"
        />
      </Field>
      <button
        type="button"
        className="gz-primary"
        data-testid="new-transition-submit"
        disabled={!event || !target}
        onClick={submit}
      >
        {t('connect')}
      </button>
    </div>
  );
}
