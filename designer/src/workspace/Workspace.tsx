/**
 * The designer for one procedure of one pack: chart, toolbar, side panels (properties, simulation,
 * versions, county changes, JSON) and problems. The document lives on the command stack (useEditor).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { ProblemDetail } from '../../../engine/types';
import { diffProcedure } from '../../../engine/pack/diff';
import { ApiError, type Api } from '../api';
import { useLoad } from '../app/useLoad';
import { Chart, useChartLayout } from '../canvas';
import {
  buildChart, commands as C, freshKey, marksFrom, overridesFor, problemTarget, problemsByNode, unionChart, activeAfter, pathTaken,
  type TraceEntry,
} from '../model';
import { translate, useI18n } from '../i18n';
import { Inspector } from '../panels/inspector/Inspector';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import type { Comparison } from '../panels/VersionsPanel';
import { WorkspaceContext, type Selection, type Workspace } from './context';
import { useEditor } from './useEditor';
import { useProblems } from './useProblems';
import { loadWorkspace, type Loaded } from './load';
import { Toolbar } from './Toolbar';
import { exportChart } from './exportChart';

type Tab = 'inspect' | 'simulate' | 'versions' | 'county' | 'json';

// Panels not needed to open a procedure are loaded when first shown.
const SimulatePanel = lazy(() => import('../panels/SimulatePanel').then((m) => ({ default: m.SimulatePanel })));
const VersionsPanel = lazy(() => import('../panels/VersionsPanel').then((m) => ({ default: m.VersionsPanel })));
const CountyPanel = lazy(() => import('../panels/CountyPanel').then((m) => ({ default: m.CountyPanel })));
const JsonPanel = lazy(() => import('../panels/JsonPanel').then((m) => ({ default: m.JsonPanel })));

export function WorkspaceScreen({ api, packId, procId }: { api: Api; packId: string; procId: string }) {
  const { t } = useI18n();
  const { value: loaded, error } = useLoad(() => loadWorkspace(api, packId, procId).then((l) => {
    performance.mark('gz:loaded');
    return l;
  }), [api, packId, procId]);
  if (error) return <div className="gz-error gz-center" data-testid="load-error">{error}</div>;
  if (!loaded) return <div className="gz-center gz-muted">{t('loading')}</div>;
  return <LoadedWorkspace key={`${packId}/${procId}`} api={api} packId={packId} procId={procId} loaded={loaded} />;
}

function LoadedWorkspace({ api, packId, procId, loaded }: { api: Api; packId: string; procId: string; loaded: Loaded }) {
  const { t, pick, lang } = useI18n();
  const editor = useEditor(loaded.doc);
  const doc = editor.state.doc;
  const parameters = useMemo(() => loaded.pack.parameters ?? {}, [loaded.pack]);
  const model = useMemo(() => buildChart(doc), [doc]);
  const problems = useProblems(doc, parameters);
  const [serverProblems, setServerProblems] = useState<ProblemDetail[]>([]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [focus, setFocus] = useState<{ id: string; at: number } | null>(null);
  const [tab, setTab] = useState<Tab>('inspect');
  const [trace, setTrace] = useState<TraceEntry[] | null>(null);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [countyShow, setCountyShow] = useState(true);
  const [versions, setVersions] = useState(loaded.versions);
  const [status, setStatus] = useState({ fromDraft: loaded.fromDraft, version: loaded.version });
  const [toast, setToast] = useState<{ text: string; kind: 'info' | 'error'; n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problemsOpen, setProblemsOpen] = useState(true);
  // The simulation keeps its state while other tabs are shown, once it has been opened.
  const [simOpened, setSimOpened] = useState(false);
  useEffect(() => {
    if (tab === 'simulate') setSimOpened(true);
  }, [tab]);

  const notify = useCallback((text: string, kind: 'info' | 'error' = 'info') => setToast({ text, kind, n: Date.now() }), []);
  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), toast.kind === 'error' ? 8000 : 4000);
    return () => clearTimeout(id);
  }, [toast]);

  const run = useCallback((cmd: C.Command) => {
    const err = editor.run(cmd);
    if (err) notify(pick(err.i18n), 'error');
    else setServerProblems([]);
    return !err;
  }, [editor, notify, pick]);

  const select = useCallback((sel: Selection | null, doFocus = false) => {
    setSelection(sel);
    if (!doFocus || !sel) return;
    const id = sel.kind === 'state' ? sel.id : sel.kind === 'internal' ? sel.node : sel.kind === 'edge' ? model.edges.find((e) => e.id === sel.id)?.source : undefined;
    if (id) setFocus({ id, at: Date.now() });
  }, [model]);

  // County changes: the pack's parameter and list changes this procedure uses, and the procedure diffed live against the base.
  const countyOverrides = useMemo(() => (loaded.base
    ? [...overridesFor((loaded.pack.overrides ?? []).filter((o) => o.kind === 'parameter' || (o.kind === 'data' && !o.procedure)), procId, doc), ...diffProcedure(loaded.base, doc)]
    : []), [loaded, doc, procId]);

  const view = useMemo(() => {
    if (tab === 'versions' && comparison) {
      const m = unionChart(comparison.a.doc, comparison.b.doc);
      return { doc: comparison.b.doc, model: m, editable: false, marks: marksFrom(diffProcedure(comparison.a.doc, comparison.b.doc), m, comparison.b.doc, comparison.a.doc) };
    }
    if (tab === 'county' && countyShow && loaded.base) {
      const m = unionChart(loaded.base, doc);
      return { doc, model: m, editable: false, marks: marksFrom(countyOverrides, m, doc, loaded.base) };
    }
    return { doc, model, editable: true, marks: undefined };
  }, [tab, comparison, countyShow, loaded.base, doc, model, countyOverrides]);
  const layout = useChartLayout(view.model, view.doc, lang);

  const allProblems = useMemo(() => {
    const seen = new Set(problems.map((p) => `${p.path}|${p.message.en}`));
    return [...problems, ...serverProblems.filter((p) => !seen.has(`${p.path}|${p.message.en}`))];
  }, [problems, serverProblems]);

  const overlay = useMemo(() => {
    if (tab === 'simulate' && trace) {
      const taken = pathTaken(model, trace.filter((e) => !e.refused).map((e) => ({ from: e.from, to: e.state ?? e.to, transitions: e.transitions })));
      return { active: activeAfter(trace), visitedNodes: taken.nodes, visitedEdges: taken.edges };
    }
    if (view.marks) return { marks: view.marks };
    const problemEdges = new Set(allProblems.map((p) => problemTarget(p, model, doc).edge).filter((x): x is string => !!x));
    return { problems: problemsByNode(allProblems, model, doc), problemEdges };
  }, [tab, trace, view.marks, allProblems, model, doc]);

  const addState = (final: boolean, parent: string | null = null) => {
    const taken = model.nodes.filter((n) => n.parent === parent).map((n) => n.key);
    const key = freshKey(final ? 'end' : 'state', taken);
    const n = key.replace(/\D/g, '');
    const title = final ? { 'zh-CN': `终止${n}`, en: `End ${n}` } : { 'zh-CN': `新状态${n}`, en: `New state ${n}` };
    if (run(C.addState({ parent, key, title, final }))) {
      setTab('inspect');
      select({ kind: 'state', id: parent ? `${parent}.${key}` : key }, true);
    }
  };
  const deleteSelected = () => {
    if (selection?.kind === 'state') {
      if (run(C.deleteState(selection.id, model.byId.get(selection.id)?.title ?? undefined))) select(null);
    } else if (selection?.kind === 'edge' || selection?.kind === 'internal') {
      const e = model.edges.find((x) => x.id === selection.id);
      const owner = selection.kind === 'internal' ? model.byId.get(selection.node) : undefined;
      const it = owner?.internal.find((x) => x.id === selection.id);
      const ref = e ? { source: e.source, event: e.event, index: e.index } : it && owner ? { source: owner.id, event: it.event, index: it.index } : null;
      if (ref && run(C.deleteTransition(ref))) select(null);
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return;
      if ((e.key === 'Delete' || e.key === 'Backspace') && view.editable) deleteSelected();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const save = async (): Promise<boolean> => {
    setBusy(true);
    try {
      await api.saveDraft(packId, procId, doc);
      editor.markSaved();
      setStatus((s) => ({ ...s, fromDraft: true }));
      setServerProblems([]);
      notify(t('draftSaved'));
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        setServerProblems(e.problems);
        notify(`${pick(e.i18n)}${e.problems.length ? ` — ${t('problemCount', { n: e.problems.length })}` : ''}`, 'error');
      } else notify(String(e), 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };
  const publish = async () => {
    if ((C.isDirty(editor.state) || !status.fromDraft) && !(await save())) return;
    setBusy(true);
    try {
      const { version } = await api.publish(packId, procId);
      setStatus({ fromDraft: false, version });
      notify(t('published', { n: version }));
      setVersions(await api.versions(packId, procId).catch(() => [...versions, { version }]));
    } catch (e) {
      if (e instanceof ApiError) setServerProblems(e.problems);
      notify(e instanceof ApiError ? pick(e.i18n) : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const onPickProblem = (p: ProblemDetail) => {
    const target = problemTarget(p, model, doc);
    setTab('inspect');
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
  const pickState = (path: string) => {
    if (view.model.byId.has(path)) select({ kind: 'state', id: path }, true);
  };

  const ws: Workspace = { api, packId, procId, pack: loaded.pack, parameters, doc, model, run, selection, select, notify };
  const statusText = status.fromDraft ? t('draft') : status.version !== undefined ? t('version', { n: status.version }) : '';
  const chartSelection = selection && (selection.kind === 'state' || selection.kind === 'edge' || selection.kind === 'internal') ? selection : null;
  const tabs: { id: Tab; label: string }[] = [
    { id: 'inspect', label: t('tabInspect') }, { id: 'simulate', label: t('tabSimulate') }, { id: 'versions', label: t('tabVersions') },
    ...(loaded.pack.extends ? [{ id: 'county' as Tab, label: t('tabCounty') }] : []), { id: 'json', label: t('tabJson') },
  ];

  return (
    <WorkspaceContext.Provider value={ws}>
      <div className="gz-workspace" data-testid="workspace" data-pack={packId} data-procedure={procId}>
        <Toolbar editor={editor.state} editable={view.editable} status={statusText} busy={busy}
          canAddChild={selection?.kind === 'state' && model.byId.get(selection.id)?.kind !== 'final'}
          canDelete={!!chartSelection}
          onAddState={(final) => addState(final)} onAddChild={() => selection?.kind === 'state' && addState(false, selection.id)}
          onDelete={deleteSelected} onUndo={editor.undo} onRedo={editor.redo}
          onSave={() => void save()} onPublish={() => void publish()}
          onAutoLayout={() => run(C.resetLayout())}
          onExport={(kind) => void exportChart(kind, { doc: view.doc, model: view.model, positions: layout.positions, routes: layout.routes, lang, marks: view.marks,
            active: overlay.active ?? null, title: `${pick(view.doc.title)} ${t('flowchart')}`,
            subtitle: `${pick(loaded.pack.title)} · ${statusText} · ${new Date().toISOString().slice(0, 10)}`, fileBase: `${procId}-${t('flowchart')}` })} />
        <div className="gz-main">
          <div className="gz-canvas-col">
            <div className="gz-canvas" data-testid="canvas" data-ready={layout.ready ? 'true' : 'false'} data-layout={layout.kind} data-view={view.editable ? 'edit' : 'read'}>
              {layout.ready ? (
                <Chart doc={view.doc} model={view.model} positions={layout.positions} routes={layout.routes} editable={view.editable}
                  selection={chartSelection} onSelect={(s) => { select(s); if (s && tab !== 'simulate' && tab !== 'versions' && tab !== 'county') setTab('inspect'); }}
                  onMove={(pos) => run(C.moveNodes(pos))}
                  onConnect={(source, target) => {
                    // A line drawn between two states: a new event, selected so it can be named and given roles.
                    const name = freshKey('EVENT_', Object.keys(doc.events ?? {}));
                    const cmd = C.connect({ source, target, event: name, newEventTitle: { 'zh-CN': translate('zh-CN', 'newEventDefault'), en: translate('en', 'newEventDefault') } });
                    if (!run(cmd)) return;
                    setTab('inspect');
                    select({ kind: 'event', name });
                  }}
                  overlay={overlay} focus={focus} layoutKind={layout.kind} />
              ) : <div className="gz-center gz-muted">{t('loading')}</div>}
            </div>
            <ProblemsPanel problems={allProblems} onPick={onPickProblem} open={problemsOpen} onToggle={() => setProblemsOpen(!problemsOpen)} />
          </div>
          <aside className="gz-side">
            <nav className="gz-tabs" role="tablist">
              {tabs.map((x) => (
                <button key={x.id} type="button" role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'is-active' : ''}
                  data-testid={`tab-${x.id}`} onClick={() => setTab(x.id)}>{x.label}</button>
              ))}
            </nav>
            <div className="gz-side-body">
              <Suspense fallback={<div className="gz-muted">{t('loading')}</div>}>
                {tab === 'inspect' && <Inspector />}
                {(simOpened || tab === 'simulate') && <div hidden={tab !== 'simulate'}><SimulatePanel onTrace={setTrace} /></div>}
                {tab === 'versions' && <VersionsPanel versions={versions} comparison={comparison} onCompare={setComparison} onPickState={pickState} />}
                {tab === 'county' && <CountyPanel base={loaded.base} overrides={countyOverrides} show={countyShow} onShow={setCountyShow} onPickState={pickState} />}
                {tab === 'json' && <JsonPanel />}
              </Suspense>
            </div>
          </aside>
        </div>
        {toast && <div className={`gz-toast is-${toast.kind}`} data-testid="toast" data-kind={toast.kind} key={toast.n}>{toast.text}</div>}
      </div>
    </WorkspaceContext.Provider>
  );
}
