/** A deadline as a form: duration (fixed or a pack parameter), calendar kind, start, condition, what happens on expiry. */
import { useEffect, useState } from 'react';
import type { DeadlineDef, PeriodUnit } from '../../../../engine/browser';
import { currentBasis, editCurrentBasis, mapBasis } from '../../../../engine/browser';
import { BasisHistory } from './BasisHistory';
import { commands as C, effectTitle, KNOWN_EFFECTS, paramText, ruleShortTitle, statePaths, text } from '../../model';
import { useI18n, type StringKey } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Field, Section, Select } from '../widgets';
import { identifierFrom } from '../widgets';

const UNITS: PeriodUnit[] = ['calendarDays', 'workingDays', 'naturalDays', 'months'];

const blank = (state: string): DeadlineDef => ({
  title: { 'zh-CN': '', en: '' },
  state,
  amount: 30,
  unit: 'calendarDays',
  onExpiry: { effects: ['supervision.notice'] },
  basis: { 'zh-CN': '', en: '' },
});

export function DeadlineForm({ name, state }: { name: string | null; state?: string }) {
  const { doc, model, parameters, catalog, locks, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const locked = !!name && locks.deadlines.has(name);
  const existing = name ? doc.deadlines?.[name] : undefined;
  const [draft, setDraft] = useState<DeadlineDef>(existing ?? blank(state ?? statePaths(doc)[0] ?? ''));
  const [effects, setEffects] = useState((existing?.onExpiry.effects ?? ['supervision.notice']).join(', '));
  useEffect(() => {
    const d = (name ? doc.deadlines?.[name] : undefined) ?? blank(state ?? statePaths(doc)[0] ?? '');
    setDraft(d);
    setEffects((d.onExpiry.effects ?? []).join(', '));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the form resets when the deadlines change, not on every edit
  }, [name, state, doc.deadlines]);

  const amountIsParam = typeof draft.amount === 'object';
  const paramOptions = Object.entries(parameters)
    .filter(([, p]) => typeof p.value === 'number')
    .map(([k]) => ({ value: k, label: paramText(k, parameters, lang) }));
  const systemEvents = Object.entries(doc.events ?? {})
    .filter(([, e]) => e.system)
    .map(([k, e]) => ({ value: k, label: `${text(e.title, lang) || k}${ids ? ` (${k})` : ''}` }));
  const stateOptions = statePaths(doc).map((p) => ({
    value: p,
    label: `${text(model.byId.get(p)?.title, lang) || p}${ids ? ` (${p})` : ''}`,
  }));
  const ruleOptions = Object.keys(doc.rules ?? {}).map((k) => ({
    value: k,
    label: `${ruleShortTitle(doc, k, lang)}${ids ? ` (${k})` : ''}`,
  }));
  const fromOptions = [
    { value: 'entry', label: t('fromEntry') },
    ...catalog
      .filter((f) => f.type === 'date')
      .map((f) => ({
        value: `${f.fact}.${f.path.replace(/^\$\./, '')}`,
        label: text(f.title, lang),
      })),
  ];
  if (draft.from && draft.from !== 'entry' && !fromOptions.some((o) => o.value === draft.from))
    fromOptions.push({ value: draft.from, label: draft.from });
  const effectList = effects
    .split(/[,,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const knownEffects = [...new Set([...KNOWN_EFFECTS, ...effectList])];
  const setTitle = (lng: 'zh-CN' | 'en', v: string) => setDraft({ ...draft, title: { ...draft.title, [lng]: v } });
  const setBasis = (lng: 'zh-CN' | 'en', v: string) =>
    setDraft({ ...draft, basis: editCurrentBasis(draft.basis, lng, v) });

  const save = () => {
    const key = name ?? identifierFrom(draft.title.en, 'deadline', Object.keys(doc.deadlines ?? {}));
    const list = effects
      .split(/[,,\s]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    const onExpiry: DeadlineDef['onExpiry'] = {};
    if (draft.onExpiry.event) onExpiry.event = draft.onExpiry.event;
    if (list.length) onExpiry.effects = list;
    // A text left blank in one language takes the other's, so the bilingual fields are never empty.
    const both = (v: DeadlineDef['title'], fallback: string) => ({
      'zh-CN': v['zh-CN'] || v.en || fallback,
      en: v.en || v['zh-CN'] || fallback,
    });
    const def: DeadlineDef = {
      ...draft,
      title: both(draft.title, key),
      basis: mapBasis(draft.basis, (v) => both(v, '')),
      onExpiry,
    };
    if (!def.from || def.from === 'entry') delete def.from;
    if (!def.when) delete def.when;
    if (run(C.setDeadline(key, def))) select({ kind: 'deadline', name: key });
  };

  return (
    <div
      className="gz-inspector"
      data-testid="deadline-form"
      data-deadline={name ?? ''}
      data-locked={locked ? 'true' : 'false'}
    >
      {locked && (
        <p className="gz-warning" data-testid="deadline-locked">
          {t('deadlineLocked')}
        </p>
      )}
      <fieldset disabled={locked} className="gz-plain">
        <Section title={`${t('deadline')} · ${text(draft.title, lang) || name || t('addDeadline')}`}>
          <Field label={t('titleZh')}>
            <input
              value={draft.title['zh-CN']}
              data-testid="deadline-title-zh"
              onChange={(e) => setTitle('zh-CN', e.target.value)}
            />
          </Field>
          <Field label={t('titleEn')}>
            <input
              value={draft.title.en}
              data-testid="deadline-title-en"
              onChange={(e) => setTitle('en', e.target.value)}
            />
          </Field>
          <Field label={t('state')}>
            <Select
              value={draft.state}
              options={stateOptions}
              testId="deadline-state"
              onChange={(s) => setDraft({ ...draft, state: s })}
            />
          </Field>
          <Field label={t('duration')}>
            <div className="gz-row">
              <Select
                value={amountIsParam ? 'param' : 'fixed'}
                testId="deadline-amount-mode"
                options={[
                  { value: 'fixed', label: t('amountFixed') },
                  { value: 'param', label: t('valueParam') },
                ]}
                onChange={(m) =>
                  setDraft({ ...draft, amount: m === 'param' ? { param: paramOptions[0]?.value ?? '' } : 30 })
                }
              />
              {amountIsParam ? (
                <Select
                  value={(draft.amount as { param: string }).param}
                  options={paramOptions}
                  testId="deadline-amount-param"
                  onChange={(p) => setDraft({ ...draft, amount: { param: p } })}
                />
              ) : (
                <input
                  type="number"
                  min={1}
                  value={draft.amount as number}
                  data-testid="deadline-amount"
                  onChange={(e) => setDraft({ ...draft, amount: Number(e.target.value) })}
                />
              )}
              <Select
                value={draft.unit}
                testId="deadline-unit"
                options={UNITS.map((u) => ({ value: u, label: t(`unit_${u}` as StringKey) }))}
                onChange={(u) => setDraft({ ...draft, unit: u as PeriodUnit })}
              />
            </div>
          </Field>
          <Field label={t('countFrom')}>
            <Select
              value={draft.from ?? 'entry'}
              options={fromOptions}
              testId="deadline-from"
              onChange={(v) => setDraft({ ...draft, from: v })}
            />
          </Field>
          <Field label={t('onlyWhen')}>
            <Select
              value={draft.when ?? ''}
              options={ruleOptions}
              placeholder={t('none')}
              onChange={(w) => setDraft({ ...draft, when: w || undefined })}
            />
          </Field>
        </Section>
        <Section title={t('onExpiry')}>
          <Field label={t('expiryEvent')}>
            <Select
              value={draft.onExpiry.event ?? ''}
              options={systemEvents}
              placeholder={t('none')}
              testId="deadline-expiry-event"
              onChange={(ev) => setDraft({ ...draft, onExpiry: { ...draft.onExpiry, event: ev || undefined } })}
            />
          </Field>
          <Field label={t('expiryEffects')}>
            <div className="gz-checklist" data-testid="deadline-effect-list">
              {knownEffects.map((ef) => (
                <label key={ef} className="gz-check">
                  <input
                    type="checkbox"
                    checked={effectList.includes(ef)}
                    data-value={ef}
                    onChange={(e) =>
                      setEffects(
                        (e.target.checked ? [...effectList, ef] : effectList.filter((x) => x !== ef)).join(', '),
                      )
                    }
                  />
                  {effectTitle(ef, lang)}
                </label>
              ))}
            </div>
            {ids && (
              <input value={effects} data-testid="deadline-effects" onChange={(e) => setEffects(e.target.value)} />
            )}
          </Field>
          <Field label={`${t('ruleBasis')}${t('inChinese')}`}>
            <input
              value={currentBasis(draft.basis)['zh-CN']}
              data-testid="deadline-basis-zh"
              onChange={(e) => setBasis('zh-CN', e.target.value)}
            />
          </Field>
          <Field label={`${t('ruleBasis')}${t('inEnglish')}`}>
            <input value={currentBasis(draft.basis).en} onChange={(e) => setBasis('en', e.target.value)} />
          </Field>
          <BasisHistory basis={draft.basis} />
        </Section>
      </fieldset>
      <div className="gz-row">
        <button type="button" className="gz-primary" data-testid="deadline-save" disabled={locked} onClick={save}>
          {t('saveDeadline')}
        </button>
        {name && !locked && (
          <button
            type="button"
            className="gz-danger-btn"
            data-testid="deadline-delete"
            onClick={() => {
              if (run(C.setDeadline(name, undefined))) select({ kind: 'state', id: draft.state });
            }}
          >
            {t('delete')}
          </button>
        )}
      </div>
    </div>
  );
}
