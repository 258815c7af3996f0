/**
 * A county conflicted with its base (its base's last change did not apply cleanly): each conflict of this procedure
 * in words — what the county changed, what the base held when it did, what the base holds now — and how to settle it:
 * keep the local change (written into the document, so the next publish records it against the base as it is now)
 * or take the base's (the document already shows it). A local parameter the base changed is settled in the pack draft.
 */
import { useState } from 'react';
import type { PackConflict, ProcedureDoc } from '../../../engine/browser';
import { applyOverlay, getAt } from '../../../engine/browser';
import { stateAt } from '../model';
import { parameterUses } from '../model/uses';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import type { Command } from '../model/commands';
import { Section } from './widgets';
import type { PackDraftState } from './usePackDraft';

function keepLocal(c: PackConflict): Command {
  return {
    name: 'keepLocalChange',
    label: { 'zh-CN': `保留本地修改 ${c.path}`, en: `Keep the local change at ${c.path}` },
    apply: (doc: ProcedureDoc) => {
      const cur = getAt(doc, c.path);
      const op =
        cur === undefined
          ? { op: 'add' as const, path: c.path, value: c.county }
          : { op: 'replace' as const, path: c.path, was: cur, value: c.county };
      return applyOverlay(doc, [op]).doc;
    },
  };
}

/** Where a conflict is, in words: the state, deadline, rule or event its path lies in (titles as the document has them). */
function whereOf(doc: ProcedureDoc, path: string, lang: 'zh-CN' | 'en'): string {
  const seg = path
    .split('/')
    .slice(1)
    .map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  const title = (v: unknown, fallback: string) =>
    v && typeof v === 'object' && 'zh-CN' in (v as object) ? (v as Record<string, string>)[lang] : fallback;
  const zh = lang === 'zh-CN';
  if (seg[0] === 'machine' && seg[1] === 'states') {
    const keys: string[] = [];
    for (let i = 1; i + 1 < seg.length && seg[i] === 'states'; i += 2) keys.push(seg[i + 1]);
    const p = keys.join('.');
    const s = stateAt(doc.machine, p);
    return zh ? `状态「${title(s?.meta?.title, p)}」` : `state “${title(s?.meta?.title, p)}”`;
  }
  const groups: Record<string, [string, string, (n: string) => unknown]> = {
    deadlines: ['期限', 'deadline', (n) => doc.deadlines?.[n]?.title],
    rules: ['规则', 'rule', (n) => doc.rules?.[n]?.description],
    events: ['事件', 'event', (n) => doc.events?.[n]?.title],
  };
  const g = groups[seg[0]];
  if (g && seg[1]) return zh ? `${g[0]}「${title(g[2](seg[1]), seg[1])}」` : `${g[1]} “${title(g[2](seg[1]), seg[1])}”`;
  return path;
}

export function CountyConflicts({ draft }: { draft: PackDraftState }) {
  const { pack, procId, doc, run } = useWorkspace();
  const { t, pick, lang } = useI18n();
  const [settled, setSettled] = useState<Record<number, 'local' | 'base'>>({});
  const mine = (pack.conflicts ?? [])
    .map((c, i) => ({ c, i }))
    .filter(
      ({ c }) =>
        c.procedure === procId ||
        (c.kind === 'parameter' &&
          (parameterUses(doc, c.path).deadlines.length || parameterUses(doc, c.path).rules.length)),
    );
  if (pack.status !== 'conflicted' || !mine.length) return null;
  const show = (v: unknown) =>
    v === undefined
      ? t('conflictNothing')
      : v && typeof v === 'object' && 'zh-CN' in (v as object)
        ? pick(v as never)
        : JSON.stringify(v);

  // a local parameter the base changed: kept (it then records the base's new value) or dropped, in the pack draft
  const settleParam = (c: PackConflict, i: number, choice: 'local' | 'base') => {
    draft.setParam(c.path, choice === 'local' ? { value: c.county } : null);
    setSettled((s) => ({ ...s, [i]: choice }));
  };
  const settle = (c: PackConflict, i: number, choice: 'local' | 'base') => {
    if (c.kind === 'parameter') return settleParam(c, i, choice);
    if (choice === 'local' && !run(keepLocal(c))) return;
    setSettled((s) => ({ ...s, [i]: choice }));
  };

  return (
    <Section title={t('countyConflicted').split(':')[0]} testId="county-conflicts">
      <p className="gz-error">{t('countyConflicted')}</p>
      {mine.map(({ c, i }) => {
        // keeping a local change is possible where the base still has the place it goes
        const canKeep =
          c.kind === 'parameter' ||
          (c.kind === 'patch' &&
            !(
              c.reason === 'removed' &&
              c.base === undefined &&
              c.path.split('/').length > 2 &&
              getAt(doc, c.path.split('/').slice(0, -1).join('/')) === undefined
            ));
        return (
          <div
            key={i}
            className={`gz-conflict${settled[i] ? ' is-settled' : ''}`}
            data-testid="county-conflict"
            data-kind={c.kind}
            data-path={c.path}
            data-reason={c.reason}
          >
            {c.kind === 'patch' && <strong data-testid="conflict-where">{whereOf(doc, c.path, lang)}</strong>}
            <div>{pick(c.message)}</div>
            {(c.kind === 'patch' || c.kind === 'parameter') && (
              <div className="gz-muted">
                {t('conflictExpected')}:{show(c.expected)} · {t('conflictBaseNow')}:{show(c.base)} ·{' '}
                {t('conflictLocal')}:{show(c.county)}
              </div>
            )}
            {c.kind === 'scenario' &&
              (c.details ?? []).map((d, j) => (
                <div key={j} className="gz-muted">
                  {d}
                </div>
              ))}
            {settled[i] ? (
              <div data-testid="conflict-settled">{t('conflictSettled')}</div>
            ) : (
              (c.kind === 'patch' || c.kind === 'parameter') && (
                <div className="gz-row">
                  {canKeep && (
                    <button type="button" data-testid="conflict-keep" onClick={() => settle(c, i, 'local')}>
                      {t('conflictKeepLocal')}
                    </button>
                  )}
                  <button type="button" data-testid="conflict-base" onClick={() => settle(c, i, 'base')}>
                    {t('conflictTakeBase')}
                  </button>
                </div>
              )
            )}
          </div>
        );
      })}
    </Section>
  );
}
