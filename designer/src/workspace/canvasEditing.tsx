/**
 * Editing on the canvas, as in Camunda Modeler or Stately Studio: a palette to drag states from, a right-click
 * menu, copy/paste (Ctrl+C / Ctrl+V), select all (Ctrl+A), delete (Delete), rename in place (double-click or F2),
 * find a state (Ctrl+F), a line dropped on a state connects to it. Every change is one named command.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import type { ChartApi, ChartSelection, MenuTarget } from '../canvas';
import { commands as C, freshKey, stateTitle, text, type ChartModel, type Positions } from '../model';
import { translate, useI18n } from '../i18n';
import type { Selection } from './context';

/** The clipboard outlives a procedure switch (copy in one procedure, paste in another). */
let clipboard: C.Snippet | null = null;

const typing = (el: EventTarget | null) => {
  const e = el as HTMLElement | null;
  return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT' || e.isContentEditable);
};

export interface MenuAction {
  id: string;
  label: string;
  run(): void;
  disabled?: boolean;
}

interface Args {
  doc: ProcedureDoc;
  model: ChartModel;
  positions: Positions;
  run(cmd: C.Command): boolean;
  select(sel: Selection | null, focus?: boolean): void;
  selection: Selection | null;
  notify(text: string, kind?: 'info' | 'error'): void;
  chartApi: RefObject<ChartApi | null>;
  editable: boolean;
}

export function useCanvasEditing(a: Args) {
  const { t, lang } = useI18n();
  const [menu, setMenu] = useState<{ target: MenuTarget; x: number; y: number } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [found, setFound] = useState<Set<string> | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  const latest = useRef(a);
  latest.current = a;

  const selectedStates = (sel: Selection | null): string[] =>
    sel?.kind === 'state' ? [sel.id] : sel?.kind === 'states' ? sel.ids : [];

  const addState = useCallback((final: boolean, parent: string | null = null, position?: { x: number; y: number }) => {
    const { model, run, select } = latest.current;
    const taken = model.nodes.filter((n) => n.parent === parent).map((n) => n.key);
    const key = freshKey(final ? 'end' : 'state', taken);
    const n = key.replace(/\D/g, '');
    const title = final ? { 'zh-CN': `终止${n}`, en: `End ${n}` } : { 'zh-CN': `新状态${n}`, en: `New state ${n}` };
    if (run(C.addState({ parent, key, title, final, ...(position ? { position } : {}) }))) {
      const id = parent ? `${parent}.${key}` : key;
      select({ kind: 'state', id }, true);
      setRenaming(id);
    }
  }, []);

  const deleteSelected = useCallback(() => {
    const { selection, model, run, select } = latest.current;
    const states = selectedStates(selection);
    if (states.length > 1) {
      if (run(C.deleteStates(states))) select(null);
    } else if (states.length === 1) {
      if (run(C.deleteState(states[0], model.byId.get(states[0])?.title ?? undefined))) select(null);
    } else if (selection?.kind === 'edge' || selection?.kind === 'internal') {
      const e = model.edges.find((x) => x.id === selection.id);
      const owner = selection.kind === 'internal' ? model.byId.get(selection.node) : undefined;
      const it = owner?.internal.find((x) => x.id === selection.id);
      const ref = e
        ? { source: e.source, event: e.event, index: e.index }
        : it && owner
          ? { source: owner.id, event: it.event, index: it.index }
          : null;
      if (ref && run(C.deleteTransition(ref))) select(null);
    }
  }, []);

  const copy = useCallback(
    (ids?: string[]) => {
      const { doc, selection, positions, notify } = latest.current;
      const list = ids ?? selectedStates(selection);
      const snip = C.copyStates(doc, list, positions);
      if (!snip) return;
      clipboard = snip;
      notify(translate(lang, 'copied', { n: snip.states.length }));
    },
    [lang],
  );

  const paste = useCallback((at?: { x: number; y: number }) => {
    const { doc, run, select } = latest.current;
    if (!clipboard) return;
    const parent = clipboard.parent && C.copyStates(doc, [clipboard.parent]) ? clipboard.parent : null;
    const snip = parent === clipboard.parent ? clipboard : { ...clipboard, parent: null };
    // pasted where the menu was opened, else beside the originals
    const first = snip.states[0]?.pos;
    const offset = at && first ? { x: at.x - first.x, y: at.y - first.y } : { x: 40, y: 60 };
    const before = new Set(Object.keys(doc.machine.states));
    const cmd = C.pasteStates(snip, parent, offset);
    if (!run(cmd)) return;
    const after = cmd.apply(doc);
    const added = parent === null ? Object.keys(after.machine.states).filter((k) => !before.has(k)) : [];
    if (added.length) select(added.length === 1 ? { kind: 'state', id: added[0] } : { kind: 'states', ids: added });
  }, []);

  const selectAll = useCallback(() => {
    const { model, select } = latest.current;
    select({ kind: 'states', ids: model.nodes.filter((n) => n.parent === null).map((n) => n.id) });
  }, []);

  const startRename = useCallback((id: string) => setRenaming(id), []);
  const finishRename = useCallback((id: string, title: string | null) => {
    setRenaming(null);
    const { model, run } = latest.current;
    const node = model.byId.get(id);
    const v = title?.trim();
    if (!node || !v || v === stateTitle(node, 'zh-CN')) return;
    const cur = node.title ?? { 'zh-CN': '', en: '' };
    // the Chinese title is what staff type; an English title that was the default follows it
    const en = !cur.en || /^(New state|End|Step) \d+$/.test(cur.en) ? v : cur.en;
    run(C.setStateTitle(id, { 'zh-CN': v, en }));
  }, []);

  const connect = useCallback((source: string, target: string): boolean => {
    const { doc, run, select } = latest.current;
    // A line drawn between two states: a new event, selected so it can be named and given roles.
    const name = freshKey('EVENT_', Object.keys(doc.events ?? {}));
    const cmd = C.connect({
      source,
      target,
      event: name,
      newEventTitle: { 'zh-CN': translate('zh-CN', 'newEventDefault'), en: translate('en', 'newEventDefault') },
    });
    if (!run(cmd)) return false;
    select({ kind: 'event', name });
    return true;
  }, []);

  const dropNew = useCallback(
    (kind: string, at: { x: number; y: number }, parent: string | null) => {
      const { positions, model } = latest.current;
      // positions of children are relative to their parent
      let rel = at;
      if (parent) {
        let x = 0;
        let y = 0;
        for (let p: string | null = parent; p; p = model.byId.get(p)?.parent ?? null) {
          x += positions[p]?.x ?? 0;
          y += positions[p]?.y ?? 0;
        }
        rel = { x: at.x - x, y: at.y - y };
      }
      addState(kind === 'final', parent, { x: rel.x - 90, y: rel.y - 28 });
    },
    [addState],
  );

  const openMenu = useCallback((target: MenuTarget, at: { x: number; y: number }) => {
    if (!latest.current.editable) return;
    if (target.kind === 'state') {
      const cur = selectedStates(latest.current.selection);
      if (!cur.includes(target.id)) latest.current.select({ kind: 'state', id: target.id });
    } else if (target.kind === 'edge') latest.current.select({ kind: 'edge', id: target.id });
    setMenu({ target, ...at });
  }, []);
  const closeMenu = useCallback(() => setMenu(null), []);

  const menuActions = useMemo((): MenuAction[] => {
    if (!menu) return [];
    const m = menu.target;
    if (m.kind === 'pane') {
      return [
        { id: 'add', label: t('menuAddHere'), run: () => addState(false, null, { x: m.x - 90, y: m.y - 28 }) },
        {
          id: 'add-final',
          label: t('menuAddFinalHere'),
          run: () => addState(true, null, { x: m.x - 90, y: m.y - 28 }),
        },
        { id: 'paste', label: t('menuPaste'), run: () => paste({ x: m.x, y: m.y }), disabled: !clipboard },
        { id: 'select-all', label: t('menuSelectAll'), run: selectAll },
      ];
    }
    if (m.kind === 'edge') return [{ id: 'delete', label: t('menuDelete'), run: deleteSelected }];
    return [
      { id: 'rename', label: t('menuRename'), run: () => setRenaming(m.id) },
      { id: 'connect', label: t('menuConnect'), run: () => latest.current.select({ kind: 'state', id: m.id }) },
      { id: 'copy', label: t('menuCopy'), run: () => copy() },
      { id: 'paste', label: t('menuPaste'), run: () => paste(), disabled: !clipboard },
      { id: 'delete', label: t('menuDelete'), run: deleteSelected },
    ];
  }, [menu, t, addState, paste, selectAll, deleteSelected, copy]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (typing(e.target) || !latest.current.editable) return;
      const k = e.key.toLowerCase();
      if (e.key === 'Delete' || e.key === 'Backspace') deleteSelected();
      else if (mod && k === 'c') copy();
      else if (mod && k === 'v') {
        e.preventDefault();
        paste();
      } else if (mod && k === 'a') {
        e.preventDefault();
        selectAll();
      } else if (e.key === 'F2') {
        const s = latest.current.selection;
        if (s?.kind === 'state') setRenaming(s.id);
      } else if (e.key === 'Escape') setMenu(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [deleteSelected, copy, paste, selectAll]);

  return {
    addState,
    deleteSelected,
    copy,
    paste,
    selectAll,
    connect,
    dropNew,
    menu,
    openMenu,
    closeMenu,
    menuActions,
    renaming,
    startRename,
    finishRename,
    found,
    setFound,
    searchRef,
  };
}

export function CanvasMenu({
  menu,
  actions,
  onClose,
}: {
  menu: { x: number; y: number };
  actions: MenuAction[];
  onClose(): void;
}) {
  useEffect(() => {
    const close = () => onClose();
    window.addEventListener('click', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('blur', close);
    };
  }, [onClose]);
  return (
    <ul className="gz-menu" role="menu" data-testid="canvas-menu" style={{ left: menu.x, top: menu.y }}>
      {actions.map((a) => (
        <li key={a.id}>
          <button
            type="button"
            role="menuitem"
            disabled={a.disabled}
            data-testid={`menu-${a.id}`}
            onClick={(e) => {
              e.stopPropagation();
              onClose();
              a.run();
            }}
          >
            {a.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** States to drag onto the canvas (or click to add). */
export function Palette({ onAdd }: { onAdd(final: boolean): void }) {
  const { t } = useI18n();
  const item = (kind: 'state' | 'final', label: string) => (
    <button
      type="button"
      draggable
      className={`gz-palette-item is-${kind}`}
      data-testid={`palette-${kind}`}
      title={t('paletteHelp')}
      onDragStart={(e) => {
        e.dataTransfer.setData('application/x-gongzhi-palette', kind);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onClick={() => onAdd(kind === 'final')}
    >
      <span className="gz-palette-shape" aria-hidden />
      {label}
    </button>
  );
  return (
    <div className="gz-palette" data-testid="palette" aria-label={t('palette')}>
      {item('state', t('addState'))}
      {item('final', t('addFinal'))}
    </div>
  );
}

/** Finds states by title (or key): Enter goes to the next match and selects it; matches are outlined on the chart. */
export function SearchBox({
  model,
  onFind,
  onGo,
  inputRef,
}: {
  model: ChartModel;
  onFind(s: Set<string> | undefined): void;
  onGo(id: string): void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [at, setAt] = useState(0);
  const hits = useMemo(() => {
    const s = q.trim().toLowerCase();
    if (!s) return [];
    return model.nodes
      .filter(
        (n) =>
          stateTitle(n, lang).toLowerCase().includes(s) ||
          text(n.title, lang === 'zh-CN' ? 'en' : 'zh-CN')
            .toLowerCase()
            .includes(s) ||
          n.key.toLowerCase() === s,
      )
      .map((n) => n.id);
  }, [q, model, lang]);
  useEffect(() => {
    onFind(hits.length ? new Set(hits) : undefined);
    setAt(0);
  }, [hits, onFind]);
  return (
    <div className="gz-search" data-testid="search">
      <input
        ref={inputRef}
        value={q}
        placeholder={t('searchPlaceholder')}
        aria-label={t('search')}
        data-testid="search-input"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits.length) {
            onGo(hits[at % hits.length]);
            setAt(at + 1);
          }
          if (e.key === 'Escape') setQ('');
        }}
      />
      {q.trim() && (
        <span className="gz-muted" data-testid="search-count">
          {hits.length ? t('searchCount', { n: hits.length }) : t('searchNone')}
        </span>
      )}
    </div>
  );
}

export function LeaveDialog({
  busy,
  onSave,
  onDiscard,
  onStay,
}: {
  busy: boolean;
  onSave(): void;
  onDiscard(): void;
  onStay(): void;
}) {
  const { t } = useI18n();
  return (
    <div
      className="gz-modal-back"
      data-testid="leave-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="gz-leave-title"
    >
      <div className="gz-modal">
        <h3 id="gz-leave-title">{t('leaveTitle')}</h3>
        <p>{t('leaveText')}</p>
        <div className="gz-row">
          <button
            type="button"
            className="gz-primary"
            data-testid="leave-save"
            disabled={busy}
            autoFocus
            onClick={onSave}
          >
            {t('saveAndLeave')}
          </button>
          <button type="button" data-testid="leave-discard" onClick={onDiscard}>
            {t('leaveWithout')}
          </button>
          <button type="button" data-testid="leave-stay" onClick={onStay}>
            {t('stayHere')}
          </button>
        </div>
      </div>
    </div>
  );
}

export type { ChartSelection };
