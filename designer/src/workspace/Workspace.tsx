/**
 * The designer for one procedure of one pack: chart, toolbar, side panels (the registry in panels.tsx) and
 * problems. The document lives on the command stack (useEditor); canvas habits (palette, menus, copy/paste,
 * select all, rename in place, search) turn into commands in useCanvasEditing.
 */
import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProblemDetail } from '../../../engine/browser';
import { diffProcedure } from '../../../engine/browser';
import { ApiError, type Api } from '../api';
import { useLoad } from '../app/useLoad';
import { setLeaveGuard } from '../app/leave';
import { Chart, useChartLayout, type ChartApi, type Overlay } from '../canvas';
import { buildChart, commands as C, fieldCatalog, overridesFor, problemTarget, problemsByNode } from '../model';
import { useI18n } from '../i18n';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { WorkspaceContext, type Selection, type Workspace } from './context';
import { useEditor } from './useEditor';
import { useProblems } from './useProblems';
import { loadWorkspace, type Loaded } from './load';
import { Toolbar } from './Toolbar';
import { exportChart } from './exportChart';
import { PANELS, type PanelCtx } from './panels';
import { CanvasMenu, LeaveDialog, Palette, SearchBox, useCanvasEditing } from './canvasEditing';
import { MigrateOffer } from '../panels/MigrateOffer';

export function WorkspaceScreen({ api, packId, procId }: { api: Api; packId: string; procId: string }) {
  const { t } = useI18n();
  const { value: loaded, error } = useLoad(
    () =>
      loadWorkspace(api, packId, procId).then((l) => {
        performance.mark('gz:loaded');
        return l;
      }),
    [api, packId, procId],
  );
  if (error)
    return (
      <div className="gz-error gz-center" data-testid="load-error">
        {error}
      </div>
    );
  if (!loaded) return <div className="gz-center gz-muted">{t('loading')}</div>;
  return <LoadedWorkspace key={`${packId}/${procId}`} api={api} packId={packId} procId={procId} loaded={loaded} />;
}

function LoadedWorkspace({
  api,
  packId,
  procId,
  loaded,
}: {
  api: Api;
  packId: string;
  procId: string;
  loaded: Loaded;
}) {
  const { t, pick, lang, ids } = useI18n();
  const locks = useMemo(
    () => (loaded.pack.extends ? C.locksOf(loaded.base ?? loaded.doc, loaded.pack.baseLocks, procId) : C.noLocks()),
    [loaded, procId],
  );
  const editor = useEditor(loaded.doc, locks);
  const doc = editor.state.doc;
  const parameters = useMemo(() => loaded.pack.parameters ?? {}, [loaded.pack]);
  const model = useMemo(() => buildChart(doc), [doc]);
  const catalog = useMemo(() => fieldCatalog(doc), [doc]);
  const problems = useProblems(doc, parameters);
  const [serverProblems, setServerProblems] = useState<ProblemDetail[]>([]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [focus, setFocus] = useState<{ id: string; at: number } | null>(null);
  const [tab, setTab] = useState('inspect');
  const [opened, setOpened] = useState<Set<string>>(() => new Set(['inspect']));
  const [panelState, setPanelState] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(PANELS.map((p) => [p.id, p.initial])),
  );
  const [versions, setVersions] = useState(loaded.versions);
  const [status, setStatus] = useState({ fromDraft: loaded.fromDraft, version: loaded.version });
  const [toast, setToast] = useState<{ text: string; kind: 'info' | 'error'; n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problemsOpen, setProblemsOpen] = useState(true);
  // after a publish: running cases on earlier versions may be moved to it (MigrateOffer)
  const [offer, setOffer] = useState<{ version: number; n: number } | null>(null);
  const chartApi = useRef<ChartApi | null>(null);

  const showTab = useCallback((id: string) => {
    setTab(id);
    setOpened((o) => (o.has(id) ? o : new Set([...o, id])));
  }, []);
  const notify = useCallback(
    (text: string, kind: 'info' | 'error' = 'info') => setToast({ text, kind, n: Date.now() }),
    [],
  );
  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), toast.kind === 'error' ? 8000 : 4000);
    return () => clearTimeout(id);
  }, [toast]);

  const run = useCallback(
    (cmd: C.Command) => {
      const err = editor.run(cmd);
      if (err) notify(pick(err.i18n), 'error');
      return !err;
    },
    [editor, notify, pick],
  );

  const select = useCallback(
    (sel: Selection | null, doFocus = false) => {
      setSelection(sel);
      if (!doFocus || !sel) return;
      const id =
        sel.kind === 'state'
          ? sel.id
          : sel.kind === 'internal'
            ? sel.node
            : sel.kind === 'edge'
              ? model.edges.find((e) => e.id === sel.id)?.source
              : undefined;
      if (id) setFocus({ id, at: Date.now() });
    },
    [model],
  );

  // County changes: the pack's parameter and list changes this procedure uses, and the procedure diffed live against the base.
  const countyOverrides = useMemo(
    () =>
      loaded.base
        ? [
            ...overridesFor(
              (loaded.pack.overrides ?? []).filter(
                (o) => o.kind === 'parameter' || (o.kind === 'data' && !o.procedure),
              ),
              procId,
              doc,
            ),
            ...diffProcedure(loaded.base, doc),
          ]
        : [],
    [loaded, doc, procId],
  );

  const pickState = useCallback((path: string) => select({ kind: 'state', id: path }, true), [select]);
  const panelCtx = (id: string): PanelCtx => ({
    state: panelState[id],
    setState: (s) => setPanelState((m) => ({ ...m, [id]: s })),
    loaded,
    doc,
    model,
    versions,
    countyOverrides,
    onPickState: pickState,
  });
  const active = PANELS.find((p) => p.id === tab) ?? PANELS[0];
  const panelView = active.view?.(panelCtx(active.id)) ?? null;
  const view = panelView ? { ...panelView, editable: false } : { doc, model, editable: true, marks: undefined };
  // The document being edited keeps its positions across edits; comparisons are laid out on their own.
  const editLayout = useChartLayout(model, doc, lang, { pin: true, ids });
  const viewLayout = useChartLayout(view.model, view.doc, lang, { enabled: !!panelView, ids });
  const layout = panelView ? viewLayout : editLayout;
  // A year the next twelve months reach without its holiday notice: said over the chart, asked once the chart is
  // laid out and the page is idle (nothing on the path that opens a procedure waits for it).
  const [provisionalYears, setProvisionalYears] = useState<number[]>([]);
  const laidOut = editLayout.kind === 'elk';
  useEffect(() => {
    if (!laidOut) return;
    let live = true;
    const idle =
      (window as { requestIdleCallback?: (f: () => void) => number }).requestIdleCallback ??
      ((f: () => void) => window.setTimeout(f, 200));
    idle(() => {
      void import('../panels/CalendarPanel')
        .then((m) => m.provisionalYearsAhead((y) => api.calendar(packId, y)))
        .then(
          (ys) => live && setProvisionalYears(ys),
          () => {},
        );
    });
    return () => {
      live = false;
    };
  }, [api, packId, laidOut]);

  const allProblems = useMemo(() => {
    const seen = new Set(problems.map((p) => `${p.path}|${p.message.en}`));
    return [...problems, ...serverProblems.filter((p) => !seen.has(`${p.path}|${p.message.en}`))];
  }, [problems, serverProblems]);
  // (the same empty list kept: a new one would redraw the whole workspace for nothing, as on opening)
  useEffect(() => setServerProblems((had) => (had.length ? [] : had)), [doc]);

  const edit = useCanvasEditing({
    doc,
    model,
    positions: editLayout.positions,
    run,
    select,
    selection,
    notify,
    chartApi,
    editable: view.editable,
  });
  const overlay = useMemo((): Overlay => {
    const fromPanel = active.overlay?.(panelCtx(active.id));
    if (fromPanel) return { ...fromPanel, found: edit.found };
    if (view.marks) return { marks: view.marks };
    const problemEdges = new Set(
      allProblems.map((p) => problemTarget(p, model, doc).edge).filter((x): x is string => !!x),
    );
    return { problems: problemsByNode(allProblems, model, doc), problemEdges, found: edit.found };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, panelState, view.marks, allProblems, model, doc, edit.found]);

  const save = async (): Promise<boolean> => {
    setBusy(true);
    try {
      const saved = doc;
      // a county's draft is kept as changes to the base version it was made on
      const r = await api.saveDraft(packId, procId, saved, loaded.base?.version);
      editor.markSaved(saved);
      setStatus((s) => ({ ...s, fromDraft: true }));
      setServerProblems(r.problems ?? []);
      notify(r.problems?.length ? t('draftSavedWithProblems', { n: r.problems.length }) : t('draftSaved'));
      return true;
    } catch (e) {
      notify(e instanceof ApiError ? pick(e.i18n) : String(e), 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };
  const publish = async (note: string) => {
    if ((C.isDirty(editor.state) || !status.fromDraft) && !(await save())) return;
    setBusy(true);
    try {
      const { version } = await api.publish(packId, procId, note);
      setStatus({ fromDraft: false, version });
      notify(t('published', { n: version }));
      setOffer({ version, n: Date.now() });
      setVersions(
        await api
          .versions(packId, procId)
          .catch(() => [...versions, { version, publishedAt: new Date().toISOString(), source: 'designer' as const }]),
      );
    } catch (e) {
      if (e instanceof ApiError) setServerProblems(e.problems);
      notify(e instanceof ApiError ? pick(e.i18n) : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  // Leaving with unsaved changes: the browser asks on unload; the app asks in its own dialog.
  const dirty = C.isDirty(editor.state);
  const [leaving, setLeaving] = useState<(() => void) | null>(null);
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    setLeaveGuard((proceed) => {
      setLeaving(() => proceed);
      return true;
    });
    return () => {
      window.removeEventListener('beforeunload', onUnload);
      setLeaveGuard(null);
    };
  }, [dirty]);

  const onPickProblem = (p: ProblemDetail) => {
    const target = problemTarget(p, model, doc);
    showTab('inspect');
    const item = target.item;
    // A problem in an event, rule or deadline opens its editor; the chart still centres on the state it concerns.
    if (item?.kind === 'event') select({ kind: 'event', name: item.name });
    else if (item?.kind === 'rule') select({ kind: 'rule', name: item.name });
    else if (item?.kind === 'deadline') select({ kind: 'deadline', name: item.name });
    else if (target.node) {
      select({ kind: 'state', id: target.node }, true);
      return;
    }
    if (target.node) setFocus({ id: target.node, at: Date.now() });
  };

  const ws: Workspace = {
    api,
    packId,
    procId,
    pack: loaded.pack,
    parameters,
    doc,
    model,
    catalog,
    locks,
    run,
    selection,
    select,
    notify,
    problems: allProblems,
  };
  const statusText = status.fromDraft
    ? t('draft')
    : status.version !== undefined
      ? t('version', { n: status.version })
      : '';
  const chartSelection =
    selection &&
    (selection.kind === 'state' ||
      selection.kind === 'states' ||
      selection.kind === 'edge' ||
      selection.kind === 'internal')
      ? selection
      : null;
  const tabs = PANELS.filter((p) => !p.when || p.when(loaded));

  return (
    <WorkspaceContext.Provider value={ws}>
      <div
        className="gz-workspace"
        data-testid="workspace"
        data-pack={packId}
        data-procedure={procId}
        data-dirty={dirty ? 'true' : 'false'}
      >
        <Toolbar
          editor={editor.state}
          editable={view.editable}
          status={statusText}
          busy={busy}
          problemCount={allProblems.length}
          canAddChild={selection?.kind === 'state' && model.byId.get(selection.id)?.kind !== 'final'}
          canDelete={!!chartSelection}
          onAddState={(final) => edit.addState(final)}
          onAddChild={() => selection?.kind === 'state' && edit.addState(false, selection.id)}
          onDelete={edit.deleteSelected}
          onUndo={editor.undo}
          onRedo={editor.redo}
          onSave={() => void save()}
          onPublish={(note) => void publish(note)}
          onAutoLayout={() => {
            run(C.resetLayout());
            editLayout.relayout();
          }}
          onExport={(kind) =>
            void exportChart(kind, {
              doc: view.doc,
              model: view.model,
              positions: layout.positions,
              routes: layout.routes,
              lang,
              marks: view.marks,
              parameters,
              active: overlay.active ?? null,
              title: `${pick(view.doc.title)} ${t('flowchart')}`,
              subtitle: `${pick(loaded.pack.title)} · ${statusText} · ${new Date().toISOString().slice(0, 10)}`,
              fileBase: `${procId}-${t('flowchart')}`,
            })
          }
        />
        <div className="gz-main">
          {view.editable && <Palette onAdd={(final) => edit.addState(final)} />}
          <div className="gz-canvas-col">
            <div
              className="gz-canvas"
              data-testid="canvas"
              data-ready={layout.ready ? 'true' : 'false'}
              data-layout={layout.kind}
              data-view={view.editable ? 'edit' : 'read'}
            >
              {offer && (
                <MigrateOffer
                  key={offer.n}
                  packId={packId}
                  procId={procId}
                  version={offer.version}
                  onDone={() => setOffer(null)}
                />
              )}
              {provisionalYears.length > 0 && (
                <div className="gz-banner" data-testid="provisional-banner">
                  {t('provisionalBanner', { years: provisionalYears.join('、') })}
                  <button
                    type="button"
                    className="gz-link"
                    data-testid="banner-open-calendar"
                    onClick={() => showTab('calendar')}
                  >
                    {t('openCalendar')}
                  </button>
                </div>
              )}
              <SearchBox
                model={view.model}
                onFind={edit.setFound}
                onGo={(id) => select({ kind: 'state', id }, true)}
                inputRef={edit.searchRef}
              />
              {layout.ready ? (
                <Chart
                  doc={view.doc}
                  model={view.model}
                  positions={layout.positions}
                  routes={layout.routes}
                  editable={view.editable}
                  selection={chartSelection}
                  parameters={parameters}
                  ids={ids}
                  apiRef={chartApi}
                  onSelect={(s) => {
                    select(s);
                    if (s && tab !== 'simulate' && tab !== 'versions' && tab !== 'county') showTab('inspect');
                  }}
                  onMove={(pos) => run(C.moveNodes(pos))}
                  onConnect={(source, target) => {
                    if (edit.connect(source, target)) showTab('inspect');
                  }}
                  onMenu={edit.openMenu}
                  onDropNew={edit.dropNew}
                  editing={edit.renaming}
                  onRenameStart={edit.startRename}
                  onRenamed={edit.finishRename}
                  overlay={overlay}
                  focus={focus}
                  layoutKind={layout.kind}
                />
              ) : (
                <div className="gz-center gz-muted">{t('loading')}</div>
              )}
              {edit.menu && <CanvasMenu menu={edit.menu} onClose={edit.closeMenu} actions={edit.menuActions} />}
            </div>
            <ProblemsPanel
              problems={allProblems}
              onPick={onPickProblem}
              open={problemsOpen}
              onToggle={() => setProblemsOpen(!problemsOpen)}
            />
          </div>
          <aside className="gz-side">
            <nav className="gz-tabs" role="tablist">
              {tabs.map((x) => (
                <button
                  key={x.id}
                  type="button"
                  role="tab"
                  aria-selected={tab === x.id}
                  className={tab === x.id ? 'is-active' : ''}
                  data-testid={`tab-${x.id}`}
                  onClick={() => showTab(x.id)}
                >
                  {t(x.label)}
                </button>
              ))}
            </nav>
            <div className="gz-side-body">
              <Suspense fallback={<div className="gz-muted">{t('loading')}</div>}>
                {tabs.map((x) =>
                  x.id === tab || (x.keep && opened.has(x.id)) ? (
                    <div key={x.id} hidden={x.id !== tab}>
                      <x.Component ctx={panelCtx(x.id)} />
                    </div>
                  ) : null,
                )}
              </Suspense>
            </div>
          </aside>
        </div>
        {toast && (
          <div className={`gz-toast is-${toast.kind}`} data-testid="toast" data-kind={toast.kind} key={toast.n}>
            {toast.text}
          </div>
        )}
        {leaving && (
          <LeaveDialog
            busy={busy}
            onSave={async () => {
              if (await saveRef.current()) {
                const go = leaving;
                setLeaving(null);
                setLeaveGuard(null);
                go();
              }
            }}
            onDiscard={() => {
              const go = leaving;
              setLeaving(null);
              setLeaveGuard(null);
              go();
            }}
            onStay={() => setLeaving(null)}
          />
        )}
      </div>
    </WorkspaceContext.Provider>
  );
}
