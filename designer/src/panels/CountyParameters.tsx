/**
 * A county's parameters in the county view: each parameter this procedure reads (and any the county already sets),
 * with the base's value, the local value (editable where the base allows; locked ones shown locked with their
 * basis; a value by date is a table, changed in the pack file), the legal basis, and what the value touches here
 * (deadlines, transitions). Edits go to the pack draft (usePackDraft).
 */
import { useMemo } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { formatBasis, currentBasis } from '../../../engine/browser';
import type { PackDetail } from '../api';
import { paramValueText, resolve, stateAt, text } from '../model';
import { parameterUses, type Uses } from '../model/uses';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import type { PackDraftState } from './usePackDraft';
import { Section } from './widgets';

type Edit = { value: unknown } | null;

export function CountyParameters({ basePack, draft }: { basePack: PackDetail | null; draft: PackDraftState }) {
  const { pack, doc } = useWorkspace();
  const { t, lang, pick } = useI18n();
  const { current, params: edits } = draft;
  const base = useMemo(() => basePack?.parameters ?? {}, [basePack]);
  const lockedNames = useMemo(() => new Set(pack.baseLocks?.parameters ?? []), [pack]);
  const rows = useMemo(
    () =>
      Object.keys(base)
        .map((name) => ({ name, uses: parameterUses(doc, name) }))
        .filter(
          (r) =>
            r.uses.deadlines.length ||
            r.uses.rules.length ||
            JSON.stringify(current[r.name]?.value) !== JSON.stringify(base[r.name]?.value) ||
            r.name in edits,
        ),
    [base, doc, current, edits],
  );

  const localValue = (name: string): unknown =>
    name in edits ? (edits[name] === null ? base[name]?.value : edits[name]!.value) : current[name]?.value;
  const setLocal = (name: string, raw: string) => {
    const p = base[name];
    if (typeof p?.value !== 'number' || p.table) return;
    const own = current[name] && current[name] !== p && JSON.stringify(current[name].value) !== JSON.stringify(p.value);
    if (raw.trim() === '') return draft.setParam(name, own ? null : undefined);
    const v = Number(raw);
    if (!Number.isFinite(v)) return;
    // back to the base's value: drop the county's override (or the pending edit)
    draft.setParam(name, v === p.value ? (own ? null : undefined) : { value: v });
  };

  return (
    <Section title={t('countyParams')} testId="county-params">
      <p className="gz-muted">{t('countyParamsHelp')}</p>
      <table className="gz-table gz-county-params">
        <thead>
          <tr>
            <th>{t('paramName')}</th>
            <th>{t('baseValue')}</th>
            <th>{t('localValue')}</th>
            <th>{t('paramBasis')}</th>
          </tr>
        </thead>
        {rows.map(({ name, uses }) => {
          const b = base[name];
          const locked = !!b.locked || lockedNames.has(name);
          const value = localValue(name);
          const own = current[name];
          const basis = own && own !== b && own.basis ? own.basis : b.basis;
          const changed = JSON.stringify(value) !== JSON.stringify(b.value);
          return (
            <tbody
              key={name}
              data-testid="county-param"
              data-param={name}
              data-locked={locked ? 'true' : 'false'}
              data-changed={changed ? 'true' : 'false'}
            >
              <tr>
                <td>
                  <strong>{text(b.title, lang) || name}</strong>
                </td>
                <td data-testid="param-base">{paramValueText(b, lang)}</td>
                <td>
                  {typeof b.value === 'number' && !b.table && !own?.table && !locked ? (
                    <input
                      type="number"
                      min={0}
                      value={String(value ?? '')}
                      data-testid="param-input"
                      onChange={(e) => setLocal(name, e.target.value)}
                    />
                  ) : (
                    <span data-testid="param-value">{paramValueText({ ...b, value }, lang)}</span>
                  )}
                  {!locked && changed && !b.table && (
                    <div>
                      <button
                        type="button"
                        className="gz-link"
                        data-testid="param-reset"
                        onClick={() => setLocal(name, String(b.value))}
                      >
                        {t('paramReset')}
                      </button>
                    </div>
                  )}
                </td>
                <td className="gz-muted">{pick(formatBasis(basis))}</td>
              </tr>
              <tr className="gz-param-uses">
                <td colSpan={4}>
                  {locked && (
                    <div className="gz-warning" data-testid="param-locked">
                      {t('paramLocked', { basis: pick(currentBasis(b.basis)) })}
                    </div>
                  )}
                  <span className="gz-muted">{t('paramTouches')}:</span>{' '}
                  <span data-testid="param-touches">
                    <Touches doc={doc} uses={uses} />
                  </span>
                </td>
              </tr>
            </tbody>
          );
        })}
      </table>
    </Section>
  );
}

/** Where a value takes effect in this procedure, in words: its deadlines and the transitions it decides. */
export function Touches({ doc, uses }: { doc: ProcedureDoc; uses: Uses }) {
  const { t, lang } = useI18n();
  const stateName = (p: string | null | undefined) => (p ? text(stateAt(doc.machine, p)?.meta?.title, lang) || p : '—');
  // a transition's target may be written relative to its state (`trial` inside `fastTrackCourt`)
  const targetName = (source: string | null, target: string | undefined) =>
    target ? stateName(resolve(doc, source, target) ?? target) : t('stay');
  const eventName = (e: string | null) => (e ? text(doc.events?.[e]?.title, lang) || e : t('auto'));
  if (!uses.deadlines.length && !uses.transitions.length)
    return <span className="gz-muted">{t('paramTouchesNone')}</span>;
  return (
    <span className="gz-touches">
      {uses.deadlines.map((d) => (
        <span key={`d-${d}`} className="gz-touch" data-testid="touch-deadline">
          {t('touchDeadline', { name: text(doc.deadlines[d]?.title, lang) || d })}
        </span>
      ))}
      {uses.transitions.map((tr, i) => (
        <span key={`t-${i}`} className="gz-touch" data-testid="touch-transition">
          {t('touchTransition', {
            from: stateName(tr.source),
            event: eventName(tr.event),
            to: targetName(tr.source, tr.target),
          })}
        </span>
      ))}
    </span>
  );
}
