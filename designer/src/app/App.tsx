/** The page: sign-in, header (pack, procedure, case, language), and the screen the address names. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Api, ApiError, forgetToken, storeToken, takeTokenFromUrl, type PackSummary } from '../api';
import { useI18n } from '../i18n';
import { WorkspaceScreen } from '../workspace/Workspace';
import { navigate, readRoute, type Route } from './route';
import { tryLeave } from './leave';
import { Header } from './Header';
import { SignIn } from './SignIn';

/** A running case's view is loaded when a case is opened; the desk's screens when they are opened. */
const InstanceView = lazy(() => import('../instance/InstanceView').then((m) => ({ default: m.InstanceView })));
const CaseList = lazy(() => import('../desk/CaseList').then((m) => ({ default: m.CaseList })));
const Figures = lazy(() => import('../desk/Figures').then((m) => ({ default: m.Figures })));
const CasePrint = lazy(() => import('../desk/CasePrint').then((m) => ({ default: m.CasePrint })));

export function App() {
  const { t, pick } = useI18n();
  const [token, setToken] = useState<string | null>(() => takeTokenFromUrl());
  const [authError, setAuthError] = useState<string | null>(null);
  const api = useMemo(() => (token ? new Api(token) : null), [token]);
  const [route, setRoute] = useState<Route>(() => readRoute());
  const [packs, setPacks] = useState<PackSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const routeRef = useRef(route);
  routeRef.current = route;
  useEffect(() => {
    // Back/forward: with unsaved work the address is put back until the user decides.
    const onPop = () => {
      const next = readRoute();
      let done = false;
      let sync = true;
      tryLeave(() => {
        done = true;
        if (!sync) navigate(next);
        setRoute(next);
      });
      sync = false;
      if (!done) navigate(routeRef.current);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    if (!api) return;
    setPacks(null);
    api.packs().then(setPacks, (e) => {
      if (e instanceof ApiError && e.status === 401) {
        forgetToken();
        setToken(null);
        setAuthError(t('badToken'));
      } else setError(e instanceof ApiError ? pick(e.i18n) : String(e));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  const go = useCallback((r: Route) => {
    tryLeave(() => {
      navigate(r);
      setRoute(r);
    });
  }, []);

  if (!api) {
    return (
      <SignIn
        error={authError}
        onSignIn={(tok) => {
          storeToken(tok);
          setAuthError(null);
          setToken(tok);
        }}
      />
    );
  }
  return (
    <div className="gz-app">
      <Header
        packs={packs ?? []}
        route={route}
        onNavigate={go}
        onSignOut={() => {
          forgetToken();
          setToken(null);
        }}
      />
      {error && (
        <div className="gz-error" data-testid="app-error">
          {error}
        </div>
      )}
      <Suspense fallback={<div className="gz-center gz-muted">{t('loading')}</div>}>
        {route.view === 'cases' ? (
          packs ? (
            <CaseList api={api} packs={packs} params={route.params ?? ''} onNavigate={go} />
          ) : (
            <div className="gz-center gz-muted">{t('loading')}</div>
          )
        ) : route.view === 'figures' ? (
          packs ? (
            <Figures api={api} packs={packs} params={route.params ?? ''} onNavigate={go} />
          ) : (
            <div className="gz-center gz-muted">{t('loading')}</div>
          )
        ) : route.instance && route.print ? (
          <CasePrint api={api} id={route.instance} packs={packs ?? []} onNavigate={go} />
        ) : route.instance ? (
          <InstanceView api={api} id={route.instance} onNavigate={go} />
        ) : route.pack && route.proc ? (
          <WorkspaceScreen api={api} packId={route.pack} procId={route.proc} />
        ) : (
          <Home packs={packs} onNavigate={go} />
        )}
      </Suspense>
    </div>
  );
}

function Home({ packs, onNavigate }: { packs: PackSummary[] | null; onNavigate(r: Route): void }) {
  const { t, pick, ids } = useI18n();
  if (!packs) return <div className="gz-center gz-muted">{t('loading')}</div>;
  return (
    <div className="gz-home" data-testid="home">
      <section className="gz-home-desk" data-testid="home-desk">
        <h2>{t('deskTitle')}</h2>
        <p className="gz-muted">{t('deskIntro')}</p>
        <button type="button" data-testid="home-desk-cases" onClick={() => onNavigate({ view: 'cases' })}>
          {t('deskCases')}
        </button>
        <button type="button" data-testid="home-desk-figures" onClick={() => onNavigate({ view: 'figures' })}>
          {t('deskFigures')}
        </button>
      </section>
      <p>{t('chooseProcedure')}</p>
      {packs.map((p) => (
        <section key={p.id} className="gz-home-pack" data-testid="home-pack" data-pack={p.id}>
          <h2>
            {pick(p.title)}{' '}
            <span className="gz-muted">
              {ids ? `${p.id} · ` : ''}
              {p.extends
                ? t('extendsPack', { base: pick(packs.find((x) => x.id === p.extends)?.title) || p.extends })
                : ''}
            </span>
          </h2>
          <ul>
            {p.procedures.map((proc) => (
              <li key={proc.id}>
                <button
                  type="button"
                  className="gz-link"
                  data-testid="home-procedure"
                  data-procedure={proc.id}
                  onClick={() => onNavigate({ pack: p.id, proc: proc.id })}
                >
                  {pick(proc.title)}
                </button>
                <span className="gz-muted">
                  {' '}
                  {ids ? `${proc.id} · ` : ''}
                  {proc.version === null ? '' : t('version', { n: proc.version })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
