/** Header: product name, the screens (design, the desk's cases and figures), pack and procedure pickers, open a case by id, language switch (中文 / English). */
import { useState } from 'react';
import type { PackSummary } from '../api';
import { useI18n } from '../i18n';
import type { Route } from './route';

export function LangSwitch() {
  const { lang, setLang } = useI18n();
  return (
    <div className="gz-lang" data-testid="lang-switch">
      <button
        type="button"
        className={lang === 'zh-CN' ? 'is-active' : ''}
        data-testid="lang-zh"
        onClick={() => setLang('zh-CN')}
      >
        中文
      </button>
      <button
        type="button"
        className={lang === 'en' ? 'is-active' : ''}
        data-testid="lang-en"
        onClick={() => setLang('en')}
      >
        English
      </button>
    </div>
  );
}

export function Header({
  packs,
  route,
  onNavigate,
  onSignOut,
}: {
  packs: PackSummary[];
  route: Route;
  onNavigate(r: Route): void;
  onSignOut(): void;
}) {
  const { t, pick, ids, setIds } = useI18n();
  const [caseId, setCaseId] = useState('');
  const pack = packs.find((p) => p.id === route.pack);
  return (
    <header className="gz-header" data-testid="header">
      <button type="button" className="gz-brand" onClick={() => onNavigate({})}>
        {t('appName')}
      </button>
      <nav className="gz-nav" data-testid="nav">
        <button
          type="button"
          className={!route.view ? 'is-active' : ''}
          data-testid="nav-design"
          onClick={() => onNavigate({})}
        >
          {t('navDesign')}
        </button>
        <button
          type="button"
          className={route.view === 'cases' ? 'is-active' : ''}
          data-testid="nav-cases"
          onClick={() => onNavigate({ view: 'cases' })}
        >
          {t('deskCases')}
        </button>
        <button
          type="button"
          className={route.view === 'figures' ? 'is-active' : ''}
          data-testid="nav-figures"
          onClick={() => onNavigate({ view: 'figures' })}
        >
          {t('deskFigures')}
        </button>
      </nav>
      {!route.view && (
        <>
          <label className="gz-inline">
            {t('pack')}
            <select
              value={route.pack ?? ''}
              data-testid="pick-pack"
              onChange={(e) => {
                const p = packs.find((x) => x.id === e.target.value);
                onNavigate({
                  pack: e.target.value || undefined,
                  proc: p?.procedures.find((x) => x.id === route.proc)?.id ?? p?.procedures[0]?.id,
                });
              }}
            >
              <option value="">{t('choose')}</option>
              {packs.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.title)}
                </option>
              ))}
            </select>
          </label>
          <label className="gz-inline">
            {t('procedure')}
            <select
              value={route.proc ?? ''}
              data-testid="pick-procedure"
              disabled={!pack}
              onChange={(e) => onNavigate({ pack: route.pack, proc: e.target.value || undefined })}
            >
              <option value="">{t('choose')}</option>
              {pack?.procedures.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.title)}
                </option>
              ))}
            </select>
          </label>
          {pack?.extends && (
            <span className="gz-muted">
              {t('extendsPack', { base: pick(packs.find((x) => x.id === pack.extends)?.title) || pack.extends })}
            </span>
          )}
          <form
            className="gz-inline"
            onSubmit={(e) => {
              e.preventDefault();
              if (caseId.trim()) onNavigate({ instance: caseId.trim() });
            }}
          >
            <input
              placeholder={t('instanceId')}
              value={caseId}
              data-testid="open-instance-id"
              onChange={(e) => setCaseId(e.target.value)}
            />
            <button type="submit" data-testid="open-instance">
              {t('openInstance')}
            </button>
          </form>
        </>
      )}
      <div className="gz-spacer" />
      <label className="gz-inline gz-ids-toggle">
        <input type="checkbox" checked={ids} data-testid="show-ids" onChange={(e) => setIds(e.target.checked)} />
        {t('showIds')}
      </label>
      <LangSwitch />
      <button type="button" className="gz-link" onClick={onSignOut}>
        {t('signOut')}
      </button>
    </header>
  );
}
