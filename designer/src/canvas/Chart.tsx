/**
 * The statechart canvas (React Flow). A view of the chart model: editable in the designer, read-only
 * for running cases and version diffs. Selection, highlights and marks come in as props; edits go out
 * as callbacks (the caller turns them into commands).
 *
 * Editing habits of the peers (Camunda Modeler, Stately Studio): drop a line anywhere on a state to connect,
 * Shift-drag a box or Ctrl-click to select several, right-click for a menu, double-click to rename in place,
 * drag from the palette to add; it opens at a readable zoom (never below 100 %) and scrolls to the rest.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type FinalConnectionState,
  type NodeChange,
  type NodeMouseHandler,
  type EdgeMouseHandler,
  type OnNodeDrag,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { PackParameter, ProcedureDoc } from '../../../engine/browser';
import {
  absolute,
  LARGE_CHART,
  openingViewport,
  type ChartModel,
  type Marks,
  type Positions,
  type Route,
} from '../model';
import { useI18n, type StringKey } from '../i18n';
import { StateNode, GroupNode } from './StateNode';
import { TransitionEdge } from './TransitionEdge';
import type { StateFlowNode, TransitionFlowEdge } from './types';
import { useFlowElements } from './useFlowElements';

export type ChartSelection =
  | { kind: 'state'; id: string }
  | { kind: 'states'; ids: string[] }
  | { kind: 'edge'; id: string }
  | { kind: 'internal'; id: string; node: string };

export interface Overlay {
  active?: string | null;
  visitedNodes?: Set<string>;
  visitedEdges?: Set<string>;
  /** Transitions a simulated event tried and was refused. */
  refusedEdges?: Set<string>;
  marks?: Marks;
  problems?: Map<string, number>;
  problemEdges?: Set<string>;
  /** States matching the search. */
  found?: Set<string>;
}

/** Where a context menu was asked for: a state, a transition, or the empty canvas (with the chart position). */
export type MenuTarget =
  { kind: 'state'; id: string } | { kind: 'edge'; id: string } | { kind: 'pane'; x: number; y: number };

export interface ChartApi {
  /** Screen point → chart point (for a menu's "add state here"). */
  toChart(x: number, y: number): { x: number; y: number };
}

export interface ChartProps {
  doc: ProcedureDoc;
  model: ChartModel;
  positions: Positions;
  routes: Record<string, Route>;
  editable: boolean;
  selection: ChartSelection | null;
  onSelect(sel: ChartSelection | null): void;
  onMove?(positions: Record<string, { x: number; y: number }>): void;
  onConnect?(source: string, target: string): void;
  /** Right-click: where, and the screen point to show the menu at. */
  onMenu?(target: MenuTarget, screen: { x: number; y: number }): void;
  /** A palette item dropped on the canvas (chart coordinates, and the state it was dropped into, if any). */
  onDropNew?(kind: string, at: { x: number; y: number }, parent: string | null): void;
  /** The state being renamed in place, and the new title when done (null: cancelled). */
  editing?: string | null;
  onRenamed?(id: string, title: string | null): void;
  onRenameStart?(id: string): void;
  overlay?: Overlay;
  parameters?: Record<string, PackParameter>;
  /** Show ids (the advanced view). */
  ids?: boolean;
  /** Which layout the positions come from: the view is placed again when elk's arrives (unless the user moved it). */
  layoutKind?: 'elk' | 'quick';
  /** Centre the view on this node (`at`: when asked, Date.now(); a later request with the same id centres again). */
  focus?: { id: string; at: number } | null;
  apiRef?: { current: ChartApi | null };
  testId?: string;
}

const nodeTypes = { state: StateNode, group: GroupNode };
/** The chart opens at this zoom or more: every text is then at least 11 px on screen. */
export const READABLE_ZOOM = 1;
const edgeTypes = { transition: TransitionEdge };

function FlowChart(p: ChartProps) {
  const { t } = useI18n();
  const rf = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const interacted = useRef(false);
  const [drag, setDrag] = useState<Record<string, { x: number; y: number }>>({});
  // the overview map: on by default for big charts, a button away for small ones
  const [map, setMap] = useState(() => p.model.nodes.length > 20);
  // Callbacks read the latest props through refs, so the node and edge objects (and their data) can stay the same.
  const propsRef = useRef(p);
  propsRef.current = p;
  const onSelect = useCallback((sel: ChartSelection | null) => propsRef.current.onSelect(sel), []);
  const selectInternal = useCallback(
    (id: string) => {
      const node = propsRef.current.model.nodes.find((n) => n.internal.some((x) => x.id === id));
      if (node) onSelect({ kind: 'internal', id, node: node.id });
    },
    [onSelect],
  );
  const selectEdge = useCallback((id: string) => onSelect({ kind: 'edge', id }), [onSelect]);
  const renamed = useCallback((id: string, title: string | null) => propsRef.current.onRenamed?.(id, title), []);

  if (p.apiRef) p.apiRef.current = { toChart: (x, y) => rf.screenToFlowPosition({ x, y }) };

  const { nodes, edges } = useFlowElements(p, { drag, selectInternal, renamed, selectEdge });

  // Box selection (Shift + drag): React Flow reports it as select changes while the box is drawn.
  const boxing = useRef<Set<string> | null>(null);
  const onNodesChange = useCallback((changes: NodeChange<StateFlowNode>[]) => {
    const moved: Record<string, { x: number; y: number }> = {};
    for (const c of changes) {
      if (c.type === 'position' && c.position && c.dragging) moved[c.id] = c.position;
      if (c.type === 'select' && boxing.current) {
        if (c.selected) boxing.current.add(c.id);
        else boxing.current.delete(c.id);
      }
    }
    if (Object.keys(moved).length) setDrag((d) => ({ ...d, ...moved }));
  }, []);

  const onNodeDragStop: OnNodeDrag<StateFlowNode> = useCallback((_e, _node, dragged) => {
    const out: Record<string, { x: number; y: number }> = {};
    for (const n of dragged) out[n.id] = { x: n.position.x, y: n.position.y };
    setDrag({});
    const changed = Object.entries(out).some(([id, pos]) => {
      const before = propsRef.current.positions[id];
      return !before || Math.abs(before.x - pos.x) > 1 || Math.abs(before.y - pos.y) > 1;
    });
    if (changed) propsRef.current.onMove?.(out);
  }, []);

  const onNodeClick: NodeMouseHandler<StateFlowNode> = useCallback(
    (e, node) => {
      interacted.current = true;
      const cur = propsRef.current.selection;
      if (e.ctrlKey || e.metaKey || e.shiftKey) {
        const set = new Set(cur?.kind === 'state' ? [cur.id] : cur?.kind === 'states' ? cur.ids : []);
        if (set.has(node.id)) set.delete(node.id);
        else set.add(node.id);
        const list = [...set];
        onSelect(
          list.length === 0 ? null : list.length === 1 ? { kind: 'state', id: list[0] } : { kind: 'states', ids: list },
        );
        return;
      }
      onSelect({ kind: 'state', id: node.id });
    },
    [onSelect],
  );
  const onNodeDoubleClick: NodeMouseHandler<StateFlowNode> = useCallback((_e, node) => {
    if (propsRef.current.editable) propsRef.current.onRenameStart?.(node.id);
  }, []);
  const onEdgeClick: EdgeMouseHandler<TransitionFlowEdge> = useCallback(
    (_e, edge) => onSelect({ kind: 'edge', id: edge.id }),
    [onSelect],
  );
  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) propsRef.current.onConnect?.(c.source, c.target);
  }, []);
  // A line dropped anywhere on a state (not only on its small handle) connects to it.
  const onConnectEnd = useCallback((e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid || !state.fromNode) return;
    const pt = 'changedTouches' in e ? e.changedTouches[0] : e;
    // the line being drawn is topmost under the pointer: look through it for the innermost state
    const el = document
      .elementsFromPoint(pt.clientX, pt.clientY)
      .map((x) => x.closest('[data-state]'))
      .find(Boolean);
    const target = el?.getAttribute('data-state');
    if (target && target !== state.fromNode.id) propsRef.current.onConnect?.(state.fromNode.id, target);
  }, []);

  // Every handler given to React Flow keeps its identity: a new function would be handed down to all 200 node and
  // 243 transition wrappers on each click and redraw them all.
  const menu = useCallback((target: MenuTarget, e: { preventDefault(): void; clientX: number; clientY: number }) => {
    if (!propsRef.current.onMenu) return;
    e.preventDefault();
    propsRef.current.onMenu(target, { x: e.clientX, y: e.clientY });
  }, []);
  const onNodeContextMenu: NodeMouseHandler<StateFlowNode> = useCallback(
    (e, n) => menu({ kind: 'state', id: n.id }, e),
    [menu],
  );
  const onEdgeContextMenu: EdgeMouseHandler<TransitionFlowEdge> = useCallback(
    (e, ed) => menu({ kind: 'edge', id: ed.id }, e),
    [menu],
  );
  const onPaneContextMenu = useCallback(
    (e: MouseEvent | React.MouseEvent) => {
      const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      menu({ kind: 'pane', x: at.x, y: at.y }, e);
    },
    [menu, rf],
  );
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);
  const onSelectionStart = useCallback(() => {
    boxing.current = new Set();
  }, []);
  const onSelectionEnd = useCallback(() => {
    const got = [...(boxing.current ?? [])];
    boxing.current = null;
    if (got.length) onSelect(got.length === 1 ? { kind: 'state', id: got[0] } : { kind: 'states', ids: got });
  }, [onSelect]);
  const onMoveStart = useCallback((e: MouseEvent | TouchEvent | null) => {
    if (e) interacted.current = true;
  }, []);

  const onDragOver = (e: DragEvent) => {
    if (!p.editable || !e.dataTransfer.types.includes('application/x-gongzhi-palette')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    const kind = e.dataTransfer.getData('application/x-gongzhi-palette');
    if (!kind || !p.editable) return;
    e.preventDefault();
    const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const el = (e.target as HTMLElement).closest('[data-kind=compound]');
    p.onDropNew?.(kind, at, el?.getAttribute('data-state') ?? null);
  };

  // Centre on the focused node; if the layout moves it just after (a new state placed by elk), follow it.
  const focus = p.focus;
  const target = focus ? absolute(p.model, p.positions)[focus.id] : undefined;
  const targetKey = target ? `${target.x},${target.y},${target.width},${target.height}` : '';
  // The first view (and again when elk's layout replaces the quick one, unless the user has moved the view): the
  // whole chart when it fits at a readable zoom, else 100 % from the top, centred on the initial state. The first is
  // worked out before React Flow is drawn (its `defaultViewport`), so that a large chart, which draws only what is in
  // view, draws the states of that view and no others.
  const [opening, setOpening] = useState<Viewport | null>(null);
  useLayoutEffect(() => {
    const el = wrapper.current;
    if (el) setOpening(openingViewport(p.model, p.positions, el.clientWidth, el.clientHeight, READABLE_ZOOM));
    // the first view only; later ones follow the layout below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const kind = p.layoutKind;
  const firstView = useRef(true);
  useEffect(() => {
    performance.mark(`gz:chart-${kind ?? 'drawn'}`);
    const first = firstView.current;
    firstView.current = false;
    if (first || interacted.current) return;
    const raf = requestAnimationFrame(() => {
      const el = wrapper.current;
      if (el)
        void rf.setViewport(openingViewport(p.model, p.positions, el.clientWidth, el.clientHeight, READABLE_ZOOM));
    });
    return () => cancelAnimationFrame(raf);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind]);

  useEffect(() => {
    if (!focus || !target || Date.now() - focus.at > 3000) return;
    interacted.current = true;
    const zoom = Math.max(rf.getZoom(), READABLE_ZOOM);
    void rf.setCenter(target.x + target.width / 2, target.y + target.height / 2, { zoom, duration: 200 });
    // Only when asked to focus (or the focused node moved), not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.id, focus?.at, targetKey]);

  const aria = useMemo(() => {
    const a = (k: StringKey) => t(k);
    return {
      'node.a11yDescription.default': a('a11yNode'),
      'node.a11yDescription.keyboardDisabled': a('a11yNode'),
      'node.a11yDescription.ariaLiveMessage': () => a('a11yMoved'),
      'edge.a11yDescription.default': a('a11yEdge'),
      'controls.ariaLabel': a('chartControls'),
      'controls.zoomIn.ariaLabel': a('zoomIn'),
      'controls.zoomOut.ariaLabel': a('zoomOut'),
      'controls.fitView.ariaLabel': a('fitView'),
      'controls.interactive.ariaLabel': a('chartControls'),
      'minimap.ariaLabel': a('minimap'),
      'handle.ariaLabel': a('handle'),
    };
  }, [t]);

  return (
    <div ref={wrapper} style={{ width: '100%', height: '100%' }} onDragOver={onDragOver} onDrop={onDrop}>
      {opening && (
        <ReactFlow<StateFlowNode, TransitionFlowEdge>
          defaultViewport={opening}
          // a large chart draws only the states and transitions in view; panning and zooming draw the rest
          onlyRenderVisibleElements={p.model.nodes.length > LARGE_CHART}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onNodeDragStop={onNodeDragStop}
          onNodeClick={onNodeClick}
          onNodeDoubleClick={onNodeDoubleClick}
          onEdgeClick={onEdgeClick}
          onPaneClick={onPaneClick}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          connectionRadius={30}
          onNodeContextMenu={onNodeContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneContextMenu={onPaneContextMenu}
          onSelectionStart={onSelectionStart}
          onSelectionEnd={onSelectionEnd}
          onMoveStart={onMoveStart}
          nodesDraggable={p.editable}
          nodesConnectable={p.editable}
          elementsSelectable
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={null}
          selectNodesOnDrag={false}
          zoomOnDoubleClick={false}
          minZoom={0.1}
          maxZoom={2}
          ariaLabelConfig={aria}
          proOptions={{ hideAttribution: true }}
          data-testid={p.testId ?? 'chart'}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false}>
            <ControlButton
              onClick={() => setMap(!map)}
              title={t('minimap')}
              aria-label={t('minimap')}
              data-testid="toggle-minimap"
              className={map ? 'is-on' : ''}
            >
              <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden>
                <rect x="1" y="2" width="10" height="8" fill="none" stroke="currentColor" />
                <rect x="3" y="4" width="4" height="3" fill="currentColor" />
              </svg>
            </ControlButton>
          </Controls>
          {map && p.layoutKind !== 'quick' && <MiniMap pannable zoomable style={{ width: 160, height: 110 }} />}
        </ReactFlow>
      )}
    </div>
  );
}

export function Chart(props: ChartProps) {
  return (
    <ReactFlowProvider>
      <FlowChart {...props} />
    </ReactFlowProvider>
  );
}
