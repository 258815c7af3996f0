/** Published versions of the procedure, and a visual diff of two of them (marked on the chart, and listed). */
import { useMemo, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { diffProcedure } from '../../../engine/browser';
import { ApiError, type VersionInfo } from '../api';
import { formatInstant } from '../model';
import { useI18n, type StringKey } from '../i18n';
import { useWorkspace } from '../workspace/context';
import { ChangeList } from './changes';
import { Section } from './widgets';

export interface Comparison {
  a: { version: number; doc: ProcedureDoc };
  b: { version: number; doc: ProcedureDoc };
}

export function VersionsPanel({
  versions,
  comparison,
  onCompare,
  onPickState,
}: {
  versions: VersionInfo[];
  comparison: Comparison | null;
  onCompare(c: Comparison | null): void;
  onPickState(path: string): void;
}) {
  const { api, packId, procId, parameters, notify, pack } = useWorkspace();
  const packTitle = (id: string) => (id === pack.extends && pack.baseTitle ? pick(pack.baseTitle) : id);
  const { t, pick } = useI18n();
  const sorted = [...versions].sort((x, y) => y.version - x.version);
  const [a, setA] = useState<number | null>(sorted[1]?.version ?? null);
  const [b, setB] = useState<number | null>(sorted[0]?.version ?? null);
  const [busy, setBusy] = useState(false);
  const diff = useMemo(() => (comparison ? diffProcedure(comparison.a.doc, comparison.b.doc) : []), [comparison]);

  const compare = async () => {
    if (a === null || b === null) return;
    setBusy(true);
    try {
      const [da, db] = await Promise.all([api.procedure(packId, procId, a), api.procedure(packId, procId, b)]);
      onCompare({ a: { version: a, doc: da }, b: { version: b, doc: db } });
    } catch (e) {
      notify(e instanceof ApiError ? pick(e.i18n) : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="gz-versions" data-testid="versions-panel">
      <Section title={t('versions')}>
        <p className="gz-muted">{t('compareHelp')}</p>
        <table className="gz-table" data-testid="versions-table">
          <thead>
            <tr>
              <th>{t('compareFrom')}</th>
              <th>{t('compareTo')}</th>
              <th>{t('version', { n: '' }).trim()}</th>
              <th>{t('publishedAt')}</th>
              <th>{t('source')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((v) => (
              <tr key={v.version} data-testid="version-row" data-version={v.version}>
                <td>
                  <input
                    type="radio"
                    name="va"
                    checked={a === v.version}
                    data-testid={`version-a-${v.version}`}
                    onChange={() => setA(v.version)}
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="vb"
                    checked={b === v.version}
                    data-testid={`version-b-${v.version}`}
                    onChange={() => setB(v.version)}
                  />
                </td>
                <td>{t('version', { n: v.version })}</td>
                <td>{formatInstant(v.publishedAt)}</td>
                <td>
                  {v.followed
                    ? t('followedBase', {
                        base: v.followed
                          .split(',')
                          .map((b) => packTitle(b))
                          .join('、'),
                      })
                    : v.source
                      ? t(`source_${v.source}` as StringKey)
                      : ''}
                  {v.by && (
                    <div className="gz-muted" data-testid="version-by">
                      {t('publishedBy')}:{v.by}
                    </div>
                  )}
                  {v.note && (
                    <div data-testid="version-note">
                      {t('note')}:{v.note}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="gz-row">
          <button
            type="button"
            className="gz-primary"
            data-testid="versions-compare"
            disabled={busy || a === null || b === null || a === b}
            onClick={() => void compare()}
          >
            {t('compare')}
          </button>
          {comparison && (
            <button type="button" data-testid="versions-end-compare" onClick={() => onCompare(null)}>
              {t('endCompare')}
            </button>
          )}
        </div>
      </Section>
      {comparison && (
        <Section title={t('diffTitle', { a: comparison.a.version, b: comparison.b.version })} testId="versions-diff">
          {diff.length === 0 ? (
            <p className="gz-muted" data-testid="versions-no-diff">
              {t('noDifferences')}
            </p>
          ) : (
            <ChangeList
              overrides={diff}
              docs={[comparison.b.doc, comparison.a.doc]}
              params={parameters}
              onPick={onPickState}
              testId="diff-list"
            />
          )}
        </Section>
      )}
    </div>
  );
}
