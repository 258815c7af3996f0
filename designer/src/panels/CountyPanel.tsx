/**
 * County view: whether the pack follows its base (conflicts to settle), its local parameters (set where the base
 * allows, saved and published as a pack draft), and what it changes against its base (the procedure diffed live).
 */
import type { Override, ProcedureDoc } from '../../../engine/browser';
import type { PackDetail } from '../api';
import { useState } from 'react';
import { CountyConflicts } from './CountyConflicts';
import { CountyLists } from './CountyLists';
import { CountyParameters } from './CountyParameters';
import { MigrateOffer } from './MigrateOffer';
import { usePackDraft } from './usePackDraft';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import { ChangeList } from './changes';
import { Section } from './widgets';

export function CountyPanel({
  base,
  basePack,
  overrides,
  show,
  onShow,
  onPickState,
}: {
  base: ProcedureDoc | null;
  basePack: PackDetail | null;
  overrides: Override[];
  show: boolean;
  onShow(v: boolean): void;
  onPickState(path: string): void;
}) {
  const { pack, doc, parameters, packId, procId } = useWorkspace();
  const { t, pick } = useI18n();
  const draft = usePackDraft();
  const [offer, setOffer] = useState<{ version: number; n: number } | null>(null);
  if (!pack.extends)
    return (
      <p className="gz-muted" data-testid="county-panel">
        {t('notCounty')}
      </p>
    );
  const publish = async () => {
    const published = await draft.publish();
    const mine = published?.find((p) => p.procedure === procId);
    if (mine) setOffer({ version: mine.version, n: Date.now() });
  };
  return (
    <div className="gz-county" data-testid="county-panel" data-status={pack.status ?? 'ok'}>
      <CountyConflicts draft={draft} />
      <CountyParameters basePack={basePack} draft={draft} />
      <CountyLists basePack={basePack} draft={draft} />
      <div className="gz-row gz-county-draft">
        {(draft.dirty || draft.pending) && (
          <span className="gz-muted" data-testid="params-pending">
            {t('paramsPending')}
          </span>
        )}
        <button
          type="button"
          data-testid="params-save"
          disabled={draft.busy || !draft.dirty}
          onClick={() => void draft.save()}
        >
          {t('paramsSave')}
        </button>
        <button
          type="button"
          className="gz-primary"
          data-testid="params-publish"
          disabled={draft.busy || (!draft.dirty && !draft.pending)}
          onClick={() => void publish()}
        >
          {t('paramsPublish')}
        </button>
      </div>
      {offer && (
        <MigrateOffer
          key={offer.n}
          packId={packId}
          procId={procId}
          version={offer.version}
          inline
          onDone={() => setOffer(null)}
        />
      )}
      <Section title={t('tabCounty')}>
        <p className="gz-muted">{t('countyHelp', { base: pick(pack.baseTitle) || pack.extends })}</p>
        <label className="gz-check">
          <input type="checkbox" checked={show} data-testid="county-show" onChange={(e) => onShow(e.target.checked)} />
          {t('showOnChart')}
        </label>
        {overrides.length === 0 ? (
          <p className="gz-muted">{t('noCountyChanges')}</p>
        ) : (
          <ChangeList
            overrides={overrides}
            docs={[doc, base]}
            params={parameters}
            onPick={onPickState}
            testId="county-list"
          />
        )}
      </Section>
    </div>
  );
}
