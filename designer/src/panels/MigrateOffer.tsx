/**
 * After a publish: "n running cases on version 1 — 迁移预演 / migrate". Asks the server for a dry run of moving the
 * procedure's running cases to the new version (admins only: others see nothing), shows each case with its state and
 * deadlines before and after, and moves them on request. Cases that cannot be moved are listed with their problems.
 */
import { useEffect, useState } from 'react';
import { ApiError, type CaseMigration } from '../api';
import { stateAt, text } from '../model';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';

export function MigrateOffer({
  packId,
  procId,
  version,
  onDone,
  inline,
}: {
  packId: string;
  procId: string;
  version: number;
  onDone(): void;
  inline?: boolean;
}) {
  const { api, doc, notify } = useWorkspace();
  const { t, lang, pick } = useI18n();
  const [cases, setCases] = useState<CaseMigration[] | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void (async () => {
      const me = await api.me().catch(() => null);
      if (!me?.roles.includes('admin')) return;
      const r = await api.migrate(packId, procId, { toVersion: version }).catch(() => null);
      if (live && r) setCases(r.cases);
    })();
    return () => {
      live = false;
    };
  }, [api, packId, procId, version]);
  if (!cases || cases.length === 0) return null;
  const versions = [...new Set(cases.map((c) => c.fromVersion))].sort((a, b) => a - b).join('、');
  const stateName = (path: string) =>
    path
      .split(',')
      .map((p) => text(stateAt(doc.machine, p)?.meta?.title, lang) || p)
      .join('、');
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : '—');

  const run = async () => {
    setBusy(true);
    try {
      const r = await api.migrate(packId, procId, { toVersion: version, dryRun: false });
      notify(
        t('migrateDone', { moved: r.moved }) + (r.refused ? `;${t('migrateRefusedN', { n: r.refused })}` : ''),
        r.refused ? 'error' : 'info',
      );
      const left = r.cases.filter((c) => !c.moved);
      if (left.length) {
        setCases(left);
        setOpen(true);
      } else onDone();
    } catch (e) {
      notify(e instanceof ApiError ? pick(e.i18n) : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={inline ? 'gz-offer is-inline' : 'gz-offer'} data-testid="migrate-offer" data-count={cases.length}>
      <div className="gz-row">
        <span>{t('migrateOffer', { n: cases.length, versions })}</span>
        <button type="button" className="gz-link" data-testid="migrate-dry-run" onClick={() => setOpen(!open)}>
          {t('migrateDryRun')}
        </button>
        <button
          type="button"
          className="gz-primary"
          data-testid="migrate-run"
          disabled={busy}
          onClick={() => void run()}
        >
          {t('migrateRun', { v: version })}
        </button>
        <button type="button" className="gz-link" data-testid="migrate-close" onClick={onDone}>
          {t('close')}
        </button>
      </div>
      {open && (
        <ul className="gz-offer-list" data-testid="migrate-list">
          {cases.map((c) => (
            <li key={c.id} data-testid="migrate-case" data-id={c.id} data-ok={c.problems.length ? 'false' : 'true'}>
              {t('migrateCase', {
                id: c.id,
                from: c.fromVersion,
                to: c.toVersion,
                sfrom: stateName(c.state.from),
                sto: stateName(c.state.to),
              })}
              {c.deadlines
                .filter((d) => d.from !== d.to)
                .map((d) => (
                  <div key={d.name} className="gz-muted">
                    {t('migrateDeadline', {
                      name: text(doc.deadlines?.[d.name]?.title, lang) || d.name,
                      from: day(d.from),
                      to: day(d.to),
                    })}
                  </div>
                ))}
              {c.problems.map((p, i) => (
                <div key={i} className="gz-error">
                  {pick(p.message)}
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
