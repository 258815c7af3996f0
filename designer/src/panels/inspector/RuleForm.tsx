/** A rule as a form: name, description, legal basis, conditions (with pack parameters); saved as one command. */
import { useEffect, useState } from 'react';
import type { I18n, RuleDef } from '../../../../engine/types';
import { currentBasis, editCurrentBasis, mapBasis } from '../../../../engine/basis';
import { commands as C, conditions as K, text } from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Field, LinkButton, Section } from '../widgets';
import { ConditionTree } from './ConditionTree';

const blank = (): RuleDef => ({
  description: { 'zh-CN': '', en: '' },
  basis: { 'zh-CN': '', en: '' },
  conditions: K.emptyConditions() as Record<string, unknown>,
});

export function RuleForm({ name }: { name: string | null }) {
  const { doc, model, run, select } = useWorkspace();
  const { t, lang } = useI18n();
  const existing = name ? doc.rules?.[name] : undefined;
  const [ruleName, setRuleName] = useState(name ?? '');
  const [draft, setDraft] = useState<RuleDef>(existing ?? blank());
  useEffect(() => {
    setRuleName(name ?? '');
    setDraft((name ? doc.rules?.[name] : undefined) ?? blank());
  }, [name, doc.rules]);
  const setText = (key: 'description' | 'basis', lng: keyof I18n, v: string) =>
    setDraft(key === 'basis' ? { ...draft, basis: editCurrentBasis(draft.basis, lng, v) } : { ...draft, description: { ...draft.description, [lng]: v } });
  const save = () => {
    // A text left blank in one language takes the other's, so the bilingual fields are never empty.
    const both = (v: I18n) => ({ 'zh-CN': v['zh-CN'] || v.en, en: v.en || v['zh-CN'] });
    const rule = { ...draft, description: both(draft.description), basis: mapBasis(draft.basis, both) };
    const cmd = C.editRule(ruleName.trim(), rule, name ?? undefined);
    if (run(cmd)) select({ kind: 'rule', name: ruleName.trim() });
  };
  const uses = model.edges.filter((e) => name && e.guard.includes(name));
  return (
    <div className="gz-inspector" data-testid="rule-form" data-rule={name ?? ''}>
      <Section title={`${t('rules')} · ${name ?? t('addRule')}`}>
        {existing?.locked && <p className="gz-warning">{t('lockedRule')}</p>}
        <Field label={t('name')} hint={t('identifierHelp')}>
          <input value={ruleName} data-testid="rule-name" onChange={(e) => setRuleName(e.target.value)} />
        </Field>
        <Field label={`${t('ruleDescription')}${t('inChinese')}`}>
          <textarea rows={2} value={draft.description['zh-CN']} data-testid="rule-description-zh" onChange={(e) => setText('description', 'zh-CN', e.target.value)} />
        </Field>
        <Field label={`${t('ruleDescription')}${t('inEnglish')}`}>
          <textarea rows={2} value={draft.description.en} data-testid="rule-description-en" onChange={(e) => setText('description', 'en', e.target.value)} />
        </Field>
        <Field label={`${t('ruleBasis')}${t('inChinese')}`}>
          <input value={currentBasis(draft.basis)['zh-CN']} data-testid="rule-basis-zh" onChange={(e) => setText('basis', 'zh-CN', e.target.value)} />
        </Field>
        <Field label={`${t('ruleBasis')}${t('inEnglish')}`}>
          <input value={currentBasis(draft.basis).en} data-testid="rule-basis-en" onChange={(e) => setText('basis', 'en', e.target.value)} />
        </Field>
      </Section>
      <Section title={t('conditions')} testId="rule-conditions">
        <ConditionTree value={K.asCond(draft.conditions)} onChange={(c) => setDraft({ ...draft, conditions: c as Record<string, unknown> })} />
      </Section>
      <div className="gz-row">
        <button type="button" className="gz-primary" data-testid="rule-save" disabled={!ruleName.trim()} onClick={save}>{t('saveRule')}</button>
        {uses.map((e) => (
          <LinkButton key={e.id} onClick={() => select({ kind: 'edge', id: e.id })}>
            {text(doc.events?.[e.event ?? '']?.title, lang) || e.event || t('automatic')}
          </LinkButton>
        ))}
      </div>
    </div>
  );
}
