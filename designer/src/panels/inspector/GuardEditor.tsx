/**
 * Guard of a transition, without JSON: none, one rule, all of / any of several rules, or "not" a rule — rules
 * listed by what they say (their names only in the advanced view). A new rule can be written right here; it is
 * attached when saved. Choosing a kind of guard attaches nothing until a rule is chosen.
 */
import { useState } from 'react';
import type { GuardJSON, ProcedureDoc } from '../../../../engine/browser';
import { currentBasis, guardRules } from '../../../../engine/browser';
import { ownerAt, ruleShortTitle, text, transitionList, type ChartModel, type TransitionRef } from '../../model';
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
    case 'none':
      return undefined;
    case 'rule':
      return list[0] ?? undefined;
    case 'not':
      return list[0] ? { type: 'not', params: { rule: list[0] } } : undefined;
    default:
      return list.length ? { type: mode, params: { rules: list } } : undefined;
  }
}

/** A transition (edge, stay-in-state or broken) by its id, as a reference the commands take. */
export function refOfTransition(model: ChartModel, id: string): (TransitionRef & { kind: 'edge' | 'internal' }) | null {
  const edge = model.edges.find((e) => e.id === id);
  if (edge) return { kind: 'edge', source: edge.source, event: edge.event, index: edge.index };
  for (const n of model.nodes) {
    const it = n.internal.find((x) => x.id === id) ?? n.broken.find((x) => x.id === id);
    if (it) return { kind: 'internal', source: n.id, event: it.event, index: it.index };
  }
  return null;
}

/** The guard with `rule` added: the rule alone when there was none, else all of the old rules and it. */
export function composeGuard(doc: ProcedureDoc, ref: TransitionRef, rule: string): GuardJSON {
  const owner = ownerAt(doc.machine, ref.source);
  const cur = owner ? transitionList(owner, ref.event)[ref.index]?.guard : undefined;
  const had = guardRules(cur).rules;
  if (!had.length) return rule;
  if (guardMode(cur) === 'anyOf') return { type: 'anyOf', params: { rules: [...had, rule] } };
  return { type: 'allOf', params: { rules: [...had, rule] } };
}

export function GuardEditor({
  guard,
  onChange,
  transition,
}: {
  guard: GuardJSON | undefined;
  onChange(g: GuardJSON | undefined): void;
  transition: string;
}) {
  const { doc, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const current = guardMode(guard);
  const [chosen, setChosen] = useState<Mode | null>(null);
  const mode = chosen ?? current;
  const rules = guardRules(guard).rules;
  const options = Object.keys(doc.rules ?? {}).map((k) => ({
    value: k,
    label: `${ruleShortTitle(doc, k, lang)}${ids ? ` (${k})` : ''}`,
  }));
  const modes = [
    { value: 'none', label: t('guardNone') },
    { value: 'rule', label: t('guardRule') },
    { value: 'allOf', label: t('guardAll') },
    { value: 'anyOf', label: t('guardAny') },
    { value: 'not', label: t('guardNot') },
  ];
  const pickMode = (m: Mode) => {
    setChosen(m);
    if (m === 'none') onChange(undefined);
    else if (rules.length) onChange(makeGuard(m, rules));
  };
  return (
    <div className="gz-guard" data-testid="guard-editor">
      <Field label={t('guard')}>
        <Select value={mode} options={modes} testId="guard-mode" onChange={(m) => pickMode(m as Mode)} />
      </Field>
      {(mode === 'rule' || mode === 'not') && (
        <Field label={t('chooseRule')}>
          <Select
            value={rules[0] ?? ''}
            options={options}
            placeholder={t('choose')}
            testId="guard-rule"
            onChange={(r) => onChange(makeGuard(mode, [r]))}
          />
        </Field>
      )}
      {(mode === 'allOf' || mode === 'anyOf') && (
        <Field label={t('chooseRule')}>
          <CheckList
            options={options}
            value={rules}
            testId="guard-rules"
            onChange={(rs) => onChange(makeGuard(mode, rs))}
          />
        </Field>
      )}
      <button
        type="button"
        data-testid="guard-new-rule"
        onClick={() => select({ kind: 'rule', name: null, forGuard: transition })}
      >
        {t('newRuleFromGuard')}
      </button>
      {rules.length > 0 && (
        <div className="gz-guard-rules">
          {rules.map((r) => (
            <div key={r} className="gz-rule-summary">
              <button type="button" className="gz-link" onClick={() => select({ kind: 'rule', name: r })}>
                {t('editRule')}「{ruleShortTitle(doc, r, lang)}」
              </button>
              <div className="gz-muted">{text(doc.rules?.[r]?.description, lang)}</div>
              <div className="gz-basis">
                {t('basisInForce')}:{doc.rules?.[r]?.basis ? text(currentBasis(doc.rules[r].basis), lang) : ''}
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
