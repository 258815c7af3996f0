/** A dated legal basis: the version in force marked, the earlier ones with their dates (the law as amended). */
import type { Basis } from '../../../../engine/browser';
import { basisVersions } from '../../../../engine/browser';
import { text } from '../../model';
import { useI18n } from '../../i18n';

export function BasisHistory({ basis }: { basis: Basis }) {
  const { t, lang } = useI18n();
  const versions = basisVersions(basis);
  if (versions.length < 2) return null;
  const span = (from?: string, until?: string) =>
    from && until
      ? t('basisSpan', { from, until })
      : from
        ? t('basisFrom', { from })
        : until
          ? t('basisUntil', { until })
          : '';
  return (
    <div className="gz-basis-history" data-testid="basis-history">
      <div className="gz-muted">{t('basisHistory')}</div>
      <ol>
        {versions.map((v, i) => (
          <li key={i} className={i === versions.length - 1 ? 'is-current' : ''} data-testid="basis-version">
            <span className="gz-muted">{span(v.from, v.until)}</span> {text(v, lang)}
            {i === versions.length - 1 && <span className="gz-pill">{t('basisInForce')}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
