/**
 * A rule as a form: what it says (one sentence, Chinese first), its legal basis (required), and its conditions
 * picked from the procedure's fields; the whole rule reads back as a sentence. Its name is generated (shown in the
 * advanced view). Made from a transition's guard editor, it is attached there when saved (one undoable step).
 * A rule the base pack locks is shown read-only.
 */
import { useEffect, useState } from 'react';
import type { I18n, RuleDef } from '../../../../engine/browser';
import { currentBasis, editCurrentBasis, mapBasis } from '../../../../engine/browser';
import { BasisHistory } from './BasisHistory';
import { commands as C, conditions as K, conditionSentence, ruleNameFor, text } from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Field, LinkButton, Section } from '../widgets';
import { ConditionTree } from './ConditionTree';
import { composeGuard, refOfTransition } from './GuardEditor';

const blank = (): RuleDef => ({
  description: { 'zh-CN': '', en: '' },
  basis: { 'zh-CN': '', en: '' },
  conditions: K.emptyConditions() as Record<string, unknown>,
});

export function RuleForm({ name, forGuard }: { name: string | null; forGuard?: string }) {
  const { doc, model, catalog, parameters, locks, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const existing = name ? doc.rules?.[name] : undefined;
  const [draft, setDraft] = useState<RuleDef>(existing ?? blank());
  const [tried, setTried] = useState(false);
  useEffect(() => {
    setDraft((name ? doc.rules?.[name] : undefined) ?? blank());
  }, [name, doc.rules]);
  const locked = !!name && locks.rules.has(name);
  // a dated basis (versions by from/until) is edited in its current version; the earlier ones are shown below
  const setText = (key: 'description' | 'basis', lng: keyof I18n, v: string) =>
    setDraft(
      key === 'basis'
        ? { ...draft, basis: editCurrentBasis(draft.basis, lng, v) }
        : { ...draft, description: { ...draft.description, [lng]: v } },
    );
  const cur = currentBasis(draft.basis);
  const missing = {
    description: !draft.description['zh-CN'].trim() && !draft.description.en.trim(),
    basis: !cur['zh-CN'].trim() && !cur.en.trim(),
  };
  const save = () => {
    setTried(true);
    if (missing.description || missing.basis || locked) return;
    // A text left blank in one language takes the other's, so the bilingual fields are never empty.
    const both = (v: I18n) => ({ 'zh-CN': v['zh-CN'].trim() || v.en.trim(), en: v.en.trim() || v['zh-CN'].trim() });
    const rule: RuleDef = { ...draft, description: both(draft.description), basis: mapBasis(draft.basis, both) };
    const ruleName = name ?? ruleNameFor(rule.description, Object.keys(doc.rules ?? {}));
    const add = C.editRule(ruleName, rule, name ?? undefined);
    const ref = forGuard ? refOfTransition(model, forGuard) : null;
    if (ref) {
      // made from a guard editor: the rule and its use as the condition are one step
      const guard = composeGuard(doc, ref, ruleName);
      const both2 = C.sequence(
        'addRuleAsGuard',
        {
          'zh-CN': `新增规则「${rule.description['zh-CN']}」并用作条件`,
          en: `Add rule '${rule.description.en}' as the condition`,
        },
        [add, C.setGuard(ref, guard)],
      );
      if (run(both2))
        select(
          ref.kind === 'edge'
            ? { kind: 'edge', id: forGuard! }
            : { kind: 'internal', id: forGuard!, node: ref.source! },
        );
      return;
    }
    if (run(add)) select({ kind: 'rule', name: ruleName });
  };
  const uses = model.edges.filter((e) => name && e.guard.includes(name));
  const sentence = conditionSentence(K.asCond(draft.conditions), { doc, catalog, parameters, lang });
  return (
    <div
      className="gz-inspector"
      data-testid="rule-form"
      data-rule={name ?? ''}
      data-locked={locked ? 'true' : 'false'}
    >
      <Section title={`${t('rules')} · ${text(draft.description, lang) || t('addRule')}`}>
        {locked && (
          <p className="gz-warning" data-testid="rule-locked">
            {t('ruleLocked')}
          </p>
        )}
        {ids && name && (
          <p className="gz-muted">
            {t('name')}:{name}
          </p>
        )}
        <fieldset disabled={locked} className="gz-plain">
          <Field
            label={`${t('ruleDescription')}${t('inChinese')}`}
            hint={tried && missing.description ? t('descriptionRequired') : undefined}
          >
            <textarea
              rows={2}
              value={draft.description['zh-CN']}
              data-testid="rule-description-zh"
              onChange={(e) => setText('description', 'zh-CN', e.target.value)}
            />
          </Field>
          <Field label={`${t('ruleDescription')}${t('inEnglish')}`}>
            <textarea
              rows={2}
              value={draft.description.en}
              data-testid="rule-description-en"
              onChange={(e) => setText('description', 'en', e.target.value)}
            />
          </Field>
          <Field label={`${t('ruleBasis')}${t('inChinese')} *`}>
            <input
              value={cur['zh-CN']}
              data-testid="rule-basis-zh"
              aria-invalid={tried && missing.basis}
              onChange={(e) => setText('basis', 'zh-CN', e.target.value)}
            />
          </Field>
          {tried && missing.basis && (
            <div className="gz-error" data-testid="rule-basis-required">
              {t('basisRequired')}
            </div>
          )}
          <Field label={`${t('ruleBasis')}${t('inEnglish')}`}>
            <input
              value={cur.en}
              data-testid="rule-basis-en"
              onChange={(e) => setText('basis', 'en', e.target.value)}
            />
          </Field>
          <BasisHistory basis={draft.basis} />
        </fieldset>
      </Section>
      <Section title={t('conditions')} testId="rule-conditions">
        <ConditionTree
          value={K.asCond(draft.conditions)}
          readOnly={locked}
          onChange={(c) => setDraft({ ...draft, conditions: c as Record<string, unknown> })}
        />
        <p className="gz-rule-sentence">
          <span className="gz-muted">{t('ruleSentence')}:</span>
          <span data-testid="rule-sentence">{sentence}</span>
        </p>
      </Section>
      <div className="gz-row">
        <button type="button" className="gz-primary" data-testid="rule-save" disabled={locked} onClick={save}>
          {t('saveRule')}
        </button>
        {uses.length > 0 && <span className="gz-muted">{t('usedBy')}:</span>}
        {uses.map((e) => (
          <LinkButton key={e.id} onClick={() => select({ kind: 'edge', id: e.id })}>
            {text(doc.events?.[e.event ?? '']?.title, lang) || t('automatic')}
          </LinkButton>
        ))}
      </div>
    </div>
  );
}
