/** County view: what this pack changes against its base (parameters from the pack, the procedure diffed live). */
import type { Override, ProcedureDoc } from '../../../engine/browser';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import { ChangeList } from './changes';
import { Section } from './widgets';

export function CountyPanel({ base, overrides, show, onShow, onPickState }: {
  base: ProcedureDoc | null; overrides: Override[]; show: boolean; onShow(v: boolean): void; onPickState(path: string): void;
}) {
  const { pack, doc, parameters } = useWorkspace();
  const { t, pick } = useI18n();
  if (!pack.extends) return <p className="gz-muted" data-testid="county-panel">{t('notCounty')}</p>;
  return (
    <div className="gz-county" data-testid="county-panel">
      <Section title={t('tabCounty')}>
        <p className="gz-muted">{t('countyHelp', { base: pick(pack.baseTitle) || pack.extends })}</p>
        <label className="gz-check">
          <input type="checkbox" checked={show} data-testid="county-show" onChange={(e) => onShow(e.target.checked)} />
          {t('showOnChart')}
        </label>
        {overrides.length === 0 ? <p className="gz-muted">{t('noCountyChanges')}</p>
          : <ChangeList overrides={overrides} docs={[doc, base]} params={parameters} onPick={onPickState} testId="county-list" />}
      </Section>
    </div>
  );
}
