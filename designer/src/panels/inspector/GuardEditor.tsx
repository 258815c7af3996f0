/** Guard of a transition, without JSON: none, one rule, all of / any of several rules, or "not" a rule. */
import type { GuardJSON } from '../../../../engine/types';
import { guardRules } from '../../../../engine/machine';
import { currentBasis } from '../../../../engine/basis';
import { text } from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { CheckList, Field, Select } from '../widgets';

type Mode = 'none' | 'rule' | 'allOf' | 'anyOf' | 'not';

export function guardMode(guard: GuardJSON | undefined): Mode {
  if (guard === undefined) return 'none';
  if (typeof guard === 'string') return 'rule';
  if (guard.type === 'allOf' || guard.type === 'anyOf' || guard.type === 'not') return guard.type;
  return 'rule';
}

export function makeGuard(mode: Mode, rules: string[]): GuardJSON | undefined {
  const list = rules.filter(Boolean);
  switch (mode) {
    case 'none': return undefined;
    case 'rule': return list[0] ?? undefined;
    case 'not': return list[0] ? { type: 'not', params: { rule: list[0] } } : undefined;
    default: return list.length ? { type: mode, params: { rules: list } } : undefined;
  }
}

export function GuardEditor({ guard, onChange }: { guard: GuardJSON | undefined; onChange(g: GuardJSON | undefined): void }) {
  const { doc, select } = useWorkspace();
  const { t, lang } = useI18n();
  const mode = guardMode(guard);
  const rules = guardRules(guard).rules;
  const options = Object.entries(doc.rules ?? {}).map(([k, r]) => ({ value: k, label: `${k} — ${text(r.description, lang)}` }));
  const modes = [
    { value: 'none', label: t('guardNone') },
    { value: 'rule', label: t('guardRule') },
    { value: 'allOf', label: t('guardAll') },
    { value: 'anyOf', label: t('guardAny') },
    { value: 'not', label: t('guardNot') },
  ];
  return (
    <div className="gz-guard" data-testid="guard-editor">
      <Field label={t('guard')}>
        <Select value={mode} options={modes} testId="guard-mode" onChange={(m) => {
          const next = m as Mode;
          if (next === 'none') onChange(undefined);
          else if (rules.length) onChange(makeGuard(next, rules));
          else if (options[0]) onChange(makeGuard(next, [options[0].value]));
        }} />
      </Field>
      {(mode === 'rule' || mode === 'not') && (
        <Field label={t('rules')}>
          <Select value={rules[0] ?? ''} options={options} placeholder={t('choose')} testId="guard-rule"
            onChange={(r) => onChange(makeGuard(mode, [r]))} />
        </Field>
      )}
      {(mode === 'allOf' || mode === 'anyOf') && (
        <Field label={t('rules')}>
          <CheckList options={options} value={rules} testId="guard-rules" onChange={(rs) => onChange(makeGuard(mode, rs))} />
        </Field>
      )}
      {rules.length > 0 && (
        <div className="gz-guard-rules">
          {rules.map((r) => (
            <div key={r} className="gz-rule-summary">
              <button type="button" className="gz-link" onClick={() => select({ kind: 'rule', name: r })}>{t('editRule')}「{r}」</button>
              <div className="gz-muted">{text(doc.rules?.[r]?.description, lang)}</div>
              <div className="gz-basis">{t('basis')}:{text(doc.rules?.[r]?.basis ? currentBasis(doc.rules[r].basis) : undefined, lang)}</div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
